// The traced request, run in a child process of `npm run trace` with the stack's --conditions
// (the learner's layers where their last grade passed, the reference elsewhere). It records what
// crosses each layer's public surface without touching the layers themselves: lab 1's
// RequestParser is fed the request bytes; lab 2's server runs a handler that is lab 3's
// tsgiHandler around the app, both wrapped to record what they receive and return; the app's
// startResponse and body are wrapped the same way; and a node:net client sends the raw bytes
// and records the raw response. Each record goes to the parent as one IPC message.
import { connect } from 'node:net';
import type { HeaderField, ParseEvent } from '#contracts/http';
import type { Handler, ServerResponse } from '#contracts/server';
import type { Environ, StartResponse, TsgiApp, TsgiBody, TsgiErrors } from '#contracts/tsgi';

export interface TraceArgs {
  method: string;
  target: string;
  headers: HeaderField[];
  body: string | null;
  app: 'hello' | 'environ' | 'router' | 'demo';
  /** Longest wait for the response, in ms. */
  timeoutMs: number;
}

/** What the child reports, in the order it happened. Bytes travel as latin1 text. */
export type TraceEvent =
  | { kind: 'listening'; port: number }
  | { kind: 'send'; bytes: string; size: number }
  | { kind: 'parse'; events: ParsedEvent[] }
  | { kind: 'parse-error'; status?: number; message: string }
  | { kind: 'handler'; request: RequestSummary }
  | { kind: 'route'; path: string; method: string; result: unknown }
  | { kind: 'app-call'; app: string; environ: Array<[string, string]> }
  | { kind: 'start-response'; status: unknown; headers: unknown; excInfo: boolean; error?: string }
  | { kind: 'app-return'; body: string }
  | { kind: 'app-error'; message: string }
  | { kind: 'chunk'; bytes: string; size: number; note?: string }
  | { kind: 'body-end' }
  | { kind: 'iterator-return' }
  | { kind: 'close' }
  | { kind: 'handler-resolve'; status: number; reason?: string; headers: HeaderField[]; body: string }
  | { kind: 'handler-error'; message: string }
  | { kind: 'server-chunk'; bytes: string; size: number }
  | { kind: 'server-end' }
  | { kind: 'server-return' }
  | { kind: 'errors'; text: string }
  | { kind: 'receive'; bytes: string; size: number; complete: boolean; why?: string }
  | { kind: 'error'; where: string; message: string }
  | { kind: 'done' };

export type ParsedEvent =
  | { type: 'head'; method: string; target: string; version: string; headers: HeaderField[] }
  | { type: 'body'; bytes: string; size: number }
  | { type: 'end'; trailers: HeaderField[] };

export interface RequestSummary {
  method: string;
  target: string;
  version: string;
  headers: HeaderField[];
  remote: string;
  local: string;
}

/** Bytes shown in full up to this many; beyond it the trace keeps the start and the size. */
const SHOWN_BYTES = 4096;

/** Resolves once the last message sent has left: exiting earlier could drop it. */
let sent: Promise<void> = Promise.resolve();

function emit(event: TraceEvent): void {
  if (process.send) sent = new Promise((resolve) => process.send!(event, undefined, undefined, () => resolve()));
  else process.stdout.write(`${JSON.stringify(event)}\n`);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SHOWN_BYTES)).toString('latin1');
}

/** An error in a line or two: its message, and where in labs/ or solutions/ it was thrown. */
function message(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const text = `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  const frame = /[(\s]((?:file:\/\/)?[^\s()]*?[/\\]((?:labs|solutions)[/\\][^\s()]+?):(\d+):(\d+))\)?$/m.exec(error.stack ?? '');
  return frame ? `${text}\nat ${frame[2].replace(/\\/g, '/')}:${frame[3]}:${frame[4]}` : text;
}

/** What a body is, in a few words: `[Uint8Array(13)]`, `a generator`, `a string (refused)`. */
function describeBody(body: unknown): string {
  if (Array.isArray(body)) {
    const items = body.map((chunk) => (chunk instanceof Uint8Array ? `Uint8Array(${chunk.length})` : typeof chunk));
    return items.length > 4 ? `[${items.slice(0, 3).join(', ')}, … ${items.length} chunks]` : `[${items.join(', ')}]`;
  }
  if (typeof body === 'string') return `a string of ${body.length} characters (not bytes)`;
  if (body instanceof Uint8Array) return `a bare Uint8Array(${body.length}) (not a list of chunks)`;
  if (body && typeof body === 'object') {
    const name = Object.prototype.toString.call(body).slice(8, -1);
    const closable = typeof (body as { close?: unknown }).close === 'function' ? ' with close()' : '';
    if (Symbol.asyncIterator in body) return `${name === 'AsyncGenerator' ? 'an async generator' : 'an async iterable'}${closable}`;
    if (Symbol.iterator in body) return `${name === 'Generator' ? 'a generator' : `an iterable (${name})`}${closable}`;
    return `an object (${name}), not an iterable`;
  }
  return String(body);
}

/** The app's body, recording every chunk the gateway takes from it and the close() it calls. */
function recordBody(body: TsgiBody): TsgiBody {
  if (!body || typeof body !== 'object' || body instanceof Uint8Array) return body;
  const close = () => {
    emit({ kind: 'close' });
    body.close?.();
  };
  const step = (result: IteratorResult<Uint8Array>) => {
    if (result.done) emit({ kind: 'body-end' });
    else if (result.value instanceof Uint8Array) emit({ kind: 'chunk', bytes: latin1(result.value), size: result.value.length });
    else emit({ kind: 'chunk', bytes: '', size: 0, note: `not a Uint8Array: ${describeBody(result.value)}` });
    return result;
  };
  if (Symbol.asyncIterator in body) {
    const source = body as AsyncIterable<Uint8Array>;
    return {
      [Symbol.asyncIterator]() {
        const iterator = source[Symbol.asyncIterator]();
        const wrapped: AsyncIterator<Uint8Array> = { next: async () => step(await iterator.next()) };
        if (iterator.return) {
          wrapped.return = async (value?: unknown) => {
            emit({ kind: 'iterator-return' });
            return iterator.return!(value);
          };
        }
        return wrapped;
      },
      close,
    };
  }
  if (Symbol.iterator in body) {
    const source = body as Iterable<Uint8Array>;
    return {
      [Symbol.iterator]() {
        const iterator = source[Symbol.iterator]();
        const wrapped: Iterator<Uint8Array> = { next: () => step(iterator.next()) };
        if (iterator.return) {
          wrapped.return = (value?: unknown) => {
            emit({ kind: 'iterator-return' });
            return iterator.return!(value);
          };
        }
        return wrapped;
      },
      close,
    };
  }
  return body;
}

/** The app, recording the environ it gets, its startResponse calls and what it returns. */
function recordApp(name: string, app: TsgiApp): TsgiApp {
  return async (environ: Environ, startResponse: StartResponse) => {
    emit({ kind: 'app-call', app: name, environ: Object.keys(environ).map((key) => [key, show(environ[key])]) });
    const recordingStart: StartResponse = (...args) => {
      const [status, headers, excInfo] = args;
      try {
        startResponse(...args);
        emit({ kind: 'start-response', status, headers, excInfo: excInfo !== undefined });
      } catch (error) {
        emit({ kind: 'start-response', status, headers, excInfo: excInfo !== undefined, error: message(error) });
        throw error;
      }
    };
    try {
      const body = await app(environ, recordingStart);
      emit({ kind: 'app-return', body: describeBody(body) });
      return recordBody(body);
    } catch (error) {
      emit({ kind: 'app-error', message: message(error) });
      throw error;
    }
  };
}

/** An environ value as text: strings as they are, the rest by what they are. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (value && typeof value === 'object') return `<${value.constructor?.name ?? 'object'}>`;
  return String(value);
}

/** The handler lab 2 calls: lab 3's tsgiHandler, recording the request and the response. */
function recordHandler(inner: Handler): Handler {
  return async (request) => {
    emit({
      kind: 'handler',
      request: {
        method: request.method,
        target: request.target,
        version: request.version,
        headers: request.headers,
        remote: `${request.remoteAddress}:${request.remotePort}`,
        local: `${request.localAddress}:${request.localPort}`,
      },
    });
    let response: ServerResponse;
    try {
      response = await inner(request);
    } catch (error) {
      emit({ kind: 'handler-error', message: message(error) });
      throw error;
    }
    emit({
      kind: 'handler-resolve',
      status: response.status,
      reason: response.reason,
      headers: response.headers,
      body: response.body === undefined ? 'none' : response.body instanceof Uint8Array ? `Uint8Array(${response.body.length})` : describeBody(response.body),
    });
    return { ...response, body: recordServerBody(response.body) };
  };
}

/** The body the handler gives lab 2, recording each chunk lab 2 takes and how it stops. */
function recordServerBody(body: ServerResponse['body']): ServerResponse['body'] {
  if (body === undefined || body instanceof Uint8Array) return body;
  const source = body;
  return {
    [Symbol.asyncIterator]() {
      const iterator =
        Symbol.asyncIterator in source
          ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
          : (source as Iterable<Uint8Array>)[Symbol.iterator]();
      return {
        async next() {
          const result = await iterator.next();
          if (result.done) emit({ kind: 'server-end' });
          else emit({ kind: 'server-chunk', bytes: latin1(result.value), size: result.value.length });
          return result;
        },
        async return(value?: unknown) {
          emit({ kind: 'server-return' });
          await iterator.return?.(value);
          return { done: true as const, value: undefined };
        },
      };
    },
  };
}

/** The app the trace runs, by name: lab 3's own apps, a small router app, or the lab 7 demo. */
async function makeApp(which: TraceArgs['app']): Promise<{ name: string; app: TsgiApp }> {
  if (which === 'hello' || which === 'environ') {
    const gateway = await import('#gateway');
    return which === 'hello' ? { name: 'helloApp', app: gateway.helloApp } : { name: 'environApp', app: gateway.environApp };
  }
  if (which === 'router') {
    const { Router, dispatcher } = await import('#routing');
    const router = new Router();
    router.add('/', { endpoint: 'index' });
    router.add('/hello/<name>', { endpoint: 'hello' });
    const match = router.match.bind(router);
    router.match = (path, method, query) => {
      const result = match(path, method, query);
      emit({ kind: 'route', path, method, result });
      return result;
    };
    const text = (startResponse: StartResponse, body: string) => {
      startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
      return [new TextEncoder().encode(body)];
    };
    const app = dispatcher(router, {
      index: (_environ, startResponse) => text(startResponse, 'Hello from the router!\n'),
      hello: (_environ, startResponse, params) => text(startResponse, `Hello, ${String(params.name)}!\n`),
    });
    return { name: "dispatcher(router, { index, hello })", app };
  }
  const { createDemo } = await import('#framework');
  return { name: 'createDemo().tsgi', app: createDemo().tsgi };
}

/** The request as bytes: request line, Host, Accept, the extra fields, then the body if any. */
function requestBytes(args: TraceArgs, port: number): Buffer {
  const names = new Set(args.headers.map(([name]) => name.toLowerCase()));
  const fields: HeaderField[] = [];
  if (!names.has('host')) fields.push(['Host', `localhost:${port}`]);
  if (!names.has('accept')) fields.push(['Accept', '*/*']);
  fields.push(...args.headers);
  const body = args.body === null ? null : Buffer.from(args.body, 'utf8');
  if (body && !names.has('content-length') && !names.has('transfer-encoding')) fields.push(['Content-Length', String(body.length)]);
  const head = `${args.method} ${args.target} HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]);
}

/**
 * How far a response has arrived: 'complete' when its framing says it ended, 'open' when it
 * ends with the connection, 'partial' while more is expected.
 */
function framing(data: Buffer, method: string): 'complete' | 'open' | 'partial' {
  let start = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', start);
    if (end < 0) return 'partial';
    const head = data.subarray(start, end).toString('latin1').split('\r\n');
    const status = Number(head[0]?.split(' ')[1]);
    if (status >= 100 && status < 200) {
      start = end + 4; // an interim response (100 Continue): the real one follows
      continue;
    }
    if (method === 'HEAD' || status === 204 || status === 304) return 'complete';
    const field = (name: string) =>
      head
        .slice(1)
        .map((line) => line.split(':'))
        .find(([n]) => n?.trim().toLowerCase() === name)?.[1]
        ?.trim();
    if (/chunked/i.test(field('transfer-encoding') ?? '')) return chunkedEnd(data, end + 4) ? 'complete' : 'partial';
    const length = field('content-length');
    if (length !== undefined) return data.length >= end + 4 + Number(length) ? 'complete' : 'partial';
    return 'open';
  }
}

function chunkedEnd(data: Buffer, from: number): boolean {
  let at = from;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return false;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return false;
    if (size === 0) return data.indexOf('\r\n\r\n', lineEnd) >= 0 || data.subarray(lineEnd + 2, lineEnd + 4).toString() === '\r\n';
    at = lineEnd + 2 + size + 2;
    if (at > data.length) return false;
  }
}

/** Sends the bytes on a fresh connection and collects the response until it is complete. */
function exchange(port: number, bytes: Buffer, method: string, timeoutMs: number): Promise<TraceEvent> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (complete: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      resolve({ kind: 'receive', bytes: latin1(data), size: data.length, complete, ...(why ? { why } : {}) });
    };
    const timer = setTimeout(() => finish(false, `no complete response within ${timeoutMs / 1000} s`), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (framing(Buffer.concat(chunks), method) === 'complete') finish(true);
    });
    socket.on('end', () => {
      const state = framing(Buffer.concat(chunks), method);
      finish(state !== 'partial', state === 'partial' ? 'the server closed the connection before the response was complete' : undefined);
    });
    socket.on('error', (error) => finish(false, `connection error: ${error.message}`));
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as TraceArgs;
  const { RequestParser } = await import('#http');
  const { createServer } = await import('#server');
  const { tsgiHandler } = await import('#gateway');
  const { name, app } = await makeApp(args.app);
  const errors: TsgiErrors = {
    write: (text) => emit({ kind: 'errors', text }),
    flush: () => {},
  };
  const handler = recordHandler(tsgiHandler(recordApp(name, app), { errors }));
  const server = createServer(handler, {
    onError: (error) => emit({ kind: 'error', where: 'lab 2 ran the handler', message: message(error) }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  emit({ kind: 'listening', port });

  const bytes = requestBytes(args, port);
  emit({ kind: 'send', bytes: latin1(bytes), size: bytes.length });
  try {
    const events: ParseEvent[] = new RequestParser().feed(new Uint8Array(bytes));
    emit({
      kind: 'parse',
      events: events.map((event): ParsedEvent => {
        if (event.type === 'head') return { type: 'head', ...event.head };
        if (event.type === 'body') return { type: 'body', bytes: latin1(event.data), size: event.data.length };
        return { type: 'end', trailers: event.trailers };
      }),
    });
  } catch (error) {
    const status = (error as { status?: unknown })?.status;
    emit({ kind: 'parse-error', message: message(error), ...(typeof status === 'number' ? { status } : {}) });
  }

  emit(await exchange(port, bytes, args.method, args.timeoutMs));
  await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  emit({ kind: 'done' });
}

main().then(
  () => sent.then(() => process.exit(0)),
  (error: unknown) => {
    emit({ kind: 'error', where: 'starting the stack', message: message(error) });
    void sent.then(() => process.exit(1));
  },
);
