// @ts-check
// A grade in the formats other tools read: JUnit XML for any CI, Gradescope's results.json,
// Exercism's test runner results.json, GitHub Classroom's reporter input; and `redact`, which
// takes out of a result everything a hidden test could leak (inputs, expected values, output).
// Every function here is a pure function of a GradeResult: no files, no clock, no environment.
import { visible } from './report.mjs';

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

/**
 * A copy of the result with every detail a hidden test could leak replaced by one neutral line:
 * a failing test keeps its name, points, hint and lesson link; its message becomes HIDDEN_LINE and
 * its expected and actual values, location and printed output are dropped. Problems outside any
 * test stay only when they point into the graded code (a syntax error in the learner's file);
 * the others may quote a hidden test and become one neutral line too.
 * @param {GradeResult} result
 * @returns {GradeResult}
 */
export function redact(result) {
  return {
    ...result,
    milestones: result.milestones.map((m) => ({ ...m })),
    tests: result.tests.map((test) => {
      const { message, expected, actual, location, output, ...kept } = test;
      if (test.status === 'passed') return { ...kept };
      return { ...kept, message: HIDDEN_LINE };
    }),
    problems: result.problems.map((problem) =>
      problem.location ? { ...problem } : { message: 'an error outside any test (hidden test: details are not shown)' },
    ),
  };
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
    out.push(`  <testsuite ${attrs({ name: `${index + 1}. ${milestone.title}`, ...count(own), time: 0 })}>`);
    out.push('    <properties>');
    out.push(`      <property ${attrs({ name: 'score', value: `${milestone.score}/${milestone.maxScore}` })}/>`);
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
  const shown = hidden && !options.fullFeedback ? redact(result) : result;
  return {
    score: result.score,
    max_score: result.maxScore,
    ...(options.executionTime !== undefined ? { execution_time: Math.round(options.executionTime) } : {}),
    ...(options.output !== undefined ? { output: options.output, output_format: 'text' } : {}),
    test_output_format: 'text',
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: shown.tests.map((test, index) => ({
      name: `${test.section} › ${test.name}`,
      number: String(index + 1),
      score: test.points,
      max_score: test.maxPoints,
      status: test.status === 'passed' ? 'passed' : 'failed',
      output: gradescopeOutput(test, hidden && !options.fullFeedback),
      tags: [test.milestone],
      visibility: hidden ? options.visibility ?? 'after_due_date' : 'visible',
    })),
  };
}

/** @param {TestResult} test @param {boolean} redacted */
function gradescopeOutput(test, redacted) {
  const points = `${test.points}/${test.maxPoints} ${test.maxPoints === 1 ? 'point' : 'points'}`;
  if (test.status === 'passed') return `passed · ${points}`;
  // The rules a hidden test checks are the lesson's own sentences: they say what to fix, not how the test checks it.
  if (redacted) return [`${statusWord(test)} · ${points} · ${HIDDEN_LINE}`, ...ruleLines(test), ...(test.lesson ? [`read: ${test.lesson}`] : [])].join('\n');
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
  const passed = result.tests.length > 0 && result.tests.every((t) => t.status === 'passed') && result.problems.length === 0;
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
    const entry = { name: test.name, status: exercismStatus(test), test_code: code };
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
  const passed = result.tests.length > 0 && result.tests.every((t) => t.status === 'passed') && result.problems.length === 0;
  const ranNone = result.tests.length === 0 || result.tests.every((t) => t.status === 'error' || t.status === 'notRun');
  return {
    version: 1,
    status: passed ? 'pass' : ranNone ? 'error' : 'fail',
    max_score: result.maxScore,
    tests: result.tests.map((test) => ({
      name: `${test.section} › ${test.name}`,
      status: exercismStatus(test),
      score: test.points,
      max_score: test.maxPoints,
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

function firstLine(/** @type {string} */ value) {
  return value.split('\n')[0] ?? '';
}
