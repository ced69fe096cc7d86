// @ts-check
// The test-running child process. The supervisor (supervisor.mjs) starts it in a process group of
// its own, tells it what to run in one JSON argument, and watches the journal it and its vitest
// workers write. This process never prints a report: if learner code wedges or kills it, the
// supervisor still owns the results. It only runs tests.
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { defaultServerConditions } from 'vite';
import { createVitest } from 'vitest/node';

/**
 * @typedef {object} RunnerOptions
 * @property {string} root
 * @property {string} journal
 * @property {{ path: string, testIds?: string[] }[]} files   absolute paths of test files
 * @property {Record<string, string>} aliases   `@lab/http` -> absolute path of the lab's index.ts
 * @property {boolean} reference   resolve `#http` and friends to solutions/ (the reference layers)
 * @property {number} testTimeout
 * @property {boolean} [listOnly]  collect the tests, run none
 * @property {string} [labDir]     the folder being graded, for tests that start it as a program
 * @property {boolean} [childProcesses]  the lab's tests start programs (lab 8's arbiter)
 * @property {number} [memoryMb]    heap limit of a test worker (default 2048)
 * @property {'forks' | 'threads'} [pool]   'threads' only for the course's own code (the breakers' copies of
 *   the reference): cheaper per run, but no permission model and no process to lose to process.exit()
 * @property {string} [copies]   the breakers' folder of numbered copies (`<copies>/<k>/lab`, `<k>/grader/...`):
 *   the lab alias resolves to the copy its importer sits in, and workers are reused across files
 * @property {number} [workers]   how many test workers at once (default: vitest's, one per core)
 */

/** @type {RunnerOptions} */
// The supervisor writes the options to a file and passes its path (a command line is too short for them).
const options = process.argv[2] ? JSON.parse(readFileSync(process.argv[2], 'utf8')) : {};

/** @param {object} event */
function write(event) {
  appendFileSync(options.journal, JSON.stringify(event) + '\n');
}

/** Terminal colour codes: transform errors arrive coloured; the report colours for itself. */
const ANSI = /\x1b\[[0-9;]*m/g;

/** @param {unknown} text @param {number} max */
function clean(text, max) {
  return typeof text === 'string' ? text.replace(ANSI, '').slice(0, max) : undefined;
}

/** @param {any} error */
function plainError(error) {
  return {
    name: clean(String(error?.name ?? 'Error'), 200),
    message: clean(String(error?.message ?? error), 4000),
    stack: clean(error?.stack, 4000),
    frame: clean(error?.frame, 2000),
    // vitest names the test that was running when an error escaped it.
    test: clean(error?.VITEST_TEST_NAME, 300),
  };
}

const MAX_LOG_PER_TEST = 4000;
/** @type {Map<string, number>} */
const logged = new Map();

/** @type {import('vitest/node').Reporter} */
const journalReporter = {
  onTestModuleQueued(module) {
    write({ t: 'queued', file: module.moduleId });
  },
  onTestModuleEnd(module) {
    const errors = module.errors();
    if (errors.length > 0) write({ t: 'module-error', file: module.moduleId, errors: errors.map(plainError) });
  },
  onUserConsoleLog(log) {
    // What the learner's code printed during a test, kept (bounded) to show beside a failure.
    const id = log.taskId ?? '';
    const used = logged.get(id) ?? 0;
    if (used >= MAX_LOG_PER_TEST) return;
    const content = log.content.slice(0, MAX_LOG_PER_TEST - used);
    logged.set(id, used + content.length);
    write({ t: 'log', id, content });
  },
  onTestRunEnd(_modules, unhandledErrors) {
    if (unhandledErrors.length > 0) write({ t: 'unhandled', errors: unhandledErrors.map(plainError) });
  },
};

const conditions = options.reference ? ['reference', ...defaultServerConditions] : [...defaultServerConditions];

/**
 * Node's permission model for the test workers, where learner code runs: it may read the course's
 * dependencies, the labs and the folder graded, and read and write the temporary folder; not
 * solutions/, not the hidden tests, not the grader, not the network of files beyond. Node calls it
 * a seat belt, not a sandbox: it stops accidents and casual peeking, not a determined attacker
 * (that is what a grading service's container is for). GRADER_NO_PERMISSIONS=1 turns it off.
 */
function permissionFlags() {
  if (process.env.GRADER_NO_PERMISSIONS === '1') return [];
  // Not the whole temporary folder: the course itself may sit in it (a CI checkout in /tmp).
  const read = [join(options.root, 'node_modules'), join(options.root, 'labs'), join(options.root, 'grader', 'harness'), scratch];
  if (options.labDir) read.push(options.labDir);
  // Node checks the real path of what is opened: a symlinked node_modules (or tmp) must be allowed
  // under its real name too.
  const real = read.flatMap((path) => (existsSync(path) ? [path, realpathSync(path)] : [path]));
  const writable = [...new Set([scratch, realpathSync(scratch)])];
  const flags = [
    '--experimental-permission',
    ...[...new Set(real)].map((path) => `--allow-fs-read=${path}`),
    ...writable.map((path) => `--allow-fs-write=${path}`),
  ];
  if (options.childProcesses) flags.push('--allow-child-process');
  return ['--no-warnings=ExperimentalWarning', ...flags];
}

/** Bounds on a test worker: code that allocates without end fails its test, not the machine. */
function limitFlags() {
  return [`--max-old-space-size=${options.memoryMb ?? 2048}`];
}

/**
 * The one folder test workers may write to: the session's scratch folder (beside the journal,
 * which the supervisor made for this runner). Tests get it as their temporary folder (TMPDIR).
 */
const scratch = dirname(options.journal);
const testTmp = join(scratch, 'tmp');
mkdirSync(testTmp, { recursive: true });

const vitest = await createVitest(
  'test',
  {
    config: false,
    root: options.root,
    watch: false,
    include: options.files.map((file) => file.path),
    setupFiles: [join(options.root, 'grader', 'harness', 'journal.ts')],
    reporters: [journalReporter],
    testTimeout: options.testTimeout,
    hookTimeout: options.testTimeout,
    teardownTimeout: 1000,
    // forks, not threads: the permission flags apply to a process. A learner's process.exit()
    // then ends that worker, which vitest reports, instead of the runner.
    pool: options.pool ?? 'forks',
    execArgv: options.pool === 'threads' ? [] : [...permissionFlags(), ...limitFlags()],
    // The breakers' copies are many small test files: one worker runs them one after another
    // (starting a worker costs far more than a test), each copy with its own modules.
    isolate: !options.copies,
    ...(options.workers ? { maxWorkers: options.workers } : {}),
    // vitest looks for snapshot files beside each test; the workers may not read there.
    resolveSnapshotPath: (testPath, extension) => join(scratch, 'snapshots', basename(testPath) + extension),
    passWithNoTests: true,
    allowOnly: false,
    // A failure shows expected and actual in full: no `{ kind: 'match', …(3) }` elision.
    chaiConfig: { truncateThreshold: 0 },
    env: {
      GRADER_JOURNAL: options.journal,
      GRADER_LIST_ONLY: options.listOnly ? '1' : '0',
      GRADER_LAB_DIR: options.labDir ?? '',
      // For tests that start the lab as a program: whether its lower layers are the reference.
      GRADER_REFERENCE: options.reference ? '1' : '0',
      // os.tmpdir() in the tests: the scratch folder, the only place they may write (the setup
      // file sets TMPDIR from it, in the worker only).
      GRADER_TMP: testTmp,
    },
  },
  {
    resolve: { alias: options.copies ? {} : options.aliases },
    plugins: options.copies ? [copiesPlugin(options.copies)] : [],
    ssr: { resolve: { conditions } },
    logLevel: 'silent',
    clearScreen: false,
  },
);

/**
 * The lab alias for the breakers' copies: `@lab/<slug>` imported from `<copies>/<k>/...` is that
 * copy's lab, `<copies>/<k>/lab/index.ts`. Everything else resolves as usual.
 * @param {string} copies
 * @returns {import('vite').Plugin}
 */
function copiesPlugin(copies) {
  const names = new Set(Object.keys(options.aliases));
  const prefix = copies.endsWith('/') ? copies : `${copies}/`;
  return {
    name: 'grader-breaker-copies',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!names.has(source) || !importer?.startsWith(prefix)) return null;
      const copy = importer.slice(prefix.length).split('/')[0];
      return join(prefix, copy ?? '0', 'lab', 'index.ts');
    },
  };
}

/**
 * One run: the given files (and tests), after forgetting the modules that changed on disk since
 * the last run (a long-lived runner keeps transformed modules; a learner's save must not be stale).
 * @param {RunnerOptions['files']} files
 * @param {string[]} [invalidate]
 */
async function run(files, invalidate = []) {
  for (const file of invalidate) vitest.invalidateFile(file);
  try {
    const project = vitest.getRootProject();
    const specifications = files.map((file) =>
      project.createSpecification(file.path, file.testIds ? { testIds: file.testIds } : undefined),
    );
    await vitest.runTestSpecifications(specifications, true);
  } catch (error) {
    write({ t: 'unhandled', errors: [plainError(error)] });
  }
  write({ t: 'run-done' });
}

async function finish() {
  await vitest.close();
  // Learner code may have left servers or timers running: they must not keep this process alive.
  process.exit(0);
}

if (process.send) {
  // Started with an IPC channel: serve runs until told to exit (one for a grade, many in --watch).
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'run') void run(message.files, message.invalidate);
    else if (message?.type === 'exit') void finish();
  });
  process.on('disconnect', () => void finish());
} else {
  await run(options.files);
  await finish();
}
