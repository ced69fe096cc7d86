// The hello world every server benchmark serves: the same 13 bytes of text/plain. `app` is a TSGI
// app (for the reference stack and the prefork server's workers); `nodeHandler` is the same page
// for node:http, the peer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TsgiApp } from '#contracts/tsgi';

const body = new TextEncoder().encode('Hello, WSGI!\n');

export const app: TsgiApp = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [body];
};

export function nodeHandler(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  response.end(body);
}
