#!/usr/bin/env node
// @ts-check
// Wall time of `npm run grade <lab>` against a bare `vitest run` of the same hidden test files,
// alternating the two so both see the same machine load. Prints medians and their ratio.
//   node grader/bench/grade-vs-vitest.mjs [lab1] [runs=7]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, findLab } from '../course.mjs';

const lab = findLab(process.argv[2] ?? 'lab1');
const runs = Number(process.argv[3] ?? 7);
if (!lab) throw new Error('unknown lab');

const env = { ...process.env, NO_COLOR: '1', BENCH_LAB: lab.folder, BENCH_SLUG: lab.slug, BENCH_TARGET: 'solutions' };
const commands = {
  grade: [join(ROOT, 'grader', 'cli.mjs'), lab.folder, '--solution'],
  vitest: [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(ROOT, 'grader', 'bench', 'vitest.bare.config.ts')],
};
/** @type {Record<string, number[]>} */
const times = { grade: [], vitest: [] };
for (let i = 0; i < runs + 1; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) throw new Error(`${name} exited ${run.status}`);
    if (i > 0) times[name]?.push(ms); // the first round warms caches and is not counted
  }
}
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const grade = median(times.grade ?? []);
const vitest = median(times.vitest ?? []);
console.log(`${lab.folder}, ${runs} runs each, medians:`);
console.log(`  npm run grade (grader/cli.mjs)  ${grade.toFixed(0)} ms`);
console.log(`  bare vitest run                 ${vitest.toFixed(0)} ms`);
console.log(`  ratio grade / vitest            ${(grade / vitest).toFixed(2)}`);
