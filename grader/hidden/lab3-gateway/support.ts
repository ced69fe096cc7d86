// What the hidden tests of lab 3 share: fake requests (an object literal per the lab 2 contract),
// readers for what a handler returns, servers and sockets that are always cleaned up, a bounded
// wait, and a reader for raw HTTP responses. Nothing here reimplements the gateway: expectations
// are written out in the tests themselves.
import net from 'node:net';
import type { HeaderField, HttpVersion } from '#contracts/http';
import type { Server, ServerRequest, ServerResponse } from '#contracts/server';
import type { Environ, StartResponse, TsgiApp, TsgiErrors, TsgiHeaders } from '#contracts/tsgi';
import { createServer } from '#server';
import { serve, tsgiHandler, type GatewayOptions, type ServeOptions } from '@lab/gateway';
import { bounded, bytes, concatBytes, show, text } from '../../harness/index.ts';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An errors sink for apps that fail on purpose: nothing reaches the terminal. */
export const quiet: TsgiErrors = { write() {}, flush() {} };

/** An errors sink that remembers what was written. */
export function errorLog(): TsgiErrors & { text: string; flushes: number } {
  const log = {
    text: '',
    flushes: 0,
    write(line: string) {
      log.text += line;
    },
    flush() {
      log.flushes += 1;
    },
  };
  return log;
}

/** A request body that records whether anyone has started reading it. */
export function source(chunks: Array<string | Uint8Array>, pauseMs = 0): AsyncIterable<Uint8Array> & { started: boolean } {
  const body = {
    started: false,
    async *[Symbol.asyncIterator]() {
      body.started = true;
      for (const chunk of chunks) {
        if (pauseMs > 0) await delay(pauseMs);
        else await Promise.resolve();
        yield typeof chunk === 'string' ? bytes(chunk) : chunk;
      }
    },
  };
  return body;
}

export interface FakeRequestInit {
  method?: string;
  target?: string;
  version?: HttpVersion;
  headers?: HeaderField[];
  body?: AsyncIterable<Uint8Array> | Array<string | Uint8Array>;
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
  /** The request's signal (lab 2 aborts it when the client goes away); a fresh one if not given. */
  signal?: AbortSignal;
}

/** A ServerRequest as lab 2 would hand it over: header names lowercased, the body streamed. */
export function fakeRequest(init: FakeRequestInit = {}): ServerRequest {
  const body = init.body === undefined ? source([]) : Array.isArray(init.body) ? source(init.body) : init.body;
  return {
    method: init.method ?? 'GET',
    target: init.target ?? '/',
    version: init.version ?? 'HTTP/1.1',
    headers: init.headers ?? [['host', 'example.com']],
    body,
    signal: init.signal ?? new AbortController().signal,
    remoteAddress: init.remoteAddress ?? '203.0.113.9',
    remotePort: init.remotePort ?? 51234,
    localAddress: init.localAddress ?? '127.0.0.1',
    localPort: init.localPort ?? 8000,
  };
}

/** The request line of a fake request, for failure messages: `GET /a?b HTTP/1.1`. */
export function requestLine(init: FakeRequestInit = {}): string {
  return `${init.method ?? 'GET'} ${init.target ?? '/'} ${init.version ?? 'HTTP/1.1'}`;
}

/** A fake request as text, for failure messages: the request line, then its headers. */
export function describeRequest(init: FakeRequestInit = {}): string {
  const headers = (init.headers ?? [['host', 'example.com']]).map(([name, value]) => `${name}: ${value}`).join(', ');
  return show(`${requestLine(init)} [${headers}]`);
}

/**
 * Runs an app through the lab's tsgiHandler for one fake request; returns what the server gets.
 * A handler that rejects fails the test with a message that says so (rule H2).
 */
export async function respond(app: TsgiApp, init: FakeRequestInit = {}, options: GatewayOptions = {}): Promise<ServerResponse> {
  const handler = bounded('tsgiHandler(app)', () => tsgiHandler(app, { errors: quiet, ...options }));
  let response: ServerResponse;
  try {
    response = await bounded('the handler returned by tsgiHandler', () => handler(fakeRequest(init)));
  } catch (error) {
    // A stub's TODO and a timeout speak for themselves; anything else is a handler that rejected.
    // The error keeps its stack, so the report still points at the line that threw it.
    if (!(error instanceof Error) || error.name === 'TimeoutError' || error.message.includes('TODO(')) throw error;
    error.message = `for ${requestLine(init)}, the handler rejected (it must resolve with a response, whatever the app did: rule H2): ${error.message}`;
    throw error;
  }
  if (response === null || typeof response !== 'object') {
    throw new Error(`the handler must resolve to a ServerResponse object, got ${String(response)}`);
  }
  return response;
}

/** The chunks a ServerResponse body yields, one by one, the way the server reads them. */
export async function readChunks(body: ServerResponse['body']): Promise<Uint8Array[]> {
  if (body === undefined) return [];
  if (body instanceof Uint8Array) return [body];
  const iterator = iteratorOf(body);
  const chunks: Uint8Array[] = [];
  for (let step = await bounded('the body iterator', () => iterator.next()); !step.done; ) {
    chunks.push(step.value);
    step = await bounded('the body iterator', () => iterator.next());
  }
  return chunks;
}

/** Reads a ServerResponse body to its end, the way the server does. */
export async function readBody(body: ServerResponse['body']): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const iterator =
    Symbol.asyncIterator in body
      ? body[Symbol.asyncIterator]()
      : (body as Iterable<Uint8Array>)[Symbol.iterator]();
  const parts: Uint8Array[] = [];
  for (let step = await bounded('the body iterator', () => iterator.next()); !step.done; ) {
    if (!(step.value instanceof Uint8Array)) {
      throw new TypeError(`the response body handed to the server produced a ${typeof step.value}, not a Uint8Array`);
    }
    parts.push(step.value);
    step = await bounded('the body iterator', () => iterator.next());
  }
  return concatBytes(parts);
}

/** The async iterator of a ServerResponse body, to drive it step by step. */
export function iteratorOf(body: ServerResponse['body']): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  if (body === undefined || body instanceof Uint8Array) {
    throw new Error('the handler gave the server its body as one block of bytes: it must stream the app\'s chunks');
  }
  return Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : (body as Iterable<Uint8Array>)[Symbol.iterator]();
}

/** A header's values in a handler's response (names compared case-insensitively). */
export function headerValues(headers: ServerResponse['headers'], name: string): string[] {
  return headers.filter(([field]) => field.toLowerCase() === name).map(([, value]) => value);
}

/** Adds a counting close() to a body. */
export function withClose<T extends object>(body: T): { body: T & { close(): void }; closes: () => number } {
  let count = 0;
  const closable = Object.assign(body, { close: () => void (count += 1) });
  return { body: closable, closes: () => count };
}

/** A recording startResponse that never refuses anything: to see what an app (or a validator) passes on. */
export function recorder(): { startResponse: StartResponse; calls: Array<[string, TsgiHeaders, unknown]> } {
  const calls: Array<[string, TsgiHeaders, unknown]> = [];
  return { calls, startResponse: (status, headers, excInfo) => void calls.push([status, headers, excInfo]) };
}

/** A complete, valid environ built by hand, for tests that must not depend on buildEnviron. */
export function handmadeEnviron(overrides: Record<string, unknown> = {}): Environ {
  const input = Object.assign(source([]), { read: async () => new Uint8Array(0) });
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '203.0.113.9',
    REMOTE_PORT: '51234',
    HTTP_HOST: 'example.com',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': input,
    'tsgi.errors': quiet,
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    ...overrides,
  } as Environ;
}

/** Polls until `condition` holds, for at most `ms`. */
export async function waitFor(what: string, condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}; it did not happen`);
    await delay(5);
  }
}

// Everything a test opens, closed after it even when the code under test misbehaves.
const servers: Server[] = [];
const sockets: net.Socket[] = [];
const gates: Array<() => void> = [];

/** A promise the test opens when it chooses (and that is opened anyway after the test). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  return { promise, open };
}

export async function cleanup(): Promise<void> {
  for (const open of gates.splice(0)) open();
  for (const socket of sockets.splice(0)) socket.destroy();
  // A server whose connections never finish must not hold up the next test: race close() against a timer.
  await Promise.all(servers.splice(0).map((server) => Promise.race([server.close().catch(() => {}), delay(300)])));
}

/** The lab's tsgiHandler on the reference server (lab 2), on a free port. */
export async function listen(app: TsgiApp, options: GatewayOptions = {}): Promise<number> {
  const handler = bounded('tsgiHandler(app)', () => tsgiHandler(app, { errors: quiet, ...options }));
  const server = createServer(handler, { onError: () => {} });
  servers.push(server);
  return (await server.listen(0)).port;
}

/** The lab's serve() on a free port, unless options.port says otherwise; resolves with the Server it started (closed after the test). */
export async function startServe(app: TsgiApp, options: ServeOptions = {}): Promise<Server> {
  const server = await bounded('serve(app, options)', () => serve(app, { errors: quiet, port: 0, ...options }));
  if (server === null || typeof server !== 'object' || typeof server.close !== 'function') {
    throw new Error('serve() must resolve with the Server it started (the one createServer returned)');
  }
  servers.push(server);
  if (!server.address()) throw new Error('serve() resolved before its server was listening: await server.listen(...)');
  return server;
}

/** The lab's serve() on a free port; resolves with the port. */
export async function serveOnFreePort(app: TsgiApp, options: ServeOptions = {}): Promise<number> {
  return (await startServe(app, options)).address()!.port;
}

/** Opens a raw connection (closed after the test). */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    sockets.push(socket);
    socket.on('error', reject);
  });
}

/**
 * Sends raw bytes and collects what comes back until the server closes the connection, or
 * `ms` pass. `closed` says which.
 */
export async function exchange(port: number, request: string, ms = 2000): Promise<{ raw: string; closed: boolean }> {
  const socket = await connect(port);
  socket.on('error', () => {});
  const parts: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => parts.push(chunk));
  const closed = new Promise<boolean>((resolve) => socket.on('close', () => resolve(true)));
  socket.write(bytes(request));
  const outcome = await Promise.race([closed, delay(ms).then(() => false)]);
  return { raw: text(concatBytes(parts)), closed: outcome };
}

export interface RawResponse {
  statusLine: string;
  headers: Array<[string, string]>;
  /** The body after removing the chunked framing, if any. */
  body: string;
  /** False when the body stopped short: no last chunk, or fewer bytes than Content-Length. */
  complete: boolean;
}

/** Reads the responses in raw bytes (latin1 text), in order. */
export function readResponses(raw: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
    rest = rest.slice(end + 4);
    const get = (name: string) => headers.find(([n]) => n === name)?.[1];
    let body = '';
    let complete = true;
    if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
      complete = false;
      while (true) {
        const lineEnd = rest.indexOf('\r\n');
        if (lineEnd === -1) break;
        const size = parseInt(rest.slice(0, lineEnd), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          // The last chunk, then trailer lines (usually none) and an empty line.
          const after = rest.slice(lineEnd + 2);
          const blank = after.indexOf('\r\n\r\n');
          const end = after.startsWith('\r\n') ? 0 : blank === -1 ? -1 : blank + 2;
          complete = end >= 0;
          rest = complete ? after.slice(end + 2) : '';
          break;
        }
        if (rest.length < lineEnd + 2 + size) {
          body += rest.slice(lineEnd + 2);
          rest = '';
          break;
        }
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
      }
    } else if (get('content-length') !== undefined) {
      const length = Number(get('content-length'));
      body = rest.slice(0, length);
      complete = body.length === length;
      rest = rest.slice(length);
    } else if (/^HTTP\/1\.1 (1\d\d|204|304)/.test(statusLine)) {
      body = '';
    } else {
      body = rest;
      rest = '';
    }
    responses.push({ statusLine, headers, body, complete });
  }
  return responses;
}

/** The one response in raw bytes; fails the test if there is none. */
export function readResponse(raw: string): RawResponse {
  const [response] = readResponses(raw);
  if (!response) throw new Error(`no complete response head came back; received ${JSON.stringify(raw)}`);
  return response;
}
