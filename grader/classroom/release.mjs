#!/usr/bin/env node
// @ts-check
// `npm run release -- --out DIR [--keep-hidden] [--reference lab1,lab2] [--contact TEXT]`:
// the students' copy of the course. Everything a student needs (package files, README, lessons,
// the labs as the starters ship, the contracts, the grader) and nothing they must not have: no
// solutions/, no hidden tests (unless --keep-hidden, for self-study). --reference ships the
// reference of labs whose deadline has passed, in reference/<lab>, so later labs can run on it.
// The release says what it is in grader/release.json, which the grader reads.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { LABS, ROOT, findLab, hiddenDir, isPresent, labDetails } from '../course.mjs';
import { hasOpenLevel, levelFiles } from '../levels.mjs';
import { copyFiles, listFiles, starterFiles, writeFiles } from './files.mjs';
import { RELEASE_TEST_SCRIPT } from './submission.mjs';

/** The GitHub Actions the workflow uses: versions that run on the Actions runner's current Node. */
const CHECKOUT = 'actions/checkout@v5';
const SETUP_NODE = 'actions/setup-node@v5';
const REPORTER = 'classroom-resources/autograding-grading-reporter@v1';

/** Course files at the top that a student copy keeps. tsconfig.solutions.json and the course's
 * own CI and vitest.config.ts (its self-tests) stay behind. */
const TOP_FILES = ['package-lock.json', '.gitattributes', '.gitignore', 'tsconfig.base.json', 'tsconfig.json'];
/** What of grader/ stays behind: the hidden tests, the course's self-tests and self-check, the
 * benchmarks, the rule breakers and mutation testing (they work on the reference), and this
 * classroom folder (the instructor's). Anything else in grader/ ships. */
const GRADER_KEPT_BACK = new Set(['hidden', 'selftest', 'bench', 'classroom', 'mutation', 'selfcheck.mjs', 'open-check.mjs', 'breakers.mjs', 'RULES.md', 'INTERNALS.md', 'release.json']);

/**
 * @typedef {object} ReleaseOptions
 * @property {string} out
 * @property {boolean} [keepHidden]
 * @property {import('../course.mjs').LabInfo[]} [reference]
 * @property {import('../course.mjs').LabInfo[]} [open]   labs shipped at the open level (only the public surface)
 * @property {string} [contact]   who students ask (default: their instructor or teaching assistant)
 * @property {import('../course.mjs').LabInfo} [classroom]   the lab GitHub Classroom's workflow grades on a push (default: lab 1)
 * @property {boolean} [force]    empty `out` first if it holds anything
 * @property {(message: string) => void} [warn]
 *
 * @typedef {object} ReleaseInfo   grader/release.json
 * @property {boolean} hidden        the hidden tests are in this copy
 * @property {string[]} reference    lab folders whose reference is in reference/
 * @property {Record<string, import('../course.mjs').LabDetails>} labs   each lab's milestones and test timeout
 * @property {string} contact
 * @property {Record<string, 'guided' | 'open'>} [levels]   the level each lab ships at, when any is open
 */

/**
 * Writes the release into options.out and returns what it wrote.
 * @param {ReleaseOptions} options
 */
export function buildRelease(options) {
  const out = resolve(options.out);
  const warn = options.warn ?? ((message) => process.stderr.write(`release: ${message}\n`));
  const inside = relative(ROOT, out);
  if (!inside || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new Error(`--out ${options.out} is inside the course: write the release somewhere else`);
  }
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!options.force) throw new Error(`${out} is not empty: choose an empty folder, or add --force to replace what is there`);
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });

  const labs = LABS.filter((lab) => isPresent(lab) && existsSync(join(ROOT, 'labs', lab.folder)));
  const reference = (options.reference ?? []).filter((lab) => labs.includes(lab));
  for (const lab of options.reference ?? []) {
    if (!reference.includes(lab)) warn(`lab ${lab.number} is not in this course yet: no reference shipped for it`);
  }

  copyFiles(ROOT, TOP_FILES.filter((name) => existsSync(join(ROOT, name))), out);
  copyFiles(ROOT, listFiles(join(ROOT, 'lessons')).map((rel) => `lessons/${rel}`), out);
  copyFiles(ROOT, listFiles(join(ROOT, 'labs', 'contracts')).map((rel) => `labs/contracts/${rel}`), out);
  const open = (options.open ?? []).filter((lab) => labs.includes(lab) && hasOpenLevel(lab.folder));
  for (const lab of options.open ?? []) {
    if (!open.includes(lab)) warn(`lab ${lab.number} has no open starter in this course: it ships guided`);
  }
  for (const lab of labs) {
    const guided = starterFiles(lab.folder, warn);
    writeFiles(join(out, 'labs', lab.folder), open.includes(lab) ? levelFiles(lab.folder, 'open') : guided);
    // Both levels travel with the copy (npm run start switches), the guided one written out here
    // because a student's repository has no git history of the course's starters.
    writeFiles(join(out, 'grader', 'starters', 'guided', lab.folder), guided);
  }
  /** @type {Record<string, 'guided' | 'open'>} */
  const levels = Object.fromEntries(labs.map((lab) => [lab.folder, open.includes(lab) ? 'open' : 'guided']));
  if (open.length > 0) writeFileSync(join(out, 'labs', 'levels.json'), JSON.stringify(levels, null, 2) + '\n');
  const graderFiles = listFiles(join(ROOT, 'grader'), { skip: (rel) => GRADER_KEPT_BACK.has(rel.replace(/\/$/, '').split('/')[0] ?? '') });
  copyFiles(ROOT, graderFiles.map((rel) => `grader/${rel}`), out);
  if (options.keepHidden) {
    for (const lab of labs) copyFiles(ROOT, listFiles(hiddenDir(lab)).map((rel) => `grader/hidden/${lab.folder}/${rel}`), out);
  }
  for (const lab of reference) {
    writeFiles(join(out, 'reference', lab.folder), new Map(listFiles(join(ROOT, 'solutions', lab.folder)).map((rel) => [rel, readFileSync(join(ROOT, 'solutions', lab.folder, rel))])));
  }

  /** @type {ReleaseInfo} */
  const info = {
    hidden: !!options.keepHidden,
    reference: reference.map((lab) => lab.folder),
    labs: Object.fromEntries(labs.map((lab) => [lab.folder, labDetails(lab)])),
    contact: options.contact ?? 'your instructor or teaching assistant',
    ...(open.length > 0 ? { levels } : {}),
  };
  writeFileSync(join(out, 'grader', 'release.json'), JSON.stringify(info, null, 2) + '\n');
  const pkg = releasePackage(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')), out, reference);
  writeFileSync(join(out, 'package.json'), JSON.stringify(pkg.json, null, 2) + '\n');
  writeFileSync(join(out, 'README.md'), releaseReadme(readFileSync(join(ROOT, 'README.md'), 'utf8'), info, labs));
  mkdirSync(join(out, '.github', 'workflows'), { recursive: true });
  const classroom = labs.find((lab) => lab === options.classroom) ?? labs[0];
  if (options.classroom && classroom !== options.classroom) warn(`lab ${options.classroom.number} is not in this release: the workflow grades lab ${classroom?.number}`);
  if (classroom) writeFileSync(join(out, '.github', 'workflows', 'classroom.yml'), classroomWorkflow(labs, classroom));

  const leaks = findLeaks(out, { keepHidden: !!options.keepHidden, reference });
  if (leaks.length > 0) {
    throw new Error(`the release holds files it must not (removed nothing; fix the course): ${leaks.join(', ')}`);
  }
  return { out, labs: labs.map((l) => l.folder), info, droppedScripts: pkg.dropped, files: listFiles(out).length, classroom };
}

/**
 * The release's package.json: the imports map points every lab at labs/, and the labs shipped
 * as reference at reference/ under the `reference` condition (and `reference-<lab>`, which the
 * learner's tools use); scripts whose program is not in the release are dropped, and `test`
 * becomes the student's own check (tools/check.mjs): every lab against its visible examples, one
 * line each, and TypeScript on labs/. (submission.mjs recognises this file as the release's.)
 * @param {any} source
 * @param {string} out
 * @param {import('../course.mjs').LabInfo[]} reference
 */
export function releasePackage(source, out, reference) {
  const json = structuredClone(source);
  for (const lab of LABS) {
    const key = `#${lab.slug}`;
    if (!(key in (json.imports ?? {}))) continue;
    const own = `./labs/${lab.folder}/index.ts`;
    json.imports[key] = reference.includes(lab)
      ? { reference: `./reference/${lab.folder}/index.ts`, [`reference-${lab.slug}`]: `./reference/${lab.folder}/index.ts`, default: own }
      : own;
  }
  /** @type {string[]} */
  const dropped = [];
  for (const [name, command] of Object.entries(/** @type {Record<string, string>} */ (json.scripts ?? {}))) {
    const program = /^node\s+(\S+)/.exec(command)?.[1];
    if (program && !existsSync(join(out, program))) {
      delete json.scripts[name];
      if (name !== 'test') dropped.push(name);
    }
  }
  json.scripts.test = RELEASE_TEST_SCRIPT;
  return { json, dropped };
}

/** The README's lines on the labs shipped at the open level, if any. @param {ReleaseInfo} info */
function levelLines(info) {
  const open = Object.entries(info.levels ?? {}).filter(([, level]) => level === 'open').map(([folder]) => `\`labs/${folder}\``);
  if (open.length === 0) return [];
  return [
    `${open.join(', ')} ${open.length === 1 ? 'ships' : 'ship'} at the **open** level: only \`index.ts\` with the lab's public`,
    'surface is given, and you design the inside from the lesson. `npm run start lab1 -- --guided` gives',
    'you the guided starter instead (files and helpers laid out, with TODO comments), keeping your work',
    'in `backups/`; `npm run start` lists every lab with its level.',
    '',
  ];
}

/**
 * The course README with a first section about this copy: what is not in it, what `npm run
 * grade` does here, which layers the labs run on, and who to ask when a lower lab is broken.
 * @param {string} readme
 * @param {ReleaseInfo} info
 * @param {import('../course.mjs').LabInfo[]} labs
 */
export function releaseReadme(readme, info, labs) {
  const refLabs = labs.filter((lab) => info.reference.includes(lab.folder));
  const list = (/** @type {import('../course.mjs').LabInfo[]} */ ls) =>
    ls.length === 1 ? `lab ${ls[0]?.number}` : `labs ${ls.slice(0, -1).map((l) => l.number).join(', ')} and ${ls.at(-1)?.number}`;
  const lines = [
    '## This copy of the course',
    '',
    'This is the students\' copy. It has the lessons, the labs with their starter code and the grader,',
    info.hidden
      ? 'and the hidden tests (for self-study), but not the reference solutions.'
      : 'but not the reference solutions and not the hidden tests that decide your grade.',
    '',
  ];
  if (info.hidden) {
    lines.push('`npm run grade lab3` runs lab 3\'s hidden tests, as the rest of this README describes.');
  } else {
    lines.push(
      '`npm run grade lab3` runs the visible example tests of lab 3 (`labs/lab3-gateway/examples.test.ts`)',
      'and says so at the top of its report. The hidden tests run when you submit your work: passing',
      'the examples is a good sign, not a grade. Add your own tests to the examples file as you go.',
    );
  }
  lines.push(
    '',
    '`npm test` checks your own work: every lab against its visible examples, one line per lab, and',
    'TypeScript on `labs/`. `npm run lessons`, `npm run quiz` and `npm run progress` work from the',
    'first day; `npm run trace` and `npm run serve` run your own stack, so they say which of your labs',
    'they still need. Where the rest of this README mentions `solutions/` or `--solution`, that is the',
    'instructor\'s copy.',
    '',
    ...levelLines(info),
    '### When a lab you finished earlier is broken',
    '',
    'Each lab builds on the ones before it: lab 3 runs on labs 1 and 2.',
  );
  if (refLabs.length > 0) {
    lines.push(
      `For ${list(refLabs)}, this copy includes the course's reference (in \`reference/\`): later labs run on`,
      'it, so a bug left in those labs of yours costs nothing in the labs after them. Add',
      '`-- --own-stack` to `npm run grade` to run on your own instead.',
      '',
    );
  }
  const own = labs.filter((lab) => !info.reference.includes(lab.folder));
  if (own.length > 0) {
    lines.push(
      `${refLabs.length > 0 ? 'For the other labs' : 'Here'}, later labs run on **your own** earlier labs. If one of them is broken, the`,
      'report of a later lab shows failures whose location (`at labs/lab2-server/...`) is in the',
      'earlier lab: grade that lab (`npm run grade lab2`) and fix it first, or, if you are stuck,',
      `ask ${info.contact} for the reference of that lab. Instructors release each lab's reference`,
      'after its deadline; it arrives in `reference/` and the grader then uses it by itself.',
    );
  }
  lines.push(
    '',
    '**Your submission is graded on the reference labs below it**, whatever state your own earlier',
    'labs are in: a bug in lab 2 costs points in lab 2 only.',
    '',
  );
  const section = lines.join('\n');
  // The course developers' section points at files the release does not have.
  const forStudents = readme.replace(/^## Developing the course\n[\s\S]*?(?=^## |(?![\s\S]))/m, '').trimEnd() + '\n';
  // After the introduction: before the first second-level heading.
  const at = forStudents.search(/^## /m);
  return at < 0 ? `${forStudents.trimEnd()}\n\n${section}` : `${forStudents.slice(0, at)}${section}\n${forStudents.slice(at)}`;
}

/**
 * Files of the release that must not be there: a solution file (one that differs from its
 * starter) outside reference/, or a hidden test when the release keeps none. Compares contents,
 * so a renamed or moved copy is found too.
 * @param {string} out
 * @param {{ keepHidden: boolean, reference: import('../course.mjs').LabInfo[] }} options
 */
export function findLeaks(out, options) {
  const hash = (/** @type {Buffer} */ data) => createHash('sha256').update(data).digest('hex');
  /** @type {Map<string, string>} */
  const secret = new Map();
  for (const lab of LABS) {
    const solutionDir = join(ROOT, 'solutions', lab.folder);
    if (existsSync(solutionDir)) {
      const starter = existsSync(join(ROOT, 'labs', lab.folder)) ? starterFiles(lab.folder) : new Map();
      for (const rel of listFiles(solutionDir)) {
        const data = readFileSync(join(solutionDir, rel));
        if (!starter.get(rel)?.equals(data)) secret.set(hash(data), `solutions/${lab.folder}/${rel}`);
      }
    }
    if (!options.keepHidden && existsSync(hiddenDir(lab))) {
      for (const rel of listFiles(hiddenDir(lab))) secret.set(hash(readFileSync(join(hiddenDir(lab), rel))), `grader/hidden/${lab.folder}/${rel}`);
    }
  }
  const allowed = options.reference.map((lab) => `reference/${lab.folder}/`);
  return listFiles(out)
    .filter((rel) => !allowed.some((prefix) => rel.startsWith(prefix)))
    .filter((rel) => secret.has(hash(readFileSync(join(out, rel)))))
    .map((rel) => `${rel} (= ${secret.get(hash(readFileSync(join(out, rel))))})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const program = new Command()
    .name('npm run release --')
    .requiredOption('--out <dir>', 'an empty folder outside the course for the students\' copy')
    .option('--keep-hidden', 'keep the hidden tests (a copy for self-study)')
    .option('--reference <labs>', 'ship the reference of these labs (past their deadline), e.g. lab1,lab2', '')
    .option('--open <labs>', 'ship these labs at the open level (only the public surface; students design the inside), e.g. lab1,lab6, or all', '')
    .option('--contact <text>', 'who students ask when stuck, for the README', 'your instructor or teaching assistant')
    .option('--classroom <lab>', "the lab GitHub Classroom's workflow grades on every push (one assignment per lab)", 'lab1')
    .option('--force', 'empty --out first if it holds anything')
    .parse();
  const options = program.opts();
  /** @type {import('../course.mjs').LabInfo[]} */
  const reference = [];
  for (const name of String(options.reference).split(',').map((s) => s.trim()).filter(Boolean)) {
    const lab = findLab(name);
    if (!lab) {
      console.error(`release: no lab called "${name}" (--reference takes names like lab1,lab2)`);
      process.exit(2);
    }
    reference.push(lab);
  }
  /** @type {import('../course.mjs').LabInfo[]} */
  const open = [];
  for (const name of String(options.open).split(',').map((s) => s.trim()).filter(Boolean)) {
    const labs = name === 'all' ? LABS : [findLab(name)];
    if (labs[0] === undefined) {
      console.error(`release: no lab called "${name}" (--open takes names like lab1,lab6, or all)`);
      process.exit(2);
    }
    open.push(.../** @type {import('../course.mjs').LabInfo[]} */ (labs));
  }
  const classroom = findLab(String(options.classroom));
  if (!classroom) {
    console.error(`release: no lab called "${options.classroom}" (--classroom takes a name like lab3)`);
    process.exit(2);
  }
  try {
    const made = buildRelease({ out: options.out, keepHidden: !!options.keepHidden, reference, open, contact: options.contact, force: !!options.force, classroom });
    console.log(`wrote the students' copy to ${made.out}: ${made.files} files, labs ${made.labs.join(', ')}`);
    console.log(`hidden tests: ${made.info.hidden ? 'included (self-study)' : 'not included'}; reference shipped: ${made.info.reference.join(', ') || 'none'}`);
    const openLabs = Object.entries(made.info.levels ?? {}).filter(([, level]) => level === 'open').map(([folder]) => folder);
    console.log(`levels: ${openLabs.length > 0 ? `${openLabs.join(', ')} open, the others guided` : 'every lab guided'} (students switch with npm run start labN -- --open or --guided)`);
    if (made.droppedScripts.length > 0) console.log(`scripts left out (their programs are not in the release): ${made.droppedScripts.join(', ')}`);
    console.log('npm test in the release checks every lab against its visible examples and type-checks labs/.');
    console.log(`GitHub Classroom: .github/workflows/classroom.yml grades lab ${made.classroom?.number} on every push (--classroom labN for another lab's assignment).`);
  } catch (error) {
    console.error(`release: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
}

/**
 * GitHub Classroom's autograding workflow for one lab: GitHub Classroom's own template (its name,
 * triggers, permissions and job, which the reporter and Classroom look for) with one grading step.
 * It grades the lab `lab` on every push, and any lab chosen by hand (Actions > Autograding Tests >
 * Run workflow), so a push never grades the labs the assignment is not about. Node is the current
 * LTS (`lts/*`: setup-node resolves it when the workflow runs; the course needs 20.19 or newer).
 * The grade step always leaves a result for the reporter (cli.mjs writes an error result when the
 * grade cannot run), and it runs in the student's own repository: what it grades is what the
 * release has, the visible examples (the hidden tests only in a --keep-hidden release).
 * @param {Array<{ number: number, folder: string }>} labs   the labs of the release
 * @param {{ number: number, folder: string }} lab          the lab a push grades
 */
export function classroomWorkflow(labs, lab) {
  const id = (/** @type {{ number: number }} */ l) => `lab${l.number}`;
  return `# GitHub Classroom autograding (see "Teaching with this course" in README.md).
# Every push grades ${id(lab)} (${lab.folder}); to grade another lab, run this workflow by hand
# (Actions > Autograding Tests > Run workflow) and choose it, or change the default below.
name: Autograding Tests
on:
  push:
  repository_dispatch:
  workflow_dispatch:
    inputs:
      lab:
        description: The lab to grade
        type: choice
        options: [${labs.map(id).join(', ')}]
        default: ${id(lab)}
permissions:
  checks: write
  actions: read
  contents: read
env:
  LAB: \${{ inputs.lab || '${id(lab)}' }}
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: ${CHECKOUT}
      - uses: ${SETUP_NODE}
        with:
          node-version: lts/*
          cache: npm
      - run: npm ci
      - name: Grade
        id: grade
        run: npm run grade "$LAB" -- --github-classroom --no-state
        continue-on-error: true
      - name: Autograding Reporter
        uses: ${REPORTER}
        env:
          GRADE_RESULTS: "\${{ steps.grade.outputs.result }}"
        with:
          runners: grade
`;
}
