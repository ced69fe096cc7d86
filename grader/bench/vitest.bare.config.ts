// A bare vitest run of one lab's hidden tests: the same files, aliases and conditions the grader
// uses, without its supervisor, journal or report. The peer the grader is measured against.
//   BENCH_LAB=lab1-http BENCH_SLUG=http BENCH_TARGET=solutions vitest run --config grader/bench/vitest.bare.config.ts
import { join } from 'node:path';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = join(import.meta.dirname, '..', '..');
const lab = process.env.BENCH_LAB ?? 'lab1-http';
const slug = process.env.BENCH_SLUG ?? 'http';
const target = process.env.BENCH_TARGET ?? 'solutions';

export default defineConfig({
  root,
  resolve: { alias: { [`@lab/${slug}`]: join(root, target, lab, 'index.ts') } },
  ssr: { resolve: { conditions: ['reference', ...defaultServerConditions] } },
  test: { include: [`grader/hidden/${lab}/*.test.ts`], pool: 'threads' },
});
