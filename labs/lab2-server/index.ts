// Lab 2's public surface.
export { createServer } from './server.ts';
export { wantsKeepAlive } from './keep-alive.ts';
