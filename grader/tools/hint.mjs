#!/usr/bin/env node
// @ts-check
// `npm run hint lab3`: a hint for the first failing test of your latest grade, in three steps:
// (1) a nudge, the test's own hint; (2) where to read, the lesson section's heading and first
// paragraph; (3) what to write, the TODO comments of the starter function the failure points at
// and the contract types it uses (never the reference solution). `--more` (or "y" at the prompt)
// goes one step further; the step reached is remembered per test in .grader/state/hints.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { nextMilestone, visible } from '../report.mjs';
import {
  Command,
  loadGrade,
  noGradeMessage,
  parseCommandLine,
  pc,
  readRecord,
  requireLab,
  runTool,
  terminalWidth,
  wrap,
  writeState,
} from './common.mjs';
import { milestoneTasks, readSection, splitLessonReference } from './lesson-text.mjs';
import { contractTypesFor, functionsFor, starterFiles } from './starter-source.mjs';
import { LABS, ROOT } from '../course.mjs';
import { levelOf } from '../levels.mjs';

const LAST_STEP = 3;
const STEP_TITLES = ['', 'a nudge', 'where to read', 'what to write'];
const HINTS_FILE = 'hints.json';

const program = new Command()
  .name('npm run hint')
  .usage('<lab> [-- --more]')
  .description('A hint for the first failing test of your latest grade: npm run hint lab3')
  .argument('[lab]', 'the lab: lab3, 3 or gateway')
  .option('--more', 'one more hint for the same test (the next step)')
  .option('--reset', 'start the hints of this lab over, from the first step');
const options = parseCommandLine(program, { switches: ['more', 'reset'] });

runTool('hint', async () => {
  const [labName] = /** @type {[string | undefined]} */ (program.processedArgs);
  const lab = requireLab(labName, 'npm run hint lab3');
  const c = pc.createColors(pc.isColorSupported);
  const state = loadGrade(lab);
  if (state.status !== 'ok') {
    process.stdout.write(`${noGradeMessage(lab, state)}\n`);
    return 0;
  }
  const grade = state.grade;
  // A lab whose core is done still has hints to give for the extensions it offers.
  if (grade.tests.length > 0 && grade.tests.every((t) => t.status === 'passed')) {
    const next = LABS.find((l) => l.number === lab.number + 1);
    process.stdout.write(c.green(`Every test of lab ${lab.number} passed: no hint needed.`) +
      (next ? ` Next: lessons/${next.lesson}, then npm run grade lab${next.number}.` : '') + '\n');
    return 0;
  }

  const upcoming = nextMilestone(grade.milestones);
  const milestone = upcoming?.milestone;
  const failing = grade.tests.filter((t) => t.status !== 'passed');
  const test = failing.find((t) => t.milestone === milestone?.id) ?? failing[0];
  if (!test) {
    process.stdout.write(`No failing test in the saved grade of lab ${lab.number}. Run npm run grade lab${lab.number} again.\n`);
    return 0;
  }

  const hints = readRecord(HINTS_FILE);
  const mine = hints[lab.folder] && typeof hints[lab.folder] === 'object' ? hints[lab.folder] : {};
  if (options.reset) for (const key of Object.keys(mine)) delete mine[key];
  const reached = Number.isInteger(mine[test.name]) ? Math.min(Math.max(mine[test.name], 1), LAST_STEP) : 0;
  let step = Math.max(1, options.more ? reached + 1 : reached);
  const wasLast = options.more && reached === LAST_STEP;
  step = Math.min(step, LAST_STEP);
  const save = (/** @type {number} */ s) => writeState(HINTS_FILE, { ...hints, [lab.folder]: { ...mine, [test.name]: s } });
  save(step);

  const context = { lab, grade, test, milestoneNumber: upcoming?.number ?? 0, c };
  const out = [header(context, failing.filter((t) => t !== test && t.message === test.message).length)];
  for (let s = 1; s <= step; s++) out.push(hintStep(s, context));
  if (wasLast) out.push(c.dim('That was the last hint for this test.'));
  process.stdout.write(out.join('\n\n') + '\n');

  if (step < LAST_STEP && process.stdin.isTTY && process.stdout.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    prompt.on('SIGINT', () => {
      process.stdout.write('\n');
      process.exit(130);
    });
    try {
      while (step < LAST_STEP) {
        const answer = await prompt.question(`\nAnother hint? ${c.dim(`(${STEP_TITLES[step + 1]})`)} [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) break;
        step += 1;
        save(step);
        process.stdout.write('\n' + hintStep(step, context) + '\n');
      }
    } finally {
      prompt.close();
    }
  } else if (step < LAST_STEP) {
    process.stdout.write(c.dim(`\nMore: npm run hint lab${lab.number} -- --more   (hint ${step + 1} of ${LAST_STEP}: ${STEP_TITLES[step + 1]})\n`));
  }
  if (step === LAST_STEP && !wasLast) {
    process.stdout.write(c.dim(`\nThat is the last hint for this test. Grade again when you have changed your code: npm run grade lab${lab.number}\n`));
  }
  return 0;
});

/**
 * @typedef {object} HintContext
 * @property {import('../course.mjs').LabInfo} lab
 * @property {import('../report.mjs').GradeResult} grade
 * @property {import('../report.mjs').TestResult} test
 * @property {number} milestoneNumber
 * @property {import('picocolors/types').Colors} c
 */

/** The failing test, as the report shows it. @param {HintContext} context @param {number} alike */
function header({ lab, grade, test, milestoneNumber, c }, alike) {
  const lines = [];
  const when = typeof (/** @type {any} */ (grade)).gradedAt === "string" ? ` · graded ${(/** @type {any} */ (grade)).gradedAt.slice(0, 16).replace('T', ' ')}` : '';
  lines.push(c.bold(`Lab ${lab.number} · ${lab.title}`) + c.dim(` · ${grade.score}/${grade.maxScore}${when}`));
  const where = milestoneNumber > 0 ? `milestone ${milestoneNumber}. ${test.section}` : test.section;
  lines.push(`${c.red('✘')} ${test.name} ${c.dim(`(${where})`)}`);
  if (alike > 0) lines.push(c.dim(`  (${alike} more ${alike === 1 ? 'test fails' : 'tests fail'} the same way)`));
  if (test.message) lines.push(`  ${visible(firstLines(test.message, 4), '  ')}`);
  if (test.expected !== undefined && test.actual !== undefined) {
    lines.push(`  expected: ${c.green(visible(firstLines(test.expected, 8), '            '))}`);
    lines.push(`  received: ${c.red(visible(firstLines(test.actual, 8), '            '))}`);
  }
  if (test.location) lines.push(c.dim(`  at ${test.location}`));
  return lines.join('\n');
}

/** One step of the hint. @param {number} step @param {HintContext} context */
function hintStep(step, context) {
  const title = context.c.yellow(context.c.bold(`Hint ${step} of ${LAST_STEP} · ${STEP_TITLES[step]}`));
  const body = step === 1 ? nudge(context) : step === 2 ? lessonPointer(context) : nearSolution(context);
  return `${title}\n${body}`;
}

/** Step 1: the test's own hint, or what its message already says. @param {HintContext} context */
function nudge({ test }) {
  const width = terminalWidth() - 2;
  if (test.hint) return `  ${wrap(test.hint, width, '  ')}`;
  const todo = /TODO\(lab\d+\): (.+?) is not written yet/.exec(test.message ?? '');
  if (todo) {
    return `  ${wrap(`${todo[1]} is still the starter's stub: it throws the error above. Replace the throw with your code and keep the signature.`, width, '  ')}`;
  }
  if (test.status === 'timedOut') {
    return `  ${wrap('The test did not finish in time: look for a loop that never ends, or a promise nobody resolves.', width, '  ')}`;
  }
  if (test.expected !== undefined) {
    return `  ${wrap('This test has no hint of its own. Compare expected and received above, character by character: the first difference is where to look.', width, '  ')}`;
  }
  return `  ${wrap('This test has no hint of its own: the message above says what it checked.', width, '  ')}`;
}

/** Step 2: the lesson sections to read, heading and first paragraph. @param {HintContext} context */
function lessonPointer({ lab, test, grade, c }) {
  const width = terminalWidth() - 4;
  /** @type {string[]} */
  const references = [];
  const fromMessage = /lessons\/[\w.-]+\.md#[\w-]+/.exec(test.message ?? '')?.[0];
  if (fromMessage) references.push(fromMessage);
  const fromTest = test.lesson ?? grade.milestones.find((m) => m.id === test.milestone)?.lesson ?? `lessons/${lab.lesson}`;
  if (!references.includes(fromTest)) references.push(fromTest);
  return references
    .map((reference) => {
      const { file, anchor } = splitLessonReference(reference);
      const section = anchor ? readSection(file, anchor) : null;
      const lines = [`  Read ${c.cyan(reference)}`];
      if (section) {
        lines.push(`  ${c.bold(`${'#'.repeat(section.heading.level)} ${section.heading.text}`)} ${c.dim(`(line ${section.heading.line + 1})`)}`);
        if (section.paragraph) lines.push(`    ${wrap(section.paragraph, width, '    ')}`);
        for (const line of section.follows) lines.push(`      ${line}`);
      }
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Step 3: the starter's TODO comments and the contract types. @param {HintContext} context */
function nearSolution({ lab, test, milestoneNumber, c }) {
  const tasks = milestoneTasks(lab.lesson, milestoneNumber);
  const functions = functionsFor(lab, test, tasks.names).slice(0, 3);
  if (functions.length === 0) {
    return `  Open labs/${lab.folder}/README.md: milestone ${milestoneNumber} lists what to write, and each stub's TODO comment says how.`;
  }
  // At the open level the inside is the learner's own design: the guided starter's layout is shown
  // as one way to do it, and its files are not in their folder.
  const open = levelOf(lab.folder) === 'open';
  const lines = open
    ? [`  How the guided starter lays it out ${c.dim("(one design of many: yours may differ; the lesson's rules are what count)")}:`]
    : [`  What the starter asks you to write ${c.dim('(its TODO comments; the signature stays as it is)')}:`];
  for (const f of functions) {
    lines.push('', `  ${c.cyan(open ? `guided ${f.file.split('/').at(-1)}` : whereNow(f))}  ${c.bold(f.name)}`);
    const indent = Math.min(...[...f.doc, ...f.signature].filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
    for (const line of [...f.doc, ...f.signature]) lines.push(`    ${line.slice(indent)}`);
    const inner = ' '.repeat(Math.max(0, (/^\s*/.exec(f.signature[0] ?? '')?.[0].length ?? 0) - indent) + 2);
    for (const todo of f.todos) lines.push(c.yellow(`    ${inner}// ${todo}`));
  }
  const texts = [...starterFiles(lab.folder).entries()]
    .filter(([path]) => functions.some((f) => f.file.endsWith(`/${path}`)))
    .map(([, text]) => text)
    .join('\n');
  const types = contractTypesFor(functions, texts);
  if (types.length > 0) {
    lines.push('', `  The contract types involved ${c.dim('(labs/contracts/, read-only)')}:`);
    for (const type of types.slice(0, 4)) {
      lines.push('', `  ${c.cyan(`${type.file}:${type.line}`)}  ${c.bold(type.name)}`);
      const shownLines = type.lines.length > 16 ? [...type.lines.slice(0, 14), `… (${type.lines.length - 14} more lines in ${type.file})`] : type.lines;
      for (const line of shownLines) lines.push(`    ${line}`);
    }
  }
  return lines.join('\n');
}

/**
 * Where a starter function stands in the learner's file today: its line moves as they write
 * above it. Found by its declaration's first line, else by its name; else the file alone.
 * @param {import('./starter-source.mjs').StarterFunction} f
 */
function whereNow(f) {
  let text;
  try {
    text = readFileSync(join(ROOT, f.file), 'utf8').replace(/\r\n/g, '\n').split('\n');
  } catch {
    return f.file;
  }
  const first = (f.signature[0] ?? '').trim();
  let index = first ? text.findIndex((line) => line.trim() === first) : -1;
  if (index < 0) {
    const name = (f.name.split('.').at(-1) ?? f.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    index = text.findIndex((line) => new RegExp(`(function|class|async|get|set|static|^\\s*)\\s*\\#?${name}\\s*[(<=:]`).test(line));
  }
  return index < 0 ? f.file : `${f.file}:${index + 1}`;
}

function firstLines(/** @type {string} */ text, /** @type {number} */ n) {
  const lines = text.split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? ' …' : '');
}
