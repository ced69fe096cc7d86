#!/usr/bin/env node
// @ts-check
// `npm run examples lab1`: runs the visible example tests in labs/lab1-http (or, with
// --solution, in solutions/lab1-http) with vitest's ordinary output. Exit code: vitest's.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultServerConditions } from 'vite';
import { createVitest } from 'vitest/node';
import { LABS, ROOT, findLab, hasReference } from './course.mjs';

const args = process.argv.slice(2);
const solution = args.includes('--solution') || process.env.npm_config_solution === 'true';
const name = args.find((a) => !a.startsWith('--'));
const lab = name ? findLab(name) : undefined;
if (!lab) {
  console.error('usage: npm run examples <lab>   for example: npm run examples lab1');
  process.exit(2);
}
const dir = join(ROOT, solution ? 'solutions' : 'labs', lab.folder);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')) : [];
if (files.length === 0) {
  console.error(`no example tests in ${dir}`);
  process.exit(2);
}
// Like the grader: the labs below this one are the reference ones, when the course has them.
const reference = LABS.some((l) => l.number < lab.number && hasReference(l));
const conditions = reference ? ['reference', ...defaultServerConditions] : [...defaultServerConditions];
const vitest = await createVitest(
  'test',
  { config: false, root: ROOT, watch: false, include: files.map((f) => join(dir, f)) },
  { ssr: { resolve: { conditions } } },
);
await vitest.start();
await vitest.close();
process.exit(process.exitCode ?? 0);
