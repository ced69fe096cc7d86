// @ts-check
// The course's labs and where their files live. Everything else in the grader asks this module
// for paths, so a lab is renamed or added in one place.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * @typedef {object} LabInfo
 * @property {number} number
 * @property {string} slug      short name, also the package import (`#http`) and test alias (`@lab/http`)
 * @property {string} folder    `lab1-http`: the same under labs/, solutions/ and grader/hidden/
 * @property {string} title
 * @property {string} lesson    lesson file under lessons/
 */

/** @type {LabInfo[]} */
export const LABS = [
  { number: 1, slug: 'http', folder: 'lab1-http', title: 'HTTP/1.1 messages', lesson: '01-http.md' },
  { number: 2, slug: 'server', folder: 'lab2-server', title: 'The web server', lesson: '02-server.md' },
  { number: 3, slug: 'gateway', folder: 'lab3-gateway', title: 'The gateway (TSGI)', lesson: '03-gateway.md' },
  { number: 4, slug: 'routing', folder: 'lab4-routing', title: 'Routing', lesson: '04-routing.md' },
  { number: 5, slug: 'toolkit', folder: 'lab5-toolkit', title: 'Request and response objects', lesson: '05-toolkit.md' },
  { number: 6, slug: 'templates', folder: 'lab6-templates', title: 'The template engine', lesson: '06-templates.md' },
  { number: 7, slug: 'framework', folder: 'lab7-framework', title: 'The micro-framework', lesson: '07-framework.md' },
  { number: 8, slug: 'production', folder: 'lab8-production', title: 'Production', lesson: '08-production.md' },
  { number: 9, slug: 'state', folder: 'lab9-state', title: 'State and security', lesson: '09-state.md' },
];

/**
 * @typedef {object} Milestone
 * @property {string} id
 * @property {string} title
 * @property {string} lesson   `01-http.md#the-request-line`, relative to lessons/
 * @property {boolean} [extension]  optional work beyond the core: graded, reported and scored apart
 *   (a teacher may count it: --count-extensions); extension milestones come after the core's
 *
 * @typedef {object} LabDetails   read from grader/hidden/<folder>/lab.json
 * @property {number} testTimeout  ms a single test may take before vitest fails it
 * @property {number} [workers]    test files run at once (default: one per core, grade.mjs testWorkers): a
 *   lab whose files mostly wait on something that is not learner code (lab 8's processes, lab 9's
 *   database starting) may ask for more, so one file's wait overlaps another's work
 * @property {Milestone[]} milestones  in the order a learner should reach them
 * @property {boolean} [childProcesses]  its tests start programs: the workers may spawn processes
 * @property {string[]} [given]    functions the starter gives whole (helpers like `badRequest`): an error's
 *   location in the report is the learner's line that called them, not theirs
 * @property {string[]} [outOfProcess]  files of the reference that run only in processes the tests start:
 *   mutation testing leaves them out (grader/mutation/run.mjs), the breakers prove their rules
 */

/**
 * @typedef {object} ReleaseInfo   grader/release.json, written by `npm run release` in a students' copy
 * @property {boolean} hidden        the copy has the hidden tests (self-study); false: it grades the visible examples
 * @property {string[]} reference    lab folders whose reference solution is in reference/<folder>
 * @property {Record<string, LabDetails>} labs   each lab's lab.json (the hidden folder is not there to read it from)
 * @property {string} contact        who students ask when stuck
 */

/** @type {ReleaseInfo | null} what this copy is when it is a students' release; null in the full course */
export const RELEASE = existsSync(join(ROOT, 'grader', 'release.json'))
  ? JSON.parse(readFileSync(join(ROOT, 'grader', 'release.json'), 'utf8'))
  : null;

/** True in a students' release without hidden tests: `npm run grade` runs the visible examples. */
export function examplesOnly() {
  return RELEASE !== null && !RELEASE.hidden;
}

/** True when the lab can be graded in this copy of the course (its hidden tests, or in a release its examples). */
export function isPresent(/** @type {LabInfo} */ lab) {
  if (examplesOnly()) return existsSync(join(ROOT, 'labs', lab.folder, 'index.ts'));
  return existsSync(hiddenDir(lab));
}

/** True when this copy has the reference of a lab: solutions/ in the course, reference/ in a release. */
export function hasReference(/** @type {LabInfo} */ lab) {
  return existsSync(join(ROOT, 'solutions', lab.folder)) || (RELEASE?.reference ?? []).includes(lab.folder);
}

export function hiddenDir(/** @type {LabInfo} */ lab) {
  return join(ROOT, 'grader', 'hidden', lab.folder);
}

/** @returns {LabDetails} */
export function labDetails(/** @type {LabInfo} */ lab) {
  const file = join(hiddenDir(lab), 'lab.json');
  const details = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : RELEASE?.labs[lab.folder];
  if (!details) throw new Error(`no lab.json for ${lab.folder}: neither grader/hidden/${lab.folder}/lab.json nor grader/release.json has it`);
  return details;
}

/**
 * Finds a lab from what a learner typed: `lab3`, `3`, `gateway`, `lab3-gateway`, `Lab 3`.
 * @param {string} text
 * @returns {LabInfo | undefined}
 */
export function findLab(text) {
  const key = text.trim().toLowerCase().replace(/\s+/g, '');
  return LABS.find(
    (lab) =>
      key === String(lab.number) ||
      key === `lab${lab.number}` ||
      key === lab.slug ||
      key === lab.folder,
  );
}

export function courseVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}
