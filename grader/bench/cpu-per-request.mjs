// Microseconds of SERVER CPU per request, for each server kind of server.ts (reference,
// server-only, node-http). Requests per second depend on how busy the machine is and on the load
// generator, which shares the cores; the CPU time the server process itself used for a fixed
// number of requests depends much less on either. It is what a faster stack has to lower.
//
//   node grader/bench/cpu-per-request.mjs [rounds=5] [requests=20000] [connections=10]
//
// Each kind runs in its own process (node --import tsx --conditions=reference server.ts KIND).
// autocannon, in this process, sends `requests` keep-alive requests (pipelining 1) over
// `connections` connections after a warm-up of 3,000; the server's CPU time (user + system, all
// its threads) is read from /proc/PID/stat before and after. Linux only. The kinds take turns,
// in an order that alternates every round; the table gives each kind's median and its ratio to
// node-http.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KINDS = ['reference', 'server-only', 'node-http'];
const [rounds = 5, requests = 20_000, connections = 10] = process.argv.slice(2).map(Number);
const TICKS_PER_SECOND = 100; // USER_HZ: what /proc/PID/stat counts in, on every Linux we know

/** CPU seconds a process has used so far: utime + stime, fields 14 and 15 of /proc/PID/stat. @param {number} pid */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Starts server.ts KIND and waits for its {"event":"listening","port":N} line.
 * @param {string} kind
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number }>}
 */
function start(kind) {
  const argv = ['--import', 'tsx', '--conditions=reference', join(ROOT, 'grader/bench/server.ts'), kind];
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server.ts ${kind} exited (${code}) before listening`)));
    child.stdout.on('data', (chunk) => {
      const port = /"port":(\d+)/.exec(String(chunk))?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
  });
}

/** @param {number} port @param {number} amount */
const load = (port, amount) =>
  autocannon({ url: `http://127.0.0.1:${port}/`, connections, amount, pipelining: 1 });

/** Server CPU microseconds per request for one run of KIND. @param {string} kind */
async function measure(kind) {
  const { child, port } = await start(kind);
  const pid = child.pid ?? 0;
  try {
    await load(port, 3000); // warm-up: V8 compiles the hot functions
    const before = cpuSeconds(pid);
    const result = await load(port, requests);
    const used = cpuSeconds(pid) - before;
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return (used * 1e6) / result.requests.total;
  } finally {
    child.kill('SIGTERM');
  }
}

/** @type {Record<string, number[]>} */
const samples = Object.fromEntries(KINDS.map((kind) => [kind, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
  for (const kind of order) samples[kind].push(await measure(kind));
  console.log(`round ${round + 1}: ${KINDS.map((kind) => `${kind} ${(samples[kind].at(-1) ?? 0).toFixed(1)}`).join(', ')} µs/request`);
}
/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const peer = median(samples['node-http']);
console.log(`\nserver CPU per request, median of ${rounds} rounds (${requests} requests, ${connections} connections):`);
for (const kind of KINDS) {
  const value = median(samples[kind]);
  console.log(`  ${kind.padEnd(12)} ${value.toFixed(1).padStart(6)} µs   ${(value / peer).toFixed(2)}x node-http`);
}
