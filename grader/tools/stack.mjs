// @ts-check
// Which layers a learner's tools run on: their own lab where its last grade passed every test,
// the reference where not (or where they asked for it). Node picks each layer by a condition of
// the package's imports map: `--conditions=reference-http` makes `#http` the reference lab 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABS, ROOT, hasReference } from '../course.mjs';

/**
 * @typedef {object} Layer
 * @property {import('../course.mjs').LabInfo} lab
 * @property {'yours' | 'reference'} source
 * @property {string} why   for the line the tools print ("lab 2: yours (62/62 tests passed)")
 */

/** Where grades, hints and quiz scores are kept: GRADER_STATE_DIR, or .grader/state. */
export function stateDir() {
  return process.env.GRADER_STATE_DIR || join(ROOT, '.grader', 'state');
}

/** The latest recorded grade of a lab, if the learner has graded it. */
export function lastGrade(/** @type {import('../course.mjs').LabInfo} */ lab) {
  const file = join(stateDir(), `${lab.folder}.json`);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The stack for the labs up to `upTo`: the learner's where their last grade passed in full and
 * `own` is asked for, the reference otherwise. Without solutions/ (a student release) every
 * layer is the learner's: there is nothing else.
 * @param {{ own: boolean, upTo?: number }} options
 * @returns {{ layers: Layer[], conditions: string[] }}
 */
export function chooseStack({ own, upTo = 8 }) {
  const layers = LABS.filter((lab) => lab.number <= upTo).map((lab) => {
    // A students' release may ship the reference of some labs (reference/), or of none.
    if (!hasReference(lab)) return { lab, source: /** @type {const} */ ('yours'), why: 'no reference in this copy of the course' };
    const grade = lastGrade(lab);
    const passed = grade && grade.tests?.length > 0 && grade.tests.every((/** @type {any} */ t) => t.status === 'passed');
    if (own && passed) return { lab, source: /** @type {const} */ ('yours'), why: `your lab passed ${grade.tests.length}/${grade.tests.length} tests` };
    const why = !own ? 'the reference (add --own-stack to use yours)' : grade ? `yours scored ${grade.score}/${grade.maxScore}: using the reference` : 'not graded yet: using the reference';
    return { lab, source: /** @type {const} */ ('reference'), why };
  });
  const conditions = layers.filter((l) => l.source === 'reference').map((l) => `reference-${l.lab.slug}`);
  return { layers, conditions };
}

/** Node arguments that run TypeScript with this stack: for spawn(process.execPath, [...these, file]). */
export function nodeArgs(/** @type {string[]} */ conditions) {
  return ['--import', 'tsx', ...conditions.map((c) => `--conditions=${c}`)];
}

/** One line per layer, for the tools to print before they start. */
export function describeStack(/** @type {Layer[]} */ layers) {
  return layers.map((l) => `  lab ${l.lab.number} ${l.lab.slug.padEnd(10)} ${l.source === 'yours' ? 'yours    ' : 'reference'}  ${l.why}`).join('\n');
}
