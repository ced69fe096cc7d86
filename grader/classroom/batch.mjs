#!/usr/bin/env node
// @ts-check
// `npm run grade-batch -- lab3 SUBMISSIONS --out grades.csv [--deadline T --submitted times.csv
// --late-penalty 10] [--only ada,bob] [--full-feedback] [--jobs N]`: grades every student folder in
// SUBMISSIONS (the lab folder itself, or a repository holding labs/<lab>/) and writes, beside the
// gradebook CSV:
//   <name>-feedback/<student>.txt   what each student reads (hidden tests' details taken out)
//   <name>-report.html              the class report (class-report.mjs): histogram, milestones,
//                                   tests hardest first, flagged submissions, similar code
//   <name>-results.json             every grade in full, so one student can be graded again (--only)
//                                   and the CSV and the report rewritten without grading the others
//
// Each worker grades in a scratch copy of its own (.grader/batch-*/w<k>/<lab>), into which each
// submission's lab files, and only those, are copied over the starter. The scratch copies live
// inside the course because the lab's imports (#contracts, #http, ...) resolve through the
// course's package.json, as the self-check's starter copies do. A worker keeps one test runner
// (RunnerSession) for all its submissions: the runner is bound to the folder's path, which is the
// same for every submission the worker grades, and the changed files are invalidated each time.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { LABS, ROOT, findLab, isPresent, labDetails } from '../course.mjs';
import { formatFeedback, starterMessages } from '../formats.mjs';
import { grade, gradePlan } from '../grade.mjs';
import { countExtensions } from '../report.mjs';
import { RunnerSession } from '../supervisor.mjs';
import { classReportHtml, classStats, fileName, flagsOf } from './class-report.mjs';
import { knownToGit, listFiles, openStarterFiles, starterFiles } from './files.mjs';
import { formatLate, lastCommitTime, lateness, parseTime, readSubmissionTimes } from './late.mjs';
import { DEFAULT_THRESHOLD, similarPairs } from './similarity.mjs';
import { describeSubmission, planSubmission, relabel, stageSubmission } from './submission.mjs';

/**
 * @typedef {import('../report.mjs').GradeResult & { typeErrors?: import('../formats.mjs').TypeErrorInfo[] }} Result
 *
 * @typedef {object} BatchRow
 * @property {string} student
 * @property {Result | null} result   null: nothing was graded
 * @property {string} summary   what was graded and what was ignored (describeSubmission)
 * @property {string} [note]     why nothing was graded, or what went wrong
 * @property {number} seconds
 * @property {string[]} [changed]       course files the submission changed or added (the grader used its own)
 * @property {string} [oddLayout]       where the lab was found, when that is not where it usually is
 * @property {string[]} [otherCopies]   other folders that look like the lab, not graded
 * @property {import('./late.mjs').Lateness} [late]
 *
 * @typedef {object} BatchOptions
 * @property {import('../course.mjs').LabInfo} lab
 * @property {string} dir            the folder of submissions, one folder per student
 * @property {string[]} [only]       grade these students only
 * @property {number} [jobs]         workers (default: os.availableParallelism())
 * @property {boolean} [sessions]    keep one runner per worker (default true)
 * @property {(row: BatchRow, done: number, total: number) => void} [onGraded]
 */

/** The student folders of a submissions folder, and the entries that are not one (a zip not unpacked). */
export function studentFolders(/** @type {string} */ dir) {
  const entries = readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
  const folders = entries.filter((name) => statSync(join(dir, name)).isDirectory());
  return { folders, strays: entries.filter((name) => !folders.includes(name)) };
}

/**
 * Grades the submissions in options.dir (all, or `only`). Rows come back in the order of the names.
 * @param {BatchOptions} options
 * @returns {Promise<BatchRow[]>}
 */
export async function gradeBatch(options) {
  const { lab } = options;
  const all = studentFolders(options.dir).folders;
  const missing = (options.only ?? []).filter((name) => !all.includes(name));
  if (missing.length > 0) throw new Error(`no folder ${missing.map((m) => `"${m}"`).join(', ')} in ${options.dir}`);
  const students = options.only ? all.filter((name) => options.only?.includes(name)) : all;
  const starter = starterFiles(lab.folder);
  const openStarter = openStarterFiles(lab.folder);
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
          const plan = planSubmission(join(options.dir, student), lab, { courseRoot: ROOT, starter, openStarter });
          // A course file as some earlier version of the course had it came with the student's
          // copy (a release made before a fix): only the others are a change worth a flag.
          const courseFiles = plan.ignored.filter((i) => i.kind === 'changed' || i.kind === 'course').map((i) => i.path);
          const known = knownToGit(courseFiles.map((path) => readFileSync(join(options.dir, student, path))));
          const layout = {
            changed: courseFiles.filter((_, i) => !known[i]),
            ...(plan.oddLayout ? { oddLayout: plan.oddLayout } : {}),
            ...(plan.otherCopies ? { otherCopies: plan.otherCopies } : {}),
          };
          if (plan.labPath === null) {
            row = { student, result: null, summary: describeSubmission(plan, lab), note: `no labs/${lab.folder} in the submission`, seconds: 0, ...layout };
          } else {
            const { filled } = stageSubmission(plan, labDir, plan.level === 'open' && openStarter ? openStarter : starter);
            const now = listFiles(labDir).map((rel) => join(labDir, rel));
            if (options.sessions !== false) {
              session ??= new RunnerSession(gradePlan({ lab, labDir }).session);
              // The runner keeps what it compiled: every file of the folder, before and now, is stale.
              session.invalidate([...new Set([...previous, ...now])]);
            }
            previous = now;
            const graded = relabel(await grade({ lab, labDir, typeCheck: true }, session), labDir);
            const result = plan.level ? { ...graded, level: plan.level } : graded;
            row = { student, result, summary: describeSubmission(plan, lab, filled), seconds: (Date.now() - started) / 1000, ...layout };
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

/** The score after the late penalty. @param {{ result: Result | null, late?: import('./late.mjs').Lateness }} row */
export function finalScore(row) {
  const score = row.result?.score ?? 0;
  return Math.round((score - (row.late?.penalty ?? 0)) * 100) / 100;
}

/**
 * The gradebook: student, score, max, one column per milestone (its points; the header says out of
 * how many), failures (tests not passed), the late policy's columns when there is one (submitted,
 * late, penalty, final), the flags, and a note that says in full what the flags are about. Cells
 * that a spreadsheet would run as a formula are quoted as text.
 * @param {import('../course.mjs').LabInfo} lab
 * @param {BatchRow[]} rows
 * @param {{ pairs?: import('./similarity.mjs').Pair[], late?: boolean }} [options]
 */
export function gradebookCsv(lab, rows, options = {}) {
  const milestones = labDetails(lab).milestones;
  const graded = rows.flatMap((r) => (r.result ? [r.result] : []));
  const maxOf = (/** @type {string} */ id) => Math.max(0, ...graded.map((r) => r.milestones.find((m) => m.id === id)?.maxScore ?? 0));
  const max = Math.max(0, ...graded.map((r) => r.maxScore));
  const late = !!options.late;
  // Extensions are optional work: their own column says whether the score above counts them.
  const extended = milestones.some((m) => m.extension);
  const counted = graded.some((r) => r.extensions?.counted);
  const extensionMax = Math.max(0, ...graded.map((r) => r.extensions?.maxScore ?? 0));
  const header = [
    'student',
    'score',
    'max',
    ...(extended ? [`extensions (of ${extensionMax}, ${counted ? 'counted in score' : 'not counted in score'})`] : []),
    ...milestones.map((m) => {
      const about = [m.extension ? 'extension' : '', graded.length > 0 ? `of ${maxOf(m.id)}` : ''].filter(Boolean);
      return about.length > 0 ? `${m.id} (${about.join(', ')})` : m.id;
    }),
    'failures',
    ...(late ? ['submitted', 'late', 'penalty', 'final'] : []),
    'flags',
    'note',
  ];
  /** @type {(string | number)[][]} */
  const lines = [header];
  for (const row of rows) {
    const r = row.result;
    const points = milestones.map((m) => r?.milestones.find((x) => x.id === m.id)?.score ?? 0);
    // Tests not passed: problems outside the tests (a syntax error) are in the note, not counted again.
    const failures = r ? r.tests.filter((t) => t.status !== 'passed').length : '';
    const flags = flagsOf(row, options.pairs ?? []);
    const note = [...(row.note && !flags.some((f) => f.detail === row.note) ? [row.note] : []), ...flags.map((f) => `${f.label}: ${f.detail}`)].join('; ');
    const lateCells = late
      ? [row.late?.submittedAt ?? '', row.late && row.late.lateMs > 0 ? formatLate(row.late.lateMs) : '', row.late?.penalty ?? 0, finalScore(row)]
      : [];
    const extensionCells = extended ? [r?.extensions?.score ?? 0] : [];
    lines.push([row.student, r?.score ?? 0, r?.maxScore ?? max, ...extensionCells, ...points, failures, ...lateCells, flags.map((f) => f.label).join('; '), note]);
  }
  return lines.map((cells) => cells.map((cell) => csvCell(String(cell))).join(',')).join('\n') + '\n';
}

function csvCell(/** @type {string} */ value) {
  // =, +, -, @ at the start make a spreadsheet run the cell as a formula: a student names the folder.
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One student's feedback: what was graded, then the report with the hidden tests' details taken
 * out (unless full): what their own code did (a loop, process.exit(), a syntax error) is in it.
 * @param {BatchRow} row
 * @param {boolean} full
 * @param {Iterable<string>} [messages]  the starter's TODO messages: the course's text, which the feedback may show
 */
export function feedbackText(row, full, messages = []) {
  const parts = [row.summary];
  if (row.note) parts.push(row.note);
  if (row.late && row.late.lateMs > 0) {
    parts.push(`Submitted ${formatLate(row.late.lateMs)} after the deadline${row.late.penalty > 0 ? `: ${row.late.penalty} points taken off, ${finalScore(row)} left` : ''}.`);
  }
  if (row.result) parts.push(formatFeedback(row.result, { redacted: !full, names: true, starterMessages: messages }));
  return parts.filter(Boolean).join('\n\n') + '\n';
}

/** The lab's own source files of a submission (tests left out), for the similarity measure. */
function labCode(/** @type {string} */ dir, /** @type {import('../course.mjs').LabInfo} */ lab, /** @type {Map<string, Buffer>} */ starter) {
  const plan = planSubmission(dir, lab, { courseRoot: ROOT, starter });
  if (plan.labPath === null) return null;
  const prefix = plan.labPath ? `${plan.labPath}/` : '';
  return new Map(
    plan.take.filter((rel) => /\.[cm]?ts$/.test(rel)).map((rel) => [rel, readFileSync(join(dir, prefix + rel), 'utf8')]),
  );
}

/**
 * @typedef {object} RunOptions
 * @property {string} out                 the CSV
 * @property {boolean} [fullFeedback]
 * @property {string} [deadline]          when the lab was due (ISO 8601)
 * @property {string} [submitted]         a CSV of student,time; or 'git' for each repository's last commit
 * @property {number} [latePenalty]       percent of the score per started day late
 * @property {number} [threshold]         similarity from which a pair is reported (0-1)
 * @property {boolean} [countExtensions]  the lab's optional extension milestones count in the score
 * @property {(line: string) => void} [log]
 */

/**
 * Grades the batch (or, with `only`, some students of an earlier batch) and writes the CSV, the
 * feedback files, the class report and the results beside them.
 * @param {BatchOptions & RunOptions} options
 */
export async function runBatch(options) {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const out = resolve(options.out);
  const base = join(dirname(out), basename(out, extname(out)));
  const files = { csv: out, feedback: `${base}-feedback`, report: `${base}-report.html`, results: `${base}-results.json` };
  let policy = latePolicy(options);
  let threshold = options.threshold ?? DEFAULT_THRESHOLD;

  /** @type {BatchRow[]} */
  let earlier = [];
  if (options.only) {
    if (!existsSync(files.results)) {
      throw new Error(`--only grades some students again into an earlier batch, and there is none at ${files.results}: grade the whole folder first`);
    }
    const saved = JSON.parse(readFileSync(files.results, 'utf8'));
    if (saved.lab !== options.lab.folder) throw new Error(`${files.results} holds a batch of ${saved.lab}, not ${options.lab.folder}`);
    earlier = saved.rows;
    // A student graded again keeps the class's late policy and similarity threshold unless new ones are given.
    if (!policy && saved.policy) policy = { ...saved.policy, submitted: new Map(saved.policy.submitted) };
    threshold = options.threshold ?? saved.threshold ?? threshold;
  }
  const graded = await gradeBatch({
    ...options,
    onGraded: (row, done, total) => {
      const score = row.result ? `${row.result.score}/${row.result.maxScore}` : row.note;
      log(`[${done}/${total}] ${row.student}: ${score} (${row.seconds.toFixed(1)} s)`);
    },
  });
  const regraded = new Set(graded.map((r) => r.student));
  /** @type {BatchRow[]} */
  const rows = [...earlier.filter((r) => !regraded.has(r.student)), ...graded].sort((a, b) => a.student.localeCompare(b.student));
  // One gradebook, one rule: counted for the whole class when asked now or when the earlier batch
  // (--only) counted them, as the late policy carries over.
  const count = options.countExtensions || earlier.some((r) => r.result?.extensions?.counted);
  if (count) for (const row of rows) if (row.result) row.result = countExtensions(row.result);
  for (const row of rows) {
    if (policy) row.late = lateness(policy, row.student, row.result?.score ?? 0);
    else delete row.late;
  }

  // Similar code, across the whole class (the students graded earlier included).
  const starter = starterFiles(options.lab.folder);
  const openStarter = openStarterFiles(options.lab.folder);
  const messages = starterMessages([...starter.values(), ...(openStarter?.values() ?? [])].map((data) => data.toString('utf8')));
  const sources = (/** @type {Map<string, Buffer>} */ files) =>
    new Map([...files].filter(([rel]) => /\.[cm]?ts$/.test(rel) && !/\.test\./.test(rel)).map(([rel, data]) => [rel, data.toString('utf8')]));
  const starterCode = openStarter ? [sources(starter), sources(openStarter)] : sources(starter);
  const submissions = rows.flatMap((row) => {
    const dir = join(options.dir, row.student);
    const code = existsSync(dir) ? labCode(dir, options.lab, starter) : null;
    return code ? [{ student: row.student, files: code }] : [];
  });
  const similarity = similarPairs(submissions, starterCode, { threshold });

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(files.csv, gradebookCsv(options.lab, rows, { pairs: similarity.pairs, late: !!policy }));
  if (!options.only) rmSync(files.feedback, { recursive: true, force: true });
  mkdirSync(files.feedback, { recursive: true });
  for (const row of graded) writeFileSync(join(files.feedback, `${fileName(row.student)}.txt`), feedbackText(row, !!options.fullFeedback, messages));
  const savedPolicy = policy && { deadline: policy.deadline, penaltyPerDay: policy.penaltyPerDay, submitted: [...policy.submitted] };
  writeFileSync(files.results, JSON.stringify({ version: 1, lab: options.lab.folder, writtenAt: new Date().toISOString(), policy: savedPolicy, threshold, rows }, null, 1) + '\n');
  writeFileSync(
    files.report,
    classReportHtml({
      lab: options.lab,
      rows,
      pairs: similarity.pairs,
      similarity: { compared: similarity.compared, skipped: similarity.skipped, threshold },
      feedbackDir: relative(dirname(files.report), files.feedback).split('\\').join('/'),
      generatedAt: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
      latePolicy: policy ? { deadline: new Date(policy.deadline).toISOString().replace('T', ' ').replace(/:00\.000Z$/, ' UTC'), penaltyPerDay: policy.penaltyPerDay } : null,
      finalScore,
    }),
  );
  return { rows, graded, pairs: similarity.pairs, files, feedbackDir: files.feedback, out, seconds: (Date.now() - started) / 1000, policy };
}

/**
 * The late policy of a run, or null without a deadline. Throws, naming the fix, on a deadline or
 * a penalty it cannot read, or on a penalty without a deadline.
 * @param {RunOptions & { dir: string }} options
 * @returns {import('./late.mjs').LatePolicy | null}
 */
export function latePolicy(options) {
  if (!options.deadline) {
    if (options.submitted || options.latePenalty) throw new Error('--submitted and --late-penalty need --deadline: when was the lab due?');
    return null;
  }
  const deadline = parseTime(options.deadline);
  if (deadline === null) throw new Error(`--deadline "${options.deadline}" is not a time: write it as 2026-12-01T23:59:00+01:00 (ISO 8601)`);
  const penaltyPerDay = options.latePenalty ?? 0;
  if (!Number.isFinite(penaltyPerDay) || penaltyPerDay < 0 || penaltyPerDay > 100) {
    throw new Error(`--late-penalty ${options.latePenalty} is not a percentage: give the percent of the score taken per day late, 0 to 100`);
  }
  if (!options.submitted) throw new Error('--deadline needs --submitted: a CSV of student,time, or "git" for each repository\'s last commit');
  /** @type {Map<string, { at: number, from: string }>} */
  let submitted;
  if (options.submitted === 'git') {
    submitted = new Map();
    for (const student of studentFolders(options.dir).folders) {
      const at = lastCommitTime(join(options.dir, student));
      if (at !== null) submitted.set(student, { at, from: 'git' });
    }
  } else {
    submitted = readSubmissionTimes(options.submitted);
  }
  return { deadline, penaltyPerDay, submitted };
}

/**
 * The lines the terminal ends with: how the class did, and who needs a look.
 * @param {Awaited<ReturnType<typeof runBatch>>} made
 * @param {string[]} strays
 */
export function overview(made, strays = []) {
  const stats = classStats(made.rows, finalScore);
  const fmt = (/** @type {number} */ n) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const lines = [
    '',
    `${made.graded.length === made.rows.length ? made.rows.length : `${made.graded.length} of ${made.rows.length}`} submissions graded in ${made.seconds.toFixed(1)} s` +
      ` · ${stats.graded} with a result: median ${fmt(stats.median)}/${stats.maxScore}, mean ${fmt(stats.mean)}, ${stats.full} with every point`,
  ];
  const hardest = stats.milestones.slice().sort((a, b) => a.passRate - b.passRate)[0];
  if (hardest && stats.graded > 0) lines.push(`hardest milestone: ${hardest.title} (${Math.round(hardest.passRate * 100)}% of its tests passed)`);
  const flagged = made.rows.map((row) => ({ row, flags: flagsOf(row, made.pairs) })).filter((x) => x.flags.length > 0);
  if (flagged.length > 0) {
    lines.push(`flagged (${flagged.length}):`);
    for (const { row, flags } of flagged) lines.push(`  ${row.student}: ${flags.map((f) => f.label).join(', ')}`);
  }
  if (strays.length > 0) lines.push(`not graded, not folders (unpack them into a folder each): ${strays.join(', ')}`);
  lines.push(
    `gradebook: ${made.files.csv}`,
    `report:    ${made.files.report}`,
    `feedback:  ${made.files.feedback}`,
  );
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const program = new Command()
    .name('npm run grade-batch --')
    .argument('<lab>', 'the lab: lab3, 3 or gateway')
    .argument('<submissions>', 'a folder with one folder per student')
    .requiredOption('--out <file>', 'the gradebook CSV to write; the feedback, the class report and the results go beside it')
    .option('--only <students>', 'grade these students again (comma-separated folder names) into the earlier batch at --out')
    .option('--deadline <time>', 'when the lab was due, e.g. 2026-12-01T23:59:00+01:00: later submissions are flagged')
    .option('--submitted <file|git>', 'when each student submitted: a CSV of student,time, or "git" for each repository\'s last commit')
    .option('--late-penalty <percent>', 'percent of the score taken per started day late (default 0: flag only)', Number)
    .option('--similarity <percent>', `report pairs of submissions whose code is at least this similar (default ${DEFAULT_THRESHOLD * 100})`, Number)
    .option('--full-feedback', "feedback shows each failure's details (message, expected, actual), hidden tests too")
    .option('--count-extensions', "count the lab's optional extension milestones in the score (apart and not counted by default)")
    .option('--jobs <n>', 'submissions graded at once (default: the number of cores)', (v) => Number.parseInt(v, 10))
    .option('--no-sessions', 'start a fresh test runner for every submission')
    .parse();
  const [labName, dir] = program.args;
  const lab = findLab(labName ?? '');
  if (!lab || !isPresent(lab)) {
    console.error(`grade-batch: no lab "${labName}". Labs: ${LABS.map((l) => `lab${l.number}`).join(', ')}`);
    process.exit(2);
  }
  const folder = resolve(dir ?? '.');
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    console.error(`grade-batch: ${folder} is not a folder: give the folder that holds one folder per student`);
    process.exit(2);
  }
  const options = program.opts();
  const { folders, strays } = studentFolders(folder);
  if (folders.length === 0) {
    console.error(`grade-batch: ${folder} holds no student folder${strays.length ? ` (only ${strays.join(', ')}: unpack each into a folder)` : ''}`);
    process.exit(2);
  }
  try {
    const made = await runBatch({
      lab,
      dir: folder,
      out: options.out,
      only: options.only ? String(options.only).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      deadline: options.deadline,
      submitted: options.submitted,
      latePenalty: options.latePenalty,
      threshold: options.similarity === undefined ? undefined : options.similarity / 100,
      fullFeedback: !!options.fullFeedback,
      countExtensions: !!options.countExtensions,
      jobs: options.jobs,
      sessions: options.sessions,
      log: (line) => console.log(line),
    });
    console.log(overview(made, strays).join('\n'));
  } catch (error) {
    console.error(`grade-batch: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
}
