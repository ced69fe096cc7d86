import type { Server } from '#contracts/server';
import type { TsgiApp } from '#contracts/tsgi';
import { createServer } from '#server';
import { tsgiHandler } from './gateway.ts';
import type { ServeOptions } from './options.ts';

/** Runs a TSGI application on the lab 2 server: `await serve(helloApp, { port: 8000 })`. */
export async function serve(app: TsgiApp, options: ServeOptions = {}): Promise<Server> {
  const server = createServer(tsgiHandler(app, options), options);
  await server.listen(options.port ?? 8000, options.host);
  return server;
}
