// The classroom side: machine formats of a grade (and what they must never leak), the students'
// release, the Gradescope autograder in a simulated /autograder, and batch grading. Lab 1 only:
// its grade takes about a second.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAutograder } from '../classroom/autograder.mjs';
import { gradebookCsv, runBatch } from '../classroom/batch.mjs';
import { lateness, readSubmissionTimes } from '../classroom/late.mjs';
import { similarPairs } from '../classroom/similarity.mjs';
import { starterFiles, writeFiles } from '../classroom/files.mjs';
import { buildRelease, classroomWorkflow, findLeaks } from '../classroom/release.mjs';
import { flips, signature } from '../classroom/repeat.mjs';
import { RELEASE_TEST_SCRIPT, locateLab, planSubmission, releasedPackageMatches } from '../classroom/submission.mjs';
import { LABS, ROOT, findLab, isPresent, labDetails } from '../course.mjs';
import {
  HIDDEN_LINE,
  formatFeedback,
  gitHubClassroomResult,
  gitHubErrorLine,
  gitHubOutputLine,
  ownFailure,
  redact,
  starterMessages,
  toExercism,
  toGitHubClassroom,
  toGradescope,
  toJUnit,
} from '../formats.mjs';
import type { GradeResult } from '../report.mjs';
import { buildResult, countExtensions } from '../report.mjs';

const lab1 = findLab('lab1')!;

// ---------------------------------------------------------------------------------------------
// Submissions made from the reference of lab 1 with one mistake each, as a student makes them.

type Edit = (files: Map<string, Buffer>) => void;

/** The reference of lab 1 with an edit. */
function variant(...edits: Edit[]): Map<string, Buffer> {
  const dir = join(ROOT, 'solutions', 'lab1-http');
  const files = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  for (const edit of edits) edit(files);
  return files;
}

/** Puts `line` first in the body of the function that `header` starts. */
function insertInto(file: string, header: string, line: string): Edit {
  return (files) => {
    const source = files.get(file)!.toString('utf8');
    const at = source.indexOf(header);
    expect(at, `${header} in ${file}`).toBeGreaterThan(-1);
    const open = source.indexOf('{\n', at) + 2;
    files.set(file, Buffer.from(`${source.slice(0, open)}  ${line}\n${source.slice(open)}`));
  };
}
const loopIn = (file: string, header: string) => insertInto(file, header, 'for (;;) {}');
const exitIn = (file: string, header: string) => insertInto(file, header, 'process.exit(3);');
const breakSyntax = (file: string): Edit => (files) => files.set(file, Buffer.concat([files.get(file)!, Buffer.from('\nconst = ;\n')]));
/** Comments and indentation changed, nothing else: what a copy disguised by reformatting looks like. */
const reformat: Edit = (files) => {
  for (const [name, data] of files) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const text = data.toString('utf8').replace(/^(\s*)\/\/.*$/gm, '$1// my notes').replace(/^( +)/gm, (spaces) => '\t'.repeat(spaces.length / 2));
    files.set(name, Buffer.from(text));
  }
};
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'classroom-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// A made-up grade whose hidden details all carry the word SECRET: nothing redacted may show it.

function made(extra: Partial<GradeResult> = {}): GradeResult {
  return {
    lab: 'lab1-http',
    labNumber: 1,
    title: 'HTTP/1.1 messages',
    target: 'labs/lab1-http',
    layers: 'no lower layers',
    courseVersion: '9.9.9',
    testsHash: 'abc123',
    score: 3,
    maxScore: 10,
    milestones: [
      { id: 'one', title: 'First <things> & "more"', lesson: 'lessons/01-http.md#one', score: 3, maxScore: 5, passed: 2, total: 3 },
      { id: 'two', title: 'Second things', lesson: 'lessons/01-http.md#two', score: 0, maxScore: 5, passed: 0, total: 3 },
    ],
    tests: [
      { name: 'passes', section: 'First <things> & "more"', milestone: 'one', status: 'passed', points: 2, maxPoints: 2 },
      { name: 'also passes', section: 'First <things> & "more"', milestone: 'one', status: 'passed', points: 1, maxPoints: 1 },
      {
        name: 'parses <GET> & friends',
        section: 'First <things> & "more"',
        milestone: 'one',
        status: 'failed',
        points: 0,
        maxPoints: 2,
        message: 'expected SECRET-VALUE to equal "x"',
        expected: 'GET / HTTP/1.1\r\nSECRET-INPUT\x00\x1b]]>',
        actual: 'GET\r\n',
        location: 'labs/lab1-http/parser.ts:10:3 SECRET-LOCATION',
        output: 'printed SECRET-OUTPUT',
        hint: 'Read the request line first.',
        lesson: 'lessons/01-http.md#one',
      },
      { name: 'loops', section: 'Second things', milestone: 'two', status: 'timedOut', points: 0, maxPoints: 2, message: 'did not finish SECRET-TIMEOUT' },
      { name: 'crashes', section: 'Second things', milestone: 'two', status: 'error', points: 0, maxPoints: 2, message: 'process.exit SECRET-ERROR' },
      { name: 'never ran', section: 'Second things', milestone: 'two', status: 'notRun', points: 0, maxPoints: 1, message: 'not run: time limit' },
    ],
    problems: [
      { message: 'SyntaxError: Unexpected token\n(while loading grader/hidden/lab1-http/request.test.ts)', location: 'labs/lab1-http/parser.ts:3:1' },
      { message: 'unhandled rejection: SECRET-PROBLEM' },
    ],
    ...extra,
  };
}

/** Well-formed XML, checked by hand: every tag closed in order, attributes quoted, entities valid. */
function checkXml(xml: string) {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  expect(body).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  const stack: string[] = [];
  let position = 0;
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  for (const match of body.matchAll(token)) {
    expect(match.index, `unparsable XML at ${body.slice(position, position + 40)}`).toBe(position);
    position += match[0].length;
    const content = match[5] ?? match[3] ?? '';
    for (const amp of content.matchAll(/&/g)) {
      expect(content.slice(amp.index), 'a bare & in XML').toMatch(/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/);
    }
    if (match[5] !== undefined) {
      if (stack.length === 0) expect(match[5].trim(), 'text outside the root element').toBe('');
      continue;
    }
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name!);
    } else if (stack.length === 0) roots += 1;
  }
  expect(position, 'XML ends early').toBe(body.length);
  expect(stack, 'unclosed elements').toEqual([]);
  expect(roots).toBe(1);
}

describe('machine formats', () => {
  it('JUnit: well-formed, one testsuite per milestone, failure, error and skipped', () => {
    const xml = toJUnit(made());
    checkXml(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(3); // two milestones and "Other" for the problems
    expect(xml).toMatch(/<testsuite name="1\. First &lt;things&gt; &amp; &quot;more&quot;" tests="3" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/<testsuite name="2\. Second things" tests="3" failures="0" errors="2" skipped="1"/);
    expect(xml).toMatch(/<failure message="expected SECRET-VALUE to equal &quot;x&quot;" type="assertion">/);
    expect(xml).toMatch(/<error message="did not finish SECRET-TIMEOUT" type="timeout">/);
    expect(xml).toMatch(/<skipped message="not run: time limit"\/>/);
    // Bytes XML cannot hold are written visibly.
    expect(xml).toContain('expected: GET / HTTP/1.1\\r\n          SECRET-INPUT\\x00\\x1b]]&gt;');
  });

  it('redact: names, points, hints and lessons stay; nothing a hidden test compared does', () => {
    const original = made();
    const copy = JSON.parse(JSON.stringify(original));
    const redacted = redact(original);
    expect(original).toEqual(copy); // a copy, the input untouched
    expect(JSON.stringify(redacted)).not.toMatch(/SECRET/);
    expect(redacted.tests.map((t) => [t.name, t.status, t.points, t.maxPoints])).toEqual(original.tests.map((t) => [t.name, t.status, t.points, t.maxPoints]));
    const failed = redacted.tests[2]!;
    expect(failed).toMatchObject({ message: HIDDEN_LINE, hint: 'Read the request line first.', lesson: 'lessons/01-http.md#one' });
    expect(failed).not.toHaveProperty('expected');
    // It points into the learner's own file, and happened while loading, before any test ran.
    expect(redacted.problems[0]).toEqual({ message: 'SyntaxError: Unexpected token\n(while loading the hidden tests)', location: 'labs/lab1-http/parser.ts:3:1' });
    // The redacted result is still valid for every other format.
    checkXml(toJUnit(redacted));
  });

  it('Gradescope: score, max_score, a row per test, hidden rows after the due date with name and points only', () => {
    const results = toGradescope(made());
    expect(results).toMatchObject({ score: 3, max_score: 10 });
    expect(results.tests).toHaveLength(6);
    for (const row of results.tests) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['name', 'score', 'max_score', 'status', 'output', 'visibility']));
      expect(['passed', 'failed']).toContain(row.status);
      expect(row.visibility).toBe('after_due_date');
      // Name and points, and for a failure the lesson's rules and section it is about: nothing of the test itself.
      expect(row.output).toMatch(/^(passed|failed|timed out|error|not run) · \d+\/\d+ points?( · [^\n]+(\nat labs\/[^\n]+)?(\nrule [A-Z]{1,2}\d+: [^\n]+)*(\nread: lessons\/[\w.-]+\.md#[\w-]+)?)?$/);
    }
    expect(results.tests.map((t) => t.score)).toEqual([2, 1, 0, 0, 0, 0]);
    expect(results.tests[2]).toMatchObject({ status: 'failed', max_score: 2, name: 'First <things> & "more" › parses <GET> & friends' });
    expect(JSON.stringify(results)).not.toMatch(/SECRET/);
    expect(toGradescope(made(), { visibility: 'visible' }).tests.every((t) => t.visibility === 'visible')).toBe(true);
  });

  it('Gradescope: details only when asked (--full-feedback) or when the tests were visible ones', () => {
    expect(JSON.stringify(toGradescope(made(), { fullFeedback: true }))).toMatch(/SECRET-INPUT/);
    const visible = toGradescope({ ...made(), hidden: false } as GradeResult);
    expect(visible.tests.every((t) => t.visibility === 'visible')).toBe(true);
    expect(visible.tests[2]!.output).toMatch(/expected: GET/);
  });

  it('Exercism: version 3, statuses pass/fail/error, a task per milestone', () => {
    const out = toExercism(made());
    expect(out).toMatchObject({ version: 3, status: 'fail' });
    expect(out.tests.map((t: any) => [t.status, t.task_id])).toEqual([
      ['pass', 1],
      ['pass', 1],
      ['fail', 1],
      ['fail', 2],
      ['error', 2],
      ['error', 2],
    ]);
    expect(out.tests[2]).toMatchObject({ name: 'parses <GET> & friends', test_code: '// hidden test: First <things> & "more"' });
    expect((out.tests[2] as any).message).toMatch(/expected: GET/);
    const broken = made({ tests: made().tests.map((t) => ({ ...t, status: 'error' as const, points: 0 })) });
    expect(toExercism(broken)).toMatchObject({ status: 'error', message: expect.stringMatching(/SyntaxError/) });
    const all = made({ problems: [], tests: made().tests.map((t) => ({ ...t, status: 'passed' as const, points: t.maxPoints })) });
    expect(toExercism(all).status).toBe('pass');
  });

  it("GitHub Classroom: base64 JSON the reporter adds up (tests' score, the runner's max_score)", () => {
    const encoded = toGitHubClassroom(made());
    const decoded = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    expect(decoded).toEqual(gitHubClassroomResult(made()));
    expect(decoded).toMatchObject({ version: 1, status: 'fail', max_score: 10 });
    expect(decoded.tests.reduce((sum: number, t: any) => sum + t.score, 0)).toBe(3);
    expect(decoded.tests[0]).toMatchObject({ name: 'First <things> & "more" › passes', status: 'pass', score: 2, max_score: 2, message: null, line_no: 0 });
    expect(decoded.tests[4].status).toBe('error');
    expect(gitHubOutputLine(made())).toBe(`result=${encoded}\n`);
  });
});

// ---------------------------------------------------------------------------------------------
// What the student's own code did: shown in every student-facing format, with no test data.

const TODO = 'TODO(lab1): parseRequestLine is not written yet (lessons/01-http.md#the-request-line)';

/** A grade where each failure is of one kind, every message carrying the data a hidden test used (SECRET). */
function ownMade(): GradeResult {
  const base = made();
  const one = base.milestones[0]!;
  const test = (name: string, extra: Partial<GradeResult['tests'][number]>) => ({
    name,
    section: one.title,
    milestone: one.id,
    status: 'failed' as const,
    points: 0,
    maxPoints: 1,
    hint: 'Check the Content-Type.',
    lesson: 'lessons/01-http.md#one',
    ...extra,
  });
  return {
    ...base,
    tests: [
      test('loops on SECRET-NAME-1', { status: 'timedOut', message: "env.renderString('SECRET-TEMPLATE') did not finish within 2000 ms. Is there an endless loop?" }),
      test('held on SECRET-NAME-2', { status: 'timedOut', message: 'did not finish: the code under test held the thread without a break (an endless loop?), so the grader stopped it.' }),
      test('exits on SECRET-NAME-3', { message: 'process.exit unexpectedly called with "SECRET-CODE"', location: 'labs/lab1-http/serializer.ts:9:11', output: 'SECRET-OUTPUT' }),
      test('crashes on SECRET-NAME-4', { status: 'error', message: 'the test process ended while this test ran. Did your code call process.exit(), or run out of memory?' }),
      test('cannot load for SECRET-NAME-5', {
        status: 'error',
        message: 'Transform failed with 1 error:\n\n[PARSE_ERROR] Unexpected token\n    ╭─[ labs/lab1-http/chunked.ts:12:16 ]\n 12 │   const size = = parseInt(digits, 16);',
      }),
      test('throws on SECRET-NAME-6', { message: 'bad input SECRET-THROWN', location: 'labs/lab1-http/parser.ts:5:3' }),
      test('stub for SECRET-NAME-7', { message: TODO, location: 'labs/lab1-http/request-line.ts:17:9' }),
      test('asserts SECRET-NAME-8', { message: 'expected SECRET-VALUE to be 2', expected: 'SECRET-EXPECTED', actual: '1' }),
    ],
    problems: [
      {
        message: 'Transform failed with 1 error:\n[PARSE_ERROR] Unexpected token\n    ╭─[ labs/lab1-http/chunked.ts:12:16 ]\n\n(while loading grader/hidden/lab1-http/SECRET-FILE.test.ts)',
      },
      { message: 'while the test "SECRET-NAME-9" ran, an error escaped it: SECRET-ESCAPED', location: 'labs/lab1-http/parser.ts:40:7' },
      { message: 'unhandled rejection: SECRET-PROBLEM' },
    ],
  };
}

describe("what the student's own code did", () => {
  const causes = {
    loop: /your code did not finish within 2000 ms/,
    held: /your code held the thread without a break/,
    exit: /your code called process\.exit\(\)/,
    crash: /the test process ended while this test ran/,
    syntax: /a syntax error at labs\/lab1-http\/chunked\.ts:12:16/,
    thrown: /your code threw an error at labs\/lab1-http\/parser\.ts:5:3/,
  };

  it('redact keeps the cause of a timeout, an exit, a crash, a syntax error and a throw, and none of the data', () => {
    const redacted = redact(ownMade());
    const messages = redacted.tests.map((t) => t.message ?? '');
    for (const [kind, cause] of Object.entries(causes)) expect(messages.some((m) => cause.test(m)), kind).toBe(true);
    expect(messages.at(-1)).toBe(HIDDEN_LINE); // a failed assertion only the test could explain
    expect(redacted.tests[2]).toMatchObject({ location: 'labs/lab1-http/serializer.ts:9:11' });
    expect(redacted.tests[2]).not.toHaveProperty('output');
    // A hint about the rule would mislead when the code never got that far.
    expect(redacted.tests[0]).not.toHaveProperty('hint');
    expect(redacted.tests[7]).toHaveProperty('hint');
    // Test names stay (they are the rows); everything else of the tests goes.
    const rest = JSON.stringify({ ...redacted, tests: redacted.tests.map(({ name, ...t }) => t) });
    expect(rest).not.toMatch(/SECRET/);
    expect(redacted.problems[0]).toMatchObject({ location: 'labs/lab1-http/chunked.ts:12:16' });
    expect(redacted.problems[0]!.message).toMatch(/while loading the hidden tests/);
    expect(redacted.problems[1]).toEqual({ message: 'an error thrown by your code escaped a test, at labs/lab1-http/parser.ts:40:7', location: 'labs/lab1-http/parser.ts:40:7' });
  });

  it("shows a stub's TODO message only when it is the starter's own text", () => {
    const stub = ownMade().tests[6]!;
    expect(ownFailure(stub)?.text).toBe('your code threw an error at labs/lab1-http/request-line.ts:17:9.');
    const messages = starterMessages([...starterFiles('lab1-http').values()].map((data) => data.toString('utf8')));
    expect(messages.has(TODO)).toBe(true);
    expect(ownFailure(stub, { starterMessages: messages })?.text).toBe(TODO);
    const forged = { ...stub, message: 'TODO(lab1): SECRET-INPUT is not written yet (lessons/01-http.md)' };
    expect(ownFailure(forged, { starterMessages: messages })?.text).not.toMatch(/SECRET/);
  });

  it('Gradescope rows, Exercism, GitHub Classroom, JUnit and the feedback text all name each cause', () => {
    const result = ownMade();
    const gradescope = toGradescope(result);
    const redacted = redact(result);
    const formats: Record<string, string> = {
      gradescope: gradescope.tests.map((t) => t.output).join('\n'),
      exercism: JSON.stringify(toExercism(redacted).tests.map((t: any) => t.message)),
      classroom: JSON.stringify(gitHubClassroomResult(redacted).tests.map((t) => t.message)),
      junit: toJUnit(redacted),
      feedback: formatFeedback(result, { names: false }),
    };
    for (const [format, text] of Object.entries(formats)) {
      for (const [kind, cause] of Object.entries(causes)) expect(text, `${format}: ${kind}`).toMatch(cause);
      expect(text, format).not.toMatch(/SECRET-(TEMPLATE|CODE|OUTPUT|THROWN|VALUE|EXPECTED|FILE|ESCAPED|PROBLEM)/);
    }
  });

  it('the feedback shown before the due date names no test, and still leads with the next milestone', () => {
    const text = formatFeedback(ownMade(), { names: false });
    expect(text).not.toMatch(/SECRET-NAME/);
    expect(text).toMatch(/^Next: 1\. First <things> & "more"/m);
    expect(text).toMatch(/What your code did:/);
    expect(formatFeedback(ownMade(), { names: true })).toMatch(/SECRET-NAME-8/);
  });

  it('a grade that could not run still leaves GitHub Classroom\'s reporter a result it can read', () => {
    const line = gitHubErrorLine('lab 9 does not exist');
    const decoded = JSON.parse(Buffer.from(line.replace(/^result=/, '').trim(), 'base64').toString('utf8'));
    expect(decoded).toMatchObject({ version: 1, status: 'error', tests: [{ status: 'error', message: expect.stringMatching(/lab 9 does not exist/) }] });
  });
});

describe('repeat.mjs', () => {
  it('counts results that differ in a status or points as distinct, and names the flips', () => {
    const a = made();
    const b = made({ tests: made().tests.map((t) => (t.name === 'loops' ? { ...t, status: 'passed' as const, points: 2 } : t)) });
    expect(signature(a)).toBe(signature(made({ score: 3 })));
    expect(signature(a)).not.toBe(signature(b));
    expect(flips(a, b)).toEqual(['loops: timedOut -> passed']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('finding the lab in a submission', () => {
  const names = ['index.ts', 'parser.ts', 'headers.ts', 'syntax.ts'];
  it('prefers labs/<lab> in a repository, then a folder named after the lab, then the files at the top', () => {
    expect(locateLab(['x/labs/lab1-http/index.ts', 'lab1-http/index.ts', 'index.ts'], lab1, names)).toBe('x/labs/lab1-http');
    expect(locateLab(['labs/lab2-server/index.ts', 'my/lab1-http/index.ts'], lab1, names)).toBe('my/lab1-http');
    expect(locateLab(['index.ts', 'parser.ts', 'headers.ts'], lab1, names)).toBe('');
    expect(locateLab(['labs/lab2-server/index.ts'], lab1, names)).toBeNull();
    expect(locateLab(['repo/labs/lab1-http/parser.ts', 'repo/README.md'], lab1, names)).toBe('repo/labs/lab1-http'); // index.ts missing
    expect(locateLab(['notes/index.ts', 'notes/todo.ts'], lab1, names)).toBeNull(); // an index.ts, but not the lab's files
  });
});

describe('npm run release', () => {
  it("writes the students' copy: starters, lessons, grader, no solutions, no hidden tests, release.json", () => {
    const out = join(scratch, 'release');
    const made = buildRelease({ out, reference: [lab1], contact: 'Ada (ada@example.edu)', warn: () => {} });
    expect(existsSync(join(out, 'solutions'))).toBe(false);
    expect(existsSync(join(out, 'grader', 'hidden'))).toBe(false);
    expect(existsSync(join(out, 'grader', 'selftest'))).toBe(false);
    expect(existsSync(join(out, 'grader', 'classroom'))).toBe(false);
    for (const name of ['package.json', 'package-lock.json', 'README.md', 'lessons/01-http.md', 'labs/contracts/http.ts', 'grader/cli.mjs', 'grader/harness/index.ts']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    for (const [rel, content] of starterFiles('lab1-http')) expect(readFileSync(join(out, 'labs', 'lab1-http', rel)).equals(content), rel).toBe(true);
    // GitHub Classroom: one lab per push (lab 1 unless --classroom says otherwise), any lab by hand.
    const workflow = readFileSync(join(out, '.github', 'workflows', 'classroom.yml'), 'utf8');
    expect(workflow).toContain("LAB: ${{ inputs.lab || 'lab1' }}");
    expect(workflow.match(/npm run grade /g)).toHaveLength(1);
    expect(workflow).toContain('GRADE_RESULTS: "${{ steps.grade.outputs.result }}"');
    expect(workflow).toContain('node-version: lts/*');
    expect(workflow).not.toMatch(/node-version: 20\b/);
    expect(readFileSync(join(out, 'reference', 'lab1-http', 'parser.ts'))).toEqual(readFileSync(join(ROOT, 'solutions', 'lab1-http', 'parser.ts')));

    const info = JSON.parse(readFileSync(join(out, 'grader', 'release.json'), 'utf8'));
    expect(info).toMatchObject({ hidden: false, reference: ['lab1-http'], contact: 'Ada (ada@example.edu)' });
    expect(info.labs['lab1-http']).toEqual(labDetails(lab1));

    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(pkg.imports['#http']).toEqual({ reference: './reference/lab1-http/index.ts', 'reference-http': './reference/lab1-http/index.ts', default: './labs/lab1-http/index.ts' });
    expect(pkg.imports['#server']).toBe('./labs/lab2-server/index.ts');
    expect(pkg.scripts.test).toBe(RELEASE_TEST_SCRIPT);
    expect(pkg.scripts.grade).toBe('node grader/cli.mjs');
    for (const command of Object.values(pkg.scripts) as string[]) {
      const program = /^node\s+(\S+)/.exec(command)?.[1];
      if (program) expect(existsSync(join(out, program)), command).toBe(true);
    }
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toMatch(/## This copy of the course/);
    expect(readme).toMatch(/ask Ada \(ada@example\.edu\)/);
    expect(findLeaks(out, { keepHidden: false, reference: [lab1] })).toEqual([]);
    expect(made.info.hidden).toBe(false);
  });

  it("grades the lab given with --classroom on a push, and the README shows GitHub Classroom that very workflow", () => {
    const out = join(scratch, 'release-lab3');
    buildRelease({ out, classroom: findLab('lab3')!, warn: () => {} });
    const workflow = readFileSync(join(out, '.github', 'workflows', 'classroom.yml'), 'utf8');
    expect(workflow).toBe(classroomWorkflow(LABS.filter(isPresent), findLab('lab3')!));
    expect(workflow).toContain('default: lab3');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### 4. GitHub Classroom'));
    const snippet = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toBe(workflow);
  });

  it("an untouched copy of the release, submitted whole, has nothing ignored; a changed package.json does", () => {
    const out = join(scratch, 'release-untouched');
    buildRelease({ out, reference: [lab1], warn: () => {} });
    const plan = planSubmission(out, findLab('lab2')!, { courseRoot: ROOT, starter: starterFiles('lab2-server') });
    expect(plan.labPath).toBe('labs/lab2-server');
    expect(plan.ignored.filter((i) => i.kind !== 'other-lab')).toEqual([]);
    const pkg = readFileSync(join(out, 'package.json'));
    expect(releasedPackageMatches(pkg, readFileSync(join(ROOT, 'package.json')))).toBe(true);
    const tampered = JSON.parse(pkg.toString('utf8'));
    tampered.scripts.grade = 'echo 100%';
    expect(releasedPackageMatches(Buffer.from(JSON.stringify(tampered)), readFileSync(join(ROOT, 'package.json')))).toBe(false);
    const extra = JSON.parse(pkg.toString('utf8'));
    extra.imports['#http'] = './elsewhere/index.ts';
    expect(releasedPackageMatches(Buffer.from(JSON.stringify(extra)), readFileSync(join(ROOT, 'package.json')))).toBe(false);
  });

  it('keeps the hidden tests for self-study with --keep-hidden, and refuses a folder that is not empty', () => {
    const out = join(scratch, 'release-hidden');
    buildRelease({ out, keepHidden: true, warn: () => {} });
    expect(existsSync(join(out, 'grader', 'hidden', 'lab1-http', 'request.test.ts'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'grader', 'release.json'), 'utf8'))).toMatchObject({ hidden: true, reference: [] });
    expect(existsSync(join(out, 'reference'))).toBe(false);
    expect(() => buildRelease({ out, warn: () => {} })).toThrow(/not empty/);
    expect(() => buildRelease({ out: join(ROOT, 'release-here'), warn: () => {} })).toThrow(/inside the course/);
  });
});

// ---------------------------------------------------------------------------------------------

/** The environment of a program run as a student runs it: none of npm's or vitest's variables. */
function cleanEnv(extra: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('VITEST')));
  return { ...clean, NO_COLOR: '1', FORCE_COLOR: '', ...extra } as NodeJS.ProcessEnv;
}

describe("the students' copy on day one", () => {
  let out: string;
  let env: Record<string, string>;
  beforeAll(() => {
    out = join(scratch, 'release-day-one');
    buildRelease({ out, warn: () => {} });
    env = { ...linkNodeModules(join(out, 'node_modules')), GRADER_STATE_DIR: join(out, '.grader', 'state') };
  }, 120_000);
  const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: out, encoding: 'utf8', env: cleanEnv(env), timeout: 240_000 });

  it("serves the lessons with Node's http standing in for labs 1-3, says so, and records a quiz", async () => {
    const child = spawn(process.execPath, ['grader/tools/lessons/cli.mjs', '--port', '0'], { cwd: out, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address within 60 s:\n${output}`)), 60_000);
        const listen = (chunk: Buffer) => {
          output += chunk.toString();
          const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)?.[0];
          if (url) {
            clearTimeout(timer);
            resolve(url);
          }
        };
        child.stdout!.on('data', listen);
        child.stderr!.on('data', listen);
        child.on('exit', (code) => reject(new Error(`the lessons exited (${code}):\n${output}`)));
      });
      expect(output).toMatch(/✘ lab 1 http +yours +not graded yet/);
      expect(output).not.toMatch(/TODO\(lab/);
      const index = await fetch(base);
      expect(index.status).toBe(200);
      expect(await index.text()).toMatch(/Served by Node(&#39;|')s http module/);
      expect((await fetch(`${base}03-gateway.html`)).status).toBe(200);
      const quiz = await fetch(`${base}api/quiz`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lesson: '01-http.md', correct: 2, total: 3 }) });
      expect(quiz.status).toBe(200);
      expect(JSON.parse(readFileSync(join(out, '.grader', 'state', 'quiz.json'), 'utf8'))).toMatchObject({ '01-http.md': { correct: 2, total: 3 } });
      const progress = run(['grader/tools/progress.mjs']);
      expect(progress.stdout).toMatch(/quiz: 2\/3/);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  }, 90_000);

  it('trace and serve name the labs they still need instead of failing inside them', () => {
    const trace = run(['grader/tools/trace.mjs', 'lab3', 'GET', '/']);
    expect(trace.status).toBe(1);
    expect(trace.stdout).toMatch(/labs 1, 2 and 3 \(marked ✘\) do not pass their tests yet/);
    expect(trace.stdout).not.toMatch(/TODO\(lab|Execution table/);
    const serve = run(['grader/tools/serve.mjs', '--port', '0']);
    expect(serve.status).toBe(1);
    expect(serve.stdout).toMatch(/labs 1, 2, 3, 4, 5, 6 and 7 \(marked ✘\)/);
  }, 60_000);

  it("npm test checks each lab against its examples, and grade reports the examples' milestones", () => {
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    const check = run([...pkg.scripts.test.split(' ').slice(1), 'lab1']);
    expect(check.status, check.stdout + check.stderr).toBe(1);
    expect(check.stdout).toMatch(/^lab 1 +HTTP\/1\.1 messages +░+ 0\/\d+ examples +next: The request line, npm run grade lab1$/m);
    expect(check.stdout).toMatch(/TypeScript: no error in labs\//);
    // The shipped examples are declared in milestones, as hidden tests are: the report leads with
    // the next one, and has no group of plain examples.
    const shipped = run(['grader/cli.mjs', 'lab1', '--no-state']);
    expect(shipped.status).toBe(1);
    expect(shipped.stdout).toMatch(/^Next: 1\. The request line — (\d+) of \1 tests to go/m);
    expect(shipped.stdout).toMatch(/^✘ 7\. Writing responses/m);
    expect(shipped.stdout).not.toMatch(/Visible examples/);
    // A learner's own examples: in milestones, and plain ones, which form one last group.
    writeFileSync(
      join(out, 'labs', 'lab1-http', 'examples.test.ts'),
      [
        "import { it } from 'vitest';",
        "import { milestone, test } from '../../grader/harness/index.ts';",
        "import { parseRequestLine } from './index.ts';",
        "milestone('request-line', () => test('splits a request line', { rules: ['R1'] }, () => void parseRequestLine('GET / HTTP/1.1')));",
        "milestone('headers', () => test('a header example that passes', { rules: ['H5'] }, () => undefined));",
        "it('a plain example', () => void parseRequestLine('GET / HTTP/1.1'));",
        '',
      ].join('\n'),
    );
    const grade = run(['grader/cli.mjs', 'lab1', '--no-state']);
    expect(grade.status).toBe(1);
    expect(grade.stdout).toMatch(/^Next: 1\. The request line — 1 of 1 tests to go/m);
    expect(grade.stdout).toMatch(/^✔ 2\. Header fields +1\/1$/m);
    expect(grade.stdout).toMatch(/^✘ \d+\. Visible examples/m);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------

/** A copy of node_modules made of hard links (fast, and real paths for the grader's permission
 * model); a symbolic link where hard links cannot cross file systems. */
function linkNodeModules(to: string): Record<string, string> {
  const from = join(ROOT, 'node_modules');
  try {
    const walk = (src: string, dst: string) => {
      mkdirSync(dst, { recursive: true });
      for (const name of readdirSync(src)) {
        const s = join(src, name);
        const d = join(dst, name);
        const stat = lstatSync(s);
        if (stat.isSymbolicLink()) symlinkSync(readlinkSync(s), d);
        else if (stat.isDirectory()) walk(s, d);
        else linkSync(s, d);
      }
    };
    walk(from, to);
    return {};
  } catch {
    rmSync(to, { recursive: true, force: true });
    symlinkSync(from, to, 'dir');
    // Node's permission model checks real paths: a linked node_modules is outside what it allows.
    return { GRADER_NO_PERMISSIONS: '1' };
  }
}

describe('npm run autograder (Gradescope), in a simulated /autograder', () => {
  let root: string;
  let env: Record<string, string>;
  const hiddenHash = (dir: string) => createHash('sha256').update(readFileSync(join(dir, 'grader', 'hidden', 'lab1-http', 'request.test.ts'))).digest('hex');

  beforeAll(() => {
    root = join(scratch, 'autograder');
    const zip = join(scratch, 'lab1-autograder.zip');
    buildAutograder({ lab: lab1, out: zip });
    const files = unzipSync(readFileSync(zip));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['setup.sh', 'run_autograder', 'grader/hidden/lab1-http/request.test.ts', 'grader/classroom/run-autograder.mjs']));
    expect(Object.keys(files).some((path) => path.startsWith('solutions/'))).toBe(false); // lab 1 has no layers below
    for (const [path, data] of Object.entries(files)) {
      if (path.endsWith('/')) continue;
      mkdirSync(dirname(join(root, 'source', path)), { recursive: true });
      writeFileSync(join(root, 'source', path), data);
    }
    chmodSync(join(root, 'source', 'run_autograder'), 0o755);
    env = linkNodeModules(join(root, 'source', 'node_modules'));
  });

  function submitAndRun(write: (dir: string) => void) {
    const submission = join(root, 'submission');
    rmSync(submission, { recursive: true, force: true });
    rmSync(join(root, 'results'), { recursive: true, force: true });
    mkdirSync(submission, { recursive: true });
    write(submission);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('VITEST')));
    const run = spawnSync('bash', [join(root, 'source', 'run_autograder')], {
      env: { ...clean, ...env, AUTOGRADER_ROOT: root, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status, run.stderr).toBe(0);
    return { results: JSON.parse(readFileSync(join(root, 'results', 'results.json'), 'utf8')), stdout: run.stdout };
  }

  it('gives the reference, submitted as the lab folder, full marks', () => {
    const { results } = submitAndRun((dir) => cpSync(join(ROOT, 'solutions', 'lab1-http'), join(dir, 'lab1-http'), { recursive: true }));
    expect(results.tests.length).toBeGreaterThan(50);
    expect(results.score).toBe(results.max_score);
    expect(results.tests.every((t: any) => t.status === 'passed' && t.visibility === 'after_due_date')).toBe(true);
  });

  it('gives the starter, submitted as a whole repository, 0, with no hidden detail in the results', () => {
    const { results } = submitAndRun((dir) => writeFiles(join(dir, 'labs', 'lab1-http'), starterFiles('lab1-http')));
    expect(results.score).toBe(0);
    expect(results.output).toMatch(/Graded: labs\/lab1-http, \d+ files from labs\/lab1-http\//);
    // Every stub throws its TODO: the course's own text, with the place in the starter.
    for (const row of results.tests) {
      expect(row.output).toMatch(/^(failed|timed out|error|not run) · 0\/\d+ points? · TODO\(lab1\): \w+(\.\w+)? is not written yet \([^)]+\)\nat labs\/lab1-http\/[\w-]+\.ts:\d+:\d+(\nrule [A-Z]{1,2}\d+: [^\n]+)*(\nread: lessons\/[\w.-]+\.md#[\w-]+)?$/);
    }
    expect(results.output).not.toMatch(/expected:|received:/);
    // Rows are shown after the due date: the report shown at once names none of the tests.
    for (const row of results.tests) expect(results.output).not.toContain(row.name.split(' › ')[1]);
  });

  it('shows the cause of a loop, a process.exit() and a syntax error, and nothing of the tests', () => {
    const causes = [
      { edit: loopIn('serializer.ts', 'export function lastChunk'), cause: /your code did not finish within \d+ ms/ },
      { edit: exitIn('serializer.ts', 'export function reasonPhrase'), cause: /your code called process\.exit\(\)[^\n]*\n?.*labs\/lab1-http\/serializer\.ts:\d+/ },
      { edit: breakSyntax('chunked.ts'), cause: /a syntax error at labs\/lab1-http\/chunked\.ts:\d+:\d+/ },
    ];
    for (const { edit, cause } of causes) {
      const { results } = submitAndRun((dir) => writeFiles(join(dir, 'lab1-http'), variant(edit)));
      expect(results.output, results.output).toMatch(cause);
      const failing = results.tests.filter((t: any) => t.status === 'failed');
      expect(failing.length).toBeGreaterThan(0);
      expect(failing.some((t: any) => cause.test(t.output) || cause.test(`${t.output}`.replace(/\n/g, ' '))), JSON.stringify(failing[0])).toBe(true);
      for (const row of results.tests) expect(results.output).not.toContain(row.name.split(' › ')[1]);
      expect(JSON.stringify(results)).not.toMatch(/expected:|received:|bounded\(|\bshow\(/);
    }
  });

  it('ignores and reports edits to a hidden test and to package.json', () => {
    const before = hiddenHash(join(root, 'source'));
    const { results, stdout } = submitAndRun((dir) => {
      writeFiles(join(dir, 'repo', 'labs', 'lab1-http'), starterFiles('lab1-http'));
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      pkg.scripts.grade = 'echo 100%';
      writeFileSync(join(dir, 'repo', 'package.json'), JSON.stringify(pkg));
      mkdirSync(join(dir, 'repo', 'grader', 'hidden', 'lab1-http'), { recursive: true });
      writeFileSync(join(dir, 'repo', 'grader', 'hidden', 'lab1-http', 'request.test.ts'), "import { test } from 'vitest';\ntest('free points', () => {});\n");
      writeFileSync(join(dir, 'repo', 'labs', 'lab1-http', 'examples.test.ts'), '// mine\n');
    });
    expect(results.score).toBe(0);
    expect(results.tests.length).toBeGreaterThan(50);
    expect(hiddenHash(join(root, 'source'))).toBe(before);
    expect(hiddenHash(join(root, 'source'))).toBe(hiddenHash(ROOT));
    for (const text of [results.output, stdout]) {
      expect(text).toMatch(/Ignored: changes to the course's own files[^\n]*\n(  .*\n)*  repo\/grader\/hidden\/lab1-http\/request\.test\.ts\n/);
      expect(text).toMatch(/\n  repo\/package\.json\n/);
      expect(text).toMatch(/Not run: your test files[^\n]*repo\/labs\/lab1-http\/examples\.test\.ts/);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the gradebook of a lab with extension milestones', () => {
  const lab6 = findLab('lab6')!;
  const details = labDetails(lab6);
  const ext = details.milestones.find((m) => m.extension)!;
  const made = (passed: boolean) => {
    const tests = details.milestones.map((m) => ({
      id: m.id, name: `a test of ${m.id}`, file: '/x.test.ts', mode: 'run' as const,
      meta: { milestone: m.id, points: 2 }, status: (m.extension && !passed ? 'failed' : 'passed') as 'passed' | 'failed', errors: [],
    }));
    const outcome = { tests, fileErrors: [], unhandled: [], runners: 1, runnerOutput: '', voided: null };
    return buildResult({ lab: lab6, details, outcome, target: 'x', layers: 'x', courseVersion: '0', testsHash: 'x' });
  };
  const csv = (results: GradeResult[]) => {
    const rows = results.map((result, i) => ({ student: `s${i}`, result, seconds: 1, summary: '' }));
    const [header, ...records] = parse(gradebookCsv(lab6, rows as never)) as string[][];
    return records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
  };

  it('keeps the extensions out of the score, in a column of their own, and marks their milestones', () => {
    expect(ext, 'lab 6 has an extension milestone').toBeDefined();
    const [full, core] = csv([made(true), made(false)]);
    const extensions = Object.keys(full!).find((h) => h.startsWith('extensions'))!;
    expect(extensions).toMatch(/^extensions \(of \d+, not counted in score\)$/);
    expect(Object.keys(full!)).toContain(`${ext.id} (extension, of 2)`);
    expect(full!.score).toBe(core!.score);
    expect(Number(full![extensions])).toBeGreaterThan(0);
    expect(core![extensions]).toBe('0');
  });

  it('counts them in the score when the teacher chose so', () => {
    const [counted] = csv([countExtensions(made(true))]);
    const [apart] = csv([made(true)]);
    expect(Object.keys(counted!).find((h) => h.startsWith('extensions'))).toMatch(/counted in score\)$/);
    expect(Number(counted!.score)).toBeGreaterThan(Number(apart!.score));
    expect(Number(counted!.max)).toBe(Number(counted!.score));
  });
});

describe('npm run grade-batch', () => {
  const submissions = () => join(scratch, 'submissions');
  const out = () => join(scratch, 'gradebook', 'grades.csv');
  /** The CSV as records keyed by student. */
  const gradebook = () => {
    const [header, ...records] = parse(readFileSync(out(), 'utf8')) as string[][];
    return { header: header!, rows: Object.fromEntries(records.map((r) => [r[0]!, Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']))])) };
  };
  let made: Awaited<ReturnType<typeof runBatch>>;

  beforeAll(async () => {
    const dir = submissions();
    cpSync(join(ROOT, 'solutions', 'lab1-http'), join(dir, 'ada'), { recursive: true });
    writeFiles(join(dir, 'ben', 'labs', 'lab1-http'), variant(reformat)); // ada's code, reformatted
    writeFiles(join(dir, 'bob', 'labs', 'lab1-http'), starterFiles('lab1-http'));
    writeFiles(join(dir, 'cat', 'lab1-http'), variant(loopIn('serializer.ts', 'export function lastChunk')));
    writeFiles(join(dir, 'dan'), variant(exitIn('serializer.ts', 'export function reasonPhrase')));
    writeFiles(join(dir, 'eve', 'lab1-http'), variant(breakSyntax('chunked.ts')));
    // The lab somewhere odd, and the course's package.json changed beside it.
    writeFiles(join(dir, 'gus', 'backup', 'old', 'lab1-http'), starterFiles('lab1-http'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    pkg.scripts.grade = 'echo 100%';
    writeFileSync(join(dir, 'gus', 'package.json'), JSON.stringify(pkg));
    mkdirSync(join(dir, 'dee', 'notes'), { recursive: true });
    writeFileSync(join(dir, 'notes.zip'), 'not a folder');
    const times = join(scratch, 'times.csv');
    writeFileSync(times, 'student,submitted\nada,2026-12-01T10:00:00Z\ncat,2026-12-03T02:00:00Z\ndan,2026-12-01T23:59:00Z\n');
    // Every submission here is the reference with one mistake: alike by construction. Only
    // identical code is asked about (similarity.mjs has its own tests below).
    made = await runBatch({ lab: lab1, dir, out: out(), deadline: '2026-12-02T00:00:00Z', submitted: times, latePenalty: 10, threshold: 1 });
  }, 600_000);

  it('writes a gradebook with each milestone\'s maximum, failures that count tests, and notes in full', () => {
    const { header, rows } = gradebook();
    const details = labDetails(lab1).milestones;
    const ada = made.rows.find((r) => r.student === 'ada')!.result!;
    expect(header).toEqual([
      'student', 'score', 'max',
      ...details.map((m) => `${m.id} (of ${ada.milestones.find((x) => x.id === m.id)!.maxScore})`),
      'failures', 'submitted', 'late', 'penalty', 'final', 'flags', 'note',
    ]);
    expect(Object.keys(rows).sort()).toEqual(['ada', 'ben', 'bob', 'cat', 'dan', 'dee', 'eve', 'gus']);
    expect(Number(rows.ada!.score)).toBe(ada.maxScore);
    for (const row of Object.values(rows)) {
      expect(row.max, row.student).toBe(String(ada.maxScore)); // the lab's maximum, even with nothing graded
      const points = details.map((m, i) => Number(row[header[3 + i]!]));
      expect(points.reduce((a, b) => a + b, 0), row.student).toBe(Number(row.score));
    }
    // A lab that does not load fails each of its tests once; the syntax error is the note's business.
    expect(Number(rows.eve!.failures)).toBe(ada.tests.length);
    expect(rows.eve!.note).toMatch(/syntax error at labs\/lab1-http\/chunked\.ts:\d+:\d+/);
    expect(rows.dan!.note).toMatch(/process\.exit\(\)[^;]*labs\/lab1-http\/serializer\.ts:\d+/);
    expect(rows.dee!.note).toMatch(/no labs\/lab1-http/);
  });

  it('flags each kind of submission, and applies the late penalty', () => {
    const { rows } = gradebook();
    const flags = (student: string) => rows[student]!.flags.split('; ').filter(Boolean);
    expect(flags('ada')).toEqual(['identical code']);
    expect(flags('ben')).toEqual(['identical code']);
    expect(rows.ada!.note).toMatch(/the same code as ben/);
    expect(flags('bob')).toEqual([]);
    expect(flags('cat')).toEqual(['endless loop', 'late']);
    expect(flags('dan')).toEqual(['process.exit()']);
    expect(flags('eve')).toEqual(['syntax error']);
    expect(flags('gus')).toEqual(expect.arrayContaining(['odd layout', 'tampering attempt?']));
    expect(rows.gus!.note).toMatch(/backup\/old\/lab1-http/);
    expect(rows.gus!.note).toMatch(/package\.json/);
    expect(flags('dee')).toEqual(['no lab found']);
    // cat: 26 hours late, 2 started days at 10% each.
    expect(rows.cat!.late).toBe('1 d 2 h');
    expect(Number(rows.cat!.penalty)).toBeCloseTo(Number(rows.cat!.score) * 0.2, 2);
    expect(Number(rows.cat!.final)).toBeCloseTo(Number(rows.cat!.score) * 0.8, 2);
    expect(rows.dan!.late).toBe('');
    expect(rows.dan!.final).toBe(rows.dan!.score);
  });

  it('writes a class report with the histogram, milestones, hardest tests, flags and similar pairs', () => {
    const html = readFileSync(made.files.report, 'utf8');
    expect(html).toMatch(/<svg class="histogram"[^>]*aria-label="Histogram of scores: [^"]*100%: 2"/); // ada and ben
    for (const kind of ['loop', 'exit', 'syntax', 'tampering', 'layout', 'late', 'similar', 'no-lab']) expect(html).toContain(`class="flag ${kind}"`);
    for (const student of ['ada', 'ben', 'bob', 'cat', 'dan', 'dee', 'eve', 'gus']) expect(html).toContain(`href="grades-feedback/${student}.txt"`);
    // Tests, hardest first: the pass rates of the table never go down.
    const tests = html.slice(html.indexOf('id="tests"'), html.indexOf('id="students"'));
    const passed = [...tests.matchAll(/<span class="meter-text">(\d+) of (\d+)<\/span>/g)].map((m) => Number(m[1]) / Number(m[2]));
    expect(passed.length).toBe(made.rows.find((r) => r.student === 'ada')!.result!.tests.length);
    expect(passed).toEqual([...passed].sort((a, b) => a - b));
    const pairs = html.slice(html.indexOf('id="similar"'), html.indexOf('id="tests"'));
    expect(pairs).toMatch(/<td>ada<\/td><td>ben<\/td>.*identical/);
  });

  it("gives each student feedback that names what their code did, and nothing of the tests", () => {
    const feedback = (student: string) => readFileSync(join(made.feedbackDir, `${student}.txt`), 'utf8');
    expect(feedback('cat')).toMatch(/your code did not finish within \d+ ms/);
    expect(feedback('cat')).toMatch(/Submitted 1 d 2 h after the deadline/);
    expect(feedback('dan')).toMatch(/your code called process\.exit\(\)/);
    expect(feedback('eve')).toMatch(/a syntax error at labs\/lab1-http\/chunked\.ts:\d+:\d+/);
    expect(feedback('bob')).toMatch(/TODO\(lab1\): \w+ is not written yet/); // the starter's own words
    for (const student of ['ada', 'ben', 'bob', 'cat', 'dan', 'dee', 'eve', 'gus']) {
      expect(feedback(student), student).not.toMatch(/expected:|received:|\.grader\/batch|bounded\(/);
    }
    expect(readdirSync(join(ROOT, '.grader')).some((name) => name.startsWith(`batch-${process.pid}-`))).toBe(false);
  });

  it('grades one student again into the same gradebook and report', async () => {
    const before = gradebook().rows;
    writeFiles(join(submissions(), 'dan'), variant());
    const again = await runBatch({ lab: lab1, dir: submissions(), out: out(), only: ['dan'] });
    expect(again.graded.map((r) => r.student)).toEqual(['dan']);
    const after = gradebook().rows;
    expect(Number(after.dan!.score)).toBe(Number(after.dan!.max));
    expect(after.dan!.flags).toBe('identical code'); // dan now has ada's code, and the late policy stayed
    for (const student of ['cat', 'eve', 'gus', 'bob']) expect(after[student], student).toEqual(before[student]);
    expect(readFileSync(join(again.feedbackDir, 'dan.txt'), 'utf8')).toMatch(/Every test passed/);
    expect(readFileSync(join(again.feedbackDir, 'eve.txt'), 'utf8')).toMatch(/syntax error/); // the others' feedback stays
    await expect(runBatch({ lab: lab1, dir: submissions(), out: join(scratch, 'elsewhere', 'grades.csv'), only: ['dan'] })).rejects.toThrow(/grade the whole folder first/);
  }, 300_000);
});

describe('similar code', () => {
  const starter = new Map([['a.ts', 'export function f(x: number): number {\n  throw new Error("TODO(lab1): f is not written yet");\n}\n']]);
  const mine = 'export function f(x: number): number {\n  // double it, then add one\n  let total = 0;\n  for (let i = 0; i < 2; i += 1) total += x;\n  return total + 1;\n}\n';
  const theirs = 'export function f(x: number): number {\n  const squared = x * x;\n  if (squared > 100) return Math.sqrt(squared) - 1;\n  return [x, x].reduce((a, b) => a + b, 1);\n}\n';

  it('finds code that differs only in comments and whitespace identical, and a one-line change near-identical', () => {
    const copy = mine.replace('// double it, then add one', '/* my own words */').replace(/\n  /g, '\n\t\t');
    const changed = mine.replace('total + 1', 'total + 2');
    const { pairs } = similarPairs(
      [{ student: 'a', files: new Map([['a.ts', mine]]) }, { student: 'b', files: new Map([['a.ts', copy]]) }, { student: 'c', files: new Map([['a.ts', changed]]) }],
      starter,
      { threshold: 0.5 },
    );
    expect(pairs.find((p) => p.a === 'a' && p.b === 'b')).toMatchObject({ identical: true, similarity: 1 });
    const near = pairs.find((p) => p.a === 'a' && p.b === 'c')!;
    expect(near.identical).toBe(false);
    expect(near.similarity).toBeGreaterThan(0.5);
    expect(near.similarity).toBeLessThan(1);
  });

  it('does not pair code written independently, nor two untouched starters', () => {
    const { pairs, skipped } = similarPairs(
      [
        { student: 'a', files: new Map([['a.ts', mine]]) },
        { student: 'b', files: new Map([['a.ts', theirs]]) },
        { student: 's1', files: starter },
        { student: 's2', files: starter },
      ],
      starter,
      { threshold: 0.3 },
    );
    expect(pairs).toEqual([]);
    expect(skipped.sort()).toEqual(['s1', 's2']);
  });

  it('on the real lab: the reference against itself reformatted is identical, against the starter nothing', () => {
    const code = (files: Map<string, Buffer>) => new Map([...files].filter(([n]) => n.endsWith('.ts') && !n.endsWith('.test.ts')).map(([n, d]) => [n, d.toString('utf8')]));
    const starterCode = code(starterFiles('lab1-http'));
    const { pairs } = similarPairs(
      [{ student: 'ref', files: code(variant()) }, { student: 'copy', files: code(variant(reformat)) }, { student: 'loop', files: code(variant(loopIn('serializer.ts', 'export function lastChunk'))) }],
      starterCode,
    );
    expect(pairs.find((p) => p.b === 'ref' || p.a === 'ref')).toBeDefined();
    expect(pairs.filter((p) => p.identical).map((p) => [p.a, p.b].sort().join('+'))).toEqual(['copy+ref']);
    expect(pairs.find((p) => [p.a, p.b].includes('loop'))!.similarity).toBeGreaterThan(0.9);
  });
});

describe('late work', () => {
  it('reads submission times, counts started days late, and caps the penalty at the score', () => {
    const file = join(scratch, 'late.csv');
    writeFileSync(file, 'student,submitted\nada,2026-12-01T23:59:00Z\nbob,2026-12-02T00:00:01Z\ncy,2026-12-20T00:00:00Z\n');
    const policy = { deadline: Date.parse('2026-12-02T00:00:00Z'), penaltyPerDay: 15, submitted: readSubmissionTimes(file) };
    expect(lateness(policy, 'ada', 80)).toMatchObject({ lateMs: 0, penalty: 0 });
    expect(lateness(policy, 'bob', 80)).toMatchObject({ days: 1, penalty: 12 });
    expect(lateness(policy, 'cy', 80)).toMatchObject({ days: 18, penalty: 80 });
    expect(lateness(policy, 'nobody', 80)).toMatchObject({ submittedAt: '', penalty: 0 });
    writeFileSync(file, 'ada,yesterday-ish\n');
    expect(() => readSubmissionTimes(file)).not.toThrow(); // a header row
    writeFileSync(file, 'student,submitted\nada,yesterday-ish\n');
    expect(() => readSubmissionTimes(file)).toThrow(/line 2: "yesterday-ish" is not a time/);
  });
});

