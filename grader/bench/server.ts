// One hello-world server in a process of its own, so the load generator never shares its event
// loop. Prints {"event":"listening","port":N} when ready; stops on SIGTERM.
//   node --import tsx --conditions=reference grader/bench/server.ts reference|server-only|node-http
import http from 'node:http';
import { serve } from '#gateway';
import { createServer } from '#server';
import { app, nodeHandler } from './hello-app.ts';

const kind = process.argv[2];
let port: number;
let stop: () => Promise<unknown>;
if (kind === 'reference') {
  // labs 1-3: the lab 2 server, the lab 3 gateway, a TSGI app
  const server = await serve(app, { port: 0, onError: () => {} });
  port = server.address()!.port;
  stop = () => server.close();
} else if (kind === 'server-only') {
  // lab 2 alone (with lab 1's parser), no gateway: what the TSGI layer costs is the difference
  const body = new TextEncoder().encode('Hello, WSGI!\n');
  const server = createServer(() => ({ status: 200, headers: [['Content-Type', 'text/plain; charset=utf-8']], body }), { onError: () => {} });
  port = (await server.listen(0)).port;
  stop = () => server.close();
} else if (kind === 'node-http') {
  const server = http.createServer(nodeHandler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  stop = () => new Promise((resolve) => server.close(resolve));
  process.on('SIGTERM', () => server.closeAllConnections());
} else {
  throw new Error('usage: server.ts reference|server-only|node-http');
}
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));
console.log(JSON.stringify({ event: 'listening', port }));
