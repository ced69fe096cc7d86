// What lab 2's hidden tests share: starting the learner's server (and always closing it), a raw
// TCP client that sends exact bytes and reads back what comes, a tolerant reader of HTTP responses,
// and small timing helpers. Every wait has a bound, so a misbehaving server fails a test instead
// of hanging it. Nothing here implements the server: the reader only splits responses apart.
import net from 'node:net';
import tls from 'node:tls';
import type { Handler, Server, ServerOptions, ServerRequest } from '#contracts/server';
import { createServer } from '@lab/server';
import { bounded, show } from '../../harness/index.ts';

const servers = new Set<Server>();
const sockets = new Set<net.Socket>();

export interface Running {
  server: Server;
  port: number;
  url: string;
}

/** Creates the server under test, listens on a free port of 127.0.0.1, and registers it for cleanUp. */
export async function start(handler: Handler, options: Partial<ServerOptions> = {}): Promise<Running> {
  const server = bounded('createServer()', () => createServer(handler, options));
  servers.add(server);
  const address = await within(2000, 'server.listen(0)', bounded('server.listen(0)', () => server.listen(0, '127.0.0.1')));
  if (typeof address?.port !== 'number' || address.port <= 0) {
    throw new Error(`server.listen(0) should resolve with { address, port }, got ${JSON.stringify(address)}`);
  }
  return { server, port: address.port, url: `http://127.0.0.1:${address.port}` };
}

/** Calls server.close() and waits for it, at most `ms`. Resolves to whether it finished in time. */
export async function closeWithin(server: Server, ms: number): Promise<boolean> {
  const closing = Promise.resolve(bounded('server.close()', () => server.close()));
  return settlesWithin(closing, ms);
}

/** How long cleanUp waits for close(); shortened once a close() has failed to finish in time. */
let cleanUpBoundMs = 1000;

/**
 * After each test: destroy every client socket, then close every server, waiting a bounded time.
 * A server that never finishes closing is left behind; the runner process ends after the grade.
 */
export async function cleanUp(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  const closing = [...servers].map((server) => {
    try {
      return Promise.resolve(bounded('server.close()', () => server.close(), 500)).catch(() => {});
    } catch {
      return Promise.resolve();
    }
  });
  servers.clear();
  // A close() that hangs once will hang after every test: don't make the learner wait for each.
  if (!(await settlesWithin(Promise.all(closing), cleanUpBoundMs))) cleanUpBoundMs = 100;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise`, failing with a message that says what did not happen in time. */
export async function within<T>(ms: number, what: string, promise: T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True if `promise` settles (either way) within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, late]);
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

/** Options that keep a test's expected errors and client aborts out of the console. */
export const quiet: Partial<ServerOptions> = { onError: () => {}, log: () => {} };

/** A handler that answers 200 with a short text body naming the request. */
export const hello: Handler = (request) => ({
  status: 200,
  headers: [['Content-Type', 'text/plain']],
  body: utf8(`hello ${request.method} ${request.target}`),
});

/** Reads a request body to the end, as text (latin1, one character per byte). */
export async function readBody(request: ServerRequest): Promise<string> {
  let body = '';
  for await (const chunk of request.body) body += Buffer.from(chunk).toString('latin1');
  return body;
}

// ---------------------------------------------------------------------------------------------
// Reading responses

/** One response as read off the wire, tolerantly: header names lowercased, any order, any case. */
export interface Reply {
  status: number;
  statusLine: string;
  headers: Array<[string, string]>;
  /** The payload: chunked framing removed. */
  body: string;
  framing: 'none' | 'length' | 'chunked' | 'close';
  /** False when the bytes stopped before the framing said the response ends. */
  complete: boolean;
}

/** Every value of a header in a reply, in order. */
export function values(reply: Reply | undefined, name: string): string[] {
  return (reply?.headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

/** The comma-separated tokens of a header (Connection, Transfer-Encoding), lowercased. */
export function tokens(reply: Reply | undefined, name: string): string[] {
  return values(reply, name).flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

/**
 * Splits received bytes into responses. `methods` are the methods of the requests, in order, for
 * the final responses (a response to HEAD has no body); `closed` says the connection has ended,
 * which completes a response without length or chunks. 1xx responses come out too, with no body.
 */
export function readReplies(raw: string, methods: string[] = [], closed = false): Reply[] {
  const replies: Reply[] = [];
  let pos = 0;
  let finals = 0;
  while (pos < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', pos);
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = raw.slice(pos, headEnd).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line.toLowerCase(), ''] : [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    });
    const reply: Reply = { status, statusLine, headers, body: '', framing: 'none', complete: true };
    replies.push(reply);
    pos = headEnd + 4;
    if (status >= 100 && status < 200) continue;
    const method = methods[finals] ?? 'GET';
    finals += 1;
    const length = values(reply, 'content-length')[0];
    if (method === 'HEAD' || status === 204 || status === 304) continue;
    if (tokens(reply, 'transfer-encoding').includes('chunked')) {
      reply.framing = 'chunked';
      const read = readChunks(raw, pos);
      reply.body = read.body;
      reply.complete = read.end >= 0;
      if (read.end < 0) break;
      pos = read.end;
    } else if (length !== undefined) {
      reply.framing = 'length';
      const n = Number(length);
      reply.body = raw.slice(pos, pos + n);
      reply.complete = raw.length - pos >= n;
      if (!reply.complete) break;
      pos += n;
    } else {
      reply.framing = 'close';
      reply.body = raw.slice(pos);
      reply.complete = closed;
      pos = raw.length;
    }
  }
  return replies;
}

/** Decodes a chunked body starting at `pos`; `end` is where it ends, or -1 if it is not complete. */
function readChunks(raw: string, pos: number): { body: string; end: number } {
  let body = '';
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', pos);
    if (lineEnd < 0) return { body, end: -1 };
    const size = parseInt(raw.slice(pos, lineEnd).split(';')[0]!.trim(), 16);
    if (Number.isNaN(size)) return { body, end: -1 };
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailer fields, then the empty line.
      for (;;) {
        const end = raw.indexOf('\r\n', pos);
        if (end < 0) return { body, end: -1 };
        const line = raw.slice(pos, end);
        pos = end + 2;
        if (line === '') return { body, end: pos };
      }
    }
    if (raw.length < pos + size + 2) {
      body += raw.slice(pos, pos + size);
      return { body, end: -1 };
    }
    body += raw.slice(pos, pos + size);
    pos += size + 2;
  }
}

// ---------------------------------------------------------------------------------------------
// A raw TCP client

/** Shortens escaped bytes for a failure message. */
function clip(text: string, max = 600): string {
  const shown = show(text.length > max ? text.slice(0, max) : text);
  return shown.length > max ? `${shown.slice(0, max)}... (${text.length} bytes)` : shown;
}

/**
 * A client on a plain socket: sends exactly the bytes a test gives it and records what comes back.
 * `story()` tells, for a failure message, what was sent and what was received.
 */
export class Client {
  readonly socket: net.Socket;
  #received = '';
  #sent = '';
  #ended = false;
  #reset = false;
  #listeners = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#received += chunk.toString('latin1');
      this.#changed();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#changed();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#changed();
    });
    socket.on('error', () => {
      this.#reset = true; // ECONNRESET and the like: 'close' follows
    });
  }

  /**
   * `allowHalfOpen`: the client does not close its side when the server closes its own.
   * `ca`: speak TLS, trusting only this certificate (PEM): the connection is made once the
   * handshake succeeded, which proves the server holds that certificate and its key.
   */
  static async connect(port: number, options: { allowHalfOpen?: boolean; ca?: string } = {}): Promise<Client> {
    const where = { port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false };
    const socket = options.ca ? tls.connect({ ...where, ca: options.ca }) : net.connect(where);
    sockets.add(socket);
    const client = new Client(socket);
    await within(
      options.ca ? 3000 : 1000,
      `${options.ca ? 'a TLS handshake with' : 'connecting to'} 127.0.0.1:${port}`,
      new Promise<void>((resolve, reject) => {
        socket.once(options.ca ? 'secureConnect' : 'connect', resolve);
        socket.once('error', reject);
      }),
    );
    return client;
  }

  /** Everything received so far, one character per byte. */
  get received(): string {
    return this.#received;
  }

  /** True once the server has ended or closed the connection. */
  get closed(): boolean {
    return this.#ended;
  }

  /** True if the connection was reset or broke with an error rather than ending cleanly. */
  get reset(): boolean {
    return this.#reset;
  }

  send(text: string): void {
    this.#sent += text;
    if (!this.socket.destroyed) this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** Sends the pieces one by one, `delayMs` apart, stopping early if the server closes. */
  async sendSlowly(pieces: string[], delayMs: number): Promise<void> {
    for (const [i, piece] of pieces.entries()) {
      if (this.closed) return;
      if (i > 0) await sleep(delayMs);
      this.send(piece);
    }
  }

  /**
   * Writes the pieces as fast as the server takes them: after a write the socket's buffer could
   * not take, it waits for 'drain'. Stops when all are written, when the connection closes, or
   * when no 'drain' came for `stallMs` (the server has stopped reading). `pieces` counts the
   * pieces handed to the socket (the last of them may still sit in its buffer).
   */
  async pump(pieces: Iterable<Uint8Array>, stallMs = 1000): Promise<{ sent: number; pieces: number; stalled: boolean }> {
    let sent = 0;
    let count = 0;
    try {
      for (const piece of pieces) {
        if (this.closed || this.socket.destroyed) break;
        sent += piece.length;
        count += 1;
        if (this.socket.write(piece)) continue;
        const drained = await new Promise<boolean>((resolve) => {
          const onDrain = () => {
            clearTimeout(timer);
            resolve(true);
          };
          const timer = setTimeout(() => {
            this.socket.off('drain', onDrain);
            resolve(false);
          }, stallMs);
          this.socket.once('drain', onDrain);
        });
        if (!drained) return { sent, pieces: count, stalled: true };
      }
      return { sent, pieces: count, stalled: false };
    } finally {
      this.#sent += `[${sent} bytes in ${count} pieces]`;
    }
  }

  /** What was sent and received, for a failure message. */
  story(): string {
    return `sent ${clip(this.#sent)}; received ${clip(this.#received)}${this.#ended ? '; then the connection closed' : ''}`;
  }

  /** Resolves to true when `condition()` holds, or false after `ms`. Checked on every event. */
  async until(condition: () => boolean, ms: number): Promise<boolean> {
    if (condition()) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(condition()), ms);
      this.#listeners.add(check);
    });
  }

  /** All responses received so far, 1xx included. */
  replies(methods: string[] = []): Reply[] {
    return readReplies(this.#received, methods, this.#ended);
  }

  /** Final (non-1xx) responses received so far. */
  finals(methods: string[] = []): Reply[] {
    return this.replies(methods).filter((reply) => reply.status >= 200 || Number.isNaN(reply.status));
  }

  /**
   * Waits until `count` complete final responses have arrived (or the connection closes, or `ms`
   * pass) and returns the final responses read so far, complete or not.
   */
  async responses(count: number, ms = 2000, methods: string[] = []): Promise<Reply[]> {
    const done = () => this.finals(methods).filter((r) => r.complete).length >= count;
    await this.until(() => done() || this.closed, ms);
    return this.finals(methods);
  }

  /** Waits for one complete final response and returns it, failing with the story if none came. */
  async response(ms = 2000, method = 'GET'): Promise<Reply> {
    const replies = await this.responses(1, ms, [method]);
    const first = replies[0];
    if (!first || !first.complete) throw new Error(`expected a complete response within ${ms} ms; ${this.story()}`);
    return first;
  }

  /** Resolves to true if the server ends or closes the connection within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    return this.until(() => this.closed, ms);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** A request as text, with CRLF line ends: `request('GET /', ['Host: x'])`. */
export function request(line: string, headers: string[] = ['Host: test'], body = ''): string {
  const [method, target, version = 'HTTP/1.1'] = line.split(' ');
  return `${method} ${target} ${version}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}
