// The classroom side: machine formats of a grade (and what they must never leak), the students'
// release, the Gradescope autograder in a simulated /autograder, and batch grading. Lab 1 only:
// its grade takes about a second.
import { spawnSync } from 'node:child_process';
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
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAutograder } from '../classroom/autograder.mjs';
import { runBatch } from '../classroom/batch.mjs';
import { starterFiles, writeFiles } from '../classroom/files.mjs';
import { buildRelease, findLeaks } from '../classroom/release.mjs';
import { flips, signature } from '../classroom/repeat.mjs';
import { locateLab } from '../classroom/submission.mjs';
import { ROOT, findLab, labDetails } from '../course.mjs';
import { HIDDEN_LINE, gitHubClassroomResult, gitHubOutputLine, redact, toExercism, toGitHubClassroom, toGradescope, toJUnit } from '../formats.mjs';
import type { GradeResult } from '../report.mjs';

const lab1 = findLab('lab1')!;
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
      { message: 'SyntaxError: Unexpected token', location: 'labs/lab1-http/parser.ts:3:1' },
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
    expect(redacted.problems[0]).toEqual(original.problems[0]); // it points into the learner's own file
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
      expect(row.output).toMatch(/^(passed|failed|timed out|error|not run) · \d+\/\d+ points?( · hidden test: details are not shown(\nrule [A-Z]{1,2}\d+: [^\n]+)*(\nread: lessons\/[\w.-]+\.md#[\w-]+)?)?$/);
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
    // GitHub Classroom: one grading step per lab, added up by the grading reporter.
    const workflow = readFileSync(join(out, '.github', 'workflows', 'classroom.yml'), 'utf8');
    expect(workflow).toContain('npm run grade lab1 -- --github-classroom');
    expect(workflow).toContain('LAB1_RESULTS: "${{ steps.lab1.outputs.result }}"');
    expect(workflow).toContain('autograding-grading-reporter');
    expect(readFileSync(join(out, 'reference', 'lab1-http', 'parser.ts'))).toEqual(readFileSync(join(ROOT, 'solutions', 'lab1-http', 'parser.ts')));

    const info = JSON.parse(readFileSync(join(out, 'grader', 'release.json'), 'utf8'));
    expect(info).toMatchObject({ hidden: false, reference: ['lab1-http'], contact: 'Ada (ada@example.edu)' });
    expect(info.labs['lab1-http']).toEqual(labDetails(lab1));

    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(pkg.imports['#http']).toEqual({ reference: './reference/lab1-http/index.ts', 'reference-http': './reference/lab1-http/index.ts', default: './labs/lab1-http/index.ts' });
    expect(pkg.imports['#server']).toBe('./labs/lab2-server/index.ts');
    expect(pkg.scripts.test).toBe('tsc -p tsconfig.json && vitest run labs/');
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
    for (const row of results.tests) {
      expect(row.output).toMatch(/^(failed|timed out|error|not run) · 0\/\d+ points? · hidden test: details are not shown(\nrule [A-Z]{1,2}\d+: [^\n]+)*(\nread: lessons\/[\w.-]+\.md#[\w-]+)?$/);
    }
    expect(results.output).not.toMatch(/expected:|received:/);
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

describe('npm run grade-batch', () => {
  it('grades a reference, a starter and a half-done lab into a gradebook and redacted feedback', async () => {
    const submissions = join(scratch, 'submissions');
    cpSync(join(ROOT, 'solutions', 'lab1-http'), join(submissions, 'ada'), { recursive: true });
    writeFiles(join(submissions, 'bob', 'labs', 'lab1-http'), starterFiles('lab1-http'));
    writeFiles(join(submissions, 'cy', 'lab1-http'), starterFiles('lab1-http'));
    for (const name of ['request-line.ts', 'syntax.ts', 'headers.ts']) {
      cpSync(join(ROOT, 'solutions', 'lab1-http', name), join(submissions, 'cy', 'lab1-http', name));
    }
    mkdirSync(join(submissions, 'dee', 'notes'), { recursive: true });
    const out = join(scratch, 'gradebook', 'grades.csv');
    const { rows, feedbackDir } = await runBatch({ lab: lab1, dir: submissions, out });

    const [header, ...lines] = readFileSync(out, 'utf8').trimEnd().split('\n');
    const milestones = labDetails(lab1).milestones.map((m) => m.id);
    expect(header).toBe(['student', 'score', 'max', ...milestones, 'failures', 'note'].join(','));
    const table = Object.fromEntries(lines.map((line) => [line.split(',')[0], line.split(',')]));
    const max = Number(table.ada![2]);
    expect(Number(table.ada![1])).toBe(max);
    expect(Number(table.bob![1])).toBe(0);
    const half = Number(table.cy![1]);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(max);
    for (const name of ['ada', 'bob', 'cy']) {
      const cells = table[name]!;
      const points = cells.slice(3, 3 + milestones.length).map(Number);
      expect(points.reduce((a, b) => a + b, 0), name).toBe(Number(cells[1]));
    }
    expect(table.ada![3 + milestones.length]).toBe('0');
    expect(table.dee!.at(-1)).toMatch(/no labs\/lab1-http/);

    const feedback = readFileSync(join(feedbackDir, 'cy.txt'), 'utf8');
    expect(feedback).toMatch(/Graded: labs\/lab1-http/);
    expect(feedback).toContain(HIDDEN_LINE);
    expect(feedback).not.toMatch(/expected:|received:|TODO\(lab1\)/);
    expect(feedback).not.toMatch(/\.grader\/batch/); // the student's paths, not the scratch copy's
    expect(readdirSync(feedbackDir).sort()).toEqual(['ada.txt', 'bob.txt', 'cy.txt', 'dee.txt']);
    expect(rows.find((r) => r.student === 'cy')?.result?.target).toBe('labs/lab1-http');
    expect(readdirSync(join(ROOT, '.grader')).some((name) => name.startsWith(`batch-${process.pid}-`))).toBe(false);
  });
});
