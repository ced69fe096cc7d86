// The report and the result, from made-up outcomes: no test runner involved.
import { describe, expect, it } from 'vitest';
import { findLab } from '../course.mjs';
import { formatFeedback, gitHubClassroomResult, toGradescope, toJUnit } from '../formats.mjs';
import { allPassed, buildResult, countExtensions, formatReport, locate, visible } from '../report.mjs';
import type { RunOutcome, TestRecord } from '../supervisor.mjs';

const lab = findLab('lab1')!;
const details = {
  testTimeout: 1000,
  milestones: [
    { id: 'one', title: 'First things', lesson: '01-http.md#one' },
    { id: 'two', title: 'Second things', lesson: '01-http.md#two' },
  ],
};

function record(name: string, milestone: string, status: TestRecord['status'], message?: string, extra = {}): TestRecord {
  return {
    id: name,
    name,
    file: '/x.test.ts',
    mode: 'run',
    meta: { milestone, points: 1, hint: `hint for ${name}` },
    status,
    errors: message ? [{ message, ...extra }] : [],
  };
}

function result(tests: TestRecord[], extra: Partial<RunOutcome> = {}) {
  const outcome: RunOutcome = { tests, fileErrors: [], unhandled: [], runners: 1, runnerOutput: '', voided: null, ...extra };
  return buildResult({
    lab,
    details,
    outcome,
    target: 'labs/lab1-http',
    layers: 'no lower layers',
    courseVersion: '9.9.9',
    testsHash: 'abc123',
  });
}

describe('findLab', () => {
  it('accepts lab3, 3, gateway, lab3-gateway and Lab 3', () => {
    for (const name of ['lab3', '3', 'gateway', 'lab3-gateway', 'Lab 3', ' LAB3 ']) {
      expect(findLab(name)?.number, name).toBe(3);
    }
  });
  it('finds nothing for an unknown name', () => {
    expect(findLab('lab10')).toBeUndefined();
    expect(findLab('templating')).toBeUndefined();
    expect(findLab('')).toBeUndefined();
  });
});

describe('buildResult', () => {
  it('scores passed tests only and sums per milestone', () => {
    const r = result([record('a', 'one', 'passed'), record('b', 'one', 'failed', 'no'), record('c', 'two', 'timedOut', 'slow')]);
    expect([r.score, r.maxScore]).toEqual([1, 3]);
    expect(r.milestones.map((m) => [m.id, m.score, m.maxScore])).toEqual([
      ['one', 1, 2],
      ['two', 0, 1],
    ]);
    expect(r.tests.map((t) => t.status)).toEqual(['passed', 'failed', 'timedOut']);
  });

  it('gives a failing test its hint and lesson, and a passing test neither', () => {
    const r = result([record('a', 'one', 'passed'), record('b', 'two', 'failed', 'no')]);
    expect(r.tests[0]).not.toHaveProperty('hint');
    expect(r.tests[1]).toMatchObject({ hint: 'hint for b', lesson: 'lessons/01-http.md#two', message: 'no' });
  });

  it('orders tests by milestone, whatever order they ran in', () => {
    const r = result([record('late', 'two', 'passed'), record('early', 'one', 'passed')]);
    expect(r.tests.map((t) => t.name)).toEqual(['early', 'late']);
  });

  it('is not all-passed when a test did not run or a file failed to load', () => {
    expect(allPassed(result([record('a', 'one', 'passed')]))).toBe(true);
    expect(allPassed(result([record('a', 'one', 'passed'), record('b', 'one', 'notRun')]))).toBe(false);
    const loadError = { fileErrors: [{ file: '/x.test.ts', errors: [{ message: 'boom' }] }] };
    expect(allPassed(result([record('a', 'one', 'passed')], loadError))).toBe(false);
    expect(allPassed(result([]))).toBe(false);
  });
});

describe('formatReport', () => {
  it('leads with the first unfinished milestone and its lesson', () => {
    const text = formatReport(result([record('a', 'one', 'passed'), record('b', 'two', 'failed', 'no')]));
    expect(text).toMatch(/Next: 2\. Second things — 1 of 1 tests to go\. Read lessons\/01-http\.md#two/);
  });

  it('groups failures that share a message', () => {
    const todo = 'TODO(lab1): parseRequestLine is not written yet';
    const tests = ['a', 'b', 'c'].map((n) => record(n, 'one', 'failed', todo));
    const text = formatReport(result(tests));
    expect(text.split(todo).length - 1).toBe(1);
    expect(text).toContain(`3 tests: ${todo}`);
  });

  it('shows expected and received with CR and LF visible', () => {
    const failure = record('bytes', 'one', 'failed', 'expected strings to be equal', {
      expected: '"HTTP/1.1 200 OK\\r\\n"',
      actual: 'HTTP/1.1 200 OK\n\r',
    });
    const text = formatReport(result([failure]));
    expect(text).toContain('expected: "HTTP/1.1 200 OK\\r\\n"');
    expect(text).toContain('received: HTTP/1.1 200 OK');
    expect(text).toContain('\\r');
    expect(text).not.toContain('\r');
  });

  it('never says every test passed while one failed or did not run', () => {
    for (const status of ['failed', 'timedOut', 'error', 'notRun'] as const) {
      const text = formatReport(result([record('a', 'one', 'passed'), record('b', 'two', status, 'x')]));
      expect(text, status).not.toMatch(/Every test passed/);
      expect(text, status).toMatch(/Score: 1\/2 \(50%\)/);
    }
    expect(formatReport(result([record('a', 'one', 'passed')]))).toMatch(/Every test passed/);
  });

  it('names the course version and the hash of the tests', () => {
    expect(formatReport(result([record('a', 'one', 'passed')]))).toMatch(/course 9\.9\.9 · tests abc123/);
  });

  it('puts load errors first, once for all files', () => {
    const fileErrors = ['/a.test.ts', '/b.test.ts'].map((file) => ({ file, errors: [{ message: 'SyntaxError: oops' }] }));
    const text = formatReport(result([record('a', 'one', 'error', 'SyntaxError: oops')], { fileErrors }));
    expect(text.indexOf('Fix this first')).toBeLessThan(text.indexOf('Next:'));
    expect(text.match(/! SyntaxError: oops/g)).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('visible() escapes control characters but keeps line breaks', () => {
    expect(visible('a\r\nb\tc\x00')).toBe('a\\r\nb\\tc\\x00');
  });
  it('locate() finds the first frame in the graded code', () => {
    const stack = `Error: x\n    at f (/nowhere/node_modules/vitest/a.js:1:1)\n    at g (${process.cwd()}/labs/lab1-http/parser.ts:12:5)`;
    expect(locate(stack)).toBe('labs/lab1-http/parser.ts:12:5');
    expect(locate('Error: x\n    at h (/elsewhere/file.js:3:4)')).toBeUndefined();
  });
  it('locate() skips the contracts and given helpers, and never shows the reference to a learner', () => {
    const root = process.cwd();
    const stack = [
      'Error: bad',
      `    at new HttpError (${root}/labs/contracts/http.ts:40:5)`,
      `    at badRequest (${root}/labs/lab1-http/syntax.ts:29:10)`,
      `    at Object.parseChunkSize (${root}/labs/lab1-http/chunked.ts:12:11)`,
    ].join('\n');
    expect(locate(stack, { target: 'labs/lab1-http', given: ['badRequest'] })).toBe('labs/lab1-http/chunked.ts:12:11');
    const below = `Error: x\n    at respond (${root}/solutions/lab2-server/respond.ts:9:3)\n    at app (${root}/labs/lab3-gateway/apps.ts:4:2)`;
    expect(locate(below, { target: 'labs/lab3-gateway' })).toBe('labs/lab3-gateway/apps.ts:4:2');
    expect(locate(`Error: x\n    at respond (${root}/solutions/lab2-server/respond.ts:9:3)`, { target: 'labs/lab3-gateway' })).toBeUndefined();
    expect(locate(`Error: x\n    at respond (${root}/solutions/lab2-server/respond.ts:9:3)`, { target: 'solutions/lab3-gateway' })).toBe(
      'solutions/lab2-server/respond.ts:9:3',
    );
  });
});

describe('rules in the report', () => {
  const rules = [{ id: 'C2', text: 'A chunk size is hexadecimal.', lesson: '01-http.md#chunked-transfer-coding', line: 3 }];
  const failing = { ...record('reads hex sizes', 'one', 'failed', 'no'), meta: { milestone: 'one', points: 1, rules: ['C2'] } };
  const build = (tests: TestRecord[]) =>
    buildResult({ lab, details, outcome: { tests, fileErrors: [], unhandled: [], runners: 1, runnerOutput: '', voided: null }, target: 'labs/lab1-http', layers: '', courseVersion: '1', testsHash: 'x', rules });

  it('a failing test carries its rules with their sentence, and links to the first rule\'s section', () => {
    const r = build([failing]);
    expect(r.tests[0]).toMatchObject({
      rules: ['C2'],
      broken: [{ id: 'C2', text: 'A chunk size is hexadecimal.', lesson: 'lessons/01-http.md#chunked-transfer-coding' }],
      lesson: 'lessons/01-http.md#chunked-transfer-coding',
    });
    expect(formatReport(r)).toContain('rule C2: A chunk size is hexadecimal.');
  });

  it('a test name with CR or LF in it is shown escaped, on one line', () => {
    const r = build([{ ...failing, name: 'refuses a\r\nb' }]);
    expect(r.tests[0]?.name).toBe('refuses a\\r\\nb');
  });

  it('names the test an escaped error came from', () => {
    const r = buildResult({
      lab, details, target: 'labs/lab1-http', layers: '', courseVersion: '1', testsHash: 'x', rules,
      outcome: { tests: [], fileErrors: [], unhandled: [{ message: 'ECONNRESET', test: 'a reset' }], runners: 1, runnerOutput: '', voided: null },
    });
    expect(r.problems[0]?.message).toMatch(/^while the test "a reset" ran, an error escaped it: ECONNRESET/);
  });

  it('says the machine was busy, and gives no learner hint for a timeout then', () => {
    const busy = { ...failing, status: 'timedOut' as const, busy: 2.6, retried: true, meta: { ...failing.meta, hint: 'check your loop' } };
    const r = build([busy]);
    expect(r.tests[0]).not.toHaveProperty('hint');
    expect(formatReport(r)).toMatch(/the machine was busy/);
  });
});

describe('extension milestones', () => {
  const extended = {
    testTimeout: 1000,
    milestones: [
      { id: 'one', title: 'First things', lesson: '01-http.md#one' },
      { id: 'more', title: 'Going further', lesson: '01-http.md#more', extension: true },
    ],
  };
  function withExtensions(tests: TestRecord[]) {
    const outcome: RunOutcome = { tests, fileErrors: [], unhandled: [], runners: 1, runnerOutput: '', voided: null };
    return buildResult({ lab, details: extended, outcome, target: 'labs/lab1-http', layers: 'x', courseVersion: '9.9.9', testsHash: 'abc' });
  }

  it('scores the core alone and the extensions apart', () => {
    const r = withExtensions([record('a', 'one', 'passed'), record('b', 'one', 'failed', 'no'), record('x', 'more', 'passed'), record('y', 'more', 'failed', 'no')]);
    expect([r.score, r.maxScore]).toEqual([1, 2]);
    expect(r.extensions).toEqual({ score: 1, maxScore: 2, passed: 1, total: 2 });
    expect(r.milestones.map((m) => [m.id, Boolean(m.extension)])).toEqual([['one', false], ['more', true]]);
    expect(r.tests.filter((t) => t.extension).map((t) => t.name)).toEqual(['x', 'y']);
  });

  it('a lab without extension milestones has no extensions score', () => {
    expect(result([record('a', 'one', 'passed')])).not.toHaveProperty('extensions');
  });

  it('the core decides "done" and the exit code; the report then offers the next extension', () => {
    const r = withExtensions([record('a', 'one', 'passed'), record('x', 'more', 'failed', 'not yet')]);
    expect(allPassed(r)).toBe(true);
    expect(allPassed(countExtensions(r)), 'counted, the failing extension decides').toBe(false);
    const text = formatReport(r);
    expect(text).toContain('Every core test passed. Lab 1 is done.');
    expect(text).toContain('Optional next: 2. Going further');
    expect(text).toContain('Extensions (optional, scored apart):');
    expect(text).toMatch(/Score: 1\/1 \(100%\) · extensions 0\/1 \(optional\)/);
  });

  it('while the core is unfinished, next is a core milestone and an extension not begun lists no failures', () => {
    const r = withExtensions([record('a', 'one', 'failed', 'core broken'), record('x', 'more', 'failed', 'extension missing')]);
    const text = formatReport(r);
    expect(text).toContain('Next: 1. First things');
    expect(text).not.toContain('extension missing');
    expect(allPassed(r)).toBe(false);
  });

  it('counted by a teacher, the extensions join the score and the exit condition', () => {
    const r = countExtensions(withExtensions([record('a', 'one', 'passed'), record('x', 'more', 'failed', 'no')]));
    expect([r.score, r.maxScore]).toEqual([1, 2]);
    expect(r.extensions?.counted).toBe(true);
    expect(allPassed(r), 'a failing extension that counts keeps the exit code 1').toBe(false);
    expect(countExtensions(r)).toBe(r);
    expect(formatReport(r)).toContain('Extensions (optional, counted in this score):');
  });

  it('GitHub Classroom adds up no points of an extension that is not counted, and all of one that is', () => {
    const r = withExtensions([record('a', 'one', 'passed'), record('x', 'more', 'passed')]);
    const apart = gitHubClassroomResult(r);
    expect(apart.max_score).toBe(1);
    expect(apart.tests.reduce((n, t) => n + t.score, 0)).toBe(1);
    expect(apart.tests[1]?.name).toMatch(/^Extension \(not counted\) › /);
    const counted = gitHubClassroomResult(countExtensions(r));
    expect(counted.max_score).toBe(2);
    expect(counted.tests.reduce((n, t) => n + t.score, 0)).toBe(2);
  });

  it('JUnit, Gradescope and the feedback name the extensions', () => {
    const r = withExtensions([record('a', 'one', 'passed'), record('x', 'more', 'failed', 'no')]);
    expect(toJUnit(r)).toContain('name="2. Going further (extension)"');
    const gs = toGradescope(r);
    expect(gs.score).toBe(1);
    expect(gs.max_score).toBe(1);
    expect(gs.tests[1]?.tags).toEqual(['more', 'extension']);
    expect(formatFeedback(r)).toMatch(/extensions 0\/1 \(optional\)/);
  });
});
