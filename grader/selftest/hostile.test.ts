// Hostile submissions: each is graded through the real supervisor and runner, and must end with
// the right outcome, in bounded time, with the tests after it still run and nothing left running.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../course.mjs';
import { supervise, type RunOutcome } from '../supervisor.mjs';

const fixtures = join(ROOT, 'grader', 'selftest', 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'hostile-'));
const posix = process.platform !== 'win32';

beforeAll(() => {
  // The hostile modules find their targets here (the workers inherit the environment).
  process.env.HOSTILE_ROOT = ROOT;
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function gradeHostile(name: string, extra: { childProcesses?: boolean; memoryMb?: number } = {}): Promise<Record<string, string>> {
  const outcome: RunOutcome = await supervise({
    files: [join(fixtures, 'hostile.fixture.ts')],
    aliases: { '@lab/hostile': join(fixtures, 'hostile', `${name}.ts`) },
    reference: true,
    testTimeout: 1000,
    graceMs: 1000,
    loadTimeout: 5000,
    emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'),
    ...extra,
  });
  lastOutcome = outcome;
  return Object.fromEntries(outcome.tests.map((t) => [t.name, t.status]));
}
let lastOutcome: RunOutcome | undefined;

/** Processes whose command line contains `marker` (POSIX). */
function processesMatching(marker: string): string[] {
  if (!posix) return [];
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('hostile submissions', () => {
  it('a promise that never settles fails its own test; the next test still runs', async () => {
    expect(await gradeHostile('never-settles')).toEqual({ 'the hostile call': 'timedOut', 'a test after it': 'passed' });
  });

  it('process.exit() at import fails every test, and says why', async () => {
    const result = await gradeHostile('exit-at-import');
    expect(Object.values(result).every((status) => status !== 'passed')).toBe(true);
    expect(Object.keys(result)).toHaveLength(2);
  });

  it('process.exit() in a test fails that test; the next still runs', async () => {
    const result = await gradeHostile('exit-in-call');
    expect(result['the hostile call']).not.toBe('passed');
    expect(result['a test after it']).toBe('passed');
  });

  it('a server left listening is gone when the grade ends', async () => {
    const result = await gradeHostile('server-left-listening');
    expect(result['the hostile call']).toBe('passed');
    const printed = lastOutcome!.tests.find((t) => t.name === 'the hostile call')?.output ?? '';
    const port = Number(/PORT (\d+)/.exec(printed)?.[1]);
    expect(port, `the fixture printed ${JSON.stringify(printed)}`).toBeGreaterThan(0);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused, `port ${port} still accepts connections`).toBe(true);
  });

  it('10 MB of output is cut to a few kilobytes in the record', async () => {
    const result = await gradeHostile('huge-output');
    expect(result['the hostile call']).toBe('passed');
    const printed = lastOutcome!.tests.find((t) => t.name === 'the hostile call')?.output ?? '';
    expect(printed.length).toBeLessThanOrEqual(4000);
    expect(lastOutcome!.runnerOutput.length).toBeLessThanOrEqual(8000);
  });

  it.runIf(posix)('reading a solution file is refused by the permission model', async () => {
    const result = await gradeHostile('reads-solution');
    expect(result['the hostile call']).toBe('failed');
    const message = lastOutcome!.tests.find((t) => t.name === 'the hostile call')?.errors[0]?.message ?? '';
    expect(message).toMatch(/ERR_ACCESS_DENIED|Access to this API has been restricted/);
  });

  it.runIf(posix)('writing over a hidden test is refused, and the file is unchanged', async () => {
    const file = join(ROOT, 'grader', 'hidden', 'lab1-http', 'request.test.ts');
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const result = await gradeHostile('edits-hidden-test');
    expect(result['the hostile call']).toBe('failed');
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it.runIf(posix)('spawning a process is refused unless the lab needs it', async () => {
    const result = await gradeHostile('spawns-children');
    expect(result['the hostile call']).toBe('failed');
    expect(processesMatching('sleep 987')).toEqual([]);
  });

  it.runIf(posix)('a detached child of a lab that may spawn is killed with the grade', async () => {
    const result = await gradeHostile('spawns-children', { childProcesses: true });
    expect(result['the hostile call']).toBe('passed');
    expect(processesMatching('sleep 987')).toEqual([]);
  });

  it('allocating until out of memory fails that test; the next still runs', async () => {
    const result = await gradeHostile('allocates', { memoryMb: 96 });
    expect(result['the hostile call']).not.toBe('passed');
    expect(result['a test after it']).toBe('passed');
  });

  it('no runner is left behind by any of the above', () => {
    expect(processesMatching('grader/runner.mjs').filter((line) => line.includes(fixtures))).toEqual([]);
  });
});

describe('a lab that writes the results file', () => {
  const copy = join(ROOT, '.grader', 'hostile-results', 'lab1-http');
  beforeAll(() => {
    rmSync(join(ROOT, '.grader', 'hostile-results'), { recursive: true, force: true });
    cpSync(join(ROOT, 'solutions', 'lab1-http'), copy, { recursive: true });
    // At import, the lab writes a perfect score where the grader will write its results.
    const target = join(scratch, 'results.json');
    writeFileSync(
      join(copy, 'chunked.ts'),
      readFileSync(join(copy, 'chunked.ts'), 'utf8') +
        // (the permission model refuses the write; were it off, the grader still writes last)
        `\nimport { writeFileSync as forge } from 'node:fs';\ntry { forge(${JSON.stringify(target)}, JSON.stringify({ score: 999, maxScore: 999 })); } catch {}\n`,
    );
  });
  afterAll(() => rmSync(join(ROOT, '.grader', 'hostile-results'), { recursive: true, force: true }));

  it('gets the grader results, written after the tests ended', () => {
    const target = join(scratch, 'results.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'grader', 'cli.mjs'), 'lab1', '--lab-dir', copy, '--json', target, '--no-state'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(existsSync(target)).toBe(true);
    const results = JSON.parse(readFileSync(target, 'utf8'));
    // The lab is the reference: its true results are full marks out of lab 1's points, not the forgery.
    expect(results.maxScore).not.toBe(999);
    expect(results.score).toBe(results.maxScore);
    expect(results.tests.length).toBeGreaterThan(50);
    expect(run.status).toBe(0);
  });
});
