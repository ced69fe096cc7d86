// Hidden tests for lab 8's prefork server, with real processes: each test starts the lab's
// serve.ts as a program of its own (the arbiter, in a process group of its own), which forks the
// workers; the workers serve hello-app.ts. The test reads the arbiter's JSON lines on stdout,
// sends it signals, and talks HTTP to the port. Whatever happens, the whole group is killed after
// the test, and a test that stops the arbiter checks that no process of its tree is left.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { milestone } from '../../harness/index.ts';
import { RawClient, cleanUp, onWindows, sleep, testUnless, within } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The folder graded: the grader says which (GRADER_LAB_DIR); by hand, the learner's. */
const LAB_DIR = process.env.GRADER_LAB_DIR || join(ROOT, 'labs', 'lab8-production');
const APP = fileURLToPath(new URL('./hello-app.ts', import.meta.url));
/** Why these tests cannot run on Windows. */
const NO_SIGNALS = onWindows && 'POSIX signals and process groups are not available on Windows';

/** One JSON line of serve.ts: a state change of the arbiter. */
interface Report {
  event: 'listening' | 'workers' | 'stopped';
  workers: number[];
  target: number;
  port: number;
}

const running = new Set<Prefork>();

/** The arbiter as a child process: its reports, its output, its exit. */
class Prefork {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly reports: Report[] = [];
  stderr = '';
  exit: { code: number | null; signal: string | null } | null = null;
  #listeners = new Set<() => void>();

  constructor(args: string[]) {
    const conditions = process.env.GRADER_REFERENCE === '0' ? [] : ['--conditions=reference'];
    this.child = spawn(process.execPath, ['--import', 'tsx', ...conditions, join(LAB_DIR, 'serve.ts'), '--app', APP, ...args], {
      cwd: ROOT,
      detached: true, // a process group of its own: one kill reaches the workers too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.pid = this.child.pid!;
    running.add(this);
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end).trim();
        pending = pending.slice(end + 1);
        try {
          const report = JSON.parse(line) as Report;
          if (report && typeof report === 'object' && Array.isArray(report.workers)) this.reports.push(report);
        } catch {
          // Not one of the arbiter's reports: a log line of the learner's. Ignored.
        }
      }
      this.#changed();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-3000);
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.#changed();
    });
  }

  /** Starts an arbiter and waits for its "listening" report. */
  static async start(workers = 2, extra: string[] = []): Promise<Prefork> {
    const prefork = new Prefork(['--workers', String(workers), '--port', '0', '--timeout', '10000', '--graceful-timeout', '2000', ...extra]);
    const listening = await prefork.waitFor((r) => r.event === 'listening', 10_000, 'the "listening" report');
    expect(listening.port, 'the port in the "listening" report').toBeGreaterThan(0);
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
    const lines = this.stderr.split('\n').map((line) => line.trim()).filter(Boolean);
    const cause = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1);
    const why = this.exit ? `the arbiter exited (code ${this.exit.code}, signal ${this.exit.signal})` : `it did not come within ${ms} ms`;
    throw new Error(
      `waited for ${what}, but ${why}${cause ? `: ${cause}` : ''}\n` +
        `reports: ${this.reports.map((r) => JSON.stringify(r)).join('\n  ') || '(none)'}\nstderr: ${this.stderr.trim() || '(empty)'}`,
    );
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

  signal(name: NodeJS.Signals): void {
    process.kill(this.pid, name);
  }

  /** SIGKILL to the whole process group, then wait until none of its processes is left. */
  async killAll(): Promise<number[]> {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone already.
    }
    await within(5000, 'the arbiter exiting after SIGKILL', this.until(() => this.exit !== null, 5000));
    return leftBehind(this.pid, 3000);
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

async function dies(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return !alive(pid);
}

/** GET on a new connection each time (so the requests spread over the workers). */
function get(port: number, path: string, ms = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(ms, () => request.destroy(new Error(`no response to GET ${path} within ${ms} ms`)));
  });
}

/** The pids that answer `count` requests for /pid. */
async function servingPids(port: number, count: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < count; i++) {
    const { status, body } = await get(port, '/pid');
    expect(status, `GET /pid: ${body}`).toBe(200);
    pids.add(Number(body));
  }
  return pids;
}

milestone('arbiter', () => {
  testUnless(NO_SIGNALS, 'starts the workers it is asked for, and they all serve one port', {
    points: 3,
    hint: 'Fork the workers with cluster; each listens on the same port (the primary shares it) and says "ready" when it does. Report their pids.',
  }, async () => {
    const prefork = await Prefork.start(3);
    const workers = prefork.workers;
    expect(workers, 'three worker pids in the "listening" report').toHaveLength(3);
    expect(new Set(workers).size, 'three different processes').toBe(3);
    expect(workers, 'the workers are processes of their own, not the arbiter').not.toContain(prefork.pid);
    for (const pid of workers) expect(alive(pid), `worker ${pid} is alive`).toBe(true);
    const pids = await servingPids(prefork.port, 24);
    expect([...pids].every((pid) => workers.includes(pid)), `answered by ${[...pids].join(', ')}; workers ${workers.join(', ')}`).toBe(true);
    expect(pids.size, `more than one worker answers (answered by ${[...pids].join(', ')})`).toBeGreaterThan(1);
  });

  testUnless(NO_SIGNALS, 'replaces a worker that dies', {
    points: 3,
    hint: 'Listen for each worker\'s exit: unless you retired it, fork a new one in its place.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const [victim, survivor] = prefork.workers as [number, number];
    const from = prefork.reports.length;
    process.kill(victim, 'SIGKILL');
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && !r.workers.includes(victim) && r.workers.includes(survivor),
      8000,
      `a report with worker ${victim} replaced by a new one`,
      from,
    );
    expect(await dies(victim, 3000), `worker ${victim} is gone`).toBe(true);
    const pids = await servingPids(prefork.port, 12);
    expect([...pids].every((pid) => after.workers.includes(pid)), `answered by ${[...pids].join(', ')}; workers ${after.workers.join(', ')}`).toBe(true);
  });

  testUnless(NO_SIGNALS, 'the heartbeat: a worker stuck in a loop is killed and replaced', {
    points: 3,
    hint: 'A worker sends a heartbeat from a timer; a loop stops its timers. The arbiter checks the time of each worker\'s last beat and kills the silent ones.',
    lesson: '08-production.md#the-heartbeat',
  }, async () => {
    const prefork = await Prefork.start(2, ['--timeout', '1200']);
    const before = prefork.workers;
    const from = prefork.reports.length;
    // A raw request: fetch would retry it on the other worker once the first one dies.
    const spinning = await RawClient.connect(prefork.port);
    spinning.send('GET /spin HTTP/1.1\r\nHost: test\r\n\r\n');
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && before.some((pid) => !r.workers.includes(pid)),
      10_000,
      'a report in which the stuck worker has been replaced',
      from,
    );
    const stuck = before.find((pid) => !after.workers.includes(pid))!;
    expect(await dies(stuck, 3000), `the stuck worker ${stuck} was killed`).toBe(true);
    expect(await spinning.until(() => spinning.closed, 3000), 'the stuck request\'s connection ended with its worker').toBe(true);
    const { status } = await get(prefork.port, '/');
    expect(status).toBe(200);
  });
});

milestone('signals', () => {
  testUnless(NO_SIGNALS, 'HUP reloads the workers without losing a request', {
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
          const { status, body } = await get(prefork.port, '/pid', 4000);
          if (status === 200) answeredBy.push(Number(body));
          else failures.push(`status ${status}: ${body}`);
        } catch (error) {
          failures.push(String((error as Error).message ?? error));
        }
      }
    };
    const clients = [client(), client(), client()];
    await sleep(200);
    const from = prefork.reports.length;
    prefork.signal('SIGHUP');
    try {
      await prefork.waitFor((r) => r.workers.length === 2 && r.workers.every((pid) => !old.includes(pid)), 10_000, 'a report with two new workers', from);
      await sleep(300);
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures, `requests that failed during the reload (of ${answeredBy.length + failures.length})`).toEqual([]);
    const fresh = prefork.workers;
    expect(answeredBy.some((pid) => fresh.includes(pid)), 'the new workers answered requests').toBe(true);
    for (const pid of old) expect(await dies(pid, 4000), `old worker ${pid} exited`).toBe(true);
  });

  testUnless(NO_SIGNALS, 'TTIN adds a worker and TTOU removes one', {
    points: 3,
    hint: 'TTIN: one more in the target, fork it. TTOU: one fewer (never below one), and retire a worker gracefully.',
  }, async () => {
    const prefork = await Prefork.start(2);
    let from = prefork.reports.length;
    prefork.signal('SIGTTIN');
    const grown = await prefork.waitFor((r) => r.workers.length === 3, 8000, 'a report with three workers after TTIN', from);
    expect(grown.target).toBe(3);
    from = prefork.reports.length;
    prefork.signal('SIGTTOU');
    const shrunk = await prefork.waitFor((r) => r.workers.length === 2, 8000, 'a report with two workers after TTOU', from);
    expect(shrunk.target).toBe(2);
    const removed = grown.workers.find((pid) => !shrunk.workers.includes(pid))!;
    expect(await dies(removed, 4000), `the retired worker ${removed} exited`).toBe(true);
    expect((await servingPids(prefork.port, 4)).size).toBeGreaterThan(0);
  });

  testUnless(NO_SIGNALS, 'TERM lets a request in flight finish, then stops everything', {
    points: 3,
    hint: 'Graceful: each worker stops accepting and closes its server (lab 2\'s close lets requests finish) before it exits; the arbiter exits after its workers.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const slow = get(prefork.port, '/slow?ms=1000', 6000);
    await sleep(300);
    prefork.signal('SIGTERM');
    const reply = await slow;
    expect(reply, 'the request in flight got its answer').toEqual({ status: 200, body: 'slow done' });
    expect(await prefork.until(() => prefork.exit !== null, 5000), 'the arbiter exited').toBe(true);
    expect(prefork.reports.at(-1)?.event, 'the last report').toBe('stopped');
    expect(await leftBehind(prefork.pid, 2000), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  testUnless(NO_SIGNALS, 'INT and QUIT stop at once, and leave nothing behind', {
    points: 3,
    hint: 'A quick shutdown does not wait for requests: kill the workers, then exit.',
  }, async () => {
    for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
      const prefork = await Prefork.start(2);
      const slow = get(prefork.port, '/slow?ms=8000', 10_000).then(
        () => 'answered',
        () => 'cut off',
      );
      await sleep(300);
      const sent = Date.now();
      prefork.signal(signal);
      expect(await prefork.until(() => prefork.exit !== null, 2500), `the arbiter exited soon after ${signal}`).toBe(true);
      expect(Date.now() - sent, `${signal}: stopped without waiting for the 8 s request`).toBeLessThan(2500);
      expect(await slow, `${signal}: the request in flight`).toBe('cut off');
      expect(await leftBehind(prefork.pid, 2000), `${signal}: processes of the arbiter's tree still running`).toEqual([]);
    }
  });
});
