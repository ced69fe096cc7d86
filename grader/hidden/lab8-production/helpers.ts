// What lab 8's hidden tests share: an environ built by hand, a caller that runs a (wrapped) TSGI
// app and collects what it sent, the reference server and gateway to put an app or a handler on a
// real port (always closed after the test), a raw TCP client that sends exact bytes (fetch would
// tidy `..` and `%2e%2e` away before they left), and temp folders. Nothing here implements the
// middleware: the readers only split apart what the learner's code produced.
//
// Every wait is a bound on a hang, never a measurement: these machines are shared and can be slow,
// so the bounds are many seconds, and a test waits for the event it needs (a chunk, a close, an
// answer), never for a fixed time before it looks.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import type { Handler, Server, ServerOptions } from '#contracts/server';
import type { Environ, StartResponse, TsgiApp, TsgiErrors, TsgiHeaders, TsgiInput } from '#contracts/tsgi';
import { tsgiHandler } from '#gateway';
import { createServer } from '#server';
import { bounded, show, test, type TestOptions } from '../../harness/index.ts';

export const onWindows = process.platform === 'win32';

/**
 * A graded test, or, where `skip` gives a reason, the same test skipped with the reason in its
 * name and its report, so a learner on that platform sees why it did not run.
 */
export function testUnless(skip: string | false, name: string, options: TestOptions, fn: () => unknown): void {
  if (!skip) return test(name, options, fn);
  test(`${name} (skipped: ${skip})`, options, ((context: TestContext) => context.skip(skip)) as unknown as () => unknown);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, failing with a message that says what did not happen in time. */
export async function within<T>(ms: number, what: string, promise: T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(promise), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolve function outside: a gate a handler waits at, or a signal it gives. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** An errors log that keeps what was written (apps that fail on purpose stay off the terminal). */
export function errorLog(): TsgiErrors & { text: string } {
  const log = {
    text: '',
    write(line: string) {
      log.text += line;
    },
    flush() {},
  };
  return log;
}

/** tsgi.input over one body, handed out in pieces of `piece` bytes. */
class BodyInput implements TsgiInput {
  #rest: Uint8Array;
  readonly #piece: number;

  constructor(body: Uint8Array, piece: number) {
    this.#rest = body;
    this.#piece = piece;
  }

  async read(size = Infinity): Promise<Uint8Array> {
    await Promise.resolve();
    const taken = this.#rest.subarray(0, Math.min(size, this.#rest.length));
    this.#rest = this.#rest.subarray(taken.length);
    return taken;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (this.#rest.length > 0) yield await this.read(this.#piece);
  }
}

export interface CallInit {
  method?: string;
  /** The path as a client would write it, with its query: `/static/a.txt?x=1`. */
  path?: string;
  /** Request headers by name: `{ 'Accept-Encoding': 'gzip' }`. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Leave CONTENT_LENGTH out (a chunked upload, as the gateway presents it). */
  noLength?: boolean;
  remoteAddr?: string;
}

/** An environ as the gateway (lab 3) would build it for this request. */
export function makeEnviron(init: CallInit = {}): Environ {
  const target = init.path ?? '/';
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  const body = typeof init.body === 'string' ? utf8(init.body) : (init.body ?? new Uint8Array());
  const environ: Environ = {
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: '',
    // PATH_INFO is percent-decoded, as bytes-as-text (one character per byte).
    PATH_INFO: Buffer.from(decodeURIComponent(rawPath), 'utf8').toString('latin1'),
    QUERY_STRING: question === -1 ? '' : target.slice(question + 1),
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: init.remoteAddr ?? '127.0.0.1',
    REMOTE_PORT: '50000',
    HTTP_HOST: 'localhost:8000',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': new BodyInput(body, 4),
    'tsgi.errors': errorLog(),
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  if (init.body !== undefined && !init.noLength) environ.CONTENT_LENGTH = String(body.length);
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    const key = name.toUpperCase().replace(/-/g, '_');
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') environ[key] = value;
    else environ[`HTTP_${key}`] = value;
  }
  return environ;
}

/** How long a middleware may take to answer, or to send its whole body, before the test fails. */
/**
 * The bounds on waits are generous because a busy machine is slow. The course's own breakers check
 * (copies of the reference, each broken on purpose, where a wait that runs out is the expected
 * outcome) sets GRADER_WAIT_SCALE below 1 in its broken copies; a grade never does.
 */
export const WAIT_SCALE = Math.min(1, Number(process.env.GRADER_WAIT_SCALE) || 1);
export const APP_BOUND_MS = 10_000;

/** The request an environ stands for, for a failure message: `GET /a?b (Accept-Encoding: gzip; body 3 bytes)`. */
export function describeRequest(environ: Environ): string {
  const headers = Object.entries(environ)
    .filter(([key]) => key.startsWith('HTTP_') || key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH')
    .map(([key, value]) => `${key}: ${String(value)}`);
  const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
  const extra = [
    ...headers,
    environ.SCRIPT_NAME ? `SCRIPT_NAME ${JSON.stringify(environ.SCRIPT_NAME)}` : '',
    `REMOTE_ADDR ${String(environ.REMOTE_ADDR)}`,
  ].filter(Boolean);
  return `${environ.REQUEST_METHOD} ${show(environ.SCRIPT_NAME + environ.PATH_INFO)}${query} (${extra.join('; ')})`;
}

/** What an app sent for one request. */
export interface Answer {
  status: number;
  statusLine: string;
  headers: TsgiHeaders;
  /** Every startResponse call, in order. */
  calls: Array<[string, TsgiHeaders]>;
  bytes: Buffer;
  text: string;
  /** Every value of a header, any case. */
  all(name: string): string[];
  /** The first value of a header, any case, or undefined. */
  header(name: string): string | undefined;
  /** The request and the response, for a failure message. */
  story: string;
}

export function headerTools(headers: TsgiHeaders): Pick<Answer, 'all' | 'header'> {
  const all = (name: string) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return { all, header: (name) => all(name)[0] };
}

/**
 * Calls a TSGI app once, as a server would: with an environ for `init`, reads the whole body
 * (bounded in time) and closes it. Calls into the app are bounded, so a loop fails the test.
 */
export async function callApp(app: TsgiApp, init: CallInit | Environ = {}): Promise<Answer> {
  const calls: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => {
    calls.push([status, headers]);
  };
  const environ = 'REQUEST_METHOD' in init ? (init as Environ) : makeEnviron(init as CallInit);
  const request = describeRequest(environ);
  const body = await within(APP_BOUND_MS, `the app answering ${request}`, bounded('app(environ, startResponse)', () => app(environ, startResponse)));
  const chunks: Uint8Array[] = [];
  try {
    await within(
      APP_BOUND_MS,
      `reading the whole body of the answer to ${request}`,
      (async () => {
        for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      })(),
    );
  } finally {
    body.close?.();
  }
  if (calls.length === 0) throw new Error(`the app returned its body without calling startResponse, for ${request}`);
  const [statusLine, headers] = calls.at(-1)!;
  const bytes = Buffer.concat(chunks);
  const story =
    `request ${request}; startResponse calls: ${calls.map(([status, h]) => `${JSON.stringify(status)} ${JSON.stringify(h)}`).join(', ')}; ` +
    `body ${clip(bytes.toString('latin1'), 300)}`;
  return { status: Number(statusLine.slice(0, 3)), statusLine, headers, calls, bytes, text: bytes.toString('utf8'), story, ...headerTools(headers) };
}

/** An app that answers 200 with the given type and body, and the headers given. */
export function textApp(body: string | Uint8Array, type = 'text/plain; charset=utf-8', extra: TsgiHeaders = []): TsgiApp {
  return (_environ, startResponse) => {
    const bytes = typeof body === 'string' ? utf8(body) : body;
    startResponse('200 OK', [['Content-Type', type], ['Content-Length', String(bytes.length)], ...extra]);
    return [bytes];
  };
}

// ---------------------------------------------------------------------------------------------
// Real servers: the reference labs 2 and 3, on free ports of 127.0.0.1

const servers = new Set<Server>();
const sockets = new Set<net.Socket>();

export interface Running {
  server: Server;
  port: number;
  url: string;
}

/** A lab 2 handler on the reference server. */
export async function serveHandler(handler: Handler, options: Partial<ServerOptions> = {}): Promise<Running> {
  const server = createServer(handler, { onError: () => {}, keepAliveTimeoutMs: 1000, ...options });
  servers.add(server);
  const { port } = await within(10_000, 'the reference server listening', server.listen(0, '127.0.0.1'));
  return { server, port, url: `http://127.0.0.1:${port}` };
}

/** A TSGI app on the reference server and gateway. */
export function serveApp(app: TsgiApp, errors: TsgiErrors = errorLog()): Promise<Running> {
  return serveHandler(tsgiHandler(app, { errors }));
}

/** After each test: drop client sockets, close every server (bounded). */
export async function cleanUp(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  const closing = [...servers].map((server) => Promise.race([server.close().catch(() => {}), sleep(2000)]));
  servers.clear();
  await Promise.all(closing);
}

const folders: string[] = [];

/** A fresh folder under the system's temp folder; removed by removeTempFolders. */
export function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab8-'));
  folders.push(dir);
  return dir;
}

export function removeTempFolders(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// A raw TCP client

/** One response as read off the wire: names lowercased, the body with chunked framing removed. */
export interface Reply {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The bytes as received, one character per byte, for failure messages. */
  raw: string;
  framing: 'length' | 'chunked' | 'close' | 'none';
  all(name: string): string[];
  header(name: string): string | undefined;
}

/** Shortens escaped bytes for a failure message. */
export function clip(text: string, max = 500): string {
  const shown = show(text);
  return shown.length > max ? `${shown.slice(0, max)}... (${text.length} bytes)` : shown;
}

/** Splits one response out of received bytes (a HEAD response, or 204/304, has no body). */
export function parseReply(raw: Buffer, method = 'GET'): Reply | null {
  const text = raw.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const status = Number(statusLine.split(' ')[1]);
  const all = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v);
  const rest = raw.subarray(headEnd + 4);
  let body = rest;
  let framing: Reply['framing'] = 'close';
  if (method === 'HEAD' || status === 204 || status === 304) {
    body = Buffer.alloc(0);
    framing = 'none';
  } else if (all('transfer-encoding').some((v) => /chunked/i.test(v))) {
    framing = 'chunked';
    body = dechunk(rest);
  } else if (all('content-length').length > 0) {
    framing = 'length';
    body = rest.subarray(0, Number(all('content-length')[0]));
  }
  return { status, headers, body, raw: text, framing, all, header: (name) => all(name)[0] };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos, 'latin1');
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** A connection that records everything it receives. */
export class RawClient {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  closed = false;
  #sent = '';
  #listeners = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#changed();
    });
    const end = () => {
      this.closed = true;
      this.#changed();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    sockets.add(socket);
    const client = new RawClient(socket);
    await within(
      10_000,
      `connecting to 127.0.0.1:${port}`,
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
    );
    return client;
  }

  /** Sends text as bytes, one byte per character. */
  send(text: string): void {
    this.#sent += text;
    if (!this.socket.destroyed) this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** True once `condition` holds (checked on every event), false after `ms`. */
  until(condition: () => boolean, ms: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => condition() && finish(true);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(condition()), ms);
      this.#listeners.add(check);
    });
  }

  /** Resolves once the connection has closed; false if it is still open after `ms`. */
  closes(ms: number): Promise<boolean> {
    return this.until(() => this.closed, ms);
  }

  /** What was sent and received, for a failure message. */
  story(): string {
    return `sent ${clip(this.#sent)}; received ${clip(this.received.toString('latin1'))}${this.closed ? '; then the connection closed' : '; the connection is still open'}`;
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * Sends one request as exact bytes (with `Connection: close`, so the server ends the connection
 * after its answer) and reads the whole response. `lines` are the request line and header lines.
 */
export async function rawRequest(port: number, lines: string[], body = '', ms = 10_000): Promise<Reply & { story: string }> {
  const client = await RawClient.connect(port);
  const [requestLine = ''] = lines;
  client.send(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`);
  await client.until(() => client.closed, ms);
  const reply = parseReply(client.received, requestLine.split(' ')[0]);
  if (!reply) throw new Error(`expected a response within ${ms} ms; ${client.story()}`);
  return { ...reply, story: client.story() };
}
