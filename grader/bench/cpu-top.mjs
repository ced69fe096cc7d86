#!/usr/bin/env node
// @ts-check
// The functions a CPU profile caught most often, by the time spent in them (self time):
//   node --cpu-prof --cpu-prof-dir=prof --import tsx --conditions=reference grader/bench/micro.ts templates-filters 10 500
//   node grader/bench/cpu-top.mjs prof/*.cpuprofile [how many, default 25]
// A .cpuprofile also opens in Chrome's DevTools (Performance tab) and in VS Code, as a flame chart.
import { readFileSync } from 'node:fs';

const [file, count = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: node grader/bench/cpu-top.mjs FILE.cpuprofile [N]');
/** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string } }[], samples: number[], timeDeltas: number[] }} */
const profile = JSON.parse(readFileSync(file, 'utf8'));
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
/** @type {Map<string, number>} */
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = frames.get(id);
  if (!frame) return;
  const where = frame.url.replace(/^.*\/(node_modules|solutions|grader|labs)\//, '$1/');
  const key = `${frame.functionName || '(anonymous)'}  ${where}`;
  const us = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
});
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
