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
 * @property {boolean} ready  it can be run: the reference, or the learner's lab whose last grade
 *   passed every test. A students' copy without the reference of a lab has only the learner's,
 *   ready or not: the tools say so instead of starting a stack that throws TODO errors.
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
    const grade = lastGrade(lab);
    const passed = grade && grade.tests?.length > 0 && grade.tests.every((/** @type {any} */ t) => t.status === 'passed');
    // A students' release may ship the reference of some labs (reference/), or of none.
    if (!hasReference(lab)) {
      const tests = grade?.tests?.length ?? 0;
      const why = passed
        ? `passed its ${tests} tests`
        : grade
          ? `${grade.tests?.filter((/** @type {any} */ t) => t.status === 'passed').length ?? 0} of ${tests} tests pass: npm run grade lab${lab.number}`
          : `not graded yet: npm run grade lab${lab.number}`;
      return { lab, source: /** @type {const} */ ('yours'), why, ready: !!passed };
    }
    if (own && passed) return { lab, source: /** @type {const} */ ('yours'), why: `your lab passed ${grade.tests.length}/${grade.tests.length} tests`, ready: true };
    const why = !own ? 'the reference (add --own-stack to use yours)' : grade ? `yours scored ${grade.score}/${grade.maxScore}: using the reference` : 'not graded yet: using the reference';
    return { lab, source: /** @type {const} */ ('reference'), why, ready: true };
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
  const mark = (/** @type {Layer} */ l) => (l.ready ? ' ' : '✘');
  return layers.map((l) => `${mark(l)} lab ${l.lab.number} ${l.lab.slug.padEnd(10)} ${l.source === 'yours' ? 'yours    ' : 'reference'}  ${l.why}`).join('\n');
}

/**
 * What a tool says when its stack has layers that cannot run yet (printed under describeStack,
 * whose ✘ marks them): which labs it needs and why, and when it will run, instead of a TODO error
 * from deep inside the stack.
 * @param {string} what      "npm run trace -- lab3" (what was asked for)
 * @param {string} purpose   "sends one request through labs 1-3: its hello app needs a server and a gateway"
 * @param {Layer[]} layers
 */
export function notReadyMessage(what, purpose, layers) {
  const missing = layers.filter((l) => !l.ready).map((l) => l.lab.number);
  const list = missing.length === 1 ? `lab ${missing[0]}` : `labs ${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  return (
    `${what} ${purpose}. In this copy of the course those layers are yours, and ${list} (marked ✘) ` +
    `${missing.length === 1 ? 'does' : 'do'} not pass ${missing.length === 1 ? 'its' : 'their'} tests yet: it runs once ${missing.length === 1 ? 'it does' : 'they do'} ` +
    `(the reference of a lab, when your instructor ships it, counts too).`
  );
}
