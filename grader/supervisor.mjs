// @ts-check
// Runs hidden tests in a child process and owns their results.
//
// Why a child: a synchronous endless loop in learner code holds its thread, and no timer inside
// that thread can fire. So the runner (runner.mjs) runs in its own process group; its workers
// append to a journal as each test starts and ends; this process reads the journal, and when a
// test outlives its bound it kills the whole group, records that test as timed out, and starts a
// fresh runner for the tests that have not run. The same happens when a test file never finishes
// loading (a loop at the top level of a learner's module) or when the runner dies (process.exit).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './course.mjs';
import { LoadMonitor } from './load.mjs';

const RUNNER = join(ROOT, 'grader', 'runner.mjs');
/** What vitest gets over a test's own timeout before we stop waiting for it to report. */
const GRACE_MS = 3000;
/** A running test whose worker sent no heartbeat for this long is holding the thread. */
const BLOCKED_MS = 3000;
/** After one test was caught holding the thread, the same loop likely catches the next: wait less. */
const BLOCKED_AGAIN_MS = 1200;
/** How often the journal is read. */
const POLL_MS = 20;
/** Tests that failed while the machine was busy are run again, alone, for at most this long in all. */
const RETRY_BUDGET_MS = 120_000;
/**
 * A failure that came quickly (a wrong value, a stub's TODO error) is not the machine's doing; one
 * that took this long was waiting for something, and waiting is what a busy machine slows down.
 */
const SLOW_FAILURE_MS = 500;

/**
 * @typedef {object} TestRecord
 * @property {string} id
 * @property {string} name
 * @property {string} file
 * @property {Record<string, any>} meta
 * @property {string} mode   vitest's mode: 'run', or 'skip' for tests left out of this run
 * @property {'passed'|'failed'|'timedOut'|'error'|'notRun'} status
 * @property {ErrorRecord[]} errors
 * @property {number} [duration]
 * @property {string} [output]   what learner code printed during the test
 * @property {number} [startedAt]  when it started (ms since the epoch, this process's clock)
 * @property {number} [endedAt]    when it ended
 * @property {number} [busy]       set when the machine was busy while it ran: tasks ready to run per core, on average
 * @property {boolean} [retried]   it failed while the machine was busy and was run again, alone
 *
 * @typedef {object} ErrorRecord
 * @property {string} [name]
 * @property {string} message
 * @property {string} [expected]
 * @property {string} [actual]
 * @property {string} [stack]
 * @property {string} [frame]
 * @property {string} [test]   the test that was running when the error escaped it (errors outside any test)
 *
 * @typedef {object} RunOutcome
 * @property {TestRecord[]} tests        in the order they were collected
 * @property {{ file: string, errors: ErrorRecord[] }[]} fileErrors   files that could not load
 * @property {ErrorRecord[]} unhandled   errors vitest caught outside any test
 * @property {number} runners            how many runner processes it took
 * @property {string} runnerOutput      the tail of what the runners printed (for internal errors)
 * @property {string | null} voided       why the run's results can't be trusted (the canary), or null
 *
 * @typedef {object} SuperviseOptions
 * @property {string[]} files            absolute paths of the hidden test files
 * @property {Record<string, string>} aliases
 * @property {boolean} reference
 * @property {number} testTimeout
 * @property {string} emptyLab           module that stands in for a lab that cannot load (listing)
 * @property {string} [labDir]           the graded folder, passed to tests as GRADER_LAB_DIR
 * @property {string} [refuse]           don't run the lab at all: list its tests and fail them with this
 * @property {boolean} [childProcesses]  the lab's tests may start programs (lab.json "childProcesses")
 * @property {number} [memoryMb]         heap limit of a test worker
 * @property {number} [workers]          test workers at once (grade.mjs testWorkers; vitest's default when absent)
 * @property {number} [loadTimeout]      ms a test file may take to load before it is declared hung
 * @property {number} [totalTimeout]     ms for the whole grade
 * @property {number} [graceMs]          ms past testTimeout before a silent test is declared stuck
 * @property {number} [blockedMs]        ms without a heartbeat before a running test is declared stuck
 * @property {boolean} [retryBusy]   run a test that failed while the machine was busy again, alone (default true)
 * @property {(test: TestRecord) => boolean} [retryOnly]  which tests the busy retry may rerun (default: all)
 * @property {boolean} [independentFiles]  the files test different code (the breakers' copies): one file's
 *   hang says nothing of the next, so the load and heartbeat bounds are not shortened after one
 * @property {LoadSampler} [monitor]   how busy the machine is (tests give a fake)
 * @property {(done: number, total: number) => void} [onProgress]
 *
 * @typedef {{ cores: number, start(): unknown, stop(): void, busyBetween(from: number, to: number): boolean,
 *   averageBetween(from: number, to: number): number }} LoadSampler   what load.mjs's LoadMonitor does
 */

/**
 * A test runner process that can outlive one run: `--watch` keeps one between saves, so a regrade
 * costs a run, not a vitest start-up. A plain grade uses one and closes it. When a run has to be
 * killed (a loop), the session starts a fresh runner for the next run.
 */
export class RunnerSession {
  /** @type {{ files: string[], aliases: Record<string, string>, reference: boolean, testTimeout: number, labDir?: string, childProcesses?: boolean, memoryMb?: number, pool?: 'forks' | 'threads', copies?: string, workers?: number }} */
  #config;
  /** @type {(ReturnType<typeof startRunner> & { reader: ReturnType<typeof journalReader>, exited: Promise<unknown> }) | null} */
  #child = null;
  #scratch = mkdtempSync(join(tmpdir(), 'grader-'));
  #started = 0;
  /** @type {Set<string>} */
  #stale = new Set();

  /** @param {{ files: string[], aliases: Record<string, string>, reference: boolean, testTimeout: number, labDir?: string, childProcesses?: boolean, memoryMb?: number, pool?: 'forks' | 'threads', copies?: string, workers?: number }} config */
  constructor(config) {
    this.#config = config;
  }

  /** A new session like this one, but with another time bound per test (the busy retries). */
  withTestTimeout(/** @type {number} */ testTimeout) {
    return new RunnerSession({ ...this.#config, testTimeout });
  }

  /** How many runner processes this session has started. */
  get started() {
    return this.#started;
  }

  /** Files that changed on disk: the next run recompiles them instead of reusing what it has. */
  invalidate(/** @type {string[]} */ paths) {
    for (const path of paths) this.#stale.add(path);
  }

  /** Sends one run to the live runner (starting one if there is none) and returns that runner. */
  startRun(/** @type {Map<string, string[] | undefined>} */ todo) {
    if (!this.#child || this.#child.process.exitCode !== null || this.#child.process.signalCode !== null) {
      this.#started += 1;
      const journal = join(this.#scratch, `journal-${this.#started}.jsonl`);
      writeFileSync(journal, '');
      const child = startRunner(
        {
          root: ROOT,
          journal,
          files: this.#config.files.map((path) => ({ path })),
          aliases: this.#config.aliases,
          reference: this.#config.reference,
          testTimeout: this.#config.testTimeout,
          labDir: this.#config.labDir,
          childProcesses: this.#config.childProcesses,
          memoryMb: this.#config.memoryMb,
          pool: this.#config.pool,
          copies: this.#config.copies,
          workers: this.#config.workers,
        },
        true,
      );
      this.#child = { ...child, reader: journalReader(journal), exited: new Promise((resolve) => child.process.once('exit', resolve)) };
      this.#stale.clear(); // a new runner has compiled nothing yet
    }
    const files = [...todo].map(([path, testIds]) => ({ path, testIds }));
    this.#child.process.send({ type: 'run', files, invalidate: [...this.#stale] });
    this.#stale.clear();
    return this.#child;
  }

  /** @type {Set<number>} processes learner code started (the journal names them) */
  #adopted = new Set();

  /** A process learner code started: it is killed with the session, even if it left the group. */
  adopt(/** @type {number} */ pid) {
    this.#adopted.add(pid);
  }

  /** Kills the runner and everything it started. The next run starts a new one. */
  kill() {
    for (const pid of this.#adopted) killGroup(pid);
    this.#adopted.clear();
    if (!this.#child) return;
    this.#child.killGroup();
    this.#child.reader.close();
    this.#child = null;
  }

  /**
   * Ends the session. Everything a run reports is in the journal by the time it says `run-done`,
   * so there is nothing to wait for: kill the runner's group at once, and with it anything learner
   * code left behind (a server still listening, a child process).
   */
  async close() {
    const child = this.#child;
    // A profile is written when the process exits by itself: ask it to, and give it time.
    if (process.env.GRADER_PROFILE && child) {
      child.process.send?.({ type: 'exit' });
      await Promise.race([child.exited, sleep(30_000)]);
    }
    this.kill();
    if (child) await Promise.race([child.exited, sleep(3000)]);
    rmSync(this.#scratch, { recursive: true, force: true });
  }
}

/**
 * @param {SuperviseOptions & { session?: RunnerSession }} options
 * @returns {Promise<RunOutcome>}
 */
export async function supervise(options) {
  let loadTimeout = options.loadTimeout ?? 10_000;
  let blockedMs = options.blockedMs ?? BLOCKED_MS;
  const deadline = Date.now() + (options.totalTimeout ?? 15 * 60_000);
  const scratch = mkdtempSync(join(tmpdir(), 'grader-'));
  /** @type {Map<string, TestRecord>} */
  const tests = new Map();
  /** @type {Map<string, ErrorRecord[]>} */
  const fileErrors = new Map();
  /** @type {ErrorRecord[]} */
  const unhandled = [];
  let runnerOutput = '';
  const session =
    options.session ??
    new RunnerSession({
      files: options.files,
      aliases: options.aliases,
      reference: options.reference,
      testTimeout: options.testTimeout,
      labDir: options.labDir,
      childProcesses: options.childProcesses,
      memoryMb: options.memoryMb,
      workers: options.workers,
    });
  const startedBefore = session.started;

  /** Files still to run, each with the ids of the tests still to run (undefined: all of them). */
  /** @type {Map<string, string[] | undefined>} */
  let todo = new Map(options.files.map((file) => [file, undefined]));
  let voided = null;
  const monitor = options.monitor ?? new LoadMonitor();
  monitor.start();
  if (options.refuse) {
    // Refused before running (a forbidden import): every test fails with the reason.
    for (const file of options.files) fileErrors.set(file, [{ name: 'Refused', message: options.refuse }]);
    todo = new Map();
  }
  try {
    while (todo.size > 0) {
      if (Date.now() > deadline) break;
      const run = await runOnce({ ...options, loadTimeout, blockedMs, deadline, session, todo, tests });
      runnerOutput = (runnerOutput + run.output).slice(-8000);
      for (const [file, errors] of run.fileErrors) fileErrors.set(file, errors);
      // Every test file imports the same lab: once one hung while loading, the others will too.
      if (run.loadHang && !options.independentFiles) loadTimeout = Math.min(loadTimeout, 3000);
      if (run.blocked && !options.independentFiles) blockedMs = Math.min(blockedMs, BLOCKED_AGAIN_MS);
      unhandled.push(...run.unhandled);
      if (run.canary) {
        voided =
          'this run is void: a check that must fail passed (the canary), so something in the code under ' +
          'test changed how assertions work. A lab must not touch the test framework.';
      }
      const next = remainingWork(todo, tests, fileErrors);
      // Each runner must settle at least one test or file; otherwise stop rather than loop.
      const progressed = run.settled > 0 || run.fileErrors.size > 0;
      if (!progressed) {
        if (run.crash) unhandled.push(run.crash);
        break;
      }
      todo = next;
    }
    if (options.retryBusy !== false && !voided) {
      await retryBusyFailures({ ...options, tests, monitor, deadline, fileErrors, like: session });
    }
    // Tests a broken file never declared still count: list them with the lab replaced by a stub.
    const unlisted = [...fileErrors.keys()].filter((file) => ![...tests.values()].some((t) => t.file === file));
    if (unlisted.length > 0) await listTests({ ...options, files: unlisted, scratch, tests });
  } finally {
    monitor.stop();
    rmSync(scratch, { recursive: true, force: true });
    if (!options.session) await session.close();
  }
  for (const test of tests.values()) {
    if (test.status === 'notRun' && fileErrors.has(test.file)) {
      test.status = 'error';
      test.errors = fileErrors.get(test.file) ?? [];
    } else if (test.status === 'notRun' && test.errors.length === 0) {
      const why = Date.now() > deadline ? 'the time limit for the whole lab ran out' : 'an earlier failure stopped the test process for good';
      test.errors = [{ message: `not run: ${why} before this test` }];
    }
  }
  return {
    tests: [...tests.values()],
    fileErrors: [...fileErrors].map(([file, errors]) => ({ file, errors })),
    unhandled,
    runners: session.started - startedBefore,
    runnerOutput,
    voided,
  };
}

/**
 * A test that failed or timed out while the machine was busy (more tasks ready to run than cores)
 * proves nothing about the learner's code: it runs again, alone, in a fresh runner with twice the
 * time. Its second result stands; if the machine was busy during that run too and it failed again,
 * the record says how busy (`busy`), and the report says so instead of blaming the code.
 * @param {SuperviseOptions & { tests: Map<string, TestRecord>, monitor: LoadSampler, deadline: number,
 *   fileErrors: Map<string, ErrorRecord[]>, like: RunnerSession }} options   `like`: the session the tests ran in
 */
async function retryBusyFailures(options) {
  const { tests, monitor } = options;
  const failedWhileBusy = [...tests.values()].filter(
    (t) =>
      (options.retryOnly?.(t) ?? true) &&
      (t.status === 'timedOut' || (t.status === 'failed' && (t.endedAt ?? Date.now()) - (t.startedAt ?? 0) >= SLOW_FAILURE_MS)) &&
      t.startedAt !== undefined &&
      !options.fileErrors.has(t.file) &&
      monitor.busyBetween(t.startedAt, t.endedAt ?? Date.now()),
  );
  if (failedWhileBusy.length === 0) return;
  const testTimeout = options.testTimeout * 2;
  const session = options.like.withTestTimeout(testTimeout);
  const budgetEnd = Math.min(Date.now() + RETRY_BUDGET_MS, options.deadline);
  try {
    for (const test of failedWhileBusy) {
      if (Date.now() > budgetEnd) {
        test.busy = monitor.averageBetween(test.startedAt ?? 0, test.endedAt ?? Date.now()) / monitor.cores;
        continue;
      }
      test.retried = true;
      test.status = 'notRun';
      await runOnce({
        ...options,
        testTimeout,
        loadTimeout: options.loadTimeout ?? 10_000,
        blockedMs: options.blockedMs ?? BLOCKED_MS,
        deadline: options.deadline,
        session,
        todo: new Map([[test.file, [test.id]]]),
        tests,
      });
      // runOnce settled it (TypeScript can't see that through the call).
      const status = /** @type {TestRecord['status']} */ (test.status);
      if (status === 'notRun') test.status = 'error';
      if (status !== 'passed' && monitor.busyBetween(test.startedAt ?? 0, test.endedAt ?? Date.now())) {
        test.busy = monitor.averageBetween(test.startedAt ?? 0, test.endedAt ?? Date.now()) / monitor.cores;
      }
    }
  } finally {
    await session.close();
  }
}

/**
 * @param {Map<string, string[] | undefined>} todo
 * @param {Map<string, TestRecord>} tests
 * @param {Map<string, ErrorRecord[]>} fileErrors
 */
function remainingWork(todo, tests, fileErrors) {
  /** @type {Map<string, string[] | undefined>} */
  const next = new Map();
  for (const file of todo.keys()) {
    if (fileErrors.has(file)) continue;
    const known = [...tests.values()].filter((t) => t.file === file);
    if (known.length === 0) {
      next.set(file, undefined);
      continue;
    }
    const left = known.filter((t) => t.status === 'notRun' && t.mode !== 'skip').map((t) => t.id);
    if (left.length > 0) next.set(file, left);
  }
  return next;
}

/**
 * One run in the session's runner, watched until it reports the run done, or dies, or is killed.
 * @param {SuperviseOptions & { loadTimeout: number, blockedMs: number, deadline: number,
 *   session: RunnerSession, todo: Map<string, string[] | undefined>, tests: Map<string, TestRecord> }} options
 */
async function runOnce(options) {
  const { tests } = options;
  const child = options.session.startRun(options.todo);
  const reader = child.reader;
  /** @type {Map<string, ErrorRecord[]>} */
  const fileErrors = new Map();
  /** @type {ErrorRecord[]} */
  const unhandled = [];
  /** test id -> time it started, and the time of its latest heartbeat */
  const running = new Map();
  const beats = new Map();
  /** file -> time it was queued, while it has not declared its tests yet */
  const loading = new Map();
  /**
   * When the runner last showed it was working (a file collected, a test started, ended or beat).
   * vitest queues every file at once and a worker loads them one after another, so a file's load
   * clock starts at the later of its queueing and this: waiting for its turn is not hanging.
   */
  let progressAt = Date.now();
  let settled = 0;
  let finishedCleanly = false;
  let canary = false;

  /** @param {any} event */
  const apply = (event) => {
    if (event.t !== 'queued') progressAt = Date.now();
    switch (event.t) {
      case 'queued':
        loading.set(event.file, Date.now());
        break;
      case 'collected':
        loading.delete(event.file);
        for (const t of event.tests) {
          if (tests.has(t.id)) continue;
          tests.set(t.id, {
            id: t.id,
            name: t.name,
            file: event.file,
            meta: t.meta,
            mode: t.mode,
            status: 'notRun',
            errors: [],
          });
        }
        break;
      case 'start': {
        running.set(event.id, Date.now());
        const test = tests.get(event.id);
        if (test) {
          test.startedAt = Date.now();
          test.endedAt = undefined;
        }
        break;
      }
      case 'beat':
        beats.set(event.id, Date.now());
        break;
      case 'end': {
        running.delete(event.id);
        const test = tests.get(event.id);
        if (!test) break;
        test.status = statusOf(event);
        test.errors = (event.errors ?? []).map(ownWords);
        test.duration = event.duration;
        test.endedAt = Date.now();
        settled += 1;
        options.onProgress?.([...tests.values()].filter((t) => t.status !== 'notRun').length, tests.size);
        break;
      }
      case 'log': {
        const test = tests.get(event.id);
        if (test) test.output = (test.output ?? '') + event.content;
        break;
      }
      case 'module-error':
        loading.delete(event.file);
        fileErrors.set(event.file, event.errors);
        break;
      case 'unhandled':
        unhandled.push(...event.errors);
        break;
      case 'canary':
        canary = true;
        break;
      case 'child':
        options.session.adopt(event.pid);
        break;
      case 'run-done':
        finishedCleanly = true;
        break;
    }
  };

  let exitedYet = false;
  child.exited.then(() => (exitedYet = true));
  /** @type {{ kind: 'test', id: string, blocked: boolean } | { kind: 'file', file: string } | { kind: 'total' } | null} */
  let culprit = null;
  while (!exitedYet && !finishedCleanly) {
    await Promise.race([child.exited, sleep(POLL_MS)]);
    reader.read().forEach(apply);
    const now = Date.now();
    for (const [id, started] of running) {
      const alive = Math.max(started, beats.get(id) ?? started);
      if (now - alive > options.blockedMs) culprit ??= { kind: 'test', id, blocked: true };
      if (now - started > options.testTimeout + (options.graceMs ?? GRACE_MS)) culprit ??= { kind: 'test', id, blocked: false };
    }
    for (const [file, queued] of loading) {
      if (now - Math.max(queued, progressAt) > options.loadTimeout) culprit ??= { kind: 'file', file };
    }
    if (now > options.deadline) culprit ??= { kind: 'total' };
    if (culprit) break;
  }
  if (culprit || !finishedCleanly) {
    // A wedged or dead runner: read what it wrote, then make sure none of it is left.
    reader.read().forEach(apply);
    options.session.kill();
    await child.exited;
  }

  if (culprit?.kind === 'test') {
    const test = tests.get(culprit.id);
    if (test) {
      test.status = 'timedOut';
      test.endedAt = Date.now();
      test.errors = [
        {
          name: 'TimeoutError',
          message: culprit.blocked
            ? 'did not finish: the code under test held the thread without a break (an endless loop?), ' +
              'so the grader stopped it. Look for a loop that never ends.'
            : `did not finish within ${options.testTimeout} ms, and the code under test would not ` +
              `let go of the thread, so the grader stopped it. Look for a loop that never ends.`,
        },
      ];
      settled += 1;
    }
  } else if (culprit?.kind === 'file') {
    fileErrors.set(culprit.file, [
      {
        name: 'TimeoutError',
        message:
          'the lab did not finish loading, so the grader stopped it. Code at the top level of a ' +
          'module runs on import: is there an endless loop outside any function?',
      },
    ]);
  }

  /** @type {ErrorRecord | undefined} */
  let crash;
  if (!culprit && running.size > 0) {
    // A test that started and never ended took its process down with it (the runner, or the
    // test worker, whose crash vitest reports as an error outside any test): that test failed.
    crash = {
      name: 'RunnerCrash',
      message:
        'the test process ended while this test ran. Did your code call process.exit(), or run out of memory?',
    };
    for (const id of running.keys()) {
      const test = tests.get(id);
      if (test) {
        test.status = 'error';
        test.errors = [crash];
        settled += 1;
      }
    }
  } else if (!culprit && !finishedCleanly) {
    crash = { name: 'RunnerCrash', message: 'the test process ended before it finished, between tests.' };
  }
  return {
    fileErrors,
    unhandled,
    settled,
    crash,
    canary,
    loadHang: culprit?.kind === 'file',
    blocked: culprit?.kind === 'test' && culprit.blocked,
    output: child.output(),
  };
}

/**
 * Collects the names and metadata of the tests in files whose lab could not load, by running them
 * with the lab replaced by an empty module. Learner code is not loaded at all.
 * @param {SuperviseOptions & { scratch: string, tests: Map<string, TestRecord> }} options
 */
async function listTests(options) {
  const journal = join(options.scratch, 'journal-list.jsonl');
  writeFileSync(journal, '');
  const aliases = Object.fromEntries(Object.keys(options.aliases).map((alias) => [alias, options.emptyLab]));
  const child = startRunner({
    root: ROOT,
    journal,
    files: options.files.map((path) => ({ path })),
    aliases,
    reference: options.reference,
    testTimeout: options.testTimeout,
    listOnly: true,
  });
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  const timer = setTimeout(() => child.killGroup(), 30_000);
  await exited;
  clearTimeout(timer);
  child.killGroup();
  const reader = journalReader(journal);
  for (const event of reader.read()) {
    if (event.t !== 'collected') continue;
    for (const t of event.tests) {
      options.tests.set(t.id, {
        id: t.id,
        name: t.name,
        file: event.file,
        meta: t.meta,
        mode: t.mode,
        status: 'notRun',
        errors: [],
      });
    }
  }
  reader.close();
}

/**
 * vitest's own timeout message tells the reader to configure vitest: the grader says what it means
 * for the code under test instead.
 * @param {ErrorRecord} error @returns {ErrorRecord}
 */
function ownWords(error) {
  const timeout = /^Test timed out in (\d+)ms/.exec(error?.message ?? '');
  if (!timeout) return error;
  return {
    ...error,
    name: 'TimeoutError',
    message:
      `did not finish within ${timeout[1]} ms: the test was still waiting for the code under test. ` +
      'Is there a promise that never settles, a response never ended, a callback never called, or a connection never closed?',
  };
}

/** @param {any} event @returns {TestRecord['status']} */
function statusOf(event) {
  if (event.state === 'pass') return 'passed';
  if (event.state !== 'fail') return 'notRun';
  const first = event.errors?.[0];
  if (first?.name === 'TimeoutError' || /^Test timed out in \d+ms/.test(first?.message ?? '')) return 'timedOut';
  return 'failed';
}

/** Starts runner.mjs in a new process group, output captured (bounded). */
function startRunner(/** @type {{ journal: string } & Record<string, unknown>} */ runnerOptions, ipc = false) {
  // The options go in a file beside the journal: a breaker run lists thousands of test files,
  // more than a command line may hold (spawn fails with E2BIG).
  const optionsFile = `${runnerOptions.journal}.options.json`;
  writeFileSync(optionsFile, JSON.stringify(runnerOptions));
  // GRADER_PROFILE=<folder>: the runner and its worker threads write CPU profiles there (how the
  // breakers' runs were found to wait on the runner's one thread; bench/FINDINGS.md).
  const profile = process.env.GRADER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GRADER_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, RUNNER, optionsFile], {
    cwd: ROOT,
    detached: true, // its own process group, so a kill reaches everything learner code started
    windowsHide: true,
    // With an IPC channel the runner serves runs until told to exit; without, it runs once.
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    // vitest keeps the modules it hands its workers in a folder of the temporary folder; the
    // workers may read only the grade's scratch folder, so that is where it must be.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', TMPDIR: dirname(runnerOptions.journal), TMP: dirname(runnerOptions.journal), TEMP: dirname(runnerOptions.journal) },
  });
  let output = '';
  /** @param {Buffer} chunk */
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    process: child,
    output: () => output,
    killGroup() {
      killGroup(child.pid);
    },
  };
}

/**
 * Kills a process and everything it started: its process group, and any descendant that left the
 * group (a child spawned with `detached: true`). The tree is read before the kill: once the runner
 * is dead, its orphans belong to init and can no longer be told apart.
 */
export function killGroup(/** @type {number | undefined} */ pid) {
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore' });
    return;
  }
  const tree = descendants(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
  for (const child of tree) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Every process below `pid`, from `ps` (POSIX). */
export function descendants(/** @type {number} */ pid) {
  const listing = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout ?? '';
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const line of listing.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Reads the journal incrementally: each call returns the complete lines written since the last. */
function journalReader(/** @type {string} */ path) {
  const fd = openSync(path, 'r');
  let offset = 0;
  let partial = '';
  return {
    read() {
      const size = statSync(path).size;
      if (size <= offset) return [];
      const buffer = Buffer.alloc(size - offset);
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      offset += n;
      const text = partial + buffer.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      return lines.flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
    },
    close() {
      closeSync(fd);
    },
  };
}

function sleep(/** @type {number} */ ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
