// Hidden tests for lab 8's prefork server: the arbiter starts its workers, replaces the ones that
// die or hang, and gives slow ones time. Real processes, as arbiter-support.ts describes; the
// signals are in signals.test.ts (two files, so that the grader runs them side by side: both mostly
// wait for processes).
import { afterEach, expect } from 'vitest';
import { milestone } from '../../harness/index.ts';
import { killArbiters, alive, arbiterTest, askPids, BOUND_MS, dies, gates, get, leftBehind, NO_APP, Prefork, START_MS } from './arbiter-support.ts';
import { RawClient, sleep } from './helpers.ts';

afterEach(killArbiters);

milestone('arbiter', () => {
  arbiterTest('starts the workers it is asked for, and they all serve one port', {
    rules: ['W1', 'W2', 'W5'],
    points: 3,
    hint: 'Fork the workers with cluster; each listens on the same port (the primary shares it) and says "ready" when it does; start() waits for all of them. Serve the app with tsgiHandler(app, { multiprocess: true }).',
  }, async () => {
    const prefork = await Prefork.start(3);
    const workers = prefork.workers;
    expect(workers, 'three worker pids in the "listening" report').toHaveLength(3);
    expect(new Set(workers).size, `three different processes: ${workers.join(', ')}`).toBe(3);
    expect(workers, 'the workers should be processes of their own, not the arbiter').not.toContain(prefork.pid);
    for (const pid of workers) expect(alive(pid), `worker ${pid} should be alive`).toBe(true);
    const pids = await askPids(prefork.port, 30, (seen) => workers.every((pid) => seen.has(pid)));
    expect([...pids].sort(), `the workers that answered 30 requests on new connections; workers ${workers.join(', ')}`).toEqual([...workers].sort());
    const env = await get(prefork.port, '/env');
    expect(JSON.parse(env.body).multiprocess, `GET /env: what the app sees in environ["tsgi.multiprocess"]: ${env.body}`).toBe(true);
  });

  arbiterTest('replaces a worker that dies', {
    rules: ['W4'],
    points: 3,
    hint: 'Listen for each worker\'s exit: unless you retired it (or the arbiter is stopping), fork a new one in its place.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const [victim, survivor] = prefork.workers as [number, number];
    const from = prefork.reports.length;
    prefork.note(`SIGKILL to worker ${victim}`);
    process.kill(victim, 'SIGKILL');
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && !r.workers.includes(victim),
      START_MS,
      `a report with worker ${victim} replaced by a new one`,
      from,
    );
    expect(after.workers, `worker ${survivor}, which did not die, should still be there`).toContain(survivor);
    expect(await dies(victim, BOUND_MS), `worker ${victim} should be gone`).toBe(true);
    const fresh = after.workers.find((pid) => pid !== survivor)!;
    const pids = await askPids(prefork.port, 20, (seen) => seen.has(fresh));
    expect(pids, `the new worker ${fresh} should serve (answered by ${[...pids].join(', ')})`).toContain(fresh);
  });

  arbiterTest('a module that exports no app is an error, not a server', {
    rules: ['W6'],
    points: 2,
    hint: 'After importing the module, check that it exports a function named app; throw if not. The worker exits with the error, its "exited before it was ready" rejects start(), and serve.ts exits.',
  }, async () => {
    // First, the same arbiter serves a module that has an app: it works.
    const control = await Prefork.start(1);
    await control.killAll();
    const prefork = new Prefork(['--app', NO_APP, '--workers', '2', '--port', '0']);
    const exited = await prefork.until(() => prefork.exit !== null || prefork.reports.length > 0, START_MS);
    expect(prefork.reports.map((r) => r.event), 'serve.ts should report no workers for a module without an app').toEqual([]);
    expect(exited && prefork.exit !== null, 'serve.ts should exit when its workers cannot load the app').toBe(true);
    expect(prefork.exit?.code, 'serve.ts should exit with a non-zero code').not.toBe(0);
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  arbiterTest('the heartbeat: a worker stuck in a loop is killed and replaced, an idle one lives on', {
    rules: ['H1', 'H2'],
    points: 3,
    lesson: '08-production.md#the-heartbeat',
    hint: 'A worker sends a heartbeat from a timer; a loop stops its timers. The arbiter notes the time of each worker\'s last beat, and kills the silent ones, only them.',
  }, async () => {
    const prefork = await Prefork.start(2, ['--timeout', '3000']);
    const before = prefork.workers;
    const from = prefork.reports.length;
    // A raw request: fetch would retry it on the other worker once the first one dies.
    const spinning = await RawClient.connect(prefork.port);
    prefork.note('a request that makes one worker loop for ever');
    spinning.send('GET /spin HTTP/1.1\r\nHost: test\r\n\r\n');
    const stuckLine = await prefork.waitForLine((line) => /^app \d+: GET \/spin/.test(line), BOUND_MS, 'a worker starting to loop on GET /spin');
    const stuck = Number(/^app (\d+)/.exec(stuckLine)?.[1]);
    const idle = before.find((pid) => pid !== stuck)!;
    const after = await prefork.waitFor(
      (r) => r.workers.length === 2 && !r.workers.includes(stuck),
      START_MS,
      `a report in which the stuck worker ${stuck} has been replaced`,
      from,
    );
    expect(after.workers, `the idle worker ${idle} kept beating: it should not have been killed with the stuck one ${stuck}`).toContain(idle);
    expect(await dies(stuck, BOUND_MS), `the stuck worker ${stuck} should have been killed`).toBe(true);
    // Longer than timeoutMs (3 s) and a few watchdog rounds: a worker whose beats never reach the
    // arbiter would be killed by now too, a little after the stuck one.
    await sleep(4500);
    expect(alive(idle), `the idle worker ${idle}, 4.5 s after the stuck one was replaced, should still be alive: its heartbeats keep it`).toBe(true);
    expect(await spinning.closes(BOUND_MS), `the stuck request's connection should end with its worker; ${spinning.story()}`).toBe(true);
    const { status } = await get(prefork.port, '/');
    expect(status, 'GET / after the replacement').toBe(200);
  });

  arbiterTest('a worker slow to start is given time, not killed for its silence', {
    rules: ['H3', 'W3'],
    points: 2,
    lesson: '08-production.md#the-heartbeat',
    hint: 'Until a worker says it is ready, judge its silence by BOOT_TIMEOUT_MS, not timeoutMs: loading and compiling its code is not a hang.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--timeout', '1500'], gate.env);
    const [first] = prefork.workers as [number];
    gate.open('boot');
    const from = prefork.reports.length;
    prefork.note(`the "boot" gate is open: new workers hold while they start; SIGKILL to worker ${first}`);
    process.kill(first, 'SIGKILL');
    const line = await prefork.waitForLine((l) => /^app \d+: starting/.test(l), START_MS, 'a replacement worker starting');
    const starting = Number(/^app (\d+)/.exec(line)?.[1]);
    prefork.known.add(starting);
    // Longer than timeoutMs (1.5 s) and a few watchdog rounds: a worker judged by timeoutMs would
    // be killed by now; one given BOOT_TIMEOUT_MS (30 s) is still starting.
    await sleep(5000);
    expect(alive(starting), `worker ${starting}, still starting after 5 s with timeoutMs 1500, should not have been killed`).toBe(true);
    const early = prefork.reports.slice(from).find((r) => r.workers.includes(starting));
    expect(early, `a report listed worker ${starting} while it was still starting: status() lists ready workers only`).toBeUndefined();
    prefork.note('the "boot" gate closes: the worker finishes starting');
    gate.close('boot');
    const ready = await prefork.waitFor((r) => r.workers.length === 1 && r.workers[0] !== first, START_MS, 'a report with the replacement ready', from);
    expect(ready.workers, 'the worker that was slow to start should be the one serving now').toEqual([starting]);
  });
});
