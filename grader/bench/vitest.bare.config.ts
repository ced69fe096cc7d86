// A bare vitest run of one lab's hidden tests: the same files, aliases, conditions, timeout and
// environment the grader gives them, as many files at once (testWorkers), with vitest's default
// pool, and without the grader's supervisor, journal, permission flags or report. The peer the grader is measured against in
// `npm run bench` (run.mjs).
//   BENCH_LAB=lab1-http BENCH_SLUG=http BENCH_TARGET=solutions vitest run --config grader/bench/vitest.bare.config.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { testWorkers } from '../grade.mjs';

const root = join(import.meta.dirname, '..', '..');
const lab = process.env.BENCH_LAB ?? 'lab1-http';
const slug = process.env.BENCH_SLUG ?? 'http';
const target = process.env.BENCH_TARGET ?? 'solutions';
const details = JSON.parse(readFileSync(join(root, 'grader', 'hidden', lab, 'lab.json'), 'utf8')) as Parameters<typeof testWorkers>[0];
const files = readdirSync(join(root, 'grader', 'hidden', lab)).filter((name) => name.endsWith('.test.ts')).length;

export default defineConfig({
  root,
  resolve: { alias: { [`@lab/${slug}`]: join(root, target, lab, 'index.ts') } },
  ssr: { resolve: { conditions: ['reference', ...defaultServerConditions] } },
  test: {
    include: [`grader/hidden/${lab}/*.test.ts`],
    testTimeout: details.testTimeout,
    hookTimeout: details.testTimeout,
    maxWorkers: testWorkers(details, files),
    env: { GRADER_LAB_DIR: join(root, target, lab) },
  },
});
