#!/usr/bin/env node
// @ts-check
// `npm run grade-batch -- lab3 SUBMISSIONS --out grades.csv [--full-feedback] [--jobs N]`:
// grades every student folder in SUBMISSIONS (the lab folder itself, or a repository holding
// labs/<lab>/) and writes a gradebook CSV and, in <csv name>-feedback/ beside it, one feedback
// file per student: the report, with hidden tests' details taken out unless --full-feedback.
//
// Each worker grades in a scratch copy of its own (.grader/batch-*/w<k>/<lab>), into which each
// submission's lab files, and only those, are copied over the starter. The scratch copies live
// inside the course because the lab's imports (#contracts, #http, ...) resolve through the
// course's package.json, as the self-check's starter copies do. A worker keeps one test runner
// (RunnerSession) for all its submissions: the runner is bound to the folder's path, which is the
// same for every submission the worker grades, and the changed files are invalidated each time.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { LABS, ROOT, findLab, isPresent, labDetails } from '../course.mjs';
import { redact } from '../formats.mjs';
import { grade, gradePlan } from '../grade.mjs';
import { formatReport } from '../report.mjs';
import { RunnerSession } from '../supervisor.mjs';
import { listFiles, starterFiles } from './files.mjs';
import { describeSubmission, planSubmission, relabel, stageSubmission } from './submission.mjs';

/**
 * @typedef {object} BatchRow
 * @property {string} student
 * @property {import('../report.mjs').GradeResult | null} result   null: nothing was graded
 * @property {string} summary   what was graded and what was ignored (describeSubmission)
 * @property {string} [note]     why nothing was graded, or what went wrong
 * @property {number} seconds
 *
 * @typedef {object} BatchOptions
 * @property {import('../course.mjs').LabInfo} lab
 * @property {string} dir            the folder of submissions, one folder per student
 * @property {number} [jobs]         workers (default: os.availableParallelism())
 * @property {boolean} [sessions]    keep one runner per worker (default true)
 * @property {(row: BatchRow, done: number, total: number) => void} [onGraded]
 */

/**
 * Grades every submission in options.dir. Rows come back in the order of the student names.
 * @param {BatchOptions} options
 * @returns {Promise<BatchRow[]>}
 */
export async function gradeBatch(options) {
  const { lab } = options;
  const students = readdirSync(options.dir)
    .filter((name) => !name.startsWith('.') && statSync(join(options.dir, name)).isDirectory())
    .sort();
  const starter = starterFiles(lab.folder);
  const scratch = join(ROOT, '.grader', `batch-${process.pid}-${Date.now().toString(36)}`);
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), students.length));
  /** @type {BatchRow[]} */
  const rows = [];
  let next = 0;
  let done = 0;

  const worker = async (/** @type {number} */ index) => {
    const labDir = join(scratch, `w${index}`, lab.folder);
    /** @type {RunnerSession | undefined} */
    let session;
    /** @type {string[]} */
    let previous = [];
    try {
      while (next < students.length) {
        const student = /** @type {string} */ (students[next++]);
        const started = Date.now();
        /** @type {BatchRow} */
        let row;
        try {
          const plan = planSubmission(join(options.dir, student), lab, { courseRoot: ROOT, starter });
          if (plan.labPath === null) {
            row = { student, result: null, summary: describeSubmission(plan, lab), note: `no labs/${lab.folder} in the submission`, seconds: 0 };
          } else {
            const { filled } = stageSubmission(plan, labDir, starter);
            const now = listFiles(labDir).map((rel) => join(labDir, rel));
            if (options.sessions !== false) {
              session ??= new RunnerSession(gradePlan({ lab, labDir }).session);
              // The runner keeps what it compiled: every file of the folder, before and now, is stale.
              session.invalidate([...new Set([...previous, ...now])]);
            }
            previous = now;
            const result = relabel(await grade({ lab, labDir }, session), labDir);
            row = { student, result, summary: describeSubmission(plan, lab, filled), seconds: (Date.now() - started) / 1000 };
          }
        } catch (error) {
          row = { student, result: null, summary: '', note: `grader error: ${error instanceof Error ? error.message.split('\n')[0] : error}`, seconds: (Date.now() - started) / 1000 };
        }
        rows.push(row);
        done += 1;
        options.onGraded?.(row, done, students.length);
      }
    } finally {
      await session?.close();
    }
  };

  try {
    await Promise.all(Array.from({ length: jobs }, (_, i) => worker(i)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows.sort((a, b) => a.student.localeCompare(b.student));
}

/**
 * The gradebook: student, score, max, one column per milestone (its points), failures (tests
 * not passed), note. Cells that a spreadsheet would run as a formula are quoted as text.
 * @param {import('../course.mjs').LabInfo} lab
 * @param {BatchRow[]} rows
 */
export function gradebookCsv(lab, rows) {
  const milestones = labDetails(lab).milestones;
  const header = ['student', 'score', 'max', ...milestones.map((m) => m.id), 'failures', 'note'];
  /** @type {(string | number)[][]} */
  const lines = [header];
  for (const row of rows) {
    const r = row.result;
    const points = milestones.map((m) => r?.milestones.find((x) => x.id === m.id)?.score ?? 0);
    const failures = r ? r.tests.filter((t) => t.status !== 'passed').length + r.problems.length : '';
    const note = row.note ?? (r && r.problems.length > 0 ? r.problems[0]?.message.split('\n')[0] ?? '' : '');
    lines.push([row.student, r?.score ?? 0, r?.maxScore ?? '', ...points, failures, note]);
  }
  return lines.map((cells) => cells.map((cell) => csvCell(String(cell))).join(',')).join('\n') + '\n';
}

function csvCell(/** @type {string} */ value) {
  // =, +, -, @ at the start make a spreadsheet run the cell as a formula: a student names the folder.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One student's feedback: what was graded, then the report (hidden tests' details taken out
 * unless full).
 * @param {BatchRow} row
 * @param {boolean} full
 */
export function feedbackText(row, full) {
  const parts = [row.summary];
  if (row.note) parts.push(row.note);
  if (row.result) parts.push(formatReport(full ? row.result : redact(row.result)));
  return parts.filter(Boolean).join('\n\n') + '\n';
}

/** A file name for a student folder's name. */
function fileName(/** @type {string} */ student) {
  return student.replace(/[^\w.@-]+/g, '_').replace(/^\.+/, '_') || '_';
}

/**
 * Grades the batch and writes the CSV and the feedback folder beside it.
 * @param {BatchOptions & { out: string, fullFeedback?: boolean, log?: (line: string) => void }} options
 */
export async function runBatch(options) {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const rows = await gradeBatch({
    ...options,
    onGraded: (row, done, total) => {
      const score = row.result ? `${row.result.score}/${row.result.maxScore}` : row.note;
      log(`[${done}/${total}] ${row.student}: ${score} (${row.seconds.toFixed(1)} s)`);
    },
  });
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, gradebookCsv(options.lab, rows));
  const feedbackDir = join(dirname(out), `${basename(out, extname(out))}-feedback`);
  rmSync(feedbackDir, { recursive: true, force: true });
  mkdirSync(feedbackDir, { recursive: true });
  for (const row of rows) writeFileSync(join(feedbackDir, `${fileName(row.student)}.txt`), feedbackText(row, !!options.fullFeedback));
  return { rows, out, feedbackDir, seconds: (Date.now() - started) / 1000 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const program = new Command()
    .name('npm run grade-batch --')
    .argument('<lab>', 'the lab: lab3, 3 or gateway')
    .argument('<submissions>', 'a folder with one folder per student')
    .requiredOption('--out <file>', 'the gradebook CSV to write; feedback goes to <name>-feedback/ beside it')
    .option('--full-feedback', "feedback shows each failure's details (message, expected, actual), hidden tests too")
    .option('--jobs <n>', 'submissions graded at once (default: the number of cores)', (v) => Number.parseInt(v, 10))
    .option('--no-sessions', 'start a fresh test runner for every submission')
    .parse();
  const [labName, dir] = program.args;
  const lab = findLab(labName ?? '');
  if (!lab || !isPresent(lab)) {
    console.error(`grade-batch: no lab "${labName}". Labs: ${LABS.map((l) => `lab${l.number}`).join(', ')}`);
    process.exit(2);
  }
  const options = program.opts();
  const made = await runBatch({
    lab,
    dir: resolve(dir ?? '.'),
    out: options.out,
    fullFeedback: !!options.fullFeedback,
    jobs: options.jobs,
    sessions: options.sessions,
    log: (line) => console.log(line),
  });
  const graded = made.rows.filter((r) => r.result).length;
  console.log(`\n${graded} of ${made.rows.length} submissions graded in ${made.seconds.toFixed(1)} s with ${Math.min(options.jobs ?? availableParallelism(), made.rows.length)} workers`);
  console.log(`gradebook: ${made.out}\nfeedback:  ${made.feedbackDir}${options.fullFeedback ? ' (full)' : " (hidden tests' details taken out)"}`);
}
