// A worker process of the prefork server. The arbiter forks this file with the app's module as its
// argument; it serves that module's `app` on the lab 2 server through the lab 3 gateway, sends a
// heartbeat while its event loop is free, and finishes its requests when told to stop.
import cluster from 'node:cluster';
import { pathToFileURL } from 'node:url';
import type { TsgiApp } from '#contracts/tsgi';
import { tsgiHandler } from '#gateway';
import { createServer } from '#server';

export interface WorkerMessage {
  type: 'ready' | 'heartbeat';
  pid: number;
}

export async function runWorker(moduleFile: string, port: number, host: string, heartbeatMs: number): Promise<void> {
  const loaded = (await import(pathToFileURL(moduleFile).href)) as { app?: TsgiApp };
  if (typeof loaded.app !== 'function') throw new Error(`${moduleFile} must export a TSGI app named "app"`);
  const server = createServer(tsgiHandler(loaded.app, { multiprocess: true }));
  // Under the cluster module, listen() in a worker shares the arbiter's socket instead of binding.
  await server.listen(port, host);
  const send = (type: WorkerMessage['type']) => process.send?.({ type, pid: process.pid } satisfies WorkerMessage);
  send('ready');
  // A timer can only fire while the event loop is free: a worker stuck in a loop goes silent.
  const beat = setInterval(() => send('heartbeat'), heartbeatMs);
  const stop = async () => {
    clearInterval(beat);
    // First stop taking connections: the arbiter hands new ones (even those already on their way
    // here) to the other workers. A connection handed over just before may not have sent its
    // request yet; lab 2's close() would take it for idle and end it, so give it a moment.
    cluster.worker?.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close(); // idle connections end; requests in flight finish (lab 2's graceful close)
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
  });
}

// Entry point when forked by the arbiter: argv = [module, port, host, heartbeatMs].
const [moduleFile, port, host, heartbeat] = process.argv.slice(2);
if (process.send && moduleFile) {
  runWorker(moduleFile, Number(port), host ?? '127.0.0.1', Number(heartbeat ?? 1000)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
