#!/usr/bin/env node
// @ts-check
// `npm run bench`: every benchmark of the course, each figure a median over repeated runs and a
// ratio against a peer measured in the same run, taking turns with it (this machine is shared and
// noisy: only a ratio measured side by side means anything). Prints the table and writes it to
// grader/bench/latest.md, grader/bench/latest.json and the table in grader/INTERNALS.md.
//   node grader/bench/run.mjs                  everything (about 26 minutes on two cores, two thirds
//                                              of it npm test and the batch of 100 submissions)
//   node grader/bench/run.mjs router http      some groups only: grader, http, templates, router
//                                              (printed, not written to latest.*)
//   node grader/bench/run.mjs --quick          shorter runs, for trying the bench itself
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { LABS, ROOT, findLab, isPresent } from '../course.mjs';
import { testFiles } from '../grade.mjs';
import { HEADER, alternate, describeMachine, formatNumber, markdownReport, median, rowCells, slowestFiles, summarize, textTable, withLatestTable } from './lib.mjs';

const BENCH = join(ROOT, 'grader', 'bench');
const GROUPS = ['grader', 'http', 'templates', 'router'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const group of chosen) if (!GROUPS.includes(group)) throw new Error(`unknown group "${group}"; groups: ${GROUPS.join(', ')}`);
const wanted = (/** @type {string} */ group) => chosen.length === 0 || chosen.includes(group);

const settings = {
  gradeRounds: quick ? 1 : 3,
  /** A lab's rounds stop when the next one would end past this. */
  gradeBudgetMs: 20_000,
  watchRounds: quick ? 2 : 3,
  httpSeconds: quick ? 1 : 2,
  httpRounds: quick ? 1 : 2,
  httpConnections: [1, 10, 50],
  /** Many clients that each keep their connection: this many connections, this many requests each. */
  keepAliveConnections: quick ? 200 : 1000,
  keepAliveRequests: 20,
  /** Batch grading: this many submissions of lab 3 (copies of its reference, a few of them broken). */
  batchSubmissions: quick ? 10 : 100,
  /** The prefork rows are measured at this connection count only, to keep the run short. */
  preforkConnections: 50,
  microRounds: quick ? 3 : 4,
  microRoundMs: quick ? 200 : 400,
};
/** Node with TypeScript and the reference layers, for everything that runs course code. */
const TSX = ['--import', 'tsx', '--conditions=reference'];
const started = performance.now();
const machine = describeMachine({
  cpus: os.cpus(),
  totalmem: os.totalmem(),
  loadavg: os.loadavg(),
  platform: os.platform(),
  release: os.release(),
  node: process.version,
  date: new Date(),
});

/** @type {import('./lib.mjs').Row[]} */
const rows = [];
/** Prints a row as soon as it is measured, so a long run shows progress. */
function record(/** @type {import('./lib.mjs').Row} */ row) {
  rows.push(row);
  const cells = rowCells(row);
  const figures = summarize(row);
  const ratio = Number.isFinite(figures.ratio) ? `  ratio ${cells[4]}` : '';
  console.log(`  ${row.name}: ${cells[1]}${row.peer ? ` vs ${cells[2]}` : ''} ${row.unit}${ratio}`);
}

// ---------------------------------------------------------------------------------------------
// Child processes: every server runs in a process group of its own and is killed with its group
// at the end, whatever happens (a prefork server's workers are its children).

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

function killGroup(/** @type {import('node:child_process').ChildProcess} */ child, /** @type {NodeJS.Signals} */ signal) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal); // no process groups (Windows), or the group is gone already
    } catch {}
  }
}

process.on('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping the servers`);
    process.exit(130);
  });
}

/**
 * Starts a server program and waits for its {"event":"listening","port":N} line.
 * @param {string[]} argv   node arguments after TSX
 * @returns {Promise<{ port: number, stop: () => Promise<void> }>}
 */
async function startServer(argv) {
  const child = spawn(process.execPath, [...TSX, ...argv], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const port = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 30 s from ${argv.join(' ')}\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited (${code}) before listening\n${stderr}`)));
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          const event = JSON.parse(line);
          if (event.event === 'listening' && typeof event.port === 'number') {
            clearTimeout(timer);
            resolve(event.port);
          }
        } catch {} // not JSON: the server talking
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // the process itself first: a prefork arbiter stops its workers
      await Promise.race([exited, sleep(5000)]);
    }
    killGroup(child, 'SIGKILL'); // then whatever is left of its group
    children.delete(child);
  };
  return { port, stop };
}

/** The machine's CPU time so far, busy and in all, in clock ticks (Linux's /proc/stat; zeros elsewhere). */
function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait are the machine waiting; everything else is some program running.
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * Where the cores went during the load runs of each server: the share of the whole machine that
 * was busy, and how much of one core the load generator (autocannon, in this process) used.
 * A server cannot go faster than the cores the load generator leaves it.
 * @type {Map<number, { busy: number, total: number, generator: number, seconds: number }>}
 */
const coreUse = new Map();

/** Requests per second from one autocannon run against a server. */
async function load(/** @type {number} */ port, /** @type {number} */ connections, /** @type {number} */ seconds) {
  const ticks = machineTicks();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds, pipelining: 1 });
  const used = process.cpuUsage(cpu);
  const after = machineTicks();
  const use = coreUse.get(port) ?? { busy: 0, total: 0, generator: 0, seconds: 0 };
  coreUse.set(port, {
    busy: use.busy + after.busy - ticks.busy,
    total: use.total + after.total - ticks.total,
    generator: use.generator + (used.user + used.system) / 1e6,
    seconds: use.seconds + (performance.now() - start) / 1000,
  });
  const failures = result.errors + result.non2xx + result.timeouts;
  if (failures > 0) throw new Error(`port ${port}, ${connections} connections: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  return result.requests.total / result.duration;
}

/** "machine 97% busy, load generator 0.62 core": the core use of the load runs against a port. */
function coreNote(/** @type {number} */ port) {
  const use = coreUse.get(port);
  if (!use || use.total === 0 || use.seconds === 0) return undefined;
  return `machine ${Math.round((100 * use.busy) / use.total)}% busy, load generator ${(use.generator / use.seconds).toFixed(2)} core`;
}

// ---------------------------------------------------------------------------------------------
// The grader: `npm run grade labN` against a bare `vitest run` of the same hidden tests.

/** Runs a node program to its end and times it; killed after `limitMs` (then its status is null). */
function timeRun(/** @type {string[]} */ argv, /** @type {NodeJS.ProcessEnv} */ env, limitMs = 180_000) {
  const start = performance.now();
  const run = spawnSync(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: limitMs });
  const ms = performance.now() - start;
  // Why it failed, in a few words for the table: the first line of what it printed on stderr.
  const why = run.status === 0 ? '' : (run.stderr ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 80) ?? '';
  return { ms, status: run.status, signal: run.signal, why };
}

/** "1 run each" when a row has fewer runs than the others. */
const runs = (/** @type {number} */ n) => (n < settings.gradeRounds ? `${n} run${n === 1 ? '' : 's'} each` : undefined);

async function benchGrader() {
  console.log('grader');
  const labs = LABS.filter((lab) => isPresent(lab) && testFiles(lab).length > 0 && existsSync(join(ROOT, 'solutions', lab.folder, 'index.ts')));
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const env = (/** @type {import('../course.mjs').LabInfo} */ lab) => ({
    ...process.env,
    NO_COLOR: '1',
    BENCH_LAB: lab.folder,
    BENCH_SLUG: lab.slug,
    BENCH_TARGET: 'solutions',
  });
  // One unmeasured run first, so the first lab doesn't pay for a cold file cache.
  if (labs[0]) timeRun([vitest, 'run', '--config', join(BENCH, 'vitest.bare.config.ts')], env(labs[0]));
  for (const lab of LABS.filter(isPresent)) {
    const name = `grade lab${lab.number} vs bare vitest run`;
    if (!labs.includes(lab)) {
      record({ group: 'grader', name, unit: 'ms', goal: { kind: 'max', value: 1.15 }, note: 'not measured: no hidden tests or solution yet' });
      continue;
    }
    const commands = {
      grade: [join(ROOT, 'grader', 'cli.mjs'), lab.folder, '--solution'],
      vitest: [vitest, 'run', '--config', join(BENCH, 'vitest.bare.config.ts')],
    };
    /** @type {Record<string, number[]>} */
    const samples = { grade: [], vitest: [] };
    let failed = '';
    // Three rounds, fewer for a lab whose tests take long (lab 8's start servers): the whole bench
    // must stay under five minutes, and its ratio is the least noisy anyway.
    const labStart = performance.now();
    for (let round = 0; round < settings.gradeRounds && !failed; round++) {
      const roundStart = performance.now();
      for (const side of alternate(round, ['grade', 'vitest'])) {
        // Each run gets a temporary folder of its own, as each grade does (the grader gives its
        // tests a new scratch folder): a bare run must not find what an earlier one left in /tmp,
        // like lab 9's copy of a fresh database, which saved it about 4 s a run.
        const tmp = mkdtempSync(join(os.tmpdir(), 'bench-run-'));
        const run = timeRun(commands[/** @type {'grade' | 'vitest'} */ (side)], { ...env(lab), TMPDIR: tmp, TMP: tmp, TEMP: tmp });
        rmSync(tmp, { recursive: true, force: true });
        if (run.status !== 0) failed = `not measured: ${side} exited ${run.status ?? run.signal}${run.why ? ` (${run.why})` : ''}`;
        samples[side]?.push(run.ms);
      }
      const now = performance.now();
      if (now - labStart + (now - roundStart) > settings.gradeBudgetMs) break;
    }
    record(
      failed
        ? { group: 'grader', name, unit: 'ms', goal: { kind: 'max', value: 1.15 }, note: failed }
        : {
            group: 'grader',
            name,
            subject: { label: `node grader/cli.mjs lab${lab.number} --solution`, samples: samples.grade ?? [] },
            peer: { label: 'vitest run (same files, aliases, conditions)', samples: samples.vitest ?? [] },
            unit: 'ms',
            goal: { kind: 'max', value: 1.15 },
            note: runs(samples.grade?.length ?? 0),
          },
    );
  }
  await benchWatch(LABS[0]);
  await benchBatch(findLab('lab3'));
  const start = performance.now();
  const selfcheck = spawnSync(process.execPath, [join(ROOT, 'grader', 'selfcheck.mjs')], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60_000,
  });
  const seconds = (performance.now() - start) / 1000;
  const slowest = slowestFiles(selfcheck.stdout ?? '', 3);
  record({
    group: 'grader',
    name: 'whole npm test (one run)',
    subject: { label: 'node grader/selfcheck.mjs', samples: [seconds] },
    unit: 's',
    goal: { kind: 'max', value: 90 },
    goalOn: 'value',
    note: [selfcheck.status === 0 ? '' : `exited ${selfcheck.status ?? selfcheck.signal}`, slowest].filter(Boolean).join('; ') || undefined,
  });
}

/**
 * `npm run grade-batch`: a class's submissions of one lab, graded on this machine. The submissions
 * are copies of the lab's reference, every tenth with a bug (a function that throws), so the
 * batch grades both kinds; the time is the whole command's, gradebook and feedback included.
 * @param {import('../course.mjs').LabInfo | undefined} lab
 */
async function benchBatch(lab) {
  const count = settings.batchSubmissions;
  const name = `batch grading, ${count} submissions of lab${lab?.number ?? 3}`;
  const goal = /** @type {const} */ ({ kind: 'max', value: 60 });
  if (!lab || !isPresent(lab) || !existsSync(join(ROOT, 'solutions', lab.folder))) {
    record({ group: 'grader', name, unit: 's', goal, goalOn: 'value', note: 'not measured: no reference of the lab' });
    return;
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-batch-'));
  try {
    const reference = join(ROOT, 'solutions', lab.folder);
    for (let i = 0; i < count; i++) {
      const target = join(dir, 'submissions', `student${String(i).padStart(3, '0')}`, 'labs', lab.folder);
      cpSync(reference, target, { recursive: true });
      if (i % 10 === 9) writeFileSync(join(target, 'index.ts'), `${readFileSync(join(target, 'index.ts'), 'utf8')}\nthrow new Error('a broken submission');\n`);
    }
    // A whole class takes minutes on two cores: the limit is for a hang, not a pace.
    const run = timeRun([join(ROOT, 'grader', 'classroom', 'batch.mjs'), lab.folder, join(dir, 'submissions'), '--out', join(dir, 'out', 'gradebook.csv')], { ...process.env, NO_COLOR: '1' }, 30 * 60_000);
    record({
      group: 'grader',
      name,
      subject: { label: `node grader/classroom/batch.mjs ${lab.folder} (${count} folders)`, samples: [run.ms / 1000] },
      unit: 's',
      goal,
      goalOn: 'value',
      note: run.status === 0 ? 'one run' : `exited ${run.status ?? run.signal}${run.why ? ` (${run.why})` : ''}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run grade labN -- --watch`: the time from a save (a file's modification time changes, its
 * content does not) to the new report on the screen, debounce included.
 * @param {import('../course.mjs').LabInfo | undefined} lab
 */
async function benchWatch(lab) {
  const name = `watch mode: save to new report, lab${lab?.number ?? 1}`;
  const goal = /** @type {const} */ ({ kind: 'max', value: 300 });
  const cli = join(ROOT, 'grader', 'cli.mjs');
  if (!lab || !isPresent(lab) || !/--watch/.test(readFileSync(cli, 'utf8'))) {
    record({ group: 'grader', name, unit: 'ms', goal, goalOn: 'value', note: 'not measured: no watch mode yet' });
    return;
  }
  const child = spawn(process.execPath, [cli, lab.folder, '--solution', '--watch'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  /** Resolves when the screen shows a whole report (its last line is the score). */
  const report = async (/** @type {number} */ limitMs) => {
    const deadline = performance.now() + limitMs;
    while (!/^Score: .*$/m.test(output)) {
      if (performance.now() > deadline || child.exitCode !== null) throw new Error(`no report from the watch mode:\n${output.slice(-2000)}`);
      await sleep(2);
    }
  };
  /** @type {number[]} */
  const samples = [];
  /** @type {number[]} */
  const graded = [];
  try {
    await report(60_000);
    const saved = join(ROOT, 'solutions', lab.folder, 'index.ts');
    for (let round = 0; round < settings.watchRounds; round++) {
      await sleep(500); // the watcher settles; the next save is a separate one
      output = '';
      const start = performance.now();
      const now = new Date();
      utimesSync(saved, now, now);
      await report(30_000);
      samples.push(performance.now() - start);
      graded.push(Number(/graded in (\d+) ms/.exec(output)?.[1]));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    killGroup(child, 'SIGKILL');
    children.delete(child);
  }
  record({
    group: 'grader',
    name,
    subject: { label: `node grader/cli.mjs ${lab.folder} --solution --watch`, samples },
    unit: 'ms',
    goal,
    goalOn: 'value',
    note: `of which the grade ${formatNumber(median(graded))} ms`,
  });
}

// ---------------------------------------------------------------------------------------------
// Servers: the reference stack (labs 1-3) and the prefork server (lab 8) against node:http.

async function benchHttp() {
  console.log('http');
  const server = join(BENCH, 'server.ts');
  const preforkServe = join(ROOT, 'solutions', 'lab8-production', 'serve.ts');
  const app = join(BENCH, 'hello-app.ts');
  const havePrefork = existsSync(preforkServe);
  const specs = [
    { id: 'node-http', argv: [server, 'node-http'] },
    { id: 'reference', argv: [server, 'reference'] },
    ...(havePrefork
      ? [1, 2].map((n) => ({ id: `prefork-${n}`, argv: [preforkServe, '--app', app, '--workers', String(n), '--port', '0'] }))
      : []),
  ];
  /** @type {Map<string, { port: number, stop: () => Promise<void> }>} */
  const running = new Map();
  try {
    for (const spec of specs) running.set(spec.id, await startServer(spec.argv));
    for (const [id, { port }] of running) {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      const text = await response.text();
      if (response.status !== 200 || text !== 'Hello, WSGI!\n') throw new Error(`${id} answered ${response.status} ${JSON.stringify(text)}`);
      await load(port, 10, 1); // warm-up: the JIT, tsx's first compiles, the workers' sockets
    }
    coreUse.clear(); // the warm-ups don't count
    /** @type {Map<string, number[]>} */
    const samples = new Map();
    for (const connections of settings.httpConnections) {
      const ids = ['reference', 'node-http'];
      if (connections === settings.preforkConnections) ids.push(...[...running.keys()].filter((id) => id.startsWith('prefork')));
      for (let round = 0; round < settings.httpRounds; round++) {
        for (const id of alternate(round, ids)) {
          const key = `${id}@${connections}`;
          samples.set(key, [...(samples.get(key) ?? []), await load(running.get(id)?.port ?? 0, connections, settings.httpSeconds)]);
        }
      }
      const peer = { label: 'node:http', samples: samples.get(`node-http@${connections}`) ?? [] };
      record({
        group: 'server',
        name: `reference stack (labs 1-3) vs node:http, hello world, ${connections} connection${connections > 1 ? 's' : ''}`,
        subject: { label: 'lab 2 server + lab 3 gateway + TSGI app', samples: samples.get(`reference@${connections}`) ?? [] },
        peer,
        unit: 'req/s',
        goal: { kind: 'min', value: 1 },
      });
      for (const id of ids.filter((i) => i.startsWith('prefork'))) {
        const workers = id.slice('prefork-'.length);
        record({
          group: 'prefork',
          name: `prefork server (lab 8), ${workers} worker${workers === '1' ? '' : 's'}, vs node:http, ${connections} connections`,
          subject: { label: `solutions/lab8-production/serve.ts --workers ${workers}`, samples: samples.get(`${id}@${connections}`) ?? [] },
          peer,
          unit: 'req/s',
          note: coreNote(running.get(id)?.port ?? 0),
        });
      }
    }
    const one = samples.get(`prefork-1@${settings.preforkConnections}`);
    const two = samples.get(`prefork-2@${settings.preforkConnections}`);
    if (one && two) {
      record({
        group: 'prefork',
        name: `prefork server (lab 8), 2 workers vs 1 worker, ${settings.preforkConnections} connections`,
        subject: { label: '--workers 2', samples: two },
        peer: { label: '--workers 1', samples: one },
        unit: 'req/s',
        goal: { kind: 'min', value: 1.8 },
        // Two workers can double one worker's rate only on a machine with cores to spare for them
        // beside the load generator: the note says whether this one had them.
        note: coreNote(running.get('prefork-2')?.port ?? 0),
      });
    }
    if (!havePrefork) {
      record({ group: 'prefork', name: 'prefork server (lab 8) vs node:http', unit: 'req/s', note: 'not measured: no lab 8 reference yet' });
    }
    // Many clients at once, each keeping its connection for several requests: the time until
    // every one of them has its answers.
    const { keepAliveConnections: connections, keepAliveRequests: each } = settings;
    /** @type {Map<string, number[]>} */
    const times = new Map();
    for (let round = 0; round < settings.httpRounds; round++) {
      for (const id of alternate(round, ['reference', 'node-http'])) {
        // Timed from the start to the last answer: autocannon's own duration counts whole seconds,
        // and it ends its run up to a second after the last answer (it checks once a second).
        const start = performance.now();
        let last = start;
        const run = autocannon({ url: `http://127.0.0.1:${running.get(id)?.port ?? 0}/`, connections, amount: connections * each, pipelining: 1 });
        run.on('response', () => (last = performance.now()));
        const result = await run;
        const ms = last - start;
        const failures = result.errors + result.non2xx + result.timeouts;
        if (failures > 0) throw new Error(`${id}, ${connections} keep-alive connections: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
        if (result.requests.total < connections * each) throw new Error(`${id}, ${connections} keep-alive connections: ${result.requests.total} answers of ${connections * each}`);
        times.set(id, [...(times.get(id) ?? []), ms]);
      }
    }
    record({
      group: 'server',
      name: `reference stack vs node:http, ${connections} keep-alive connections x ${each} requests, time`,
      subject: { label: 'lab 2 server + lab 3 gateway + TSGI app', samples: times.get('reference') ?? [] },
      peer: { label: 'node:http', samples: times.get('node-http') ?? [] },
      unit: 'ms',
      goal: { kind: 'max', value: 1.2 },
    });
  } finally {
    for (const { stop } of running.values()) await stop();
  }
}

// ---------------------------------------------------------------------------------------------
// CPU benchmarks: each in a process of its own (micro.ts), subject and peer taking turns.

/** @returns {{ unit: string, subject: number[], peer: number[] }} */
function micro(/** @type {string} */ workload) {
  const run = spawnSync(
    process.execPath,
    [...TSX, join(BENCH, 'micro.ts'), workload, String(settings.microRounds), String(settings.microRoundMs)],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0) throw new Error(`micro.ts ${workload} exited ${run.status ?? run.signal}:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
}

function benchTemplates() {
  console.log('templates');
  for (const [workload, page] of [
    ['templates-typical', 'typical 90-item page'],
    ['templates-filters', 'filter-heavy 90-item page'],
  ]) {
    const result = micro(workload);
    record({
      group: 'templates',
      name: `template engine (lab 6) vs nunjucks, ${page}`,
      subject: { label: 'lab 6 Environment', samples: result.subject },
      peer: { label: 'nunjucks 3', samples: result.peer },
      unit: result.unit,
      goal: { kind: 'min', value: 3 },
    });
  }
}

function benchRouter() {
  console.log('router');
  const result = micro('router');
  record({
    group: 'router',
    name: 'router (lab 4) vs find-my-way, 53 rules, 100-request mix',
    subject: { label: 'lab 4 Router.match', samples: result.subject },
    peer: { label: 'find-my-way find (+ a 405 check)', samples: result.peer },
    unit: result.unit,
    goal: { kind: 'min', value: 1 },
  });
}

// ---------------------------------------------------------------------------------------------

/** Seconds each group took, for the report: a slow group on a busy machine shows here. */
/** @type {string[]} */
const took = [];
for (const [group, run] of /** @type {const} */ ([
  ['grader', benchGrader],
  ['http', benchHttp],
  ['templates', benchTemplates],
  ['router', benchRouter],
])) {
  if (!wanted(group)) continue;
  const start = performance.now();
  await run();
  took.push(`${group} ${((performance.now() - start) / 1000).toFixed(0)} s`);
}

const seconds = (performance.now() - started) / 1000;
const settingsText = [
  `time per group: ${took.join(', ')}.`,
  `grader: ${settings.gradeRounds} runs each (fewer when a lab's runs would take over ${settings.gradeBudgetMs / 1000} s in all) of \`node grader/cli.mjs labN --solution\` (what \`npm run grade labN -- --solution\` runs, without npm's own start-up) and of a bare \`vitest run\` of the same hidden test files with the same aliases and conditions (grader/bench/vitest.bare.config.ts), alternating which goes first; \`npm test\` (\`node grader/selfcheck.mjs\`) once; watch mode: ${settings.watchRounds} saves (the modification time of solutions/lab1-http/index.ts, content unchanged) while \`node grader/cli.mjs lab1 --solution --watch\` runs, each timed from the save to the last line of the new report; batch grading: \`node grader/classroom/batch.mjs lab3\` once over ${settings.batchSubmissions} submission folders (copies of the reference, every tenth broken).`,
  `servers: each in its own process; autocannon in the bench's process, ${settings.httpSeconds} s per point, pipelining 1, ${settings.httpRounds} rounds at each connection count, the servers taking turns in alternating order; prefork rows at ${settings.preforkConnections} connections only; a 1 s warm-up per server first; keep-alive: ${settings.keepAliveConnections} connections making ${settings.keepAliveRequests} requests each (autocannon's amount), timed until the last answer, ${settings.httpRounds} rounds taking turns.`,
  `templates and router: in a process of their own, after a check that both sides produce the same output (the same page; the same rule, parameters and 404/405 for each request); ${settings.microRounds} rounds of ${settings.microRoundMs} ms each side, alternating.`,
  'ratio = subject median / peer median. For times (ms, s) lower is better; for rates higher is better.',
];
const table = textTable(HEADER, rows.map(rowCells));
console.log(`\n${table}\n\nmachine: ${machine.cpu}, ${machine.memory}, Node ${machine.node}; ${seconds.toFixed(0)} s`);
if (chosen.length > 0 || quick) {
  console.log('(some groups only, or --quick: latest.md and latest.json left as they were)');
} else {
  const json = {
    date: machine.date,
    machine,
    seconds: Math.round(seconds),
    settings: settingsText,
    rows: rows.map((row) => {
      const figures = summarize(row);
      return {
        ...row,
        subjectMedian: figures.subject,
        peerMedian: figures.peer,
        ratio: figures.ratio,
        met: figures.met,
      };
    }),
  };
  writeFileSync(join(BENCH, 'latest.json'), JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  writeFileSync(join(BENCH, 'latest.md'), markdownReport({ rows, machine, seconds, settings: settingsText }));
  // The copy of the table in INTERNALS.md, between its markers: never an older run than latest.md's.
  const internals = join(ROOT, 'grader', 'INTERNALS.md');
  writeFileSync(internals, withLatestTable(readFileSync(internals, 'utf8'), { rows, machine, seconds }));
  console.log('written: grader/bench/latest.md, grader/bench/latest.json, the table in grader/INTERNALS.md');
}
process.exit(0);
