#!/usr/bin/env node
// @ts-check
// `node grader/classroom/repeat.mjs lab3 SUBMISSION [--runs 50] [--session]`: grades one
// submission again and again and counts the distinct results (each test's status and points;
// timing and messages aside). A fair grader gives one: "50 runs, 1 distinct result". More than
// one names the tests that flip, which are flaky tests or a submission that races. Exit code 0
// for one distinct result, 1 for more, 2 when asked wrongly.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { LABS, ROOT, findLab, isPresent } from '../course.mjs';
import { grade, gradePlan } from '../grade.mjs';
import { RunnerSession } from '../supervisor.mjs';
import { openStarterFiles, starterFiles } from './files.mjs';
import { planSubmission, stageSubmission } from './submission.mjs';

/**
 * What two grades must share to count as the same result.
 * @param {import('../report.mjs').GradeResult} result
 */
export function signature(result) {
  return JSON.stringify({
    tests: result.tests.map((t) => [t.milestone, t.name, t.status, t.points]),
    problems: result.problems.length,
  });
}

/**
 * @param {{ lab: import('../course.mjs').LabInfo, submission: string, runs: number, session?: boolean,
 *   onRun?: (run: number, result: import('../report.mjs').GradeResult) => void }} options
 */
export async function repeat(options) {
  const { lab } = options;
  const starter = starterFiles(lab.folder);
  const openStarter = openStarterFiles(lab.folder);
  const plan = planSubmission(options.submission, lab, { courseRoot: ROOT, starter, openStarter });
  if (plan.labPath === null) throw new Error(`no labs/${lab.folder} in ${options.submission}`);
  const scratch = join(ROOT, '.grader', `repeat-${process.pid}`);
  const labDir = join(scratch, lab.folder);
  stageSubmission(plan, labDir, plan.level === 'open' && openStarter ? openStarter : starter);
  const session = options.session ? new RunnerSession(gradePlan({ lab, labDir }).session) : undefined;
  /** @type {Map<string, { count: number, result: import('../report.mjs').GradeResult }>} */
  const distinct = new Map();
  try {
    for (let run = 1; run <= options.runs; run++) {
      const result = await grade({ lab, labDir }, session);
      const key = signature(result);
      const seen = distinct.get(key);
      if (seen) seen.count += 1;
      else distinct.set(key, { count: 1, result });
      options.onRun?.(run, result);
    }
  } finally {
    await session?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return [...distinct.values()].sort((a, b) => b.count - a.count);
}

/**
 * The tests whose status differs between the most common result and another one.
 * @param {import('../report.mjs').GradeResult} common
 * @param {import('../report.mjs').GradeResult} other
 */
export function flips(common, other) {
  const before = new Map(common.tests.map((t) => [`${t.milestone}/${t.name}`, t.status]));
  return other.tests
    .filter((t) => before.get(`${t.milestone}/${t.name}`) !== t.status)
    .map((t) => `${t.name}: ${before.get(`${t.milestone}/${t.name}`) ?? 'absent'} -> ${t.status}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const program = new Command()
    .name('node grader/classroom/repeat.mjs')
    .argument('<lab>', 'the lab: lab3, 3 or gateway')
    .argument('<submission>', "a student's folder (the lab folder, or a repository with labs/<lab>/)")
    .option('--runs <n>', 'how many grades', (v) => Number.parseInt(v, 10), 50)
    .option('--session', 'reuse one test runner for every run (faster; a fresh runner per run is the default)')
    .parse();
  const [labName, submission] = program.args;
  const lab = findLab(labName ?? '');
  if (!lab || !isPresent(lab)) {
    console.error(`repeat: no lab "${labName}". Labs: ${LABS.map((l) => `lab${l.number}`).join(', ')}`);
    process.exit(2);
  }
  const options = program.opts();
  const started = Date.now();
  const results = await repeat({
    lab,
    submission: resolve(submission ?? '.'),
    runs: options.runs,
    session: !!options.session,
    onRun: (run, result) => process.stderr.write(`\rrun ${run}/${options.runs}: ${result.score}/${result.maxScore}   `),
  });
  process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  console.log(`${options.runs} runs, ${results.length} distinct ${results.length === 1 ? 'result' : 'results'} (${seconds.toFixed(1)} s, ${(seconds / options.runs).toFixed(2)} s a run)`);
  const [common, ...others] = results;
  if (common) console.log(`  ${common.count}× ${common.result.score}/${common.result.maxScore}`);
  for (const other of others) {
    console.log(`  ${other.count}× ${other.result.score}/${other.result.maxScore}; differs in:`);
    for (const line of common ? flips(common.result, other.result).slice(0, 20) : []) console.log(`      ${line}`);
  }
  process.exit(results.length === 1 ? 0 : 1);
}
