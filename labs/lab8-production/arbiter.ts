import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ArbiterOptions, ArbiterStatus } from '#contracts/production';
import type { WorkerMessage } from './worker.ts';

const WORKER_FILE = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** A starting worker is still loading its code (tsx compiles it on the way): it may take this long to be ready. */
const BOOT_TIMEOUT_MS = 30_000;

/** One worker as the arbiter sees it. */
interface Managed {
  worker: Worker;
  lastBeat: number;
  /** Listening: it said so. Until then it is starting, and not counted as serving. */
  ready: boolean;
  /** Being stopped on purpose: don't replace it when it exits. */
  retiring: boolean;
}

/**
 * Gunicorn's arbiter in miniature: it keeps `workers` processes serving the same socket, replaces
 * any that die or stop heartbeating, and answers signals: HUP reloads gracefully, TERM stops
 * gracefully, INT and QUIT stop at once, TTIN and TTOU add and remove a worker.
 * It runs in its own process (the cluster primary): `npm run serve`, or a test's child process.
 */
export class Arbiter {
  readonly #options: Required<Omit<ArbiterOptions, 'host'>> & { host: string };
  readonly #managed = new Map<number, Managed>();
  #target: number;
  #port: number | null = null;
  #stopping = false;
  #watchdog: NodeJS.Timeout | null = null;

  constructor(options: ArbiterOptions) {
    // TODO(lab8): keep the options with their defaults filled in (execArgv [], host '127.0.0.1',
    // timeoutMs 5000, gracefulTimeoutMs 5000), and the target number of workers.
    throw new Error('TODO(lab8): the Arbiter constructor is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  status(): ArbiterStatus {
    // TODO(lab8): the pids of the workers that are ready and not retiring, the target, the port.
    throw new Error('TODO(lab8): Arbiter.status is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** Binds the port, starts the workers, and waits until each has said it is ready. */
  async start(): Promise<void> {
    // TODO(lab8): only in the primary process. Port 0: pick one with freePort, so every worker
    // is told the same number. cluster.setupPrimary with exec WORKER_FILE, the execArgv, and the
    // worker's arguments: [workerModule, port, host, heartbeat ms] (a quarter of timeoutMs, at
    // least 50). Spawn the target number of workers and wait for all; then start the watchdog, an
    // interval that calls #checkHeartbeats as often as the workers beat.
    throw new Error('TODO(lab8): Arbiter.start is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** Starts one worker; resolves when it is ready to serve. */
  #spawn(): Promise<Worker> {
    // TODO(lab8): cluster.fork(), and a Managed for it in #managed (by worker.id). Its messages
    // (WorkerMessage): 'ready' and 'heartbeat' update lastBeat; 'ready' also marks it ready. When it
    // exits, forget it, and unless it was retiring or the arbiter is stopping, spawn a replacement
    // (a short delay is kind to a worker that crashes at once). Resolve on 'ready'; reject if it
    // exits first.
    throw new Error('TODO(lab8): Arbiter.#spawn is not written yet (lessons/08-production.md#gunicorns-arbiter)');
  }

  /** Kills workers whose event loop has been blocked for longer than the timeout. */
  #checkHeartbeats(): void {
    // TODO(lab8): a worker that is not retiring and whose last beat is older than timeoutMs (or
    // BOOT_TIMEOUT_MS while it is not ready yet) gets SIGKILL; its exit handler replaces it.
    throw new Error('TODO(lab8): Arbiter.#checkHeartbeats is not written yet (lessons/08-production.md#the-heartbeat)');
  }

  /** Asks workers to finish their requests and exit; kills those still there after the grace period. */
  async #retire(workers: Managed[], graceful: boolean): Promise<void> {
    // TODO(lab8): for each worker: mark it retiring, and resolve when it exits (at once if it is
    // dead already). Not graceful: SIGKILL. Graceful: send it { type: 'stop' }, and SIGKILL it if it
    // is still alive gracefulTimeoutMs later (unref that timer).
    throw new Error('TODO(lab8): Arbiter.#retire is not written yet (lessons/08-production.md#signals)');
  }

  /** HUP: new workers first, then the old ones finish what they were doing. No request is lost. */
  async reload(): Promise<void> {
    // TODO(lab8): note the workers that are not retiring; spawn a full set of new ones and wait
    // until they are all ready; only then retire the old ones, gracefully.
    throw new Error('TODO(lab8): Arbiter.reload is not written yet (lessons/08-production.md#signals)');
  }

  /** TTIN and TTOU: one worker more, one fewer (never fewer than one). */
  async increment(): Promise<void> {
    // TODO(lab8): one more in the target, and spawn it.
    throw new Error('TODO(lab8): Arbiter.increment is not written yet (lessons/08-production.md#signals)');
  }

  async decrement(): Promise<void> {
    // TODO(lab8): never below one. One fewer in the target; retire the youngest worker that is not
    // retiring yet, gracefully.
    throw new Error('TODO(lab8): Arbiter.decrement is not written yet (lessons/08-production.md#signals)');
  }

  /** TERM (graceful) or INT/QUIT (at once): stop every worker. */
  async stop(graceful = true): Promise<void> {
    // TODO(lab8): mark the arbiter stopping (no more replacements), stop the watchdog, and retire
    // every worker, gracefully or not.
    throw new Error('TODO(lab8): Arbiter.stop is not written yet (lessons/08-production.md#signals)');
  }

  /** Wires the POSIX signals to the methods above. Windows has none of them: it says so. */
  handleSignals(onStopped: () => void = () => process.exit(0)): void {
    // TODO(lab8): on Windows, say on stderr that HUP, TTIN and TTOU are not available. Then
    // process.on for each signal (inside try/catch: a platform may not have it), logging a failed
    // action instead of crashing: SIGHUP reload, SIGTTIN increment, SIGTTOU decrement, SIGTERM
    // stop(true), SIGINT and SIGQUIT stop(false); after a stop, call onStopped.
    throw new Error('TODO(lab8): Arbiter.handleSignals is not written yet (lessons/08-production.md#signals)');
  }
}

/** Port 0 means "any free port": find one, so every worker is told the same number. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
