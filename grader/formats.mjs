// @ts-check
// A grade in the formats other tools read: JUnit XML for any CI, Gradescope's results.json,
// Exercism's test runner results.json, GitHub Classroom's reporter input; and `redact`, which
// takes out of a result everything a hidden test could leak (inputs, expected values, output).
// Every function here is a pure function of a GradeResult: no files, no clock, no environment.
import pc from 'picocolors';
import { allPassed, extensionHeading, extensionsText, milestoneMark, nextLines, nextMilestone, visible } from './report.mjs';

const { createColors } = pc;

/**
 * @typedef {import('./report.mjs').GradeResult} GradeResult
 * @typedef {import('./report.mjs').TestResult} TestResult
 */

/** What a hidden test shows in place of its details. */
export const HIDDEN_LINE = 'hidden test: details are not shown';

/**
 * A result graded by hidden tests unless it says otherwise. A student release grades the visible
 * examples and marks its result `hidden: false`.
 * @param {GradeResult & { hidden?: boolean }} result
 */
export function isHidden(result) {
  return result.hidden !== false;
}

// ---------------------------------------------------------------------------------------------
// What the learner's own code did

/**
 * @typedef {'timeout' | 'exit' | 'crash' | 'syntax' | 'load' | 'refused' | 'void' | 'not-run' | 'thrown'} OwnKind
 *
 * @typedef {object} OwnFailure   a failure of the learner's own code, told in the grader's words
 * @property {OwnKind} kind
 * @property {string} text        the cause, with nothing a hidden test passed in or expected
 * @property {string} [location]  where in the learner's code, `labs/lab1-http/parser.ts:12:5`
 *
 * @typedef {object} RedactOptions
 * @property {string} [target]  the graded folder (GradeResult.target): paths in it are the learner's code
 * @property {Iterable<string>} [starterMessages]  the starter's own TODO messages (starterMessages()):
 *   a stub's message can be shown, since it is the course's text, not anything a test passed in
 */

/**
 * The TODO messages a lab's starter throws (`TODO(lab1): parseRequestLine is not written yet (...)`),
 * read from its source files. A thrown message equal to one of them is the course's own text.
 * @param {Iterable<string>} sources
 */
export function starterMessages(sources) {
  /** @type {Set<string>} */
  const found = new Set();
  for (const source of sources) {
    for (const match of source.matchAll(/throw new Error\('(TODO\(lab\d+\):[^'\\\n]*)'\)/g)) found.add(match[1] ?? '');
  }
  return found;
}

/** The loader's words for a file it could not parse. */
const SYNTAX = /Transform failed|SyntaxError|PARSE_ERROR|Unexpected token|Expected .* but found/;

/**
 * True for a path in the learner's code: their labs (not the contracts, which the course owns), or
 * the graded folder wherever it is (a scratch copy under .grader/ while a batch or the self-check grades).
 */
function inLabs(/** @type {string | undefined} */ path, /** @type {string | undefined} */ target = undefined) {
  if (!path) return false;
  if (target && !target.startsWith('solutions/') && path.startsWith(`${target.replace(/\/+$/, '')}/`)) return true;
  return /^labs\/(?!contracts\/)[\w.-]+\//.test(path);
}

/** `labs/x/y.ts:12:5` quoted in a loader's message ("╭─[ labs/x/y.ts:12:16 ]"), if every path it quotes is the learner's. */
function learnerPathIn(/** @type {string} */ message, /** @type {string | undefined} */ target = undefined) {
  const paths = [...message.matchAll(/(?:^|[\s[(])((?:\/[^\s:()[\]]*\/)?(?:labs|\.?grader|solutions|reference|node_modules)\/[^\s:()[\]]+\.[cm]?[jt]s)(?::(\d+)(?::(\d+))?)?/g)];
  if (paths.length === 0) return undefined;
  const relative = paths.map((m) => ({ path: (m[1] ?? '').replace(/^.*?(?=(labs|\.?grader|solutions|reference|node_modules)\/)/, ''), line: m[2], column: m[3] }));
  if (!relative.every((p) => inLabs(p.path, target))) return undefined;
  const first = relative.find((p) => p.line) ?? relative[0];
  return first && [first.path, first.line, first.column].filter(Boolean).join(':');
}

/**
 * The grader's own phrasings (supervisor.mjs, grade.mjs): they describe what happened to the test
 * process, never what a test passed in, so they are shown as they are.
 */
const GRADER_WORDS = [
  { kind: /** @type {const} */ ('crash'), pattern: /^the test process ended (while this test ran|before it finished)/ },
  { kind: /** @type {const} */ ('load'), pattern: /^the lab did not finish loading, so the grader stopped it/ },
  { kind: /** @type {const} */ ('refused'), pattern: /^the lab was not run: / },
  { kind: /** @type {const} */ ('void'), pattern: /^this run is void: / },
  { kind: /** @type {const} */ ('not-run'), pattern: /^not run: (the time limit for the whole lab ran out|an earlier failure stopped the test process for good) before this test$/ },
];

/**
 * What the learner's own code did in a failed test, told without the test's code or data: a
 * timeout (an endless loop), a call to process.exit(), a crash of the test process, a lab that
 * does not load (a syntax error), a forbidden import, or an error thrown from the learner's code
 * (where, and its message only when it is one of the starter's TODO messages). Null when the test
 * failed on an assertion, which only the hidden test's details could explain.
 *
 * The texts are fixed sentences or come from the grader's own phrasings; a message the learner's
 * code wrote is never passed on (it could carry what a test passed in: `throw new Error(input)`),
 * nor is the exit code given to process.exit().
 * @param {TestResult} test
 * @param {RedactOptions} [options]
 * @returns {OwnFailure | null}
 */
export function ownFailure(test, options = {}) {
  if (test.status === 'passed') return null;
  const message = test.message ?? '';
  if (test.status === 'timedOut') {
    if (/held the thread without a break/.test(message)) {
      return { kind: 'timeout', text: 'your code held the thread without a break, so the grader stopped it: an endless loop? Look for a loop whose condition never changes.' };
    }
    const ms = /did not finish within (\d+) ms/.exec(message)?.[1];
    return {
      kind: 'timeout',
      text: `your code did not finish${ms ? ` within ${ms} ms` : ' in time'}. Look for a loop that never ends, or a promise, a response or a connection that is never finished.`,
    };
  }
  if (/^process\.exit unexpectedly called\b/.test(message)) {
    return {
      kind: 'exit',
      text: 'your code called process.exit(), which would end the whole server: a layer returns, or throws an error, instead.',
      ...(inLabs(test.location, options.target) ? { location: test.location } : {}),
    };
  }
  for (const { kind, pattern } of GRADER_WORDS) {
    if (pattern.test(message)) return { kind, text: message.split('\n')[0] ?? message };
  }
  if (test.status === 'error' && SYNTAX.test(message)) {
    const location = learnerPathIn(message, options.target);
    if (location) return { kind: 'syntax', text: `your lab could not be loaded: a syntax error at ${location}.`, location };
  }
  if (inLabs(test.location, options.target) && test.expected === undefined) {
    const known = [...(options.starterMessages ?? [])].includes(message.split('\n')[0] ?? '');
    const what = test.status === 'error' ? 'your lab threw an error while loading' : 'your code threw an error';
    return { kind: 'thrown', text: known ? (message.split('\n')[0] ?? '') : `${what} at ${test.location}.`, location: test.location };
  }
  return null;
}

/** Kinds of failure whose cause is what the code did, not what the test checks: a hint about the rule would mislead. */
const BEYOND_THE_RULE = new Set(['timeout', 'exit', 'crash', 'syntax', 'load', 'refused', 'void', 'not-run']);

/**
 * A copy of the result with every detail a hidden test could leak taken out: a failing test keeps
 * its name, points, rules, hint and lesson link; its message becomes the cause when the learner's
 * own code failed (ownFailure: a timeout, process.exit(), a crash, a syntax error, an error thrown
 * from their code), else HIDDEN_LINE; its expected and actual values and printed output are dropped,
 * and its location is kept only where it points into the learner's code. Problems outside any test
 * stay when they are the learner's own (a syntax error in their file, an import they may not make);
 * the others may quote a hidden test and become one neutral line.
 * @param {GradeResult} result
 * @param {RedactOptions} [options]
 * @returns {GradeResult}
 */
export function redact(result, options = {}) {
  options = { ...options, target: options.target ?? result.target };
  const problem = (/** @type {GradeResult['problems'][number]} */ p) => redactProblem(p, options.target);
  return {
    ...result,
    milestones: result.milestones.map((m) => ({ ...m })),
    tests: result.tests.map((test) => {
      const { message, expected, actual, location, output, ...kept } = test;
      if (test.status === 'passed') return { ...kept };
      const own = ownFailure(test, options);
      if (!own) return { ...kept, message: HIDDEN_LINE };
      const { hint, ...rest } = kept;
      return { ...(BEYOND_THE_RULE.has(own.kind) ? rest : kept), message: own.text, ...(own.location ? { location: own.location } : {}) };
    }),
    problems: result.problems.map(problem),
  };
}

/** @param {GradeResult['problems'][number]} problem @param {string | undefined} target */
function redactProblem(problem, target) {
  for (const { pattern } of GRADER_WORDS) if (pattern.test(problem.message)) return { message: problem.message };
  const suffix = /\n\(while loading [^)]*\)$/;
  if (!suffix.test(problem.message)) {
    // An error that escaped a test was made while tests ran, from their data perhaps: only where it came from is shown.
    return inLabs(problem.location, target)
      ? { message: `an error thrown by your code escaped a test, at ${problem.location}`, location: problem.location }
      : { message: 'an error escaped a test (hidden test: details are not shown)' };
  }
  // Loading happens before any test runs: an error then (a syntax error, a throw at the top level of
  // a module) is about the learner's files alone. Which hidden files were loading is not shown.
  // A syntax error's message is the parser's, quoting the learner's own lines: shown whole. Any other
  // error is told by where it came from (a code frame could be of a hidden file: never shown).
  const message = problem.message.replace(suffix, '\n(while loading the hidden tests)');
  const location = inLabs(problem.location, target) ? problem.location : learnerPathIn(message, target);
  if (location && SYNTAX.test(message)) return { message, location };
  if (location) return { message: `your lab threw an error while loading, at ${location}`, location };
  // Node's own words about a module of the lab and one of its exports, both named by the contract.
  if (/does not provide an export named '[\w$]+'/.test(message)) return { message: message.split('\n')[0] ?? message };
  return { message: 'an error outside any test (hidden test: details are not shown)' };
}

// ---------------------------------------------------------------------------------------------
// The feedback a student reads on a grading service or in a batch's feedback file

/**
 * @typedef {object} FeedbackOptions
 * @property {boolean} [redacted]  take the hidden tests' details out (default true for hidden tests)
 * @property {boolean} [names]     name the failing tests (default true); Gradescope shows rows only
 *   after the due date, so its text shown at once names none
 * @property {Iterable<string>} [starterMessages]
 * @property {boolean} [color]
 */

const MARK = { passed: '✔', failed: '✘', timedOut: '⏱', error: '!', notRun: '○' };

/**
 * The report a student reads when the tests are hidden: the same shape as the terminal's (problems
 * first, then what their own code did, the next milestone, each milestone's points), with the
 * hidden tests' details out (redact) and, when `names` is false, no test named. Failures that share
 * a cause are one line ("9 tests: your code did not finish within 2000 ms ...").
 * @param {GradeResult & { typeErrors?: TypeErrorInfo[] }} result
 * @param {FeedbackOptions} [options]
 */
export function formatFeedback(result, options = {}) {
  const c = createColors(options.color ?? false);
  const shown = (options.redacted ?? isHidden(result)) ? redact(result, options) : result;
  const names = options.names ?? true;
  /** @type {string[]} */
  const out = [c.bold(`Lab ${shown.labNumber} · ${shown.title}`)];
  out.push(c.dim(`graded ${shown.target} · ${shown.layers} · course ${shown.courseVersion} · tests ${shown.testsHash}`));
  if (shown.note) out.push(c.yellow(shown.note));
  out.push('');
  if (shown.problems.length > 0) {
    out.push(c.bold('Fix this first:'));
    for (const problem of shown.problems) {
      out.push(c.red(`! ${problem.message}`));
      if (problem.location && !problem.message.includes(problem.location)) out.push(c.dim(`  at ${problem.location}`));
      out.push('');
    }
  }

  // What the learner's own code did, whatever milestone it happened in: the causes they can act on.
  const failing = shown.tests.filter((t) => t.status !== 'passed');
  // (An error thrown from their code is told under its milestone: a stub's TODO is not news.)
  const serious = (/** @type {TestResult} */ t) => BEYOND_THE_RULE.has(ownFailure(result.tests[shown.tests.indexOf(t)] ?? t, { ...options, target: result.target })?.kind ?? '');
  const own = groups(failing.filter(serious));
  if (own.length > 0) {
    out.push(c.bold('What your code did:'));
    for (const group of own) {
      const head = group[0];
      out.push(`  ${c.red(MARK[head.status])} ${group.length === 1 ? '1 test' : `${group.length} tests`}: ${head.message}`);
      if (head.location && !(head.message ?? '').includes(head.location)) out.push(c.dim(`    at ${head.location}`));
    }
    const busy = failing.filter((t) => t.busy);
    if (busy.length > 0) {
      out.push(
        c.yellow(`  The machine was busy while ${busy.length === 1 ? '1 of these tests' : `${busy.length} of these tests`} ran: a timeout there may not be your code's. Your instructor can grade it again.`),
      );
    }
    out.push('');
  }
  out.push(...typeErrorLines(result.typeErrors ?? [], c));

  out.push(...nextLines(shown, c));
  const next = nextMilestone(shown.milestones)?.milestone;
  out.push('');
  shown.milestones.forEach((m, index) => {
    const mine = shown.tests.filter((t) => t.milestone === m.id);
    if (mine.length === 0) return;
    out.push(...extensionHeading(shown, index, c));
    const done = m.passed === m.total;
    const mark = milestoneMark(m, c);
    out.push(`${mark} ${`${index + 1}. ${m.title}`.padEnd(44)} ${`${m.score}/${m.maxScore}`.padStart(7)}`);
    if (done) return;
    const detailed = m.passed > 0 || m === next;
    if (m.extension && !detailed) return;
    for (const group of groups(mine.filter((t) => t.status !== 'passed'))) {
      const head = group[0];
      const label = group.length > 1 || !names ? `${group.length} ${group.length === 1 ? 'test' : 'tests'}: ` : `${head.name}: `;
      out.push(`   ${c.red(MARK[head.status])} ${label}${firstLine(head.message ?? statusWord(head))}`);
      if (!detailed) continue;
      if (names && group.length > 1) for (const t of group) out.push(c.dim(`       · ${t.name}`));
      const pre = '     ';
      if (head.location && !(head.message ?? '').includes(head.location)) out.push(`${pre}${c.dim(`at ${head.location}`)}`);
      const rules = new Map(group.flatMap((t) => t.broken ?? []).map((rule) => [rule.id, rule]));
      for (const rule of rules.values()) out.push(`${pre}${c.magenta(`rule ${rule.id}:`)} ${rule.text}`);
      const hints = [...new Set(group.map((t) => t.hint).filter(Boolean))];
      if (names) for (const hint of hints.slice(0, 3)) out.push(`${pre}${c.yellow('hint:')} ${hint}`);
      const lessons = [...new Set(group.map((t) => t.lesson).filter(Boolean))];
      for (const lesson of lessons.slice(0, 3)) out.push(`${pre}${c.cyan(`read: ${lesson}`)}`);
    }
  });
  const count = (/** @type {TestResult['status']} */ status) => shown.tests.filter((t) => t.status === status).length;
  const parts = [`${count('passed')} passed`, `${count('failed')} failed`];
  if (count('timedOut')) parts.push(`${count('timedOut')} timed out`);
  if (count('error')) parts.push(`${count('error')} errors`);
  if (count('notRun')) parts.push(`${count('notRun')} not run`);
  const pct = shown.maxScore === 0 ? 0 : Math.round((100 * shown.score) / shown.maxScore);
  out.push('', `${c.bold(`Score: ${shown.score}/${shown.maxScore} (${pct}%)`)}${extensionsText(shown)} · ${parts.join(', ')}`);
  return out.join('\n') + '\n';
}

/** Failures with the same status and message (after redaction: the same cause), in order of first appearance. */
function groups(/** @type {TestResult[]} */ tests) {
  /** @type {Map<string, TestResult[]>} */
  const byCause = new Map();
  for (const t of tests) {
    const key = `${t.status}\u0000${t.message}\u0000${t.location ?? ''}`;
    byCause.set(key, [...(byCause.get(key) ?? []), t]);
  }
  return [...byCause.values()];
}

// ---------------------------------------------------------------------------------------------
// TypeScript's errors in the learner's lab (grade.mjs runs tsc on the graded folder)

/**
 * @typedef {object} TypeErrorInfo
 * @property {string} file     relative to the course root, `labs/lab1-http/parser.ts`
 * @property {number} line
 * @property {number} column
 * @property {string} code     `TS2322`
 * @property {string} message  TypeScript's, first line
 */

/**
 * The warning lines for TypeScript's errors: the tests ran whatever they are (the grader strips
 * types without checking them), but an error there is often the bug a failing test shows.
 * @param {TypeErrorInfo[]} errors
 * @param {import('picocolors/types').Colors} c
 */
export function typeErrorLines(errors, c = createColors(false)) {
  if (errors.length === 0) return [];
  const shownErrors = errors.slice(0, 10);
  return [
    c.yellow(c.bold(`Warning: TypeScript finds ${errors.length === 1 ? '1 error' : `${errors.length} errors`} in your lab`)) +
      c.dim(' (the tests ran anyway: the grader does not check types, but a type error is often the bug a test shows)'),
    ...shownErrors.map((e) => `  ${c.yellow('⚠')} ${e.file}:${e.line}:${e.column} ${c.dim(e.code)} ${e.message}`),
    ...(errors.length > shownErrors.length ? [c.dim(`  … and ${errors.length - shownErrors.length} more: npx tsc -p tsconfig.json`)] : []),
    '',
  ];
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

/**
 * JUnit XML: one <testsuite> per milestone, a <failure> for a failed test (an <error> for a test
 * that timed out or could not run), <skipped/> for a test that did not run. Bytes that XML cannot
 * hold (control characters, as HTTP tests produce) are written visibly, `\r`, `\x00`.
 * @param {GradeResult} result
 * @returns {string}
 */
export function toJUnit(result) {
  const count = (/** @type {TestResult[]} */ tests) => ({
    tests: tests.length,
    failures: tests.filter((t) => t.status === 'failed').length,
    errors: tests.filter((t) => t.status === 'timedOut' || t.status === 'error').length,
    skipped: tests.filter((t) => t.status === 'notRun').length,
  });
  const all = count(result.tests);
  const problems = result.problems.length;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const name = `${result.lab} (course ${result.courseVersion}, tests ${result.testsHash})`;
  out.push(`<testsuites ${attrs({ name, ...all, tests: all.tests + problems, errors: all.errors + problems, time: 0 })}>`);
  result.milestones.forEach((milestone, index) => {
    const own = result.tests.filter((t) => t.milestone === milestone.id);
    const suite = `${index + 1}. ${milestone.title}${milestone.extension ? ' (extension)' : ''}`;
    out.push(`  <testsuite ${attrs({ name: suite, ...count(own), time: 0 })}>`);
    out.push('    <properties>');
    out.push(`      <property ${attrs({ name: 'score', value: `${milestone.score}/${milestone.maxScore}` })}/>`);
    if (milestone.extension) out.push(`      <property ${attrs({ name: 'extension', value: result.extensions?.counted ? 'counted' : 'optional, scored apart' })}/>`);
    out.push(`      <property ${attrs({ name: 'lesson', value: milestone.lesson })}/>`);
    out.push('    </properties>');
    for (const test of own) out.push(...testCase(result, test));
    out.push('  </testsuite>');
  });
  // Tests outside the lab's milestones, and problems outside any test, still need a home.
  const known = new Set(result.milestones.map((m) => m.id));
  const others = result.tests.filter((t) => !known.has(t.milestone));
  if (others.length > 0 || problems > 0) {
    const c = count(others);
    out.push(`  <testsuite ${attrs({ name: 'Other', ...c, tests: c.tests + problems, errors: c.errors + problems, time: 0 })}>`);
    for (const test of others) out.push(...testCase(result, test));
    result.problems.forEach((problem, index) => {
      out.push(`    <testcase ${attrs({ name: `problem ${index + 1}: outside any test`, classname: `${result.lab}.problems`, time: 0 })}>`);
      const details = [problem.message, problem.location && `at ${problem.location}`, problem.frame].filter(Boolean).join('\n');
      out.push(`      <error ${attrs({ message: firstLine(problem.message), type: 'problem' })}>${text(details)}</error>`);
      out.push('    </testcase>');
    });
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** @param {GradeResult} result @param {TestResult} test */
function testCase(result, test) {
  const head = `    <testcase ${attrs({ name: test.name, classname: `${result.lab}.${test.milestone}`, time: 0 })}`;
  if (test.status === 'passed') return [`${head}/>`];
  const lines = [`${head}>`];
  if (test.status === 'notRun') {
    lines.push(`      <skipped ${attrs({ message: firstLine(test.message ?? 'not run') })}/>`);
  } else {
    const tag = test.status === 'failed' ? 'failure' : 'error';
    const type = test.status === 'timedOut' ? 'timeout' : test.status === 'error' ? 'error' : 'assertion';
    lines.push(`      <${tag} ${attrs({ message: firstLine(test.message ?? test.status), type })}>${text(details(test))}</${tag}>`);
  }
  lines.push('    </testcase>');
  return lines;
}

/** The failure's full story, as the text report tells it. @param {TestResult} test */
function details(test) {
  const lines = [];
  if (test.message) lines.push(visible(test.message));
  if (test.expected !== undefined && test.actual !== undefined) {
    lines.push(`expected: ${visible(test.expected, '          ')}`);
    lines.push(`received: ${visible(test.actual, '          ')}`);
  }
  if (test.location) lines.push(`at ${test.location}`);
  if (test.output) lines.push(`your code printed: ${visible(test.output.trimEnd(), '  ')}`);
  lines.push(...ruleLines(test));
  if (test.hint) lines.push(`hint: ${test.hint}`);
  if (test.lesson) lines.push(`read: ${test.lesson}`);
  lines.push(`points: ${test.points}/${test.maxPoints}`);
  return lines.join('\n');
}

/** @param {Record<string, string | number>} values */
function attrs(values) {
  return Object.entries(values)
    .map(([key, value]) => `${key}="${xml(String(value), true)}"`)
    .join(' ');
}

function text(/** @type {string} */ value) {
  return xml(value, false);
}

/**
 * Escapes for XML 1.0, which cannot hold most control characters even as references: those
 * become visible escapes. In attributes, line breaks and tabs become character references so
 * a reader keeps them.
 */
export function xml(/** @type {string} */ value, attribute = false) {
  const escaped = value
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
    // A lone surrogate is not a character XML can carry.
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
  if (!attribute) return escaped.replace(/\r/g, '&#13;');
  return escaped.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

// ---------------------------------------------------------------------------------------------
// Gradescope

/**
 * @typedef {'visible' | 'hidden' | 'after_due_date' | 'after_published'} GradescopeVisibility
 *
 * @typedef {object} GradescopeOptions
 * @property {GradescopeVisibility} [visibility]  when students see a hidden test's row (default after_due_date)
 * @property {boolean} [fullFeedback]  hidden tests too show their message, expected and actual (off by default)
 * @property {string} [output]  text for the top of the results page (the redacted report, say)
 * @property {number} [executionTime]  seconds the grade took
 * @property {Iterable<string>} [starterMessages]  the starter's TODO messages, shown as they are (redact)
 */

/**
 * Gradescope's results.json. Every test is a row with its points; a hidden test's row becomes
 * visible to students at `visibility` (after the due date by default) and its output is its
 * points and one neutral line, never its inputs, expected values or what the code printed.
 * The top-level score is visible at once, with `output` (the caller passes the redacted report).
 * @param {GradeResult} result
 * @param {GradescopeOptions} [options]
 */
export function toGradescope(result, options = {}) {
  const hidden = isHidden(result);
  const shown = hidden && !options.fullFeedback ? redact(result, options) : result;
  return {
    score: result.score,
    max_score: result.maxScore,
    ...(options.executionTime !== undefined ? { execution_time: Math.round(options.executionTime) } : {}),
    ...(options.output !== undefined ? { output: options.output, output_format: 'text' } : {}),
    test_output_format: 'text',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: shown.tests.map((test, index) => ({
      name: `${extensionLabel(result, test)}${test.section} › ${test.name}`,
      number: String(index + 1),
      score: test.points,
      max_score: test.maxPoints,
      status: test.status === 'passed' ? 'passed' : 'failed',
      output: gradescopeOutput(test, hidden && !options.fullFeedback),
      tags: test.extension ? [test.milestone, 'extension'] : [test.milestone],
      visibility: hidden ? options.visibility ?? 'after_due_date' : 'visible',
    })),
  };
}

/**
 * The prefix of an extension test's name on a grading service, which lists every test as one row:
 * `Extension (not counted) › ` when the score leaves it out, `Extension › ` when it counts. '' for a core test.
 * @param {GradeResult} result @param {TestResult} test
 */
function extensionLabel(result, test) {
  if (!test.extension) return '';
  return result.extensions?.counted ? 'Extension › ' : 'Extension (not counted) › ';
}

/** @param {TestResult} test @param {boolean} redacted */
function gradescopeOutput(test, redacted) {
  const points = `${test.points}/${test.maxPoints} ${test.maxPoints === 1 ? 'point' : 'points'}`;
  if (test.status === 'passed') return `passed · ${points}`;
  // A redacted test's message is HIDDEN_LINE, or what the learner's own code did (redact). The rules a
  // hidden test checks are the lesson's own sentences: they say what to fix, not how the test checks it.
  if (redacted) {
    return [
      `${statusWord(test)} · ${points} · ${test.message ?? HIDDEN_LINE}`,
      ...(test.location ? [`at ${test.location}`] : []),
      ...ruleLines(test),
      ...(test.lesson ? [`read: ${test.lesson}`] : []),
    ].join('\n');
  }
  return `${statusWord(test)} · ${points}\n${details(test)}`;
}

/** @param {TestResult} test */
function statusWord(test) {
  return { passed: 'passed', failed: 'failed', timedOut: 'timed out', error: 'error', notRun: 'not run' }[test.status];
}

// ---------------------------------------------------------------------------------------------
// Exercism

/**
 * Exercism's test runner results.json, version 3: each milestone is a task (task_id counts from 1).
 * Overall status: pass when every test passed, error when no test could run (the lab does not
 * load), fail otherwise. A hidden test shows no code: test_code names its milestone only.
 * @param {GradeResult} result
 */
export function toExercism(result) {
  const taskIds = new Map(result.milestones.map((m, i) => [m.id, i + 1]));
  const ranNone = result.tests.length === 0 || result.tests.every((t) => t.status === 'error' || t.status === 'notRun');
  // Extensions are optional: the lab passes when the core does (and, when a teacher counts them, theirs too).
  const passed = allPassed(result);
  const status = passed ? 'pass' : ranNone ? 'error' : 'fail';
  /** @type {{ version: 3, status: string, message?: string, tests: object[] }} */
  const out = { version: 3, status, tests: [] };
  if (status === 'error') {
    const messages = result.problems.map((p) => (p.location ? `${p.message}\nat ${p.location}` : p.message));
    const first = result.tests.find((t) => t.message)?.message;
    out.message = (messages.length > 0 ? messages.join('\n\n') : first ?? 'no test ran').slice(0, 65_535);
  }
  out.tests = result.tests.map((test) => {
    const task = taskIds.get(test.milestone);
    const code = isHidden(result) ? `// hidden test: ${test.section}` : `// ${test.section}`;
    /** @type {Record<string, string | number>} */
    const entry = { name: `${extensionLabel(result, test)}${test.name}`, status: exercismStatus(test), test_code: code };
    if (test.status !== 'passed') entry.message = exercismMessage(test);
    if (test.output) entry.output = test.output.slice(0, 500);
    if (task !== undefined) entry.task_id = task;
    return entry;
  });
  return out;
}

/** @param {TestResult} test */
function exercismStatus(test) {
  if (test.status === 'passed') return 'pass';
  if (test.status === 'failed' || test.status === 'timedOut') return 'fail';
  return 'error';
}

/** @param {TestResult} test */
function exercismMessage(test) {
  const lines = [test.message ?? statusWord(test)];
  if (test.expected !== undefined && test.actual !== undefined) {
    lines.push(`expected: ${visible(test.expected)}`, `received: ${visible(test.actual)}`);
  }
  if (test.location) lines.push(`at ${test.location}`);
  lines.push(...ruleLines(test));
  if (test.hint) lines.push(`hint: ${test.hint}`);
  if (test.lesson) lines.push(`read: ${test.lesson}`);
  return lines.join('\n');
}

/** The lesson's rules a failing test checks, one line each. @param {TestResult} test */
function ruleLines(test) {
  return (test.broken ?? []).map((rule) => `rule ${rule.id}: ${rule.text}`);
}

// ---------------------------------------------------------------------------------------------
// GitHub Classroom

/**
 * What GitHub Classroom's reporter (classroom-resources/autograding-grading-reporter) reads: the
 * step output `result`, base64-encoded JSON in the shape its own graders emit (version 1: status
 * pass|fail|error, max_score, tests with name, status, score, message, test_code, filename,
 * line_no, duration). The reporter adds up the tests' `score` and the runners' `max_score`.
 * @param {GradeResult} result
 * @returns {string} base64
 */
export function toGitHubClassroom(result) {
  return Buffer.from(JSON.stringify(gitHubClassroomResult(result)), 'utf8').toString('base64');
}

/** The JSON inside toGitHubClassroom's base64. @param {GradeResult} result */
export function gitHubClassroomResult(result) {
  const passed = allPassed(result);
  const ranNone = result.tests.length === 0 || result.tests.every((t) => t.status === 'error' || t.status === 'notRun');
  // The reporter adds up the tests' points: an extension a teacher does not count shows with none.
  const counts = (/** @type {TestResult} */ test) => !test.extension || Boolean(result.extensions?.counted);
  return {
    version: 1,
    status: passed ? 'pass' : ranNone ? 'error' : 'fail',
    max_score: result.maxScore,
    tests: result.tests.map((test) => ({
      name: `${extensionLabel(result, test)}${test.section} › ${test.name}`,
      status: exercismStatus(test),
      score: counts(test) ? test.points : 0,
      max_score: counts(test) ? test.maxPoints : 0,
      message: test.status === 'passed' ? null : exercismMessage(test),
      test_code: '',
      filename: '',
      line_no: 0,
      duration: 0,
    })),
  };
}

/**
 * The line a workflow step appends to the file named by $GITHUB_OUTPUT, so that the next step
 * reads `${{ steps.<id>.outputs.result }}`.
 * @param {GradeResult} result
 */
export function gitHubOutputLine(result) {
  return `result=${toGitHubClassroom(result)}\n`;
}

/**
 * The step output for a grade that could not run at all (a broken checkout, an internal error): an
 * error result the reporter can read, rather than an empty output it cannot decode. It has no
 * points to give; the message says what went wrong.
 * @param {string} message
 */
export function gitHubErrorLine(message) {
  const result = {
    version: 1,
    status: 'error',
    max_score: 0,
    tests: [{ name: 'the grader', status: 'error', score: 0, max_score: 0, message: `The lab could not be graded: ${message}`.slice(0, 4000), test_code: '', filename: '', line_no: 0, duration: 0 }],
  };
  return `result=${Buffer.from(JSON.stringify(result), 'utf8').toString('base64')}\n`;
}

function firstLine(/** @type {string} */ value) {
  return value.split('\n')[0] ?? '';
}
