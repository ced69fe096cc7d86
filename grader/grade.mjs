// @ts-check
// One grade: which code to test, over which lower layers, with which hidden tests; then the run
// (supervisor.mjs) and the result (report.mjs). The CLI and the self-check both call `grade`.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { LABS, ROOT, courseVersion, examplesOnly, hasReference, hiddenDir, labDetails } from './course.mjs';
import { labRules } from './ledger.mjs';
import { buildResult } from './report.mjs';
import { supervise } from './supervisor.mjs';
import { levelOf } from './levels.mjs';

/** A mistake in how the grader was asked: reported with exit code 2. */
export class UsageError extends Error {}

/**
 * @typedef {object} GradeOptions
 * @property {import('./course.mjs').LabInfo} lab
 * @property {boolean} [solution]   grade solutions/<lab> instead of labs/<lab>
 * @property {boolean} [ownStack]   lower layers from labs/ (the learner's) instead of solutions/
 * @property {string} [labDir]      grade this folder instead (the self-check's copy of a starter)
 * @property {string} [note]
 * @property {boolean} [typeCheck]  also run TypeScript on the graded folder: its errors come back as `typeErrors`
 * @property {(done: number, total: number) => void} [onProgress]
 */

/**
 * What a grade will run, and over which layers: the plan that `grade` (once) and `watch` (on every
 * save) share.
 * @param {GradeOptions} options
 */
export function gradePlan(options) {
  const { lab } = options;
  const examples = examplesOnly();
  if (options.solution && !existsSync(join(ROOT, 'solutions'))) {
    throw new UsageError('this copy of the course has no reference solutions: --solution needs the instructor\'s copy.');
  }
  const targetDir = options.labDir ?? join(ROOT, options.solution ? 'solutions' : 'labs', lab.folder);
  if (!existsSync(join(targetDir, 'index.ts'))) {
    throw new UsageError(`${relative(ROOT, targetDir)}/index.ts does not exist: nothing to grade.`);
  }
  // In a students' release without hidden tests, the lab's visible examples are the tests. An
  // example declared in a milestone (the harness's milestone(), as hidden tests are) is reported in
  // it, so the report keeps its "Next: milestone N"; plain examples form one last group.
  const details = examples
    ? {
        ...labDetails(lab),
        milestones: [...labDetails(lab).milestones, { id: 'other', title: 'Visible examples (the hidden tests run when you submit)', lesson: lab.lesson }],
      }
    : labDetails(lab);
  const lower = LABS.filter((l) => l.number < lab.number);
  // The `reference` condition picks reference/ or solutions/ for every lower lab that has one;
  // a release's imports map sends the others to labs/ whatever the condition.
  const reference = !options.ownStack && lower.some(hasReference);
  const files = examples ? exampleFiles(targetDir) : testFiles(lab);
  return {
    lab,
    details,
    targetDir,
    reference,
    examples,
    session: {
      files,
      aliases: { [`@lab/${lab.slug}`]: join(targetDir, 'index.ts') },
      reference,
      testTimeout: details.testTimeout,
      workers: testWorkers(details, files.length),
      labDir: targetDir,
      childProcesses: details.childProcesses === true,
    },
  };
}

/** What a lab may not import: the test framework (it could rig the results) and the grader. */
const FORBIDDEN = /^(vitest|@vitest\/|vite$|vite\/|chai$|node:inspector$|inspector$|node:vm$|vm$|#grader)|(^|\/)grader\//;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/**
 * Finds imports a lab may not make, in its .ts files (tests of its own, like examples.test.ts,
 * may use vitest: they are not graded code). Returns a message naming each, or null.
 */
export function forbiddenImports(/** @type {string} */ dir) {
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules') walk(path);
      } else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test\.[mc]?[tj]s$/.test(name)) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(IMPORT)) {
          if (FORBIDDEN.test(match[1] ?? '')) {
            const line = source.slice(0, match.index).split('\n').length;
            found.push(`${relative(ROOT, path).split(sep).join('/')}:${line} imports '${match[1]}'`);
          }
        }
      }
    }
  };
  walk(dir);
  if (found.length === 0) return null;
  return (
    `the lab was not run: ${found.join(', ')}. A lab may not import the test framework, ` +
    `node:inspector, node:vm or the grader (code that can reach them can change its own grade). Remove the import.`
  );
}

/**
 * @param {GradeOptions} options
 * @param {import('./supervisor.mjs').RunnerSession} [session]  a long-lived runner (watch mode)
 */
export async function grade(options, session) {
  const plan = gradePlan(options);
  // tsc runs beside the tests (another process, on another core when there is one), not after them.
  const types = options.typeCheck ? typeCheck(plan.targetDir) : Promise.resolve(null);
  const outcome = await supervise({
    ...plan.session,
    emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'),
    onProgress: options.onProgress,
    session,
    refuse: forbiddenImports(plan.targetDir) ?? undefined,
  });
  const result = buildResult({
    lab: plan.lab,
    details: plan.details,
    outcome,
    target: relative(ROOT, plan.targetDir).split(sep).join('/'),
    layers: layersLabel(plan.lab.number, plan.reference, !!options.solution),
    courseVersion: courseVersion(),
    testsHash: plan.examples ? filesHash([plan.targetDir], (name) => name.endsWith('.test.ts')) : testsHash(plan.lab),
    note: plan.examples ? examplesNote(plan.session.files, options.note) : options.note,
    rules: labRules(plan.lab),
  });
  // Examples that name no milestone are one group: listed alone, it is "1.", not the lab's last.
  if (plan.examples && result.tests.every((t) => t.milestone === 'other')) {
    result.milestones = result.milestones.filter((m) => m.id === 'other');
  }
  // The level a learner takes the lab at (labs/levels.json); a solution or another folder has none.
  const level = !options.solution && !options.labDir ? levelOf(plan.lab.folder) : undefined;
  const typeErrors = await types;
  // Machine formats (formats.mjs) show a hidden test's name and points only; examples are visible.
  return { ...result, ...(level ? { level } : {}), ...(plan.examples ? { hidden: false } : {}), ...(typeErrors ? { typeErrors } : {}) };
}

/** How long tsc may take on one lab before the grade goes on without its errors. */
const TYPE_CHECK_LIMIT_MS = 60_000;

/**
 * TypeScript's errors in the files of a lab folder (and only those: a lower lab's errors are that
 * lab's business), from `tsc --noEmit` with the course's compiler options. The tests don't need it
 * (the loader strips types without checking them), so it is a warning: a type error is often the
 * very bug a failing test shows. Null when TypeScript is not installed or did not answer in time.
 * @param {string} dir  the graded folder, inside the course (its imports resolve through package.json)
 * @returns {Promise<import('./formats.mjs').TypeErrorInfo[] | null>}
 */
export function typeCheck(dir) {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc) || !existsSync(join(ROOT, 'tsconfig.base.json'))) return Promise.resolve(null);
  // The configuration lives inside the course, so that tsc finds node_modules/@types from it.
  mkdirSync(join(ROOT, '.grader'), { recursive: true });
  const scratch = mkdtempSync(join(ROOT, '.grader', 'typecheck-'));
  const slashes = (/** @type {string} */ path) => path.split(sep).join('/');
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({ extends: slashes(join(ROOT, 'tsconfig.base.json')), include: [`${slashes(dir)}/**/*`] }, null, 2),
  );
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TYPE_CHECK_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise(signal ? null : parseTscOutput(output, relative(ROOT, dir).split(sep).join('/')));
    });
    child.on('error', () => {
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise(null);
    });
  });
}

/**
 * tsc's `--pretty false` lines, `labs/x/y.ts(12,5): error TS2322: Type ...`, for files under `folder`.
 * @param {string} output
 * @param {string} folder  relative to the course root
 * @returns {import('./formats.mjs').TypeErrorInfo[]}
 */
export function parseTscOutput(output, folder) {
  /** @type {import('./formats.mjs').TypeErrorInfo[]} */
  const errors = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (!m) continue;
    const file = (isAbsolute(m[1] ?? '') ? relative(ROOT, m[1] ?? '') : (m[1] ?? '')).split(sep).join('/');
    if (!file.startsWith(`${folder}/`)) continue;
    errors.push({ file, line: Number(m[2]), column: Number(m[3]), code: m[4] ?? '', message: m[5] ?? '' });
  }
  return errors;
}

/** The visible example tests of the graded folder (labs/<lab>/examples.test.ts and any the learner added). */
export function exampleFiles(/** @type {string} */ dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name));
}

function examplesNote(/** @type {string[]} */ files, /** @type {string | undefined} */ note) {
  const names = files.map((file) => relative(ROOT, file).split(sep).join('/')).join(', ');
  const line =
    `This copy of the course has no hidden tests: these are the visible examples (${names || 'none found'}). ` +
    'The hidden tests, which decide your grade, run when you submit.';
  return note ? `${line}\n${note}` : line;
}

function layersLabel(/** @type {number} */ number, /** @type {boolean} */ reference, /** @type {boolean} */ solution) {
  if (number === 1) return 'no lower layers';
  const range = number === 2 ? 'lab 1' : `labs 1-${number - 1}`;
  const lower = LABS.filter((l) => l.number < number);
  const ref = lower.filter(hasReference);
  if (!solution && !reference) return `${range}: your own`;
  if (ref.length === lower.length) return `${range}: reference`;
  // A release with the reference of some labs only: say which is which.
  const own = lower.filter((l) => !ref.includes(l));
  return `${range}: reference ${ref.map((l) => l.number).join(', ')}, your own ${own.map((l) => l.number).join(', ')}`;
}

/** The lab's hidden test files, sorted so runs are repeatable. */
/**
 * How many test files run at once: the lab's own number (lab.json `workers`), else one per core,
 * and never more than there are files. vitest's default is one fewer than the cores, which on a
 * two-core machine runs a lab's files one after another: each starts a process of its own (the
 * permission model needs one), and that start-up, not the tests, is most of a small lab's grade.
 * The tests themselves mostly wait (on sockets, timers, child processes), so two at once on two
 * cores finish sooner; a busy machine is still told apart from slow code (retryBusyFailures).
 * @param {import('./course.mjs').LabDetails} details @param {number} fileCount
 */
export function testWorkers(details, fileCount) {
  return Math.max(1, Math.min(details.workers ?? availableParallelism(), fileCount));
}

export function testFiles(/** @type {import('./course.mjs').LabInfo} */ lab) {
  const dir = hiddenDir(lab);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * A short hash of everything that decides a grade besides the learner's code: the lab's hidden
 * tests, its lab.json and the harness. Two reports with the same hash were graded alike.
 */
export function testsHash(/** @type {import('./course.mjs').LabInfo} */ lab) {
  return filesHash([hiddenDir(lab)]);
}

/** Hash of the files of some folders (those `keep` accepts) and of the harness. */
function filesHash(/** @type {string[]} */ dirs, keep = (/** @type {string} */ _name) => true) {
  const hash = createHash('sha256');
  for (const dir of [...dirs, join(ROOT, 'grader', 'harness')]) {
    for (const name of readdirSync(dir).sort()) {
      if (dir !== join(ROOT, 'grader', 'harness') && !keep(name)) continue;
      hash.update(`${relative(ROOT, join(dir, name))}\0`);
      hash.update(readFileSync(join(dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Keeps the latest grade of each lab in .grader/state/<lab>.json (the learner never edits it):
 * `npm run progress` and `npm run hint` read it. Every grade of the learner's own lab is kept,
 * from `npm run grade` and from each save in --watch alike.
 * @param {import('./report.mjs').GradeResult} result
 */
export function saveState(result) {
  const dir = process.env.GRADER_STATE_DIR || join(ROOT, '.grader', 'state');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.lab}.json`), JSON.stringify({ ...result, gradedAt: new Date().toISOString() }, null, 2) + '\n');
}
