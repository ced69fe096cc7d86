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
    this.#options = { execArgv: [], host: '127.0.0.1', timeoutMs: 5000, gracefulTimeoutMs: 5000, ...options };
    this.#target = options.workers;
  }

  status(): ArbiterStatus {
    const workers = [...this.#managed.values()].filter((m) => m.ready && !m.retiring).map((m) => m.worker.process.pid!);
    return { workers, target: this.#target, port: this.#port };
  }

  /** Binds the port, starts the workers, and waits until each has said it is ready. */
  async start(): Promise<void> {
    if (!cluster.isPrimary) throw new Error('the arbiter must run in the primary process');
    this.#port = this.#options.port === 0 ? await freePort(this.#options.host) : this.#options.port;
    cluster.setupPrimary({
      exec: WORKER_FILE,
      execArgv: this.#options.execArgv,
      args: [this.#options.workerModule, String(this.#port), this.#options.host, String(Math.max(50, this.#options.timeoutMs / 4))],
      silent: false,
    });
    await Promise.all(Array.from({ length: this.#target }, () => this.#spawn()));
    this.#watchdog = setInterval(() => this.#checkHeartbeats(), Math.max(50, this.#options.timeoutMs / 4));
  }

  /** Starts one worker; resolves when it is ready to serve. */
  #spawn(): Promise<Worker> {
    const worker = cluster.fork();
    const managed: Managed = { worker, lastBeat: Date.now(), ready: false, retiring: false };
    this.#managed.set(worker.id, managed);
    worker.on('message', (message: WorkerMessage) => {
      if (message?.type === 'heartbeat' || message?.type === 'ready') managed.lastBeat = Date.now();
      if (message?.type === 'ready') managed.ready = true;
    });
    worker.on('exit', () => {
      this.#managed.delete(worker.id);
      // A worker that died on its own is replaced; one we retired is not.
      if (!managed.retiring && !this.#stopping) setTimeout(() => void this.#spawn().catch(() => {}), 100);
    });
    return new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => message?.type === 'ready' && resolve(worker));
      worker.once('exit', (code) => reject(new Error(`worker ${worker.process.pid} exited (${code}) before it was ready`)));
    });
  }

  /** Kills workers whose event loop has been blocked for longer than the timeout. */
  #checkHeartbeats(): void {
    const now = Date.now();
    for (const managed of this.#managed.values()) {
      const limit = managed.ready ? this.#options.timeoutMs : Math.max(this.#options.timeoutMs, BOOT_TIMEOUT_MS);
      if (!managed.retiring && now - managed.lastBeat > limit) {
        managed.worker.process.kill('SIGKILL'); // its exit handler starts a replacement
      }
    }
  }

  /** Asks workers to finish their requests and exit; kills those still there after the grace period. */
  async #retire(workers: Managed[], graceful: boolean): Promise<void> {
    await Promise.all(
      workers.map(
        (managed) =>
          new Promise<void>((resolve) => {
            managed.retiring = true;
            const { worker } = managed;
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            if (!graceful) {
              worker.process.kill('SIGKILL');
              return;
            }
            worker.send({ type: 'stop' });
            setTimeout(() => worker.isDead() || worker.process.kill('SIGKILL'), this.#options.gracefulTimeoutMs).unref();
          }),
      ),
    );
  }

  /** HUP: new workers first, then the old ones finish what they were doing. No request is lost. */
  async reload(): Promise<void> {
    const old = [...this.#managed.values()].filter((m) => !m.retiring);
    await Promise.all(Array.from({ length: this.#target }, () => this.#spawn()));
    await this.#retire(old, true);
  }

  /** TTIN and TTOU: one worker more, one fewer (never fewer than one). */
  async increment(): Promise<void> {
    this.#target += 1;
    await this.#spawn();
  }

  async decrement(): Promise<void> {
    if (this.#target <= 1) return;
    this.#target -= 1;
    const youngest = [...this.#managed.values()].filter((m) => !m.retiring).at(-1);
    if (youngest) await this.#retire([youngest], true);
  }

  /** TERM (graceful) or INT/QUIT (at once): stop every worker. */
  async stop(graceful = true): Promise<void> {
    this.#stopping = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    await this.#retire([...this.#managed.values()], graceful);
  }

  /** Wires the POSIX signals to the methods above. Windows has none of them: it says so. */
  handleSignals(onStopped: () => void = () => process.exit(0)): void {
    if (process.platform === 'win32') {
      console.error('arbiter: POSIX signals (HUP, TTIN, TTOU) are not available on Windows; use Ctrl+C to stop.');
    }
    const on = (signal: NodeJS.Signals, action: () => Promise<void>) => {
      try {
        process.on(signal, () => void action().catch((error) => console.error(`arbiter: ${signal} failed:`, error)));
      } catch {
        // The platform has no such signal.
      }
    };
    on('SIGHUP', () => this.reload());
    on('SIGTTIN', () => this.increment());
    on('SIGTTOU', () => this.decrement());
    on('SIGTERM', () => this.stop(true).then(onStopped));
    on('SIGINT', () => this.stop(false).then(onStopped));
    on('SIGQUIT', () => this.stop(false).then(onStopped));
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
