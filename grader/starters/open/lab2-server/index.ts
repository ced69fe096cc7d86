// Lab 2's public surface, open level: every export the grader and lab 3 use, with its final
// signature. Nothing else is imported from this folder by anyone, so the inside is yours to design:
// replace each body, add any files and helpers you like, and keep these names and signatures.
import type { RequestHead } from '#contracts/http';
import type { Handler, Server, ServerOptions } from '#contracts/server';

/**
 * A web server on plain TCP sockets (or TLS ones, with `options.tls`) that speaks HTTP/1.1 with the
 * lab 1 parser and serializer and hands every request to `handler`. Specified by all of lesson 2.
 */
export function createServer(handler: Handler, options: Partial<ServerOptions> = {}): Server {
  throw new Error('TODO(lab2): createServer is not written yet (lessons/02-server.md#sockets-and-the-event-loop)');
}

/** Whether the client wants the connection kept open after this request. Rules K1-K2 of lesson 2. */
export function wantsKeepAlive(head: RequestHead): boolean {
  throw new Error('TODO(lab2): wantsKeepAlive is not written yet (lessons/02-server.md#keep-alive-and-pipelining)');
}
