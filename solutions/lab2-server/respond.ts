import type { Socket } from 'node:net';
import type { HeaderField, HttpVersion } from '#contracts/http';
import type { ServerResponse } from '#contracts/server';
import { encodeChunk, lastChunk, serializeHead, serializeResponse } from '#http';
import { connectionTokens } from './keep-alive.ts';

/** What the connection knows that the handler's response does not. */
export interface ResponseContext {
  /** The request's method and version: HEAD gets no body; HTTP/1.0 can't take chunks. */
  method: string;
  version: HttpVersion;
  /** Whether the connection may stay open after this response, as far as the server can tell. */
  keepAlive: boolean;
  serverName: string;
  /** Set once the status line has gone out: after that, a failure can only cut the connection. */
  headSent: boolean;
}

/** Headers only the server may set: they describe the connection and the framing, not the content. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * Writes a handler's response to the socket, framed so the client knows where it ends.
 * Resolves to whether the connection can carry another request afterwards.
 * Rejects if the body fails after the head was sent; the caller must then destroy the socket.
 */
export async function writeResponse(socket: Socket, response: ServerResponse, context: ResponseContext): Promise<boolean> {
  // Gather the writes of this tick (head, body, last chunk) into one packet, as node:http does;
  // writes after an await that really waits (a slow stream) still go out as they come.
  socket.cork();
  process.nextTick(() => socket.uncork());
  const { status, reason, body } = response;
  let keepAlive = context.keepAlive && !connectionTokens(response.headers).includes('close');
  const headers: HeaderField[] = response.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
  if (!has(headers, 'date')) headers.push(['Date', httpDate()]);
  if (!has(headers, 'server')) headers.push(['Server', context.serverName]);
  const noBody = context.method === 'HEAD' || status === 204 || status === 304 || status < 200;

  if (body === undefined || body instanceof Uint8Array) {
    headers.push(['Connection', keepAlive ? 'keep-alive' : 'close']);
    const bytes = body ?? new Uint8Array(0);
    if (noBody) {
      // HEAD: the headers a GET would get, Content-Length included, and no body.
      if (context.method === 'HEAD' && !has(headers, 'content-length')) headers.push(['Content-Length', String(bytes.length)]);
      const head = serializeHead({ status, reason, headers });
      context.headSent = true;
      await write(socket, head);
    } else {
      const message = serializeResponse({ status, reason, headers, body: bytes });
      context.headSent = true;
      await write(socket, message);
    }
    return keepAlive;
  }

  // A streamed body. Without a length, HTTP/1.1 gets chunks; HTTP/1.0 has no chunks, so the end
  // of the body is the end of the connection.
  const declared = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
  const chunked = declared === undefined && !noBody && context.version === 'HTTP/1.1';
  if (declared === undefined && !noBody && !chunked) keepAlive = false;
  if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
  headers.push(['Connection', keepAlive ? 'keep-alive' : 'close']);

  // From here on we own the iterator: whatever happens, it is finished (read to its end, or
  // return()ed), so the application's cleanup (TSGI's close()) always runs.
  const iterator = toAsyncIterator(body);
  let finished = false;
  try {
    const head = serializeHead({ status, reason, headers });
    context.headSent = true;
    await write(socket, head);
    if (noBody) return keepAlive;
    let sent = 0;
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      const chunk = step.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError(`a body chunk must be a Uint8Array, got ${typeof chunk}`);
      sent += chunk.length;
      // Bytes past the declared length would be read as the start of the next response.
      if (declared !== undefined && sent > Number(declared)) {
        throw new Error(`the body is longer than its Content-Length of ${declared}`);
      }
      await write(socket, chunked ? encodeChunk(chunk) : chunk);
    }
    finished = true;
    if (chunked) await write(socket, lastChunk());
    if (declared !== undefined && String(sent) !== declared) {
      throw new Error(`Content-Length said ${declared} but the body had ${sent} bytes`);
    }
    return keepAlive;
  } finally {
    if (!finished) await iterator.return?.().catch(() => {});
  }
}

/**
 * Whether the headers have a field of this name (lowercase), in any case. A function of the module
 * rather than a closure made inside writeResponse: a closure is one more object on every response.
 */
function has(headers: HeaderField[], name: string): boolean {
  return headers.some(([field]) => field.toLowerCase() === name);
}

/**
 * The current time as a Date header writes it. The text changes only once a second, so it is made
 * at most once a second and reused in between (node:http does the same): formatting a date for
 * every response costs more than reading the clock.
 */
let dateText = '';
let dateSecond = -1;
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

function toAsyncIterator(body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in body) return body[Symbol.asyncIterator]();
  const sync = body[Symbol.iterator]();
  return {
    next: async () => sync.next(),
    return: async () => sync.return?.() ?? { done: true, value: undefined },
  };
}

/**
 * Finishes a body that will never be written, because the client went away before the response
 * could start: a streamed body's iterator is return()ed all the same, so the application's cleanup
 * runs (F8). Whole bodies (bytes, or none) need nothing.
 */
export async function dropBody(body: ServerResponse['body']): Promise<void> {
  if (body === undefined || body instanceof Uint8Array) return;
  await toAsyncIterator(body).return?.().catch(() => {});
}

/** Writes bytes, waiting while the socket's buffer is full; fails if the socket closes first. */
export function write(socket: Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || !socket.writable) {
      reject(new Error('the connection is closed'));
      return;
    }
    if (socket.write(bytes)) {
      resolve();
      return;
    }
    const done = (error?: Error) => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the connection closed while writing'));
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}
