// @ts-check
// The vitest configuration Stryker runs a lab's hidden tests with (grader/mutation/run.mjs). Stryker
// copies the course into a sandbox and runs there, so every path is taken from this file's own
// folder, and the lab comes from MUTATION_LAB. Like a grade of the reference: the lab under test is
// solutions/<lab>, its lower layers are the reference ones.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const { LABS, labDetails } = await import(join(root, 'grader', 'course.mjs'));
const lab = LABS.find((/** @type {{ folder: string }} */ l) => l.folder === process.env.MUTATION_LAB);
if (!lab) throw new Error(`MUTATION_LAB names no lab: ${process.env.MUTATION_LAB}`);
const details = labDetails(lab);
const labDir = join(root, 'solutions', lab.folder);

export default defineConfig({
  resolve: { alias: { [`@lab/${lab.slug}`]: join(labDir, 'index.ts') } },
  ssr: { resolve: { conditions: lab.number > 1 ? ['reference', ...defaultServerConditions] : [...defaultServerConditions] } },
  test: {
    root,
    include: [join(root, 'grader', 'hidden', lab.folder, '*.test.ts')],
    setupFiles: [join(root, 'grader', 'harness', 'journal.ts')],
    testTimeout: details.testTimeout,
    hookTimeout: details.testTimeout,
    chaiConfig: { truncateThreshold: 0 },
    env: { GRADER_LAB_DIR: labDir, GRADER_REFERENCE: lab.number > 1 ? '1' : '0' },
  },
});
