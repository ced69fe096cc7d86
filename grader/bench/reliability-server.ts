// One server for grader/bench/reliability.mjs, in a process of its own: the reference stack (labs
// 1-3, `serve` from the gateway) or node:http, with the same three pages and the same timeouts.
//   GET  /       a short text page
//   POST /echo   the request body, sent back
//   POST /read   reads the body, answers with its size
// Prints {"event":"listening","port":N} when ready; answers {"rss":bytes} to the message "rss"
// (its parent asks over IPC); stops on SIGTERM. Run with --conditions=reference.
//   node --import tsx --conditions=reference grader/bench/reliability-server.ts reference|node-http
import http from 'node:http';
import type { Environ, TsgiApp } from '#contracts/tsgi';
import { serve } from '#gateway';

/** The timeouts both servers get, so their cut-off times can be compared. */
export const TIMEOUTS = { headerMs: 2000, bodyMs: 2000 };

const encoder = new TextEncoder();

async function readAll(input: Environ['tsgi.input']): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of input) parts.push(chunk);
  return Buffer.concat(parts);
}

const app: TsgiApp = async (environ, startResponse) => {
  const path = environ.PATH_INFO;
  if (environ.REQUEST_METHOD === 'POST' && (path === '/echo' || path === '/read')) {
    const body = await readAll(environ['tsgi.input']);
    const out = path === '/echo' ? body : encoder.encode(`${body.length}\n`);
    startResponse('200 OK', [['Content-Type', 'application/octet-stream'], ['Content-Length', String(out.length)]]);
    return [out];
  }
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [encoder.encode('Hello, WSGI!\n')];
};

function nodeHandler(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.method === 'POST' && (request.url === '/echo' || request.url === '/read')) {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(parts);
      const out = request.url === '/echo' ? body : Buffer.from(`${body.length}\n`);
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': out.length });
      response.end(out);
    });
    return;
  }
  const body = 'Hello, WSGI!\n';
  response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  response.end(body);
}

const kind = process.argv[2];
let port: number;
let stop: () => Promise<unknown>;
if (kind === 'reference') {
  // Client aborts are logged in one line each by the server; the gateway may add its own report.
  const server = await serve(app, {
    port: 0,
    headerTimeoutMs: TIMEOUTS.headerMs,
    bodyTimeoutMs: TIMEOUTS.bodyMs,
    onError: (error) => console.error('handler failed:', error),
  });
  port = server.address()!.port;
  stop = () => server.close();
} else if (kind === 'node-http') {
  const server = http.createServer(
    {
      headersTimeout: TIMEOUTS.headerMs,
      // node:http has no timer between two reads of a body: it bounds the whole request instead.
      requestTimeout: TIMEOUTS.headerMs + TIMEOUTS.bodyMs,
      // How often node:http checks those two; its default (30 s) would blur the cut-off times.
      connectionsCheckingInterval: 250,
    },
    nodeHandler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  stop = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
} else {
  throw new Error('usage: reliability-server.ts reference|node-http');
}
process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss });
});
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
console.log(JSON.stringify({ event: 'listening', port }));
