// @ts-check
// Turns what the supervisor recorded into a result (the data of --json) and a result into the
// report a learner reads. Both are pure functions of their input, so they are tested directly.
import { relative, sep } from 'node:path';
import pc from 'picocolors';
import { ROOT } from './course.mjs';

/**
 * @typedef {'passed'|'failed'|'timedOut'|'error'|'notRun'} Status
 *
 * @typedef {object} TestResult
 * @property {string} name
 * @property {string} section      the milestone's title
 * @property {string} milestone    the milestone's id
 * @property {Status} status
 * @property {number} points
 * @property {number} maxPoints
 * @property {string} [message]
 * @property {string} [expected]
 * @property {string} [actual]
 * @property {string} [location]   where in the graded code the error came from, `labs/x/y.ts:12:5`
 * @property {string} [output]     what the code printed during the test
 * @property {string} [hint]
 * @property {string} [lesson]     `lessons/01-http.md#the-request-line`
 * @property {string[]} [rules]    ids of the lesson's rules the test checks (`['E7']`)
 * @property {{ id: string, text: string, lesson: string }[]} [broken]   on a failure: those rules, with their sentence and section
 * @property {number} [busy]       the machine was busy while it failed: tasks ready to run per core
 * @property {boolean} [retried]   it failed while the machine was busy, and this is the result of a second run, alone
 * @property {true} [extension]    the test belongs to an extension milestone: optional, scored apart
 *
 * @typedef {object} MilestoneResult
 * @property {string} id
 * @property {string} title
 * @property {string} lesson
 * @property {number} score
 * @property {number} maxScore
 * @property {number} passed
 * @property {number} total
 * @property {boolean} [extension]  optional work beyond the core (lab.json `"extension": true`), scored apart
 *
 * @typedef {object} ExtensionScore   the extension milestones together
 * @property {number} score
 * @property {number} maxScore
 * @property {number} passed
 * @property {number} total
 * @property {boolean} [counted]   a teacher chose to count them: `score` and `maxScore` of the result include them
 *
 * @typedef {object} GradeResult
 * @property {string} lab            `lab1-http`
 * @property {number} labNumber
 * @property {string} title
 * @property {string} target         the graded folder, relative to the course root
 * @property {string} layers         which code the lower layers came from
 * @property {string} courseVersion
 * @property {string} testsHash      hash of the hidden tests that graded it
 * @property {number} score       the core's points: what a learner must build (and, counted, the extensions')
 * @property {number} maxScore
 * @property {ExtensionScore} [extensions]   the lab's extension milestones, when it has any
 * @property {MilestoneResult[]} milestones
 * @property {TestResult[]} tests
 * @property {{ message: string, location?: string, frame?: string }[]} problems   errors outside any test
 * @property {string[]} [skipped]   tests skipped on this platform, with their reason in the name (not scored)
 * @property {string} [note]        a line for the top of the report (how the target was chosen)
 * @property {boolean} [hidden]     false when the tests were visible ones (a release's examples): machine formats then show details
 * @property {'guided' | 'open'} [level]   the level the learner takes the lab at (grader/levels.mjs), when labs/ was graded
 */

/**
 * @param {{ lab: import('./course.mjs').LabInfo, details: import('./course.mjs').LabDetails,
 *   outcome: import('./supervisor.mjs').RunOutcome, target: string, layers: string,
 *   courseVersion: string, testsHash: string, note?: string,
 *   rules?: import('./ledger.mjs').Rule[] }} input
 * @returns {GradeResult}
 */
export function buildResult({ lab, details, outcome, target, layers, courseVersion, testsHash, note, rules = [] }) {
  const ledger = new Map(rules.map((rule) => [rule.id, rule]));
  const where = { target, given: details.given ?? [] };
  const order = new Map(details.milestones.map((m, i) => [m.id, i]));
  const titles = new Map(details.milestones.map((m) => [m.id, m]));
  const optional = new Set(details.milestones.filter((m) => m.extension).map((m) => m.id));
  // Tests skipped on purpose (a POSIX signal on Windows) are listed, not scored.
  const skipped = outcome.tests.filter((t) => t.mode === 'skip' && t.status === 'notRun').map((t) => t.name);
  const records = [...outcome.tests]
    .filter((t) => t.status !== 'notRun' || t.mode !== 'skip')
    // Stable sort: milestone order first, the order tests were written in after that.
    .sort((a, b) => (order.get(a.meta.milestone) ?? 99) - (order.get(b.meta.milestone) ?? 99));

  // A void run (the canary passed) proves nothing: no test counts, and the report says why.
  const voided = outcome.voided ?? null;
  const tests = records.map((record) => {
    const milestone = titles.get(record.meta.milestone);
    const maxPoints = record.meta.points ?? 1;
    const error = record.errors[0];
    /** @type {string[]} */
    const ruleIds = Array.isArray(record.meta.rules) ? record.meta.rules : [];
    /** @type {TestResult} */
    const result = {
      name: escapeName(record.name),
      section: milestone?.title ?? record.meta.milestone ?? 'Other',
      milestone: record.meta.milestone ?? 'other',
      status: voided ? 'error' : record.status,
      points: record.status === 'passed' && !voided ? maxPoints : 0,
      maxPoints,
      rules: ruleIds,
      ...(optional.has(record.meta.milestone) ? { extension: /** @type {true} */ (true) } : {}),
    };
    if (voided) {
      result.message = voided;
      return result;
    }
    if (record.status !== 'passed') {
      if (error) {
        result.message = firstLines(error.message, 6);
        if (error.expected !== undefined && error.actual !== undefined) {
          result.expected = error.expected;
          result.actual = error.actual;
        }
        const location = locate(error.stack, where);
        if (location) result.location = location;
      }
      if (record.output) result.output = record.output.slice(0, 2000);
      if (record.retried) result.retried = true;
      if (record.busy) result.busy = Math.round(record.busy * 10) / 10;
      // A timeout on a busy machine is not the learner's: no hint that says it is.
      if (record.meta.hint && !(record.busy && record.status === 'timedOut')) result.hint = record.meta.hint;
      const broken = ruleIds.flatMap((id) => {
        const rule = ledger.get(id);
        return rule ? [{ id, text: rule.text, lesson: `lessons/${rule.lesson}` }] : [];
      });
      if (broken.length > 0) result.broken = broken;
      // The section that teaches the fix: the test's own link, else its first rule's, else its milestone's.
      result.lesson = `lessons/${record.meta.lesson ?? ledger.get(ruleIds[0] ?? '')?.lesson ?? milestone?.lesson ?? lab.lesson}`;
    }
    return result;
  });

  const milestones = details.milestones.map((m) => {
    const own = tests.filter((t) => t.milestone === m.id);
    return {
      id: m.id,
      title: m.title,
      lesson: `lessons/${m.lesson}`,
      score: sum(own.map((t) => t.points)),
      maxScore: sum(own.map((t) => t.maxPoints)),
      passed: own.filter((t) => t.status === 'passed').length,
      total: own.length,
      ...(m.extension ? { extension: true } : {}),
    };
  });

  // Errors outside any test. A lab that cannot load breaks every test file the same way: one line.
  /** @type {Map<string, { message: string, location?: string, frame?: string, files: string[], refused: boolean }>} */
  const distinct = new Map();
  const fileProblems = outcome.fileErrors.flatMap(({ file, errors }) => errors.map((e) => ({ file, e })));
  for (const { file, e } of fileProblems) {
    const message = firstLines(e.message, 16);
    const seen = distinct.get(message) ?? { message, location: locate(e.stack, where), frame: e.frame, files: [], refused: e.name === 'Refused' };
    seen.files.push(rel(file).split(sep).join('/'));
    distinct.set(message, seen);
  }
  const problems = [
    ...[...distinct.values()].map(({ files, refused, ...problem }) => ({
      ...problem,
      message: refused ? problem.message : `${problem.message}\n(while loading ${files.join(', ')})`,
    })),
    ...outcome.unhandled.map((e) => ({
      message: `${e.test ? `while the test "${escapeName(e.test)}" ran, an error escaped it: ` : ''}${firstLines(e.message, 8)}`,
      location: locate(e.stack, where),
      frame: e.frame,
    })),
    ...(voided ? [{ message: voided }] : []),
  ];

  const core = tests.filter((t) => !t.extension);
  const extra = tests.filter((t) => t.extension);
  return {
    lab: lab.folder,
    labNumber: lab.number,
    title: lab.title,
    target,
    layers,
    courseVersion,
    testsHash,
    // The score is the core's: extensions are optional and never lower it (countExtensions adds them).
    score: sum(core.map((t) => t.points)),
    maxScore: sum(core.map((t) => t.maxPoints)),
    ...(optional.size > 0 ? { extensions: extensionScore(extra) } : {}),
    milestones,
    tests,
    problems,
    skipped,
    ...(note ? { note } : {}),
  };
}

/** @param {TestResult[]} tests @returns {ExtensionScore} */
function extensionScore(tests) {
  return {
    score: sum(tests.map((t) => t.points)),
    maxScore: sum(tests.map((t) => t.maxPoints)),
    passed: tests.filter((t) => t.status === 'passed').length,
    total: tests.length,
  };
}

/**
 * True only when every test that counts ran and passed: the one condition for exit code 0, a
 * "pass" on a grading service and "done" in the tools. Extensions are optional, so a learner who
 * leaves them is done and their CI stays green; where a teacher counts them (countExtensions),
 * they count here too.
 */
export function allPassed(/** @type {GradeResult} */ result) {
  const counted = result.extensions?.counted ? result.tests : result.tests.filter((t) => !t.extension);
  return counted.length > 0 && counted.every((t) => t.status === 'passed') && result.problems.length === 0;
}

/**
 * The result as a teacher who counts the extensions grades it: their points are added to the score
 * and the maximum (`extensions.counted` says so). A lab without extensions is returned as it is.
 * @template {GradeResult} T
 * @param {T} result
 * @returns {T}
 */
export function countExtensions(result) {
  if (!result.extensions || result.extensions.counted) return result;
  return {
    ...result,
    score: result.score + result.extensions.score,
    maxScore: result.maxScore + result.extensions.maxScore,
    extensions: { ...result.extensions, counted: true },
  };
}

/**
 * The milestone to work on next: the first core milestone not yet done; once the core is done, the
 * first extension not done (`optional` tells which it is).
 * @param {MilestoneResult[]} milestones
 * @returns {{ milestone: MilestoneResult, number: number, optional: boolean } | undefined}
 */
export function nextMilestone(milestones) {
  const pick = milestones.find((m) => !m.extension && m.passed < m.total) ?? milestones.find((m) => m.extension && m.passed < m.total);
  return pick && { milestone: pick, number: milestones.indexOf(pick) + 1, optional: Boolean(pick.extension) };
}

/**
 * The score line's words for the extensions: ` · extensions 12/40 (optional)`, or, where a teacher
 * counts them, ` (with extensions, 12/40 of it)`. Empty for a lab without extensions.
 * @param {GradeResult} result
 */
export function extensionsText(result) {
  const e = result.extensions;
  if (!e) return '';
  return e.counted ? ` (with extensions, ${e.score}/${e.maxScore} of it)` : ` · extensions ${e.score}/${e.maxScore} (optional)`;
}

/**
 * A milestone's mark in a report: done, begun, or not begun, where an extension not begun is an
 * offer (a dim circle), not a failure.
 * @param {MilestoneResult} m @param {import('picocolors/types').Colors} c
 */
export function milestoneMark(m, c) {
  if (m.passed === m.total) return c.green('✔');
  if (m.passed > 0) return c.yellow('◐');
  return m.extension ? c.dim('○') : c.red('✘');
}

/**
 * The heading above the first extension milestone of a report, as lines to push; none elsewhere.
 * @param {GradeResult} result @param {number} index  of the milestone about to be listed
 * @param {import('picocolors/types').Colors} c
 */
export function extensionHeading(result, index, c) {
  if (!result.milestones[index]?.extension || result.milestones[index - 1]?.extension) return [];
  return ['', c.bold(`Extensions (optional, ${result.extensions?.counted ? 'counted in this score' : 'scored apart'}):`)];
}

const SYMBOL = { passed: '✔', failed: '✘', timedOut: '⏱', error: '!', notRun: '○' };

/**
 * The report a learner reads. It leads with the next milestone to work on, details the failures
 * there (and in any milestone that is partly done), and sums up the rest, grouping failures that
 * share one message ("12 tests: TODO(lab1) ...") instead of repeating it.
 * @param {GradeResult} result
 * @param {{ verbose?: boolean, color?: boolean }} [options]
 */
export function formatReport(result, options = {}) {
  const c = pc.createColors(options.color ?? false);
  /** @type {string[]} */
  const out = [];
  out.push(c.bold(`Lab ${result.labNumber} · ${result.title}`));
  out.push(c.dim(`graded ${result.target}${result.level ? ` (${result.level} starter)` : ''} · ${result.layers} · course ${result.courseVersion} · tests ${result.testsHash}`));
  if (result.note) out.push(c.yellow(result.note));
  out.push('');

  if (result.problems.length > 0) out.push(c.bold('Fix this first:'));
  for (const problem of result.problems) {
    out.push(c.red(`! ${problem.message}`));
    if (problem.location) out.push(c.dim(`  at ${problem.location}`));
    if (problem.frame) out.push(indent(problem.frame, '  '));
    out.push('');
  }

  out.push(...nextLines(result, c));
  const next = nextMilestone(result.milestones)?.milestone;
  out.push('');

  result.milestones.forEach((m, index) => {
    const own = result.tests.filter((t) => t.milestone === m.id);
    if (own.length === 0) return;
    out.push(...extensionHeading(result, index, c));
    const done = m.passed === m.total;
    const started = m.passed > 0;
    const mark = milestoneMark(m, c);
    const label = `${index + 1}. ${m.title}`;
    out.push(`${mark} ${pad(label, 44)} ${pad(`${m.score}/${m.maxScore}`, 7, true)}`);
    if (done) return;
    const detailed = options.verbose || started || m === next;
    // An extension not begun is an offer, not a list of failures: its tests are listed once it is.
    if (m.extension && !detailed) return;
    const failing = own.filter((t) => t.status !== 'passed');
    for (const group of groupFailures(failing)) {
      if (group.length > 1) {
        out.push(`   ${c.red(SYMBOL[group[0].status])} ${group.length} tests: ${headline(group[0])}`);
        if (detailed) {
          for (const t of group) out.push(c.dim(`       · ${t.name}`));
          pushHelp(out, group[0], c, '     ');
        }
      } else if (detailed) {
        pushFailure(out, group[0], c);
      } else {
        out.push(`   ${c.red(SYMBOL[group[0].status])} ${group[0].name}${c.dim(`: ${headline(group[0])}`)}`);
      }
    }
  });

  if (result.skipped?.length) {
    out.push(c.dim(`○ ${result.skipped.length} skipped here, not scored: ${result.skipped.join('; ')}`));
  }
  const counts = countBy(result.tests.map((t) => t.status));
  const pct = result.maxScore === 0 ? 0 : Math.floor((100 * result.score) / result.maxScore);
  const parts = [`${counts.passed ?? 0} passed`, `${counts.failed ?? 0} failed`];
  if (counts.timedOut) parts.push(`${counts.timedOut} timed out`);
  if (counts.error) parts.push(`${counts.error} errors`);
  if (counts.notRun) parts.push(`${counts.notRun} not run`);
  out.push('');
  const score = `Score: ${result.score}/${result.maxScore} (${pct}%)`;
  out.push(`${allPassed(result) ? c.green(c.bold(score)) : c.bold(score)}${extensionsText(result)} · ${parts.join(', ')}`);
  return out.join('\n') + '\n';
}

/**
 * The lines that say what to do next: the next core milestone; once the core is done, that the lab is
 * done, and the next extension if one is left. Shared by the terminal's report and the feedback file.
 * @param {GradeResult} result
 * @param {import('picocolors/types').Colors} c
 */
export function nextLines(result, c) {
  const found = nextMilestone(result.milestones);
  const toGo = (/** @type {MilestoneResult} */ m) => `${m.total - m.passed} of ${m.total} tests to go. Read ${c.cyan(m.lesson)}`;
  if (found && !found.optional) return [`${c.bold(`Next: ${found.number}. ${found.milestone.title}`)} — ${toGo(found.milestone)}`];
  if (result.tests.length === 0 || result.problems.length > 0) return [];
  if (!found) return [c.green(c.bold(`Every test passed. Lab ${result.labNumber} is done.`))];
  return [
    c.green(c.bold(`Every core test passed. Lab ${result.labNumber} is done.`)),
    `${c.bold(`Optional next: ${found.number}. ${found.milestone.title}`)} (an extension) — ${toGo(found.milestone)}`,
  ];
}

/** @param {string[]} out @param {TestResult} t @param {import('picocolors/types').Colors} c */
function pushFailure(out, t, c) {
  out.push(`   ${c.red(SYMBOL[t.status])} ${t.name}${t.maxPoints !== 1 ? c.dim(` (${t.maxPoints} pts)`) : ''}`);
  if (t.expected !== undefined && t.actual !== undefined) {
    out.push(`       ${c.dim(firstLines(t.message ?? '', 2))}`);
    out.push(`       expected: ${c.green(visible(t.expected, '                 '))}`);
    out.push(`       received: ${c.red(visible(t.actual, '                 '))}`);
  } else if (t.message) {
    out.push(`       ${visible(t.message, '       ')}`);
  }
  pushHelp(out, t, c, '       ');
}

/** @param {string[]} out @param {TestResult} t @param {import('picocolors/types').Colors} c @param {string} pre */
function pushHelp(out, t, c, pre) {
  if (t.location) out.push(`${pre}${c.dim(`at ${t.location}`)}`);
  if (t.output) out.push(`${pre}${c.dim('your code printed:')} ${visible(firstLines(t.output.trimEnd(), 4), pre + '  ')}`);
  for (const rule of t.broken ?? []) out.push(`${pre}${c.magenta(`rule ${rule.id}:`)} ${rule.text}`);
  if (t.busy) {
    out.push(
      `${pre}${c.yellow('the machine was busy:')} while this test ran, ${t.busy} tasks per core were waiting to run` +
        `${t.retried ? ', in its first run and in a second run alone' : ''}. This result may not be your code's: ` +
        'grade again when the machine is quieter.',
    );
  }
  if (t.hint) out.push(`${pre}${c.yellow('hint:')} ${t.hint}`);
  if (t.lesson) out.push(`${pre}${c.cyan(`read: ${t.lesson}`)}`);
}

/** Failures with the same message and no expected/actual of their own are one group. */
function groupFailures(/** @type {TestResult[]} */ failing) {
  /** @type {Map<string, TestResult[]>} */
  const groups = new Map();
  for (const t of failing) {
    const key = t.expected === undefined ? `${t.status}:${t.message}` : `${t.name}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()];
}

function headline(/** @type {TestResult} */ t) {
  return firstLines(t.message ?? t.status, 1);
}

/**
 * Makes control characters visible: CR as \r, tabs as \t, others as \xNN. Line breaks that are
 * layout (in a multi-line diff) stay line breaks, indented.
 */
export function visible(/** @type {string} */ text, /** @type {string} */ continuation = '') {
  return text
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .split('\n')
    .join('\n' + continuation);
}

/**
 * Where in the learner's code an error came from: the first stack frame in the graded folder, as a
 * path relative to the course root with line and column. Frames of the grader, vitest, the contracts
 * and the functions the starter gives (`given` in lab.json, such as lab 1's `badRequest`) are not the
 * learner's line: the frame that called them is. The reference layers below (solutions/) are never
 * shown for a learner's grade; the learner's own lower layers (labs/, with --own-stack) are.
 * @param {string | undefined} stack
 * @param {{ target?: string, given?: string[] }} [where]   the graded folder, relative to the root
 */
export function locate(stack, where = {}) {
  if (!stack) return undefined;
  const target = (where.target ?? '').replace(/\/+$/, '');
  /** @type {{ fn: string, path: string, line: string, column: string }[]} */
  const frames = [];
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:async )?(?:new )?(?:(.*?) \()?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const path = rel((m[2] ?? '').replace(/^file:\/\//, '')).split(sep).join('/');
    if (path.includes('node_modules') || /^labs\/contracts\//.test(path)) continue;
    const fn = (m[1] ?? '').split('.').at(-1) ?? '';
    if ((where.given ?? []).includes(fn)) continue;
    frames.push({ fn, path, line: m[3] ?? '', column: m[4] ?? '' });
  }
  const pick =
    (target && frames.find((f) => f.path.startsWith(`${target}/`))) ||
    frames.find((f) => /^(labs|\.grader)\//.test(f.path)) ||
    (!target || target.startsWith('solutions/') ? frames.find((f) => f.path.startsWith('solutions/')) : undefined);
  return pick ? `${pick.path}:${pick.line}:${pick.column}` : undefined;
}

/** A test name on one line: CR, LF and other controls in it are shown escaped. */
function escapeName(/** @type {string} */ name) {
  return name.replace(/[\x00-\x1f\x7f]/g, (ch) => ({ '\r': '\\r', '\n': '\\n', '\t': '\\t' })[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function rel(/** @type {string} */ path) {
  return relative(ROOT, path) || path;
}

function firstLines(/** @type {string} */ text, /** @type {number} */ n) {
  const lines = text.split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? ' …' : '');
}

function indent(/** @type {string} */ text, /** @type {string} */ pre) {
  return text
    .split('\n')
    .map((line) => pre + line)
    .join('\n');
}

function pad(/** @type {string} */ text, /** @type {number} */ width, right = false) {
  return right ? text.padStart(width) : text.padEnd(width);
}

function sum(/** @type {number[]} */ values) {
  return values.reduce((a, b) => a + b, 0);
}

/** @param {string[]} values @returns {Record<string, number>} */
function countBy(values) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
