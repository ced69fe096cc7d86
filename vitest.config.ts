// The course's own tests (npm test): the grader, the labs in both directions, the lessons.
// Hidden tests under grader/hidden/ are not run here directly: the grader runs them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['grader/selftest/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
