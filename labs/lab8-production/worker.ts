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
  // TODO(lab8): import the module (pathToFileURL) and check it exports a function `app`. Serve it
  // on createServer (lab 2) through tsgiHandler (lab 3) with multiprocess: true, and listen on
  // port and host: under cluster, that shares the arbiter's socket. Tell the arbiter
  // { type: 'ready', pid } with process.send, then send a heartbeat every heartbeatMs.
  // To stop (on SIGTERM, or the message { type: 'stop' }): stop the heartbeat, stop taking
  // connections (cluster.worker.disconnect()), wait 100 ms for connections handed over just
  // before to send their request, close the server (requests in flight finish), and exit.
  throw new Error('TODO(lab8): runWorker is not written yet (lessons/08-production.md#gunicorns-arbiter)');
}

// Entry point when forked by the arbiter: argv = [module, port, host, heartbeatMs].
const [moduleFile, port, host, heartbeat] = process.argv.slice(2);
if (process.send && moduleFile) {
  runWorker(moduleFile, Number(port), host ?? '127.0.0.1', Number(heartbeat ?? 1000)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
