// The grader's command line, as a learner meets it: exit codes, lab names, npm's flag handling.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../course.mjs';
import { materialize } from '../levels.mjs';

function grade(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_')));
  const run = spawnSync(process.execPath, [join(ROOT, 'grader', 'cli.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...clean, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run grade', () => {
  it('exits 2 and lists the labs when no lab is named', () => {
    const run = grade([]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/which lab\?/);
    expect(run.err).toMatch(/lab1 +http/);
  });

  it('exits 2 for an unknown lab or a stray argument', () => {
    expect(grade(['lab42']).code).toBe(2);
    const stray = grade(['lab1', 'out.json']);
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/put "--" before the options/);
  });

  it('exits 2 for an unknown option', () => {
    expect(grade(['lab1', '--no-such-flag']).code).toBe(2);
  });

  it('exits 2 yet still leaves GitHub Classroom a result to read, saying why', () => {
    const output = join(mkdtempSync(join(tmpdir(), 'cli-')), 'github-output');
    const run = grade(['lab42', '--github-classroom'], { GITHUB_OUTPUT: output });
    expect(run.code).toBe(2);
    const line = readFileSync(output, 'utf8');
    expect(line).toMatch(/^result=[A-Za-z0-9+/=]+\n$/);
    const result = JSON.parse(Buffer.from(line.slice('result='.length).trim(), 'base64').toString('utf8'));
    expect(result).toMatchObject({ version: 1, status: 'error', tests: [{ status: 'error' }] });
    expect(result.tests[0].message).toMatch(/lab42/);
  });

  it("shows TypeScript's errors in the graded lab as warnings above the score, and grades all the same", () => {
    mkdirSync(join(ROOT, '.grader'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.grader', 'cli-types-'));
    try {
      cpSync(join(ROOT, 'solutions', 'lab1-http'), dir, { recursive: true });
      appendFileSync(join(dir, 'chunked.ts'), "\nexport const wrong: number = 'not a number';\n");
      const run = grade(['lab1', '--lab-dir', dir, '--no-state']);
      expect(run.code).toBe(0); // the tests don't check types
      const lines = run.out.trimEnd().split('\n');
      expect(lines.at(-1)).toMatch(/^Score: (\d+)\/\1 /);
      const warning = lines.findIndex((l) => /^Warning: TypeScript finds 1 error in your lab/.test(l));
      expect(warning).toBeGreaterThan(-1);
      expect(lines[warning + 1]).toMatch(/⚠ \.grader\/cli-types-\w+\/chunked\.ts:\d+:\d+ TS2322 /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a loop, a process.exit() and a syntax error in the terminal and, redacted, in GitHub Classroom's result", () => {
    mkdirSync(join(ROOT, '.grader'), { recursive: true });
    const cases = [
      { file: 'serializer.ts', header: 'export function lastChunk', line: 'for (;;) {}', terminal: /did not finish within \d+ ms/, redacted: /your code did not finish within \d+ ms/ },
      { file: 'serializer.ts', header: 'export function reasonPhrase', line: 'process.exit(3);', terminal: /process\.exit unexpectedly called/, redacted: /your code called process\.exit\(\)/ },
      { file: 'chunked.ts', header: 'export function parseChunkSize', line: 'const = ;', terminal: /Fix this first:\n! .*(Transform failed|PARSE_ERROR|SyntaxError)/, redacted: /a syntax error at \.grader\/cli-own-\w+\/chunked\.ts:\d+:\d+/ },
    ];
    for (const { file, header, line, terminal, redacted } of cases) {
      const dir = mkdtempSync(join(ROOT, '.grader', 'cli-own-'));
      try {
        cpSync(join(ROOT, 'solutions', 'lab1-http'), dir, { recursive: true });
        const source = readFileSync(join(dir, file), 'utf8');
        const open = source.indexOf('{\n', source.indexOf(header)) + 2;
        writeFileSync(join(dir, file), `${source.slice(0, open)}  ${line}\n${source.slice(open)}`);
        const output = join(dir, 'github-output');
        const run = grade(['lab1', '--lab-dir', dir, '--no-state', '--github-classroom', '--redact'], { GITHUB_OUTPUT: output });
        expect(run.code, run.err).toBe(1);
        expect(run.out).toMatch(terminal);
        const result = JSON.parse(Buffer.from(readFileSync(output, 'utf8').slice('result='.length).trim(), 'base64').toString('utf8'));
        expect(result.tests.some((t: { message: string | null }) => redacted.test(t.message ?? '')), JSON.stringify(result.tests.find((t: { status: string }) => t.status !== 'pass'))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 300_000);

  it('exits 0 and writes the JSON report when every test passes', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'out.json');
    const run = grade(['1', '--solution', '--json', file]);
    expect(run.code).toBe(0);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ lab: 'lab1-http', target: 'solutions/lab1-http' });
    expect(json.score).toBe(json.maxScore);
    expect(Object.keys(json.tests[0])).toEqual(expect.arrayContaining(['name', 'section', 'status', 'points', 'maxPoints']));
  });

  it('exits 1 on the starter, with statuses from the allowed set', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'out.json');
    // labs/ may hold a learner's finished work: the starter as shipped is put together apart.
    const starter = materialize('lab1-http', 'guided', join(ROOT, '.grader', 'starter', 'lab1-http'));
    const run = grade(['http', '--lab-dir', starter, '--json', file]);
    expect(run.code).toBe(1);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    for (const t of json.tests) expect(['passed', 'failed', 'timedOut', 'error', 'notRun']).toContain(t.status);
  });

  it('honours --solution that npm swallowed, and says so', () => {
    const run = grade(['lab1'], { npm_config_solution: 'true' });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/graded solutions\/lab1-http/);
    expect(run.out).toMatch(/npm took --solution/);
  });

  it('honours every switch npm swallowed (--verbose, --no-state, --junit FILE), and names them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'out.xml');
    const run = grade(['lab1', file], {
      npm_config_solution: 'true',
      npm_config_loglevel: 'verbose',
      npm_config_state: '',
      npm_config_junit: 'true',
    });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/npm took --solution --verbose --no-state --junit /);
    expect(readFileSync(file, 'utf8')).toMatch(/<testsuites/);
  });

  it('refuses two swallowed options with values rather than guess which file is whose', () => {
    const run = grade(['lab1', 'a.json', 'b.xml'], { npm_config_json: 'true', npm_config_junit: 'true' });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/npm took --json, --junit for itself/);
    expect(run.err).toMatch(/npm run grade lab1 -- --json FILE --junit FILE/);
  });

  it('takes the file of a swallowed --json from the arguments', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cli-')), 'out.json');
    const run = grade(['lab1', file], { npm_config_json: 'true', npm_config_solution: 'true' });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).lab).toBe('lab1-http');
  });
});
