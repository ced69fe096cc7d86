// Loaded by vitest in the worker before each hidden test file (a setup file). It appends one JSON
// line per event to the journal named by GRADER_JOURNAL, synchronously: if learner code then hangs
// the thread, every line written so far is already on disk for the supervising process to read.
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

const journal = process.env.GRADER_JOURNAL;

// The temporary folder of this test worker: the grade's scratch folder, the one place the
// permission model lets learner code and tests write. os.tmpdir() reads these on every call.
if (process.env.GRADER_TMP) {
  process.env.TMPDIR = process.env.TMP = process.env.TEMP = process.env.GRADER_TMP;
}
const listOnly = process.env.GRADER_LIST_ONLY === '1';

interface TaskLike {
  id: string;
  name: string;
  type: string;
  mode: string;
  meta: object;
  tasks?: TaskLike[];
  file?: { filepath: string };
}

function write(event: object): void {
  if (journal) appendFileSync(journal, JSON.stringify(event) + '\n');
}

/**
 * What this file installs once per worker, however often it runs: vitest runs a setup file before
 * every test file, and a worker that is not isolated (the breakers' runs) keeps one process for many.
 */
const shared = ((globalThis as { __graderJournal?: { running: string | null; installed: boolean } }).__graderJournal ??= {
  running: null,
  installed: false,
});

/**
 * Names every process learner code starts, so the grader can kill it after the grade even if it
 * left the process group (`detached: true`) and outlived its parent. spawn, exec, execFile and fork
 * all go through ChildProcess#spawn.
 */
function watchSpawns(): void {
  // spawn is internal to ChildProcess (not in its types), hence the cast.
  const prototype = childProcess.ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
  const originalSpawn = prototype.spawn;
  prototype.spawn = function (this: childProcess.ChildProcess, ...args: unknown[]) {
    const result = originalSpawn.apply(this, args);
    if (this.pid !== undefined) write({ t: 'child', pid: this.pid });
    return result;
  };
  syncBuiltinESMExports();
}

function listTests(task: TaskLike, out: object[]): object[] {
  if (task.type === 'test') out.push({ id: task.id, name: task.name, mode: task.mode, meta: task.meta });
  for (const child of task.tasks ?? []) listTests(child, out);
  return out;
}

/** Keeps what a report needs of an error, bounded in size so a huge value can't flood the journal. */
function describeError(error: Record<string, unknown>): object {
  const clip = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);
  return {
    name: clip(error.name, 200),
    message: clip(error.message, 4000),
    expected: clip(error.expected, 4000),
    actual: clip(error.actual, 4000),
    stack: clip(error.stack, 4000),
  };
}

// vitest reads a hook's first parameter as a fixture list, so it must be a destructuring pattern.
let file: string | undefined;

beforeAll(({}: object, suite: TaskLike) => {
  file = suite.file?.filepath;
  write({ t: 'collected', file, tests: listTests(suite, []) });
  if (listOnly) throw new Error('listing only');
});

/**
 * The canary, after the file's tests (this hook was registered first, so it runs last): one
 * assertion that must fail and one that must pass. Learner code runs in this worker; if it has
 * patched the assertion library, the canary says so and the grade of this run is void.
 */
afterAll(() => {
  let mustFail = false;
  try {
    expect(1).toBe(2);
  } catch {
    mustFail = true;
  }
  let mustPass = true;
  try {
    expect(1).toBe(1);
  } catch {
    mustPass = false;
  }
  if (!mustFail || !mustPass) write({ t: 'canary', file });
});

/**
 * While a test runs, a heartbeat names it every BEAT_MS. A timer fires only when the thread is
 * free, so a test whose beats stop is holding the thread (a loop in a socket callback, say), while
 * a slow test that is merely waiting keeps beating and is left to vitest's own timeout.
 */
const BEAT_MS = 250;
if (!shared.installed) {
  shared.installed = true;
  watchSpawns();
  setInterval(() => {
    if (shared.running !== null) write({ t: 'beat', id: shared.running });
  }, BEAT_MS).unref();
}

beforeEach((context) => {
  const task = context.task;
  shared.running = task.id;
  write({ t: 'start', id: task.id });
  context.onTestFinished(() => {
    shared.running = null;
    const result = task.result;
    write({
      t: 'end',
      id: task.id,
      state: result?.state,
      duration: result?.duration,
      errors: (result?.errors ?? []).slice(0, 3).map((e) => describeError(e as unknown as Record<string, unknown>)),
    });
  });
});
