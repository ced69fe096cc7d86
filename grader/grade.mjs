// @ts-check
// One grade: which code to test, over which lower layers, with which hidden tests; then the run
// (supervisor.mjs) and the result (report.mjs). The CLI and the self-check both call `grade`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ROOT, courseVersion, hiddenDir, labDetails } from './course.mjs';
import { buildResult } from './report.mjs';
import { supervise } from './supervisor.mjs';

/** A mistake in how the grader was asked: reported with exit code 2. */
export class UsageError extends Error {}

/**
 * @typedef {object} GradeOptions
 * @property {import('./course.mjs').LabInfo} lab
 * @property {boolean} [solution]   grade solutions/<lab> instead of labs/<lab>
 * @property {boolean} [ownStack]   lower layers from labs/ (the learner's) instead of solutions/
 * @property {string} [labDir]      grade this folder instead (the self-check's copy of a starter)
 * @property {string} [note]
 * @property {(done: number, total: number) => void} [onProgress]
 */

/**
 * What a grade will run, and over which layers: the plan that `grade` (once) and `watch` (on every
 * save) share.
 * @param {GradeOptions} options
 */
export function gradePlan(options) {
  const { lab } = options;
  const details = labDetails(lab);
  const targetDir = options.labDir ?? join(ROOT, options.solution ? 'solutions' : 'labs', lab.folder);
  if (!existsSync(join(targetDir, 'index.ts'))) {
    throw new UsageError(`${relative(ROOT, targetDir)}/index.ts does not exist: nothing to grade.`);
  }
  const haveReference = existsSync(join(ROOT, 'solutions'));
  const reference = haveReference && !options.ownStack;
  return {
    lab,
    details,
    targetDir,
    reference,
    session: {
      files: testFiles(lab),
      aliases: { [`@lab/${lab.slug}`]: join(targetDir, 'index.ts') },
      reference,
      testTimeout: details.testTimeout,
      labDir: targetDir,
    },
  };
}

/**
 * @param {GradeOptions} options
 * @param {import('./supervisor.mjs').RunnerSession} [session]  a long-lived runner (watch mode)
 */
export async function grade(options, session) {
  const plan = gradePlan(options);
  const outcome = await supervise({
    ...plan.session,
    emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'),
    onProgress: options.onProgress,
    session,
  });
  return buildResult({
    lab: plan.lab,
    details: plan.details,
    outcome,
    target: relative(ROOT, plan.targetDir).split(sep).join('/'),
    layers: layersLabel(plan.lab.number, plan.reference, !!options.solution),
    courseVersion: courseVersion(),
    testsHash: testsHash(plan.lab),
    note: options.note,
  });
}

function layersLabel(/** @type {number} */ number, /** @type {boolean} */ reference, /** @type {boolean} */ solution) {
  if (number === 1) return 'no lower layers';
  const range = number === 2 ? 'lab 1' : `labs 1-${number - 1}`;
  if (solution || reference) return `${range}: reference`;
  return `${range}: your own`;
}

/** The lab's hidden test files, sorted so runs are repeatable. */
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
  const hash = createHash('sha256');
  const dirs = [hiddenDir(lab), join(ROOT, 'grader', 'harness')];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      hash.update(`${relative(ROOT, join(dir, name))}\0`);
      hash.update(readFileSync(join(dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 12);
}
