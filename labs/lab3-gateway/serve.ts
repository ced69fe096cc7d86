import type { Server } from '#contracts/server';
import type { TsgiApp } from '#contracts/tsgi';
import { createServer } from '#server';
import { tsgiHandler } from './gateway.ts';
import type { ServeOptions } from './options.ts';

/** Runs a TSGI application on the lab 2 server: `await serve(helloApp, { port: 8000 })`. */
export async function serve(app: TsgiApp, options: ServeOptions = {}): Promise<Server> {
  // TODO(lab3): createServer (lab 2) with tsgiHandler(app, options) and the options; listen on
  // options.port (8000 if not given) and options.host; resolve with the server.
  throw new Error('TODO(lab3): serve is not written yet (lessons/03-gateway.md#running-apps)');
}
