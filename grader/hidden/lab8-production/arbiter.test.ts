// Hidden tests for lab 8's prefork server, with real processes: each test starts the lab's
// serve.ts as a program of its own (the arbiter, in a process group of its own), which forks the
// workers; the workers serve hello-app.ts. The test reads the arbiter's JSON lines on stdout,
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
import { afterEach, expect } from 'vitest';
import { milestone, type TestOptions } from '../../harness/index.ts';
import { RawClient, WAIT_SCALE, cleanUp, onWindows, sleep, tempFolder, testUnless, within } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The folder graded: the grader says which (GRADER_LAB_DIR); by hand, the learner's. */
const LAB_DIR = process.env.GRADER_LAB_DIR || join(ROOT, 'labs', 'lab8-production');
const APP = fileURLToPath(new URL('./hello-app.ts', import.meta.url));
const NO_APP = fileURLToPath(new URL('./no-app.ts', import.meta.url));
/** Why these tests cannot run on Windows. */
const NO_SIGNALS = onWindows && 'POSIX signals and process groups are not available on Windows';

/** How long an arbiter may take to report its workers ready: workers load and compile their code. */
const START_MS = 40_000 * WAIT_SCALE;
/** How long anything else the tests wait for may take (an exit, a closed connection, an answer). */
const BOUND_MS = 20_000 * WAIT_SCALE;

/** One JSON line of serve.ts: a state change of the arbiter. */
interface Report {
  event: 'listening' | 'workers' | 'stopped';
  workers: number[];
  target: number;
  port: number;
}

const running = new Set<Prefork>();

/** The arbiter as a child process: its reports, everything it and its workers printed, its exit. */
class Prefork {
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

afterEach(async () => {
  await cleanUp();
  const leftovers: number[] = [];
  for (const prefork of running) leftovers.push(...(await prefork.killAll()));
  running.clear();
  // Even SIGKILL to the group left something: a worker that escaped the group on purpose.
  if (leftovers.length > 0) throw new Error(`processes left behind after the test: ${leftovers.join(', ')}`);
});

/**
 * A graded test that starts arbiters: skipped on Windows, and on failure the message ends with
 * what each arbiter and its workers printed.
 */
function arbiterTest(name: string, options: TestOptions, fn: () => Promise<void>): void {
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
function children(parent: number): number[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, stat]) => Number(ppid) === parent && !(stat ?? '').startsWith('Z'))
    .map(([pid]) => Number(pid));
}

/** The processes of the tree still alive after `ms` (polled): an empty list is what we want. */
async function leftBehind(root: number, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = tree(root);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

/** Whether a process is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until a process has died; false if it is still alive after `ms`. */
async function dies(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return !alive(pid);
}

/**
 * Waits until the arbiter has taken a signal off its pending set (Linux: /proc/PID/status), so
 * that a signal sent after it is handled after it. Elsewhere, waits a second.
 */
async function signalTaken(pid: number, signal: NodeJS.Signals, ms: number): Promise<void> {
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
function get(port: number, path: string, ms = BOUND_MS): Promise<{ status: number; body: string }> {
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
async function askPids(port: number, max: number, done: (pids: Set<number>) => boolean): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < max && !done(pids); i++) {
    const { status, body } = await get(port, '/pid');
    expect(status, `GET /pid should be answered by a worker: ${status} ${JSON.stringify(body)}`).toBe(200);
    pids.add(Number(body));
  }
  return pids;
}

/** Whether the port refuses connections now (nobody listens). */
function refuses(port: number): Promise<boolean> {
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
function gates(): { env: Record<string, string>; open(name: string): void; close(name: string): void } {
  const dir = tempFolder();
  return {
    env: { LAB8_GATES: dir },
    open: (name) => writeFileSync(join(dir, name), ''),
    close: (name) => rmSync(join(dir, name), { force: true }),
  };
}

/** A request held in flight by a worker: GET /hold?gate=NAME, answered in part at once. */
interface Held {
  client: RawClient;
  /** The worker that holds it. */
  pid: number;
  /** Whether the whole answer came (the gate was opened and the worker finished it). */
  finished(): boolean;
}

/** Sends GET /hold?gate=NAME and waits until a worker has sent its first bytes. */
async function hold(prefork: Prefork, gate: string): Promise<Held> {
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

milestone('arbiter', () => {
  arbiterTest('starts the workers it is asked for, and they all serve one port', {
    rules: ['W1', 'W2', 'W5'],
    points: 3,
    hint: 'Fork the workers with cluster; each listens on the same port (the primary shares it) and says "ready" when it does; start() waits for all of them. Serve the app with tsgiHandler(app, { multiprocess: true }).',
  }, async () => {
    const prefork = await Prefork.start(3);
    const workers = prefork.workers;
    expect(workers, 'three worker pids in the "listening" report').toHaveLength(3);
    expect(new Set(workers).size, `three different processes: ${workers.join(', ')}`).toBe(3);
    expect(workers, 'the workers should be processes of their own, not the arbiter').not.toContain(prefork.pid);
    for (const pid of workers) expect(alive(pid), `worker ${pid} should be alive`).toBe(true);
    const pids = await askPids(prefork.port, 30, (seen) => workers.every((pid) => seen.has(pid)));
    expect([...pids].sort(), `the workers that answered 30 requests on new connections; workers ${workers.join(', ')}`).toEqual([...workers].sort());
    const env = await get(prefork.port, '/env');
    expect(JSON.parse(env.body).multiprocess, `GET /env: what the app sees in environ["tsgi.multiprocess"]: ${env.body}`).toBe(true);
  });

  arbiterTest('replaces a worker that dies', {
    rules: ['W4'],
    points: 3,
    hint: 'Listen for each worker\'s exit: unless you retired it (or the arbiter is stopping), fork a new one in its place.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const [victim, survivor] = prefork.workers as [number, number];
    const from = prefork.reports.length;
    prefork.note(`SIGKILL to worker ${victim}`);
    process.kill(victim, 'SIGKILL');
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && !r.workers.includes(victim),
      START_MS,
      `a report with worker ${victim} replaced by a new one`,
      from,
    );
    expect(after.workers, `worker ${survivor}, which did not die, should still be there`).toContain(survivor);
    expect(await dies(victim, BOUND_MS), `worker ${victim} should be gone`).toBe(true);
    const fresh = after.workers.find((pid) => pid !== survivor)!;
    const pids = await askPids(prefork.port, 20, (seen) => seen.has(fresh));
    expect(pids, `the new worker ${fresh} should serve (answered by ${[...pids].join(', ')})`).toContain(fresh);
  });

  arbiterTest('a module that exports no app is an error, not a server', {
    rules: ['W6'],
    points: 2,
    hint: 'After importing the module, check that it exports a function named app; throw if not. The worker exits with the error, its "exited before it was ready" rejects start(), and serve.ts exits.',
  }, async () => {
    // First, the same arbiter serves a module that has an app: it works.
    const control = await Prefork.start(1);
    await control.killAll();
    const prefork = new Prefork(['--app', NO_APP, '--workers', '2', '--port', '0']);
    const exited = await prefork.until(() => prefork.exit !== null || prefork.reports.length > 0, START_MS);
    expect(prefork.reports.map((r) => r.event), 'serve.ts should report no workers for a module without an app').toEqual([]);
    expect(exited && prefork.exit !== null, 'serve.ts should exit when its workers cannot load the app').toBe(true);
    expect(prefork.exit?.code, 'serve.ts should exit with a non-zero code').not.toBe(0);
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  arbiterTest('the heartbeat: a worker stuck in a loop is killed and replaced, an idle one lives on', {
    rules: ['H1', 'H2'],
    points: 3,
    lesson: '08-production.md#the-heartbeat',
    hint: 'A worker sends a heartbeat from a timer; a loop stops its timers. The arbiter notes the time of each worker\'s last beat, and kills the silent ones, only them.',
  }, async () => {
    const prefork = await Prefork.start(2, ['--timeout', '3000']);
    const before = prefork.workers;
    const from = prefork.reports.length;
    // A raw request: fetch would retry it on the other worker once the first one dies.
    const spinning = await RawClient.connect(prefork.port);
    prefork.note('a request that makes one worker loop for ever');
    spinning.send('GET /spin HTTP/1.1\r\nHost: test\r\n\r\n');
    const stuckLine = await prefork.waitForLine((line) => /^app \d+: GET \/spin/.test(line), BOUND_MS, 'a worker starting to loop on GET /spin');
    const stuck = Number(/^app (\d+)/.exec(stuckLine)?.[1]);
    const idle = before.find((pid) => pid !== stuck)!;
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && !r.workers.includes(stuck),
      START_MS,
      `a report in which the stuck worker ${stuck} has been replaced`,
      from,
    );
    expect(after.workers, `the idle worker ${idle} kept beating: it should not have been killed with the stuck one ${stuck}`).toContain(idle);
    expect(await dies(stuck, BOUND_MS), `the stuck worker ${stuck} should have been killed`).toBe(true);
    // Longer than timeoutMs (3 s) and a few watchdog rounds: a worker whose beats never reach the
    // arbiter would be killed by now too, a little after the stuck one.
    await sleep(4500);
    expect(alive(idle), `the idle worker ${idle}, 4.5 s after the stuck one was replaced, should still be alive: its heartbeats keep it`).toBe(true);
    expect(await spinning.closes(BOUND_MS), `the stuck request's connection should end with its worker; ${spinning.story()}`).toBe(true);
    const { status } = await get(prefork.port, '/');
    expect(status, 'GET / after the replacement').toBe(200);
  });

  arbiterTest('a worker slow to start is given time, not killed for its silence', {
    rules: ['H3', 'W3'],
    points: 2,
    lesson: '08-production.md#the-heartbeat',
    hint: 'Until a worker says it is ready, judge its silence by BOOT_TIMEOUT_MS, not timeoutMs: loading and compiling its code is not a hang.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--timeout', '1500'], gate.env);
    const [first] = prefork.workers as [number];
    gate.open('boot');
    const from = prefork.reports.length;
    prefork.note(`the "boot" gate is open: new workers hold while they start; SIGKILL to worker ${first}`);
    process.kill(first, 'SIGKILL');
    const line = await prefork.waitForLine((l) => /^app \d+: starting/.test(l), START_MS, 'a replacement worker starting');
    const starting = Number(/^app (\d+)/.exec(line)?.[1]);
    prefork.known.add(starting);
    // Longer than timeoutMs (1.5 s) and a few watchdog rounds: a worker judged by timeoutMs would
    // be killed by now; one given BOOT_TIMEOUT_MS (30 s) is still starting.
    await sleep(5000);
    expect(alive(starting), `worker ${starting}, still starting after 5 s with timeoutMs 1500, should not have been killed`).toBe(true);
    const early = prefork.reports.slice(from).find((r) => r.workers.includes(starting));
    expect(early, `a report listed worker ${starting} while it was still starting: status() lists ready workers only`).toBeUndefined();
    prefork.note('the "boot" gate closes: the worker finishes starting');
    gate.close('boot');
    const ready = await prefork.waitFor((r) => r.workers.length === 1 && r.workers[0] !== first, START_MS, 'a report with the replacement ready', from);
    expect(ready.workers, 'the worker that was slow to start should be the one serving now').toEqual([starting]);
  });
});

milestone('signals', () => {
  arbiterTest('HUP reloads the workers without refusing a connection', {
    rules: ['S1'],
    points: 4,
    hint: 'Start the new workers first and wait until they are ready; only then ask the old ones to stop, and let them finish what they are serving.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const old = prefork.workers;
    let stop = false;
    const failures: string[] = [];
    const answeredBy: number[] = [];
    const client = async () => {
      while (!stop) {
        try {
          const { status, body } = await get(prefork.port, '/pid');
          if (status === 200) answeredBy.push(Number(body));
          else failures.push(`GET /pid: ${status} ${JSON.stringify(body)}`);
        } catch (error) {
          failures.push(String((error as Error).message ?? error));
        }
      }
    };
    const clients = [client(), client(), client()];
    try {
      // The clients are running: a few answers have come.
      await within(BOUND_MS, 'the first answers to the clients', (async () => {
        while (answeredBy.length < 3 && failures.length === 0) await sleep(20);
      })());
      const from = prefork.reports.length;
      prefork.signal('SIGHUP');
      const fresh = await prefork.waitFor((r) => r.workers.length === 2 && r.workers.every((pid) => !old.includes(pid)), START_MS, 'a report with two new workers', from);
      const since = answeredBy.length;
      await within(BOUND_MS, 'an answer from a new worker', (async () => {
        while (!answeredBy.slice(since).some((pid) => fresh.workers.includes(pid))) await sleep(20);
      })());
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures, `requests that failed during the reload (of ${answeredBy.length + failures.length})`).toEqual([]);
    for (const pid of old) expect(await dies(pid, BOUND_MS), `old worker ${pid} should have exited`).toBe(true);
  });

  arbiterTest('a worker retired by HUP leaves the list at once, and finishes its request however long it takes', {
    rules: ['S2', 'W3', 'H4', 'W4'],
    points: 3,
    hint: 'Mark a retiring worker so status() leaves it out and the watchdog leaves it alone (it stops beating); the worker stops accepting, then lets lab 2\'s close() finish its requests before it exits.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--timeout', '2500', '--graceful-timeout', '60000'], gate.env);
    const [old] = prefork.workers as [number];
    const held = await hold(prefork, 'hup');
    const from = prefork.reports.length;
    prefork.signal('SIGHUP');
    const reloaded = await prefork.waitFor(
      (r) => r.workers.length === 1 && r.workers[0] !== old,
      START_MS,
      `a report with the new worker only, while the old one ${old} still finishes its request`,
      from,
    );
    expect(held.finished(), 'the request should still be in flight (the gate is closed)').toBe(false);
    // The retiring worker sends no heartbeat: a watchdog that judged it by timeoutMs (2.5 s) would
    // kill it in this time.
    await sleep(5000);
    expect(alive(old), `the retiring worker ${old} should still be finishing its request, 5 s after it was asked to stop`).toBe(true);
    const forked = children(prefork.pid); // the old worker and the new one
    prefork.note('the gate opens: the held request can finish');
    gate.open('hup');
    expect(await held.client.closes(BOUND_MS), `the held request should finish, then its connection close; ${held.client.story()}`).toBe(true);
    expect(held.finished(), `the held request should get its whole answer; ${held.client.story()}`).toBe(true);
    expect(await dies(old, BOUND_MS), `the old worker ${old} should exit once its request is done`).toBe(true);
    // A retired worker is not replaced: a replacement would be forked at once, or after a short delay.
    await sleep(2000);
    const added = children(prefork.pid).filter((pid) => !forked.includes(pid));
    expect(added, `worker processes forked after the retired worker ${old} exited (a retired worker is not replaced)`).toEqual([]);
    const after = await get(prefork.port, '/pid');
    expect(after.status, `GET /pid after the reload: ${JSON.stringify(after)}`).toBe(200);
    expect(Number(after.body), `GET /pid after the reload should be answered by a new worker (the first was ${reloaded.workers[0]})`).not.toBe(old);
  });

  arbiterTest('TTIN adds a worker; TTOU retires one gracefully', {
    rules: ['S6', 'S7', 'S2'],
    points: 3,
    hint: 'TTIN: one more in the target, fork it. TTOU: one fewer (never below one), and retire a worker gracefully: it finishes what it is serving.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--graceful-timeout', '60000'], gate.env);
    let from = prefork.reports.length;
    prefork.signal('SIGTTIN');
    const grown = await prefork.waitFor((r) => r.workers.length === 2, START_MS, 'a report with two workers after TTIN', from);
    expect(grown.target, 'the target after TTIN').toBe(2);
    // A request in flight on each worker, whichever TTOU retires.
    const holds: Held[] = [];
    for (let i = 0; i < 8 && !grown.workers.every((pid) => holds.some((h) => h.pid === pid)); i++) holds.push(await hold(prefork, 'ttou'));
    expect(holds.map((h) => h.pid).sort(), 'the workers holding a request').toEqual(expect.arrayContaining([...grown.workers].sort()));
    from = prefork.reports.length;
    prefork.signal('SIGTTOU');
    const shrunk = await prefork.waitFor((r) => r.workers.length === 1, BOUND_MS, 'a report with one worker after TTOU', from);
    expect(shrunk.target, 'the target after TTOU').toBe(1);
    const removed = grown.workers.find((pid) => !shrunk.workers.includes(pid))!;
    prefork.note('the gate opens: the held requests can finish');
    gate.open('ttou');
    for (const held of holds) {
      expect(await held.client.closes(BOUND_MS), `the request held by worker ${held.pid} should finish; ${held.client.story()}`).toBe(true);
      expect(held.finished(), `worker ${held.pid}${held.pid === removed ? ', retired by TTOU,' : ''} should finish its request; ${held.client.story()}`).toBe(true);
    }
    expect(await dies(removed, BOUND_MS), `the retired worker ${removed} should have exited`).toBe(true);
    const pids = await askPids(prefork.port, 4, () => false);
    expect([...pids], 'the worker that answers after TTOU').toEqual(shrunk.workers);
  });

  arbiterTest('TTOU never goes below one worker', {
    rules: ['S7'],
    points: 2,
    hint: 'In decrement(), return at once when the target is 1: a TTOU then changes nothing.',
  }, async () => {
    const prefork = await Prefork.start(1);
    const [only] = prefork.workers as [number];
    const from = prefork.reports.length;
    prefork.signal('SIGTTOU');
    await signalTaken(prefork.pid, 'SIGTTOU', BOUND_MS);
    prefork.signal('SIGTTIN');
    const next = await prefork.waitFor(() => true, START_MS, 'the first report after TTOU, then TTIN', from);
    expect(next, `with one worker, TTOU should change nothing, so TTIN makes two: the first report after them`).toMatchObject({ target: 2 });
    expect(next.workers, 'the one worker should still be there').toContain(only);
    expect(next.workers, 'two workers after TTOU (nothing) and TTIN (one more)').toHaveLength(2);
  });

  arbiterTest('TERM lets a request in flight finish, and the arbiter exits after its workers', {
    rules: ['S4', 'S2'],
    points: 3,
    hint: 'Graceful: each worker stops accepting and closes its server (lab 2\'s close lets requests finish) before it exits; the arbiter waits for every worker\'s exit, then exits.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(2, ['--graceful-timeout', '60000'], gate.env);
    const held = await hold(prefork, 'term');
    prefork.signal('SIGTERM');
    // The workers stop taking connections: the port closes (or the arbiter is gone already).
    await within(BOUND_MS, 'the port refusing connections once the workers stopped taking them', (async () => {
      while (prefork.exit === null && !(await refuses(prefork.port))) await sleep(50);
    })()).catch(() => {});
    prefork.note('the gate opens: the held request can finish');
    gate.open('term');
    expect(await held.client.closes(BOUND_MS), `the held request should finish; ${held.client.story()}`).toBe(true);
    expect(held.finished(), `the request in flight should get its whole answer; ${held.client.story()}`).toBe(true);
    expect(await prefork.exits(BOUND_MS), 'the arbiter should exit once its workers have').toBe(true);
    expect(prefork.aliveAtExit, 'workers still alive when the arbiter exited: it should wait for them').toEqual([]);
    expect(prefork.reports.at(-1)?.event, 'the last report').toBe('stopped');
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  arbiterTest('TERM kills a worker still busy after the graceful timeout', {
    rules: ['S3'],
    points: 2,
    hint: 'When you ask a worker to stop, start a timer of gracefulTimeoutMs; if the worker has not exited when it fires, SIGKILL it.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(2, ['--graceful-timeout', '1500'], gate.env);
    const held = await hold(prefork, 'never');
    prefork.signal('SIGTERM');
    expect(await prefork.exits(BOUND_MS), 'the arbiter should exit: the busy worker is killed 1.5 s after it was asked to stop').toBe(true);
    expect(held.finished(), `the request that never ends should have been cut off; ${held.client.story()}`).toBe(false);
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    arbiterTest(`${signal.slice(3)} stops at once, cutting requests in flight, and leaves nothing behind`, {
      rules: ['S5'],
      points: 2,
      hint: 'A quick shutdown does not wait for requests: SIGKILL the workers, wait for their exit, then exit.',
    }, async () => {
      const gate = gates();
      const prefork = await Prefork.start(2, ['--graceful-timeout', '120000'], gate.env);
      const held = await hold(prefork, 'never');
      prefork.signal(signal);
      expect(await prefork.exits(BOUND_MS), `the arbiter should exit after ${signal}, without waiting for the request in flight (graceful timeout: 120 s)`).toBe(true);
      expect(await held.client.closes(BOUND_MS), `the request in flight should be cut off; ${held.client.story()}`).toBe(true);
      expect(held.finished(), `${signal}: the request in flight should not have finished; ${held.client.story()}`).toBe(false);
      expect(prefork.aliveAtExit, `workers still alive when the arbiter exited`).toEqual([]);
      expect(await leftBehind(prefork.pid, BOUND_MS), `${signal}: processes of the arbiter's tree still running`).toEqual([]);
    });
  }
});
