// Hidden tests for lab 8's prefork server: the signals an arbiter answers (HUP, TTIN, TTOU, TERM,
// INT, QUIT). Real processes, as arbiter-support.ts describes.
import { afterEach, expect } from 'vitest';
import { milestone } from '../../harness/index.ts';
import { killArbiters, alive, arbiterTest, askPids, BOUND_MS, children, dies, gates, get, type Held, hold, leftBehind, Prefork, refuses, signalTaken, START_MS } from './arbiter-support.ts';
import { sleep, within } from './helpers.ts';

afterEach(killArbiters);

milestone('signals', () => {
  arbiterTest('HUP reloads the workers without refusing a connection', {
    rules: ['S1'],
    points: 4,
    hint: 'Start the new workers first and wait until they are ready; only then ask the old ones to stop, and let them finish what they are serving.',
  }, async () => {
    const prefork = await Prefork.start(2);
    const old = prefork.workers;
    let stop = false;
    const failures: string[] = [];
    const answeredBy: number[] = [];
    const client = async () => {
      while (!stop) {
        try {
          const { status, body } = await get(prefork.port, '/pid');
          if (status === 200) answeredBy.push(Number(body));
          else failures.push(`GET /pid: ${status} ${JSON.stringify(body)}`);
        } catch (error) {
          failures.push(String((error as Error).message ?? error));
        }
      }
    };
    const clients = [client(), client(), client()];
    try {
      // The clients are running: a few answers have come.
      await within(BOUND_MS, 'the first answers to the clients', (async () => {
        while (answeredBy.length < 3 && failures.length === 0) await sleep(20);
      })());
      const from = prefork.reports.length;
      prefork.signal('SIGHUP');
      const fresh = await prefork.waitFor((r) => r.workers.length === 2 && r.workers.every((pid) => !old.includes(pid)), START_MS, 'a report with two new workers', from);
      const since = answeredBy.length;
      await within(BOUND_MS, 'an answer from a new worker', (async () => {
        while (!answeredBy.slice(since).some((pid) => fresh.workers.includes(pid))) await sleep(20);
      })());
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures, `requests that failed during the reload (of ${answeredBy.length + failures.length})`).toEqual([]);
    for (const pid of old) expect(await dies(pid, BOUND_MS), `old worker ${pid} should have exited`).toBe(true);
  });

  arbiterTest('a worker retired by HUP leaves the list at once, and finishes its request however long it takes', {
    rules: ['S2', 'W3', 'H4', 'W4'],
    points: 3,
    hint: 'Mark a retiring worker so status() leaves it out and the watchdog leaves it alone (it stops beating); the worker stops accepting, then lets lab 2\'s close() finish its requests before it exits.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--timeout', '2500', '--graceful-timeout', '60000'], gate.env);
    const [old] = prefork.workers as [number];
    const held = await hold(prefork, 'hup');
    const from = prefork.reports.length;
    prefork.signal('SIGHUP');
    const reloaded = await prefork.waitFor(
      (r) => r.workers.length === 1 && r.workers[0] !== old,
      START_MS,
      `a report with the new worker only, while the old one ${old} still finishes its request`,
      from,
    );
    expect(held.finished(), 'the request should still be in flight (the gate is closed)').toBe(false);
    // The retiring worker sends no heartbeat: a watchdog that judged it by timeoutMs (2.5 s) would
    // kill it in this time.
    await sleep(5000);
    expect(alive(old), `the retiring worker ${old} should still be finishing its request, 5 s after it was asked to stop`).toBe(true);
    const forked = children(prefork.pid); // the old worker and the new one
    prefork.note('the gate opens: the held request can finish');
    gate.open('hup');
    expect(await held.client.closes(BOUND_MS), `the held request should finish, then its connection close; ${held.client.story()}`).toBe(true);
    expect(held.finished(), `the held request should get its whole answer; ${held.client.story()}`).toBe(true);
    expect(await dies(old, BOUND_MS), `the old worker ${old} should exit once its request is done`).toBe(true);
    // A retired worker is not replaced: a replacement would be forked at once, or after a short delay.
    await sleep(2000);
    const added = children(prefork.pid).filter((pid) => !forked.includes(pid));
    expect(added, `worker processes forked after the retired worker ${old} exited (a retired worker is not replaced)`).toEqual([]);
    const after = await get(prefork.port, '/pid');
    expect(after.status, `GET /pid after the reload: ${JSON.stringify(after)}`).toBe(200);
    expect(Number(after.body), `GET /pid after the reload should be answered by a new worker (the first was ${reloaded.workers[0]})`).not.toBe(old);
  });

  arbiterTest('TTIN adds a worker; TTOU retires one gracefully', {
    rules: ['S6', 'S7', 'S2'],
    points: 3,
    hint: 'TTIN: one more in the target, fork it. TTOU: one fewer (never below one), and retire a worker gracefully: it finishes what it is serving.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(1, ['--graceful-timeout', '60000'], gate.env);
    let from = prefork.reports.length;
    prefork.signal('SIGTTIN');
    const grown = await prefork.waitFor((r) => r.workers.length === 2, START_MS, 'a report with two workers after TTIN', from);
    expect(grown.target, 'the target after TTIN').toBe(2);
    // A request in flight on each worker, whichever TTOU retires.
    const holds: Held[] = [];
    for (let i = 0; i < 8 && !grown.workers.every((pid) => holds.some((h) => h.pid === pid)); i++) holds.push(await hold(prefork, 'ttou'));
    expect(holds.map((h) => h.pid).sort(), 'the workers holding a request').toEqual(expect.arrayContaining([...grown.workers].sort()));
    from = prefork.reports.length;
    prefork.signal('SIGTTOU');
    const shrunk = await prefork.waitFor((r) => r.workers.length === 1, BOUND_MS, 'a report with one worker after TTOU', from);
    expect(shrunk.target, 'the target after TTOU').toBe(1);
    const removed = grown.workers.find((pid) => !shrunk.workers.includes(pid))!;
    prefork.note('the gate opens: the held requests can finish');
    gate.open('ttou');
    for (const held of holds) {
      expect(await held.client.closes(BOUND_MS), `the request held by worker ${held.pid} should finish; ${held.client.story()}`).toBe(true);
      expect(held.finished(), `worker ${held.pid}${held.pid === removed ? ', retired by TTOU,' : ''} should finish its request; ${held.client.story()}`).toBe(true);
    }
    expect(await dies(removed, BOUND_MS), `the retired worker ${removed} should have exited`).toBe(true);
    const pids = await askPids(prefork.port, 4, () => false);
    expect([...pids], 'the worker that answers after TTOU').toEqual(shrunk.workers);
  });

  arbiterTest('TTOU never goes below one worker', {
    rules: ['S7'],
    points: 2,
    hint: 'In decrement(), return at once when the target is 1: a TTOU then changes nothing.',
  }, async () => {
    const prefork = await Prefork.start(1);
    const [only] = prefork.workers as [number];
    const from = prefork.reports.length;
    prefork.signal('SIGTTOU');
    await signalTaken(prefork.pid, 'SIGTTOU', BOUND_MS);
    prefork.signal('SIGTTIN');
    const next = await prefork.waitFor(() => true, START_MS, 'the first report after TTOU, then TTIN', from);
    expect(next, `with one worker, TTOU should change nothing, so TTIN makes two: the first report after them`).toMatchObject({ target: 2 });
    expect(next.workers, 'the one worker should still be there').toContain(only);
    expect(next.workers, 'two workers after TTOU (nothing) and TTIN (one more)').toHaveLength(2);
  });

  arbiterTest('TERM lets a request in flight finish, and the arbiter exits after its workers', {
    rules: ['S4', 'S2'],
    points: 3,
    hint: 'Graceful: each worker stops accepting and closes its server (lab 2\'s close lets requests finish) before it exits; the arbiter waits for every worker\'s exit, then exits.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(2, ['--graceful-timeout', '60000'], gate.env);
    const held = await hold(prefork, 'term');
    prefork.signal('SIGTERM');
    // The workers stop taking connections: the port closes (or the arbiter is gone already).
    await within(BOUND_MS, 'the port refusing connections once the workers stopped taking them', (async () => {
      while (prefork.exit === null && !(await refuses(prefork.port))) await sleep(50);
    })()).catch(() => {});
    prefork.note('the gate opens: the held request can finish');
    gate.open('term');
    expect(await held.client.closes(BOUND_MS), `the held request should finish; ${held.client.story()}`).toBe(true);
    expect(held.finished(), `the request in flight should get its whole answer; ${held.client.story()}`).toBe(true);
    expect(await prefork.exits(BOUND_MS), 'the arbiter should exit once its workers have').toBe(true);
    expect(prefork.aliveAtExit, 'workers still alive when the arbiter exited: it should wait for them').toEqual([]);
    expect(prefork.reports.at(-1)?.event, 'the last report').toBe('stopped');
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  arbiterTest('TERM kills a worker still busy after the graceful timeout', {
    rules: ['S3'],
    points: 2,
    hint: 'When you ask a worker to stop, start a timer of gracefulTimeoutMs; if the worker has not exited when it fires, SIGKILL it.',
  }, async () => {
    const gate = gates();
    const prefork = await Prefork.start(2, ['--graceful-timeout', '1500'], gate.env);
    const held = await hold(prefork, 'never');
    prefork.signal('SIGTERM');
    expect(await prefork.exits(BOUND_MS), 'the arbiter should exit: the busy worker is killed 1.5 s after it was asked to stop').toBe(true);
    expect(held.finished(), `the request that never ends should have been cut off; ${held.client.story()}`).toBe(false);
    expect(await leftBehind(prefork.pid, BOUND_MS), 'processes of the arbiter\'s tree still running').toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    arbiterTest(`${signal.slice(3)} stops at once, cutting requests in flight, and leaves nothing behind`, {
      rules: ['S5'],
      points: 2,
      hint: 'A quick shutdown does not wait for requests: SIGKILL the workers, wait for their exit, then exit.',
    }, async () => {
      const gate = gates();
      const prefork = await Prefork.start(2, ['--graceful-timeout', '120000'], gate.env);
      const held = await hold(prefork, 'never');
      prefork.signal(signal);
      expect(await prefork.exits(BOUND_MS), `the arbiter should exit after ${signal}, without waiting for the request in flight (graceful timeout: 120 s)`).toBe(true);
      expect(await held.client.closes(BOUND_MS), `the request in flight should be cut off; ${held.client.story()}`).toBe(true);
      expect(held.finished(), `${signal}: the request in flight should not have finished; ${held.client.story()}`).toBe(false);
      expect(prefork.aliveAtExit, `workers still alive when the arbiter exited`).toEqual([]);
      expect(await leftBehind(prefork.pid, BOUND_MS), `${signal}: processes of the arbiter's tree still running`).toEqual([]);
    });
  }
});
