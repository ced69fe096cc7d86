// What the hidden tests of lab 8's prefork server (arbiter.test.ts, signals.test.ts) share. They
// run real processes: each test starts the lab's serve.ts as a program of its own (the arbiter,
// in a process group of its own), which forks the workers; the workers serve hello-app.ts. The test reads the arbiter's JSON lines on stdout,
// sends it signals, and talks HTTP to the port. Whatever happens, the whole group is killed after
// the test, and a test that stops the arbiter checks that no process of its tree is left.
//
// Every wait is for an event: a report, a line the app printed, a response's first bytes, a closed
// connection, a process's exit. A request that must stay in flight is held by the app until the
// test opens a gate (a file), so no test depends on how fast the machine is; the bounds are many
// seconds, because a busy machine starts worker processes slowly. A failure shows what the
// arbiter and its workers printed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { TestOptions } from '../../harness/index.ts';
import { RawClient, WAIT_SCALE, cleanUp, onWindows, sleep, tempFolder, testUnless } from './helpers.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The folder graded: the grader says which (GRADER_LAB_DIR); by hand, the learner's. */
export const LAB_DIR = process.env.GRADER_LAB_DIR || join(ROOT, 'labs', 'lab8-production');
export const APP = fileURLToPath(new URL('./hello-app.ts', import.meta.url));
export const NO_APP = fileURLToPath(new URL('./no-app.ts', import.meta.url));
/** Why these tests cannot run on Windows. */
const NO_SIGNALS = onWindows && 'POSIX signals and process groups are not available on Windows';

/** How long an arbiter may take to report its workers ready: workers load and compile their code. */
export const START_MS = 40_000 * WAIT_SCALE;
/** How long anything else the tests wait for may take (an exit, a closed connection, an answer). */
export const BOUND_MS = 20_000 * WAIT_SCALE;

/** One JSON line of serve.ts: a state change of the arbiter. */
export interface Report {
  event: 'listening' | 'workers' | 'stopped';
  workers: number[];
  target: number;
  port: number;
}

const running = new Set<Prefork>();

/** The arbiter as a child process: its reports, everything it and its workers printed, its exit. */
export class Prefork {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly reports: Report[] = [];
  readonly started = Date.now();
  /** What the arbiter and its workers printed, with the time since the start: `+1.234s out: ...`. */
  readonly log: string[] = [];
  exit: { code: number | null; signal: string | null } | null = null;
  /** Every worker pid the test has heard of (reports, held requests). */
  readonly known = new Set<number>();
  /** The known workers still alive at the moment the arbiter exited. */
  aliveAtExit: number[] = [];
  readonly #args: string[];
  #listeners = new Set<() => void>();

  constructor(args: string[], env: Record<string, string> = {}) {
    const conditions = process.env.GRADER_REFERENCE === '0' ? [] : ['--conditions=reference'];
    this.#args = args;
    this.child = spawn(process.execPath, ['--import', 'tsx', ...conditions, join(LAB_DIR, 'serve.ts'), ...args], {
      cwd: ROOT,
      detached: true, // a process group of its own: one kill reaches the workers too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    });
    this.pid = this.child.pid!;
    running.add(this);
    this.#lines(this.child.stdout!, 'out', (line) => {
      try {
        const report = JSON.parse(line) as Report;
        if (report && typeof report === 'object' && Array.isArray(report.workers)) {
          this.reports.push(report);
          for (const pid of report.workers) this.known.add(pid);
        }
      } catch {
        // Not one of the arbiter's reports: a line of the app's or of the learner's. Logged only.
      }
    });
    this.#lines(this.child.stderr!, 'err', () => {});
    this.child.on('exit', (code, signal) => {
      this.aliveAtExit = [...this.known].filter((pid) => alive(pid));
      this.exit = { code, signal };
      this.#note(`arbiter exited (code ${code}, signal ${signal})`);
      this.#changed();
    });
  }

  /** Starts an arbiter serving hello-app.ts and waits for its "listening" report. */
  static async start(workers = 2, extra: string[] = [], env: Record<string, string> = {}): Promise<Prefork> {
    const prefork = new Prefork(
      ['--app', APP, '--workers', String(workers), '--port', '0', '--timeout', '10000', '--graceful-timeout', '10000', ...extra],
      env,
    );
    const listening = await prefork.waitFor((r) => r.event === 'listening', START_MS, 'the "listening" report');
    expect(listening.port, 'the port in the "listening" report should be the free port chosen').toBeGreaterThan(0);
    return prefork;
  }

  get port(): number {
    return this.reports.find((r) => r.event === 'listening')!.port;
  }

  /** The workers of the latest report. */
  get workers(): number[] {
    return this.reports.at(-1)?.workers ?? [];
  }

  /** Waits for a report (made after `from`, an index in reports) that satisfies `match`. */
  async waitFor(match: (report: Report) => boolean, ms: number, what: string, from = 0): Promise<Report> {
    const found = () => this.reports.slice(from).find(match);
    await this.until(() => found() !== undefined || this.exit !== null, ms);
    const report = found();
    if (report) return report;
    const why = this.exit ? `the arbiter exited (code ${this.exit.code}, signal ${this.exit.signal})` : `it did not come within ${ms} ms`;
    throw new Error(`waited for ${what}, but ${why}`);
  }

  /** Waits for a line of the output that satisfies `match`; returns it. */
  async waitForLine(match: (line: string) => boolean, ms: number, what: string): Promise<string> {
    const found = () => this.log.find((line) => match(line.replace(/^\+[\d.]+s (out|err): /, '')));
    if (!(await this.until(() => found() !== undefined, ms))) throw new Error(`waited for ${what}, but it was not printed within ${ms} ms`);
    return found()!.replace(/^\+[\d.]+s (out|err): /, '');
  }

  /** Resolves to true when `condition` holds (checked on every event and every 50 ms), false after `ms`. */
  until(condition: () => boolean, ms: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => condition() && finish(true);
      const poll = setInterval(check, 50);
      const timer = setTimeout(() => finish(condition()), ms);
      const finish = (result: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#listeners.delete(check);
        resolve(result);
      };
      this.#listeners.add(check);
    });
  }

  /** Waits for the arbiter to exit; false if it is still running after `ms`. */
  exits(ms: number): Promise<boolean> {
    return this.until(() => this.exit !== null, ms);
  }

  signal(name: NodeJS.Signals): void {
    this.#note(`the test sends ${name} to the arbiter`);
    process.kill(this.pid, name);
  }

  /** Writes a line of the test's own into the log, so the story reads in order. */
  note(what: string): void {
    this.#note(`the test: ${what}`);
  }

  /** SIGKILL to the whole process group, then wait until none of its processes is left. */
  async killAll(): Promise<number[]> {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone already.
    }
    await this.exits(10_000);
    return leftBehind(this.pid, 5000);
  }

  /**
   * The command and everything printed, on one line (the report keeps the first lines of a
   * failure's message): what a failure shows.
   */
  story(): string {
    const shown = this.log.length > 60 ? ['...', ...this.log.slice(-60)] : this.log;
    const command = this.#args.map((a) => (a === APP || a === NO_APP ? a.split(/[\\/]/).at(-1)! : a)).join(' ');
    return `arbiter ${this.pid} (serve.ts ${command}), seconds since it started: ${shown.join(' | ') || '(it printed nothing)'}`;
  }

  #lines(stream: NodeJS.ReadableStream, kind: 'out' | 'err', onLine: (line: string) => void): void {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end).trimEnd();
        pending = pending.slice(end + 1);
        if (line.trim() === '') continue;
        this.log.push(`+${((Date.now() - this.started) / 1000).toFixed(3)}s ${kind}: ${line.length > 400 ? line.slice(0, 400) + '...' : line}`);
        onLine(line.trim());
      }
      this.#changed();
    });
  }

  #note(line: string): void {
    this.log.push(`+${((Date.now() - this.started) / 1000).toFixed(3)}s ${line}`);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/**
 * After each test: every arbiter it started is killed with its whole tree. Each test file registers
 * it (afterEach(killArbiters)): a hook registered here, on import, would reach only the first file
 * that imports this module in a worker that runs several.
 */
export async function killArbiters(): Promise<void> {
  await cleanUp();
  const leftovers: number[] = [];
  for (const prefork of running) leftovers.push(...(await prefork.killAll()));
  running.clear();
  // Even SIGKILL to the group left something: a worker that escaped the group on purpose.
  if (leftovers.length > 0) throw new Error(`processes left behind after the test: ${leftovers.join(', ')}`);
}

/**
 * A graded test that starts arbiters: skipped on Windows, and on failure the message ends with
 * what each arbiter and its workers printed.
 */
export function arbiterTest(name: string, options: TestOptions, fn: () => Promise<void>): void {
  testUnless(NO_SIGNALS, name, options, async () => {
    try {
      await fn();
    } catch (error) {
      const stories = [...running].map((prefork) => prefork.story()).join('\n');
      if (error instanceof Error && stories) error.message += `\n${stories}`;
      throw error;
    }
  });
}

/**
 * The live processes of an arbiter's tree: its process group (which the workers join unless they
 * leave it) and its descendants, found with ps. Zombies don't count: they are already dead.
 */
function tree(root: number): number[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, pgid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), zombie: (stat ?? '').startsWith('Z') }));
  const found = new Set(rows.filter((r) => r.pgid === root || r.pid === root).map((r) => r.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (found.has(row.ppid) && !found.has(row.pid)) {
        found.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => found.has(r.pid) && !r.zombie).map((r) => r.pid);
}

/** The child processes of a process (the arbiter's: its workers), found with ps. */
export function children(parent: number): number[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, stat]) => Number(ppid) === parent && !(stat ?? '').startsWith('Z'))
    .map(([pid]) => Number(pid));
}

/** The processes of the tree still alive after `ms` (polled): an empty list is what we want. */
export async function leftBehind(root: number, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = tree(root);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

/** Whether a process is alive (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until a process has died; false if it is still alive after `ms`. */
export async function dies(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return !alive(pid);
}

/**
 * Waits until the arbiter has taken a signal off its pending set (Linux: /proc/PID/status), so
 * that a signal sent after it is handled after it. Elsewhere, waits a second.
 */
export async function signalTaken(pid: number, signal: NodeJS.Signals, ms: number): Promise<void> {
  const bit = 1n << BigInt(constants.signals[signal] - 1);
  const deadline = Date.now() + ms;
  for (;;) {
    let status: string;
    try {
      status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      await sleep(1000); // no /proc here
      return;
    }
    const pending = ['SigPnd', 'ShdPnd'].some((field) => {
      const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1];
      return hex !== undefined && (BigInt(`0x${hex}`) & bit) !== 0n;
    });
    if (!pending) return;
    if (Date.now() > deadline) throw new Error(`the arbiter did not take ${signal} within ${ms} ms`);
    await sleep(20);
  }
}

/** GET on a new connection each time (so the requests spread over the workers). */
export function get(port: number, path: string, ms = BOUND_MS): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', (error) => reject(new Error(`GET ${path}: ${error.message}`)));
    request.setTimeout(ms, () => request.destroy(new Error(`no response to GET ${path} within ${ms} ms`)));
  });
}

/** Sends GET /pid on new connections until `done` says so (at most `max` requests); the pids that answered. */
export async function askPids(port: number, max: number, done: (pids: Set<number>) => boolean): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < max && !done(pids); i++) {
    const { status, body } = await get(port, '/pid');
    expect(status, `GET /pid should be answered by a worker: ${status} ${JSON.stringify(body)}`).toBe(200);
    pids.add(Number(body));
  }
  return pids;
}

/** Whether the port refuses connections now (nobody listens). */
export function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** A folder of gates for hello-app.ts, and the environment that tells the workers where it is. */
export function gates(): { env: Record<string, string>; open(name: string): void; close(name: string): void } {
  const dir = tempFolder();
  return {
    env: { LAB8_GATES: dir },
    open: (name) => writeFileSync(join(dir, name), ''),
    close: (name) => rmSync(join(dir, name), { force: true }),
  };
}

/** A request held in flight by a worker: GET /hold?gate=NAME, answered in part at once. */
export interface Held {
  client: RawClient;
  /** The worker that holds it. */
  pid: number;
  /** Whether the whole answer came (the gate was opened and the worker finished it). */
  finished(): boolean;
}

/** Sends GET /hold?gate=NAME and waits until a worker has sent its first bytes. */
export async function hold(prefork: Prefork, gate: string): Promise<Held> {
  const client = await RawClient.connect(prefork.port);
  client.send(`GET /hold?gate=${gate} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
  const pidOf = () => /held by (\d+)/.exec(client.received.toString('latin1'))?.[1];
  const held = await client.until(() => pidOf() !== undefined || client.closed, BOUND_MS);
  expect(held && pidOf() !== undefined, `GET /hold should be answered in part by a worker; ${client.story()}`).toBe(true);
  const pid = Number(pidOf());
  prefork.known.add(pid);
  prefork.note(`a request is in flight on worker ${pid} (GET /hold?gate=${gate})`);
  return { client, pid, finished: () => client.received.toString('latin1').includes('released\n') };
}

