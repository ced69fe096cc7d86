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
];

/**
 * @typedef {object} Milestone
 * @property {string} id
 * @property {string} title
 * @property {string} lesson   `01-http.md#the-request-line`, relative to lessons/
 *
 * @typedef {object} LabDetails   read from grader/hidden/<folder>/lab.json
 * @property {number} testTimeout  ms a single test may take before vitest fails it
 * @property {Milestone[]} milestones  in the order a learner should reach them
 * @property {boolean} [childProcesses]  its tests start programs: the workers may spawn processes
 */

/** True when the lab's hidden tests exist in this copy of the course. */
export function isPresent(/** @type {LabInfo} */ lab) {
  return existsSync(hiddenDir(lab));
}

export function hiddenDir(/** @type {LabInfo} */ lab) {
  return join(ROOT, 'grader', 'hidden', lab.folder);
}

/** @returns {LabDetails} */
export function labDetails(/** @type {LabInfo} */ lab) {
  return JSON.parse(readFileSync(join(hiddenDir(lab), 'lab.json'), 'utf8'));
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
