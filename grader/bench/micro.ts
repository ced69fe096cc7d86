// Runs one CPU benchmark in a process of its own and prints its samples as one JSON line:
//   node --import tsx --conditions=reference grader/bench/micro.ts router [rounds] [roundMs]
// After a warm-up, subject and peer take turns (ABBA order), each run for roundMs per round.
import type { Workload } from './workloads/workload.ts';

// Only the workload asked for is loaded: a library loaded for another workload can slow this one
// down. With nunjucks loaded in the same process, find-my-way ran at about half its speed.
const workloads: Record<string, () => Promise<Workload>> = {
  'templates-typical': async () => (await import('./workloads/templates.ts')).templatesWorkload('typical'),
  'templates-filters': async () => (await import('./workloads/templates.ts')).templatesWorkload('filters'),
  router: async () => (await import('./workloads/router.ts')).routerWorkload(),
};

const [name = '', rounds = '5', roundMs = '500'] = process.argv.slice(2);
const make = workloads[name];
if (!make) throw new Error(`unknown workload "${name}"; known: ${Object.keys(workloads).join(', ')}`);
const workload = await make();
workload.check();

/**
 * Calls fn for about `ms` milliseconds; returns operations per CPU second of this process. On a
 * shared machine, wall time counts the moments other programs had the CPU; CPU time does not.
 */
function rate(fn: () => unknown, ms: number): number {
  let calls = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  do {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
  } while (performance.now() - start < ms);
  const cpu = process.cpuUsage(cpuStart);
  return (calls * (workload.perCall ?? 1)) / ((cpu.user + cpu.system) / 1e6);
}

// A long warm-up: V8 compiles hot functions in background threads, whose time process.cpuUsage()
// counts, and some code (find-my-way's, for one) reaches full speed only after a second or so.
// With 300 ms, the first rounds caught find-my-way at half its speed.
rate(workload.subject, 1500);
rate(workload.peer, 1500);
const samples = { subject: [] as number[], peer: [] as number[] };
for (let round = 0; round < Number(rounds); round++) {
  const order = round % 2 === 0 ? (['subject', 'peer'] as const) : (['peer', 'subject'] as const);
  for (const side of order) samples[side].push(rate(workload[side], Number(roundMs)));
}
console.log(JSON.stringify({ workload: name, unit: workload.unit, ...samples }));
