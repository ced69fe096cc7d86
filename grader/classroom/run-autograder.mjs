#!/usr/bin/env node
// @ts-check
// The Node core of the Gradescope autograder's run_autograder (built by autograder.mjs). It runs
// in <AUTOGRADER_ROOT>/source (Gradescope's /autograder/source): takes the lab's files, and only
// those, from <AUTOGRADER_ROOT>/submission, grades them with the hidden tests, and writes
// <AUTOGRADER_ROOT>/results/results.json. This process never runs student code: the grader's
// runner does, in a process group that is gone by the time the results are written.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, findLab } from '../course.mjs';
import { formatFeedback, starterMessages, toGradescope, typeErrorLines } from '../formats.mjs';
import { grade } from '../grade.mjs';
import { countExtensions, formatReport } from '../report.mjs';
import { listFiles } from './files.mjs';
import { describeSubmission, planSubmission, stageSubmission } from './submission.mjs';

/**
 * @typedef {object} AutograderConfig   grader/classroom/autograder.json, written by autograder.mjs
 * @property {string} lab
 * @property {import('../formats.mjs').GradescopeVisibility} visibility
 * @property {boolean} fullFeedback
 * @property {boolean} [countExtensions]  the optional extension milestones count in the score
 */

/**
 * Grades the submission and writes results.json. Returns what it wrote.
 * @param {{ autograderRoot?: string, log?: (text: string) => void }} [options]
 */
export async function autograde(options = {}) {
  const base = resolve(options.autograderRoot ?? process.env.AUTOGRADER_ROOT ?? '/autograder');
  const log = options.log ?? ((text) => process.stdout.write(text));
  const resultsFile = join(base, 'results', 'results.json');
  const started = Date.now();
  /** @type {AutograderConfig} */
  const config = JSON.parse(readFileSync(join(ROOT, 'grader', 'classroom', 'autograder.json'), 'utf8'));
  const lab = findLab(config.lab);
  if (!lab) throw new Error(`autograder.json names an unknown lab: ${config.lab}`);

  const starterDir = join(ROOT, 'grader', 'classroom', 'starter', lab.folder);
  /** @type {Map<string, Buffer>} */
  const starter = new Map(listFiles(starterDir).map((rel) => [rel, readFileSync(join(starterDir, rel))]));
  // The open starter, when the course has one for the lab: a student may take the lab at either level.
  const openDir = join(ROOT, 'grader', 'classroom', 'starter-open', lab.folder);
  const openStarter = existsSync(openDir) ? new Map(listFiles(openDir).map((rel) => [rel, readFileSync(join(openDir, rel))])) : undefined;
  const plan = planSubmission(join(base, 'submission'), lab, { courseRoot: ROOT, starter, openStarter });
  /** @param {object} results */
  const write = (results) => {
    mkdirSync(join(base, 'results'), { recursive: true });
    writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
    return results;
  };

  if (plan.labPath === null) {
    const text = describeSubmission(plan, lab);
    log(text + '\n');
    return write({ score: 0, output: text, output_format: 'text', visibility: 'visible', stdout_visibility: 'hidden', tests: [] });
  }
  const { filled } = stageSubmission(plan, join(ROOT, 'labs', lab.folder), plan.level === 'open' && openStarter ? openStarter : starter);
  const summary = describeSubmission(plan, lab, filled);
  // The level is the submission's (the grading copy has no labs/levels.json of its own).
  const graded = { ...(await grade({ lab, typeCheck: true })), ...(plan.level ? { level: plan.level } : {}) };
  // A teacher who counts the extensions chose so when building the zip (autograder.json).
  const result = config.countExtensions ? countExtensions(graded) : graded;
  if (result.tests.length === 0) {
    throw new Error(`no tests ran for lab ${lab.number}:\n${result.problems.map((p) => p.message).join('\n')}`);
  }
  // What students see at once: the report without the hidden tests' details (unless the instructor
  // chose full feedback), naming no test while the rows themselves stay hidden.
  const messages = starterMessages([...starter.values(), ...(openStarter?.values() ?? [])].map((data) => data.toString('utf8')));
  const intro = config.fullFeedback
    ? ''
    : `The tests are hidden: you see what your own code did (a loop, process.exit(), a crash, a syntax error),\n` +
      `not the tests' inputs or expected values. The milestones, the lesson's rules and the links say what to work on next.\n\n`;
  const feedback = formatFeedback(result, {
    redacted: !config.fullFeedback,
    names: config.fullFeedback || config.visibility === 'visible',
    starterMessages: messages,
  });
  const output = `${summary}\n\n${intro}${feedback}`;
  const results = toGradescope(result, {
    visibility: config.visibility,
    fullFeedback: config.fullFeedback,
    output,
    executionTime: (Date.now() - started) / 1000,
    starterMessages: messages,
  });
  // The instructor's view (Gradescope keeps stdout from students): the report in full.
  log(`${summary}\n\n${formatReport(result, { verbose: true })}${typeErrorLines(result.typeErrors ?? []).join('\n')}`);
  return write(results);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  autograde().then(
    () => process.exit(0),
    (error) => {
      // Still leave a results.json: a student sees that the grader failed, not a blank page.
      process.stderr.write(`autograder: internal error\n${error?.stack ?? error}\n`);
      const base = resolve(process.env.AUTOGRADER_ROOT ?? '/autograder');
      try {
        mkdirSync(join(base, 'results'), { recursive: true });
        writeFileSync(
          join(base, 'results', 'results.json'),
          JSON.stringify({
            score: 0,
            output: 'The autograder itself failed on this submission (not necessarily your code). Your instructor can see why; please tell them.',
            visibility: 'visible',
            stdout_visibility: 'hidden',
            tests: [],
          }) + '\n',
        );
      } catch {
        // nothing more to do: Gradescope reports a missing results.json itself
      }
      process.exit(1);
    },
  );
}
