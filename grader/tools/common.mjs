// @ts-check
// What the learner's tools (hint, progress, quiz, trace, serve) share: where the saved state
// lives, reading it without ever crashing on a missing or damaged file, the command line, and a
// few text helpers for the terminal.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { LABS, ROOT, findLab, isPresent } from '../course.mjs';

/**
 * The folder of the learner's saved state: the grader writes `<lab folder>.json` there after
 * every grade; the tools keep `hints.json` and `quiz.json` beside them. GRADER_STATE_DIR moves
 * it (the tools' own tests point it at a temporary folder).
 */
export function stateDir() {
  const fromEnv = process.env.GRADER_STATE_DIR;
  return fromEnv ? resolve(fromEnv) : join(ROOT, '.grader', 'state');
}

/** A path for messages: relative to the course root when it is inside it. */
export function shown(/** @type {string} */ path) {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : path;
}

/**
 * Reads a JSON file of the state folder.
 * @param {string} name  file name inside the state folder
 * @returns {{ status: 'missing' } | { status: 'corrupt', file: string } | { status: 'ok', value: any, file: string }}
 */
export function readState(name) {
  const file = join(stateDir(), name);
  if (!existsSync(file)) return { status: 'missing' };
  try {
    return { status: 'ok', value: JSON.parse(readFileSync(file, 'utf8')), file };
  } catch {
    return { status: 'corrupt', file };
  }
}

/** Writes a JSON file of the state folder whole or not at all (a temporary file, then a rename). */
export function writeState(/** @type {string} */ name, /** @type {unknown} */ value) {
  const file = join(stateDir(), name);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  renameSync(temporary, file);
  return file;
}

/** A JSON object from the state folder, or {} when it is missing or damaged (said on stderr once). */
export function readRecord(/** @type {string} */ name) {
  const state = readState(name);
  if (state.status === 'corrupt') {
    process.stderr.write(pc.yellow(`note: ${shown(state.file)} could not be read; starting it afresh.\n`));
  }
  if (state.status !== 'ok' || typeof state.value !== 'object' || state.value === null || Array.isArray(state.value)) {
    return {};
  }
  return /** @type {Record<string, any>} */ (state.value);
}

/**
 * The latest grade of a lab as the grader saved it.
 * @param {import('../course.mjs').LabInfo} lab
 * @returns {{ status: 'missing' } | { status: 'corrupt', file: string } | { status: 'ok', grade: import('../report.mjs').GradeResult }}
 */
export function loadGrade(lab) {
  const state = readState(`${lab.folder}.json`);
  if (state.status !== 'ok') return state;
  const grade = state.value;
  const usable =
    grade && typeof grade === 'object' && Array.isArray(grade.tests) && Array.isArray(grade.milestones) &&
    grade.tests.every((/** @type {any} */ t) => t && typeof t.name === 'string' && typeof t.status === 'string');
  return usable ? { status: 'ok', grade } : { status: 'corrupt', file: state.file };
}

/** What to say when a lab has no usable grade. */
export function noGradeMessage(
  /** @type {import('../course.mjs').LabInfo} */ lab,
  /** @type {{ status: 'missing' } | { status: 'corrupt', file: string }} */ state,
) {
  return state.status === 'missing'
    ? `no grade for lab ${lab.number} yet: run npm run grade lab${lab.number}`
    : `the saved grade of lab ${lab.number} (${shown(state.file)}) could not be read: run npm run grade lab${lab.number} again`;
}

/**
 * True when a grade ran tests and every core test passed (extensions are optional). Unlike the
 * report's allPassed, problems outside the tests don't count here: the tools say so on their own line.
 */
export function isFinished(/** @type {import('../report.mjs').GradeResult} */ grade) {
  const core = grade.tests.filter((t) => !t.extension);
  return core.length > 0 && core.every((t) => t.status === 'passed');
}

/** Finds a lab from what a learner typed, or explains the choices. */
export function requireLab(/** @type {string | undefined} */ text, /** @type {string} */ example) {
  if (!text) throw new UsageError(`which lab? For example: ${example}\n${labList()}`);
  const lab = findLab(text);
  if (!lab) throw new UsageError(`there is no lab called "${text}".\n${labList()}`);
  return lab;
}

export function labList() {
  const lines = LABS.map(
    (lab) => `  lab${lab.number}  ${lab.slug.padEnd(11)} ${lab.title}${isPresent(lab) ? '' : pc.dim(' (coming)')}`,
  );
  return `Labs:\n${lines.join('\n')}`;
}

/** A mistake in how a tool was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses the command line with commander the way the grader does: errors exit 2, help exits 0.
 * npm keeps options written without `--` (`npm run hint lab3 --more`) for itself and hands them
 * over as npm_config_* variables: the switches named in `npmSwitches` are taken back from there.
 * An option with a value cannot be (npm keeps `true` and leaves the value among the arguments):
 * for those, named in `npmValues`, the learner is told to write the `--`.
 * @param {Command} program
 * @param {{ switches?: string[], values?: string[] }} [npm]  long option names, like 'more' or 'port'
 */
export function parseCommandLine(program, npm = {}) {
  const usage = `npm run ${program.name().replace(/^npm run\s+/, '').replace(/\s+--$/, '')}`;
  const advice = `With npm, options go after "--", so npm passes them on: ${usage} -- ...`;
  program.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const flag of npm.values ?? []) {
    if (process.env[`npm_config_${flag.replace(/-/g, '_')}`] === 'true') {
      process.stderr.write(`${pc.red(`${usage.replace(/^npm run /, '')}:`)} npm took --${flag} for itself. ${advice} --${flag} VALUE\n`);
      process.exit(2);
    }
  }
  try {
    program.parse();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(0);
      process.stderr.write(`${advice}\n`);
      process.exit(2);
    }
    throw error;
  }
  const options = program.opts();
  for (const flag of npm.switches ?? []) {
    const key = flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (process.env[`npm_config_${flag.replace(/-/g, '_')}`] === 'true' && !options[key]) program.setOptionValue(key, true);
  }
  return program.opts();
}

/** Runs a tool's main function: a UsageError is one red line and exit 2, anything else a report. */
export function runTool(/** @type {string} */ name, /** @type {() => Promise<number | void>} */ main) {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${pc.red(`${name}:`)} ${error.message}\n`);
      } else {
        process.stderr.write(`${pc.red(`${name}: internal error`)} (not your code's fault, please report it)\n`);
        process.stderr.write(`${error?.stack ?? error}\n`);
      }
      process.exitCode = 2;
    },
  );
}

export { Command, pc };

/** A bar of `width` cells, filled in proportion. */
export function bar(/** @type {number} */ done, /** @type {number} */ total, width = 20) {
  const filled = total <= 0 ? 0 : Math.round((width * Math.min(done, total)) / total);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * Word-wraps a paragraph for a block indented by `indent` that ends at column `width`: the caller
 * writes the first line's indent, the lines after it start with it here.
 */
export function wrap(/** @type {string} */ text, /** @type {number} */ width, indent = '') {
  const words = text.split(/\s+/).filter(Boolean);
  /** @type {string[]} */
  const lines = [];
  let line = '';
  for (const word of words) {
    const room = width - indent.length;
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** The terminal's width, within reason; 100 when output is not a terminal. */
export function terminalWidth() {
  const columns = process.stdout.isTTY ? process.stdout.columns : 0;
  return columns ? Math.max(60, Math.min(columns, 160)) : 100;
}
