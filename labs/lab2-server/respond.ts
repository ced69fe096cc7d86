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
  // TODO(lab2): milestone 1 needs only the first case below; milestone 3 needs all of it.
  // - Headers: drop the handler's hop-by-hop fields (HOP_BY_HOP), add Date and Server if missing.
  //   The connection stays open only if context.keepAlive and the response does not say close.
  // - No body, or a Uint8Array: add Connection (keep-alive or close) and write serializeResponse's
  //   bytes. HEAD, 204, 304 and 1xx get serializeHead alone (HEAD with the Content-Length a GET
  //   would have had).
  // - A streamed body: the handler's Content-Length if it gave one; else chunked for HTTP/1.1;
  //   else (HTTP/1.0) no framing at all, and the connection closes to end the body. Write the
  //   head, then every chunk (encodeChunk when chunked), then lastChunk(). Whatever happens, the
  //   iterator must be finished: read to its end, or return()ed (try/finally). With the handler's
  //   Content-Length, throw (never write) a chunk that would go past it, and throw at the end if
  //   the body was shorter.
  // Set context.headSent before the first write. Resolve to whether the connection stays open.
  throw new Error('TODO(lab2): writeResponse is not written yet (lessons/02-server.md#framing-a-response)');
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
  // TODO(lab2): refuse at once (reject) if the socket is destroyed or no longer writable. Then
  // socket.write(bytes): true means the bytes are handed over, so resolve. False means the socket's
  // buffer is full: resolve on its 'drain' event, reject on 'close', and remove both listeners.
  throw new Error('TODO(lab2): write is not written yet (lessons/02-server.md#request-bodies-and-backpressure)');
}
