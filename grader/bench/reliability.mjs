#!/usr/bin/env node
// @ts-check
// Reliability of the reference stack (labs 1-3: the lab 2 server, the lab 3 gateway's `serve`)
// beside node:http, in the same run, under the abuse a server on the internet meets:
//   flood       a client pipelines 12 KB requests and never reads an answer: how much memory the
//               server takes before TCP's flow control stops the client
//   slowloris   a head trickled one line every 300 ms: when the server cuts it off
//   stalled     a body that stops after 10 of its 1000 bytes: when the server cuts it off
//   keep-alive  1,000 connections, 20 requests each, one after the other: time and errors
//   fuzz        malformed, truncated and abandoned requests from a seeded generator: crashes,
//               hangs, 5xx answers (and those that reached a client that went away mid-body)
// Every server is a process of its own, started fresh for each measure, on 127.0.0.1 only. The run
// stops by itself in a few minutes; it exits 1 when the reference misses a target.
//   node grader/bench/reliability.mjs              everything
//   node grader/bench/reliability.mjs fuzz flood   some measures only
//   node grader/bench/reliability.mjs --quick      smaller runs, to try the script itself
//   node grader/bench/reliability.mjs fuzz --fuzz-cases 50000   a long fuzz run (2,000 by default)
//   node grader/bench/reliability.mjs fuzz --stderr-to /tmp/fuzz  and what each server printed
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../course.mjs';

const MEASURES = ['flood', 'slowloris', 'stalled', 'keep-alive', 'fuzz'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** `--stderr-to /tmp/fuzz`: what each server printed during the fuzz run, in /tmp/fuzz.<server>. */
const stderrAt = args.indexOf('--stderr-to');
const stderrTo = stderrAt >= 0 ? args.splice(stderrAt, 2)[1] : undefined;
/** `--fuzz-cases 50000`: a longer fuzz run than the default. */
const casesAt = args.indexOf('--fuzz-cases');
const fuzzCases = casesAt >= 0 ? Number(args.splice(casesAt, 2)[1]) : undefined;
if (fuzzCases !== undefined && !(Number.isInteger(fuzzCases) && fuzzCases > 0)) throw new Error('--fuzz-cases takes a whole number, like --fuzz-cases 50000');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const m of chosen) if (!MEASURES.includes(m)) throw new Error(`unknown measure "${m}"; measures: ${MEASURES.join(', ')}`);
const wanted = (/** @type {string} */ m) => chosen.length === 0 || chosen.includes(m);

const MiB = 1024 * 1024;
/** Must match TIMEOUTS in reliability-server.ts: both servers get these. */
const TIMEOUTS = { headerMs: 2000, bodyMs: 2000 };
const settings = {
  floodCapBytes: (quick ? 100 : 600) * MiB,
  floodCapMs: quick ? 8000 : 20_000,
  /** No 'drain' for this long: the server has stopped reading the flood. */
  stallMs: 2000,
  connections: quick ? 200 : 1000,
  requestsPerConnection: 20,
  fuzzCases: fuzzCases ?? (quick ? 300 : 2000),
  fuzzConcurrency: 25,
  /** A fuzz connection the server has not closed this long after the client's FIN (or reset) hangs. */
  hangMs: 3000,
};
const KINDS = /** @type {const} */ (['reference', 'node-http']);
const SERVER = join(ROOT, 'grader', 'bench', 'reliability-server.ts');

// ---------------------------------------------------------------------------------------------
// Server processes

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {}
  }
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => process.exit(130));

/**
 * @typedef {object} Running
 * @property {string} kind                   reference or node-http
 * @property {number} port
 * @property {() => Promise<number>} rss      the server's resident memory, in bytes
 * @property {() => boolean} alive
 * @property {() => string} stderr             what it printed there
 * @property {() => Promise<void>} stop
 */

/** Starts a server of `kind` in a process (and process group) of its own. @returns {Promise<Running>} */
async function startServer(/** @type {string} */ kind) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=reference', SERVER, kind], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  const port = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${kind}: no "listening" line within 30 s\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before listening\n${stderr}`)));
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          const event = JSON.parse(line);
          if (event.event === 'listening') {
            clearTimeout(timer);
            resolve(event.port);
          }
        } catch {}
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
  });
  const rss = () =>
    new Promise((resolve) => {
      if (exited) return resolve(Number.NaN);
      const timer = setTimeout(() => resolve(Number.NaN), 2000);
      child.once('message', (/** @type {any} */ message) => {
        clearTimeout(timer);
        resolve(message?.rss ?? Number.NaN);
      });
      child.send('rss');
    });
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000)]);
    }
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {}
    children.delete(child);
  };
  return { kind, port, rss, alive: () => !exited, stderr: () => stderr, stop };
}

/** Runs `measure` against a fresh server of each kind, one after the other. */
async function bothServers(/** @type {string} */ name, /** @type {(server: Running, kind: string) => Promise<Record<string, any>>} */ measure) {
  /** @type {Record<string, Record<string, any>>} */
  const results = {};
  for (const kind of KINDS) {
    process.stdout.write(`  ${name}: ${kind}...`);
    const server = await startServer(kind);
    const started = performance.now();
    try {
      results[kind] = await measure(server, kind);
    } finally {
      await server.stop();
    }
    process.stdout.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return results;
}

function connect(/** @type {number} */ port, allowHalfOpen = false) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when the socket closes, or with false after `ms`. */
function closed(/** @type {net.Socket} */ socket, /** @type {number} */ ms) {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The measures

/** A client that pipelines 12 KB echo requests and reads nothing. */
async function flood(/** @type {Running} */ server) {
  const size = 12 * 1024;
  const one = Buffer.from(`POST /echo HTTP/1.1\r\nHost: flood\r\nContent-Length: ${size}\r\n\r\n${'f'.repeat(size)}`, 'latin1');
  const before = await server.rss();
  let peak = before;
  const sampler = setInterval(() => void server.rss().then((rss) => (peak = Math.max(peak, rss || 0))), 250);
  /** @type {net.Socket} */
  const socket = await connect(server.port);
  socket.on('error', () => {});
  socket.pause();
  let sent = 0;
  let stalled = false;
  const deadline = performance.now() + settings.floodCapMs;
  while (sent < settings.floodCapBytes && performance.now() < deadline && !socket.destroyed) {
    sent += one.length;
    if (socket.write(one)) continue;
    const drained = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.off('drain', onDrain);
        resolve(false);
      }, settings.stallMs);
      const onDrain = () => {
        clearTimeout(timer);
        resolve(true);
      };
      socket.once('drain', onDrain);
    });
    if (!drained) {
      stalled = true;
      break;
    }
  }
  await sleep(500);
  clearInterval(sampler);
  peak = Math.max(peak, (await server.rss()) || 0);
  socket.destroy();
  return { sentMiB: sent / MiB, stalled, rssBeforeMiB: before / MiB, rssPeakMiB: peak / MiB, growthMiB: (peak - before) / MiB };
}

/** A head trickled a line at a time, 300 ms apart: seconds until the server cuts it off. */
async function slowloris(/** @type {Running} */ server) {
  /** @type {net.Socket} */
  const socket = await connect(server.port);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  const start = performance.now();
  socket.write('GET / HTTP/1.1\r\nHost: slow\r\n');
  const ended = closed(socket, 30_000);
  let lines = 0;
  const drip = setInterval(() => {
    if (!socket.destroyed) socket.write(`X-Drip-${lines++}: ${'d'.repeat(20)}\r\n`);
  }, 300);
  const cut = await ended;
  clearInterval(drip);
  socket.destroy();
  return { cutAfterS: cut ? (performance.now() - start) / 1000 : null, answer: /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 'none' };
}

/** A body that stops after 10 of its 1000 bytes: seconds until the server cuts it off. */
async function stalledBody(/** @type {Running} */ server) {
  /** @type {net.Socket} */
  const socket = await connect(server.port);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.write('POST /read HTTP/1.1\r\nHost: stall\r\nContent-Length: 1000\r\n\r\nten bytes.');
  const start = performance.now();
  const cut = await closed(socket, 30_000);
  socket.destroy();
  return { cutAfterS: cut ? (performance.now() - start) / 1000 : null, answer: /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 'none' };
}

/**
 * Reads responses off a socket: `next()` resolves with the status of the next complete response
 * (Content-Length or chunked), or rejects if the connection closes or errs first.
 */
class Responses {
  #buffer = Buffer.alloc(0);
  /** @type {((status: number) => void) | null} */
  #resolve = null;
  /** @type {((error: Error) => void) | null} */
  #reject = null;
  constructor(/** @type {net.Socket} */ socket) {
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#check();
    });
    const fail = (/** @type {string} */ why) => this.#reject?.(new Error(why));
    socket.on('close', () => fail('closed'));
    socket.on('error', (error) => fail(error.message));
  }
  next() {
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      this.#check();
    });
  }
  #check() {
    if (!this.#resolve) return;
    const text = this.#buffer.toString('latin1');
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = text.slice(0, headEnd);
    const status = Number(head.slice(9, 12));
    let end = -1;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (text.length < end) return;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const last = text.indexOf('\r\n0\r\n\r\n', headEnd);
      if (last < 0) return;
      end = last + 7;
    } else end = headEnd + 4;
    this.#buffer = this.#buffer.subarray(end);
    const resolve = this.#resolve;
    this.#resolve = this.#reject = null;
    resolve(status);
  }
}

/** `connections` keep-alive connections, each sending `requestsPerConnection` GETs one after the other. */
async function keepAlive(/** @type {Running} */ server) {
  const start = performance.now();
  /** @type {Array<net.Socket | null>} */
  const sockets = [];
  let errors = 0;
  /** @type {Record<string, number>} */
  const kinds = {};
  const count = (/** @type {string} */ why) => {
    errors += 1;
    kinds[why] = (kinds[why] ?? 0) + 1;
  };
  // In batches: 1,000 connection attempts at once would overflow the listen backlog (511).
  for (let i = 0; i < settings.connections; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, settings.connections - i) }, () => connect(server.port).then((s) => s, () => null)),
    );
    sockets.push(...batch);
  }
  await Promise.all(
    sockets.map(async (socket) => {
      if (!socket) return count('connect failed');
      const responses = new Responses(socket);
      try {
        for (let r = 0; r < settings.requestsPerConnection; r++) {
          socket.write('GET / HTTP/1.1\r\nHost: keep\r\n\r\n');
          const status = await Promise.race([responses.next(), sleep(30_000).then(() => Promise.reject(new Error('timeout')))]);
          if (status !== 200) count(`status ${status}`);
        }
      } catch (error) {
        count(/** @type {Error} */ (error).message);
      } finally {
        socket.destroy();
      }
    }),
  );
  return { seconds: (performance.now() - start) / 1000, requests: settings.connections * settings.requestsPerConnection, errors, kinds };
}

/** A seeded pseudo-random generator (mulberry32): the same cases in every run. */
function random(/** @type {number} */ seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'GET / HTTP/1.1\r\nHost: fuzz\r\n\r\n',
  'GET /a?b=c HTTP/1.1\r\nHost: fuzz\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n',
  'POST /echo HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 11\r\n\r\nhello world',
  'POST /read HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\n5;a="x"\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: fuzz\r\n\r\n',
  'GET http://fuzz:80/x HTTP/1.1\r\nHost: other\r\n\r\n',
  'PUT /echo HTTP/1.1\r\nHost: fuzz\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody',
];
const NASTY = ['\r', '\n', '\r\n', '\0', ' ', '\t', ':', ';', ',', '"', '0', '9', 'f', '-', '\x7f', '\xff', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', '\r\n\r\n', 'Host: x\r\n'];

/**
 * One fuzz case: a few mutations of a seed request (or two, pipelined), cut into pieces, and how
 * the client leaves: FIN after sending, a reset, or a FIN in the middle of a body it announced.
 */
function fuzzCase(/** @type {() => number} */ rnd) {
  const pick = (/** @type {any[]} */ list) => list[Math.floor(rnd() * list.length)];
  let text = pick(SEEDS);
  if (rnd() < 0.3) text += pick(SEEDS);
  const ending = rnd() < 0.15 ? 'abandon' : rnd() < 0.2 ? 'reset' : 'fin';
  if (ending === 'abandon') {
    // A body announced and never finished: the client closes its side mid-body.
    text = `POST /${pick(['read', 'echo'])} HTTP/1.1\r\nHost: fuzz\r\n${rnd() < 0.5 ? 'Content-Length: 1000\r\n\r\n' : 'Transfer-Encoding: chunked\r\n\r\n3e8\r\n'}${'a'.repeat(Math.floor(rnd() * 200))}`;
  } else {
    for (let m = Math.floor(rnd() * 4); m > 0; m--) {
      const at = Math.floor(rnd() * text.length);
      const what = rnd();
      if (what < 0.4) text = text.slice(0, at) + pick(NASTY) + text.slice(at);
      else if (what < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 4));
      else if (what < 0.85) text = text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 256)) + text.slice(at + 1);
      else text = text.slice(0, at);
    }
  }
  /** @type {string[]} */
  const pieces = [];
  for (let i = 0; i < text.length; ) {
    const size = rnd() < 0.5 ? text.length : 1 + Math.floor(rnd() * 16);
    pieces.push(text.slice(i, i + size));
    i += size;
  }
  return { pieces, ending };
}

async function fuzz(/** @type {Running} */ server) {
  const rnd = random(2026);
  const cases = Array.from({ length: settings.fuzzCases }, () => fuzzCase(rnd));
  const stats = { cases: cases.length, crashes: 0, hangs: 0, fiveXX: 0, fiveXXAbandoned: 0, answered: 0 };
  let next = 0;
  const worker = async () => {
    while (next < cases.length && server.alive()) {
      const { pieces, ending } = cases[next++];
      /** @type {net.Socket} */
      let socket;
      try {
        socket = await connect(server.port, true);
      } catch {
        if (!server.alive()) return;
        continue;
      }
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', () => {});
      for (const piece of pieces) {
        if (socket.destroyed) break;
        socket.write(Buffer.from(piece, 'latin1'));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (ending === 'reset') {
        await sleep(5);
        socket.resetAndDestroy();
        continue;
      }
      socket.end();
      const gone = await closed(socket, settings.hangMs);
      if (!gone) stats.hangs += 1;
      socket.destroy();
      const statuses = [...received.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      if (statuses.length > 0) stats.answered += 1;
      // 501 and 505 are the parser's answers to codings and versions it does not speak: not errors.
      stats.fiveXX += statuses.filter((s) => s >= 500 && s !== 501 && s !== 505).length;
      if (ending === 'abandon') stats.fiveXXAbandoned += statuses.filter((s) => s >= 500).length;
    }
  };
  await Promise.all(Array.from({ length: settings.fuzzConcurrency }, worker));
  await sleep(200);
  if (!server.alive()) stats.crashes += 1;
  // `--stderr-to <file>`: what the server printed, to read the lines the counts below summarise.
  if (stderrTo) writeFileSync(`${stderrTo}.${server.kind}`, server.stderr());
  const traces = server.stderr().split('\n').filter((line) => /^\s+at\s/.test(line)).length;
  return { ...stats, stackLines: traces, stderrLines: server.stderr().split('\n').filter(Boolean).length };
}

// ---------------------------------------------------------------------------------------------
// The run

const mib = (/** @type {number} */ n) => (Number.isFinite(n) ? `${n.toFixed(1)} MiB` : 'n/a');
const secs = (/** @type {number | null} */ n) => (n === null ? 'not cut within 30 s' : `cut after ${n.toFixed(2)} s`);
/** @type {Array<{ what: string, ok: boolean, detail: string }>} */
const targets = [];
const target = (/** @type {string} */ what, /** @type {boolean} */ ok, /** @type {string} */ detail) => targets.push({ what, ok, detail });
/** @type {string[][]} */
const table = [];

console.log(`reliability: the reference stack (labs 1-3) and node:http, header and body timeouts ${TIMEOUTS.headerMs} ms${quick ? ' (quick)' : ''}`);
const started = performance.now();

if (wanted('flood')) {
  const r = await bothServers('flood', flood);
  for (const kind of KINDS) {
    const f = r[kind];
    table.push([`flood, ${kind}`, `${mib(f.sentMiB)} taken before the client was stopped${f.stalled ? '' : ' (never stopped)'}`, `RSS ${mib(f.rssBeforeMiB)} -> ${mib(f.rssPeakMiB)}, growth ${mib(f.growthMiB)}`]);
  }
  target('RSS growth under a non-reading pipelining client <= 64 MiB', r.reference.growthMiB <= 64 && r.reference.stalled, `${mib(r.reference.growthMiB)}${r.reference.stalled ? '' : ', the client was never stopped'}`);
}
if (wanted('slowloris')) {
  const r = await bothServers('slowloris', slowloris);
  for (const kind of KINDS) table.push([`slowloris, ${kind}`, secs(r[kind].cutAfterS), `answer: ${r[kind].answer}`]);
  target(`a trickled head cut within its timeout (${TIMEOUTS.headerMs} ms, +1 s)`, r.reference.cutAfterS !== null && r.reference.cutAfterS <= TIMEOUTS.headerMs / 1000 + 1, secs(r.reference.cutAfterS));
}
if (wanted('stalled')) {
  const r = await bothServers('stalled body', stalledBody);
  for (const kind of KINDS) table.push([`stalled body, ${kind}`, secs(r[kind].cutAfterS), `answer: ${r[kind].answer}`]);
  target(`a stalled body cut within its timeout (${TIMEOUTS.bodyMs} ms, +1 s)`, r.reference.cutAfterS !== null && r.reference.cutAfterS <= TIMEOUTS.bodyMs / 1000 + 1, `${secs(r.reference.cutAfterS)}, answer ${r.reference.answer}`);
}
if (wanted('keep-alive')) {
  const r = await bothServers(`${settings.connections} keep-alive connections`, keepAlive);
  for (const kind of KINDS) {
    const k = r[kind];
    const why = Object.entries(k.kinds).map(([w, n]) => `${n} ${w}`).join(', ');
    table.push([`${settings.connections} x ${settings.requestsPerConnection} keep-alive, ${kind}`, `${k.seconds.toFixed(2)} s for ${k.requests} requests`, `${k.errors} errors${why ? ` (${why})` : ''}`]);
  }
  target(`${settings.connections} keep-alive connections x ${settings.requestsPerConnection}: 0 errors`, r.reference.errors === 0, `${r.reference.errors} errors`);
}
if (wanted('fuzz')) {
  const r = await bothServers(`fuzz (${settings.fuzzCases} cases)`, fuzz);
  for (const kind of KINDS) {
    const z = r[kind];
    table.push([
      `fuzz, ${kind}`,
      `${z.cases} cases: ${z.crashes} crashes, ${z.hangs} hangs, ${z.fiveXX} 5xx but 501/505 (${z.fiveXXAbandoned} 5xx to clients gone mid-body)`,
      `stderr: ${z.stderrLines} lines, ${z.stackLines} of stack traces`,
    ]);
  }
  const z = r.reference;
  target('fuzz: 0 crashes', z.crashes === 0, `${z.crashes}`);
  target('fuzz: 0 hangs', z.hangs === 0, `${z.hangs}`);
  target('fuzz: 0 5xx, none to clients that went away', z.fiveXX === 0 && z.fiveXXAbandoned === 0, `${z.fiveXX} 5xx, ${z.fiveXXAbandoned} to clients gone mid-body`);
}

const width = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i]?.length ?? 0)));
console.log('');
for (const row of table) console.log(`  ${row.map((cell, i) => cell.padEnd(width[i] ?? 0)).join('   ')}`);
console.log('\ntargets (the reference stack):');
for (const t of targets) console.log(`  ${t.ok ? '✔' : '✘'} ${t.what}: ${t.detail}`);
console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s in all`);
process.exit(targets.every((t) => t.ok) ? 0 : 1);
