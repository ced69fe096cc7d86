// The supervisor against code that loops, exits and never loads: every test gets a status, the
// grade ends in bounded time, and no runner process is left behind.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../course.mjs';
import { supervise } from '../supervisor.mjs';

const fixtures = join(ROOT, 'grader', 'selftest', 'fixtures');
const options = {
  aliases: {
    '@lab/misbehaving': join(fixtures, 'misbehaving-lab.ts'),
    '@lab/import-loop': join(fixtures, 'import-loop-lab.ts'),
  },
  reference: true,
  testTimeout: 500,
  graceMs: 700,
  loadTimeout: 3000,
  emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'),
};

const statuses = (outcome: Awaited<ReturnType<typeof supervise>>) =>
  Object.fromEntries(outcome.tests.map((t) => [t.name, t.status]));

/**
 * Runner processes still alive for this fixture (they would be orphans: its grade has finished).
 * Only this fixture's: other self-tests may be grading at the same time.
 */
function leftoverRunners(fixture: string): string[] {
  if (process.platform === 'win32') return [];
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('grader/runner.mjs') && line.includes(join(fixtures, fixture)));
}

describe('supervise', () => {
  it('fails an endless loop as timed out, and still runs the tests after it', async () => {
    const outcome = await supervise({ ...options, files: [join(fixtures, 'loops.fixture.ts')] });
    expect(statuses(outcome)).toEqual({
      'passes before the loop': 'passed',
      'spins without a bound': 'timedOut',
      'passes after the loop': 'passed',
      'fails honestly': 'failed',
    });
    expect(outcome.runners).toBe(2);
    expect(leftoverRunners('loops.fixture.ts')).toEqual([]);
  });

  it('reports process.exit as an error of the test that called it', async () => {
    const outcome = await supervise({ ...options, files: [join(fixtures, 'exits.fixture.ts')] });
    const result = statuses(outcome);
    expect(result['passes before the exit']).toBe('passed');
    expect(result['calls process.exit']).toMatch(/^(error|failed)$/);
    expect(result['passes after the exit']).toBe('passed');
    const exitTest = outcome.tests.find((t) => t.name === 'calls process.exit');
    expect(exitTest?.errors[0]?.message).toMatch(/process\.exit/);
  });

  it('stops a test whose thread stopped beating long before its own timeout, and not one that only waits', async () => {
    const outcome = await supervise({
      ...options,
      testTimeout: 20_000,
      blockedMs: 1000,
      files: [join(fixtures, 'heartbeat.fixture.ts')],
    });
    expect(statuses(outcome)).toEqual({
      'waits longer than the heartbeat bound, without blocking': 'passed',
      'holds the thread in a socket-callback-like loop': 'timedOut',
      'runs after the blocked one': 'passed',
    });
    // The heartbeat caught it (the 20 s timeout would have said "did not finish within").
    expect(outcome.tests.find((t) => t.status === 'timedOut')?.errors[0]?.message).toMatch(/held the thread/);
    expect(leftoverRunners('heartbeat.fixture.ts')).toEqual([]);
  });

  it('runs a slow failure again, alone and with more time, when the machine was busy', async () => {
    const busy = { cores: 2, start() { return this; }, stop() {}, busyBetween: () => true, averageBetween: () => 5 };
    const outcome = await supervise({ ...options, monitor: busy, files: [join(fixtures, 'slow.fixture.ts')] });
    expect(statuses(outcome)).toEqual({
      'needs 700 ms (its first run, bounded at 500 ms, times out)': 'passed',
      'fails at once, whatever the load': 'failed',
    });
    expect(outcome.tests.map((t) => t.retried ?? false)).toEqual([true, false]);
  });

  it('leaves a timeout on an idle machine as it is, in its own words', async () => {
    const idle = { cores: 2, start() { return this; }, stop() {}, busyBetween: () => false, averageBetween: () => 0 };
    const outcome = await supervise({ ...options, monitor: idle, files: [join(fixtures, 'slow.fixture.ts')] });
    const slow = outcome.tests[0];
    expect(slow?.status).toBe('timedOut');
    expect(slow?.retried).toBeUndefined();
    expect(slow?.errors[0]?.message).toMatch(/^did not finish within 500 ms/);
    expect(slow?.errors[0]?.message).not.toMatch(/testTimeout/);
  });

  it('lists the tests of a lab that never finishes loading, as errors', async () => {
    const outcome = await supervise({ ...options, files: [join(fixtures, 'import-loop.fixture.ts')] });
    expect(statuses(outcome)).toEqual({ 'would pass if the lab loaded': 'error' });
    expect(outcome.tests[0]?.meta.points).toBe(3);
    expect(outcome.fileErrors[0]?.errors[0]?.message).toMatch(/did not finish loading/);
    expect(leftoverRunners('import-loop')).toEqual([]);
  });
});
