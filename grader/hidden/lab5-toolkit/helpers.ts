// What lab 5's hidden tests share: environs built by hand (the CGI keys and a tsgi.input over bytes
// we choose, which counts what the reader took), a runner that calls a TSGI app and collects what
// it sent, a Set-Cookie reader that ignores case and order, and catchers for refusals. Nothing
// here implements the toolkit: the readers only split what the learner's code produced.
import type { RequestOptions } from '#contracts/toolkit';
import type { Environ, StartResponse, TsgiApp, TsgiHeaders, TsgiInput } from '#contracts/tsgi';
import { bounded, bytes, concatBytes, show, text } from '../../harness/index.ts';

const EMPTY = new Uint8Array(0);

/**
 * A tsgi.input over chunks we choose (a lazy iterable, so a stream can be long without existing
 * in memory). `delivered` counts the bytes handed to the reader, by read() or by iteration.
 */
export class TestInput implements TsgiInput {
  delivered = 0;
  /** What the body is, for failure messages: its bytes (the start of them), or how a stream is made. */
  readonly description: string;
  readonly #source: Iterator<Uint8Array>;
  #pending: Uint8Array = EMPTY;

  constructor(chunks: Iterable<Uint8Array> & { description?: string }) {
    this.#source = chunks[Symbol.iterator]();
    this.description = chunks.description ?? describeChunks(chunks);
  }

  /** Makes sure #pending holds bytes; false at the end of the body. */
  #fill(): boolean {
    while (this.#pending.length === 0) {
      const step = this.#source.next();
      if (step.done) return false;
      this.#pending = step.value;
    }
    return true;
  }

  async read(size = Infinity): Promise<Uint8Array> {
    await Promise.resolve();
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < size && this.#fill()) {
      const take = Math.min(size - total, this.#pending.length);
      parts.push(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      total += take;
    }
    this.delivered += total;
    return concatBytes(parts);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (this.#fill()) {
      await Promise.resolve();
      const chunk = this.#pending;
      this.#pending = EMPTY;
      this.delivered += chunk.length;
      yield chunk;
    }
  }
}

/** `count` chunks of `size` bytes each, made one at a time as the reader asks. */
export function stream(count: number, size: number, byte = 0x61): Iterable<Uint8Array> & { description: string } {
  return {
    description: `a stream of ${count} chunks of ${size} bytes (${count * size} bytes)`,
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(byte);
    },
  };
}

/** At most this many bytes of a body are shown in a failure message. */
const SHOWN = 120;

function describeChunks(chunks: Iterable<Uint8Array>): string {
  if (!Array.isArray(chunks)) return 'a stream';
  const all = concatBytes(chunks);
  if (all.length === 0) return 'no body';
  const start = show(all.subarray(0, SHOWN));
  return `the body ${start}${all.length > SHOWN ? '...' : ''} (${all.length} bytes in ${chunks.length} ${chunks.length === 1 ? 'chunk' : 'chunks'})`;
}

/** The environ keys `environ()` sets by default, to show only what a test changed. */
const DEFAULTS: Record<string, unknown> = {
  REQUEST_METHOD: 'GET',
  SCRIPT_NAME: '',
  PATH_INFO: '/',
  QUERY_STRING: '',
  SERVER_NAME: 'example.com',
  SERVER_PORT: '80',
  SERVER_PROTOCOL: 'HTTP/1.1',
  REMOTE_ADDR: '127.0.0.1',
  REMOTE_PORT: '50123',
  HTTP_HOST: 'example.com',
  'tsgi.url_scheme': 'http',
};

/** `HTTP_X_FORWARDED_FOR` -> `X-Forwarded-For`. */
function headerName(cgi: string): string {
  return cgi
    .replace(/^HTTP_/, '')
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('-');
}

/**
 * The request an environ stands for, on one line, for failure messages: the request line, the
 * headers, what differs from a plain request, the options and the body. Strings are bytes as text:
 * CR, LF and bytes past ASCII are shown escaped.
 */
export function showRequest(env: Environ, options?: RequestOptions): string {
  const raw = (value: unknown) => show(String(value)).slice(1, -1);
  const query = env.QUERY_STRING ? `?${env.QUERY_STRING}` : '';
  const parts = [`${raw(env.REQUEST_METHOD)} ${raw(`${env.SCRIPT_NAME}${env.PATH_INFO}${query}`)}`];
  if (env.SCRIPT_NAME) parts.push(`SCRIPT_NAME ${show(env.SCRIPT_NAME)}, PATH_INFO ${show(env.PATH_INFO)}`);
  for (const [key, value] of Object.entries(env)) {
    const isHeader = key.startsWith('HTTP_') || key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH';
    if (isHeader && !(key === 'HTTP_HOST' && value === DEFAULTS.HTTP_HOST)) parts.push(`${headerName(key)}: ${raw(value)}`);
    else if (!isHeader && key in DEFAULTS && !['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING'].includes(key) && value !== DEFAULTS[key]) {
      parts.push(`${key} ${show(String(value))}`);
    }
  }
  if (!('HTTP_HOST' in env)) parts.push('no Host header');
  if (options && Object.keys(options).length > 0) parts.push(`options ${JSON.stringify(options)}`);
  const input = env['tsgi.input'];
  if (input instanceof TestInput) parts.push(input.description);
  return parts.join(' · ');
}

/** What a TSGI app sent, on one line: status, headers and the start of the body. */
export function showResponse(sent: Sent): string {
  const head = [show(sent.status), ...sent.headers.map(([name, value]) => `${name}: ${show(value).slice(1, -1)}`)];
  const body = sent.body.length === 0 ? 'no body' : `body ${show(sent.body.subarray(0, SHOWN))}${sent.body.length > SHOWN ? '...' : ''}`;
  return [...head, body].join(' · ');
}

/** Cuts bytes into pieces of `size`, the way a body might arrive from the server. */
export function pieces(data: Uint8Array, size = 7): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** UTF-8 text as TSGI's "bytes as text": one character per byte, as PATH_INFO arrives. */
export function asBytesText(utf8: string): string {
  return Buffer.from(utf8, 'utf8').toString('latin1');
}

export function utf8Bytes(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, 'utf8'));
}

export function utf8Text(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

/**
 * An environ for `GET http://example.com/` from 127.0.0.1, with `fields` on top. A field set to
 * undefined is left out. `body` is the request body: bytes as given (latin1 for a string), or
 * chunks; the input is the TestInput at environ['tsgi.input'].
 */
export function environ(fields: Record<string, unknown> = {}, body: string | Uint8Array | Iterable<Uint8Array> = EMPTY): Environ {
  const chunks = typeof body === 'string' ? [bytes(body)] : body instanceof Uint8Array ? [body] : body;
  const env: Record<string, unknown> = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'example.com',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50123',
    HTTP_HOST: 'example.com',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': new TestInput(chunks),
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    ...fields,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as Environ;
}

/** The environ of a POST with this Content-Type and body (an honest Content-Length, 7-byte chunks). */
export function post(contentType: string | undefined, body: string | Uint8Array, fields: Record<string, unknown> = {}): Environ {
  const data = typeof body === 'string' ? bytes(body) : body;
  return environ(
    { REQUEST_METHOD: 'POST', CONTENT_TYPE: contentType, CONTENT_LENGTH: String(data.length), ...fields },
    pieces(data),
  );
}

export function inputOf(env: Environ): TestInput {
  return env['tsgi.input'] as TestInput;
}

export interface MultipartPart {
  /** Header lines of the part, bytes as text. */
  headers: string[];
  body: string | Uint8Array;
}

/** A multipart/form-data body (RFC 7578), written out by hand so a test can also break it. */
export function multipart(
  boundary: string,
  parts: MultipartPart[],
  { preamble = '', epilogue = '', close = true }: { preamble?: string; epilogue?: string; close?: boolean } = {},
): Uint8Array {
  const out: Uint8Array[] = [bytes(preamble)];
  for (const part of parts) {
    out.push(bytes(`--${boundary}\r\n${part.headers.map((h) => `${h}\r\n`).join('')}\r\n`));
    out.push(typeof part.body === 'string' ? bytes(part.body) : part.body);
    out.push(bytes('\r\n'));
  }
  if (close) out.push(bytes(`--${boundary}--\r\n${epilogue}`));
  return concatBytes(out);
}

/** A text field part. */
export function field(name: string, value: string): MultipartPart {
  return { headers: [`Content-Disposition: form-data; name="${name}"`], body: value };
}

export interface Sent {
  status: string;
  headers: TsgiHeaders;
  body: Uint8Array;
  /** How many chunks the body came in. */
  chunks: number;
  startResponseCalls: number;
}

/** Calls a TSGI app, collects what it sends, and closes its body, as a server would. */
export async function run(app: TsgiApp, env: Environ = environ()): Promise<Sent> {
  let status = '';
  let headers: TsgiHeaders = [];
  let startResponseCalls = 0;
  const startResponse: StartResponse = (s, h) => {
    startResponseCalls++;
    status = s;
    headers = h;
  };
  const body = await bounded('calling the TSGI app', () => app(env, startResponse));
  const chunks: Uint8Array[] = [];
  if (body !== null && typeof body === 'object' && Symbol.iterator in body) {
    chunks.push(...bounded('iterating the body', () => [...(body as Iterable<Uint8Array>)]));
  } else {
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  }
  if (typeof body.close === 'function') bounded('body.close()', () => body.close!());
  for (const chunk of chunks) {
    if (!(chunk instanceof Uint8Array)) throw new Error(`the body yielded ${typeof chunk}, not a Uint8Array`);
  }
  return { status, headers, body: concatBytes(chunks), chunks: chunks.length, startResponseCalls };
}

/** Every value of a header, names compared case-insensitively. */
export function values(headers: Iterable<[string, string]>, name: string): string[] {
  return [...headers].filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

export interface SetCookie {
  name: string;
  /** The value as written in the header, still encoded. */
  raw: string;
  /** Attributes by lowercased name: the value, or true for a flag (Secure, HttpOnly). */
  attributes: Map<string, string | true>;
}

/** Reads a Set-Cookie value (RFC 6265 §5.2): attributes in any order and any case. */
export function readSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq === -1) throw new Error(`a Set-Cookie value starts with name=value, got ${JSON.stringify(header)}`);
  const attributes = new Map<string, string | true>();
  for (const item of rest) {
    const at = item.indexOf('=');
    const key = (at === -1 ? item : item.slice(0, at)).trim().toLowerCase();
    if (key !== '') attributes.set(key, at === -1 ? true : item.slice(at + 1).trim());
  }
  return { name: pair.slice(0, eq).trim(), raw: pair.slice(eq + 1).trim(), attributes };
}

/** RFC 6265 §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ). */
export const COOKIE_VALUE = /^(?:[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")$/;

/** An error a test expects the learner's code to throw; a TODO or a timeout is passed on instead. */
function isOwnFailure(error: unknown): boolean {
  const message = (error as Error | null)?.message ?? '';
  return message.startsWith('TODO(') || (error as Error | null)?.name === 'TimeoutError';
}

/** The status of the error `fn` throws or rejects with (an HttpException), or 'accepted'. */
export async function refusal(what: string, fn: () => unknown): Promise<number | 'accepted'> {
  const outcome = await caught(what, fn);
  if (!('error' in outcome)) return 'accepted';
  const status = (outcome.error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return status;
  throw outcome.error;
}

/** What `fn` resolved with, or `{ error }` if it threw or rejected with anything but a TODO or a timeout. */
export async function caught<T>(what: string, fn: () => T | Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await bounded(what, fn) };
  } catch (error) {
    if (isOwnFailure(error)) throw error;
    return { error };
  }
}

/** Lets the event loop turn a few times, so that work a call started in the background can run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** What `fn` gave, or `{ threw }` if it threw anything but a TODO or a timeout. */
export function attempt<T>(what: string, fn: () => T): { value: T } | { threw: unknown } {
  try {
    return { value: bounded(what, fn) };
  } catch (error) {
    if (isOwnFailure(error)) throw error;
    return { threw: error };
  }
}

/** Text of an HTML page with its character references undone, to find an escaped description. */
export function htmlText(html: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return html.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return named[ref.toLowerCase()] ?? whole;
  });
}

export { text };
