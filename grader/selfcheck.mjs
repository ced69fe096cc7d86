#!/usr/bin/env node
// @ts-check
// `npm test`: the course checks itself. Type-checks both wings, runs the course's own tests
// (grader, labs in both directions, lessons), runs each lab's visible examples on the reference,
// and ends with one line: "selfcheck: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { createVitest } from 'vitest/node';
import { LABS, ROOT, isPresent } from './course.mjs';

let passed = 0;
let failed = 0;

/** Runs a node program as one check of the self-check. @param {string} label @param {string[]} args */
function check(label, args) {
  process.stdout.write(pc.bold(`\n▶ ${label}\n`));
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (run.status === 0) {
    passed += 1;
    process.stdout.write(pc.green(`✔ ${label}\n`));
  } else {
    failed += 1;
    process.stdout.write(pc.red(`✘ ${label} (exit ${run.status})\n`));
  }
}

// typescript's package exports don't include its bin script, so it is reached by path.
const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
check('type-check labs/ and grader/ (tsconfig.json)', [tsc, '-p', 'tsconfig.json']);
const haveSolutions = existsSync(join(ROOT, 'solutions'));
if (haveSolutions) check('type-check solutions/ (tsconfig.solutions.json)', [tsc, '-p', 'tsconfig.solutions.json']);
for (const lab of LABS.filter(isPresent)) {
  if (haveSolutions) {
    check(`lab ${lab.number}: visible examples pass on the reference`, [join(ROOT, 'grader', 'examples.mjs'), lab.folder, '--solution']);
  }
}

process.stdout.write(pc.bold('\n▶ the course\'s own tests (vitest.config.ts)\n'));
const vitest = await createVitest('test', { watch: false });
await vitest.start();
await vitest.close();
for (const module of vitest.state.getTestModules()) {
  for (const test of module.children.allTests()) {
    const state = test.result().state;
    if (state === 'passed') passed += 1;
    else if (state === 'failed') failed += 1;
  }
  // A file that could not even load is a failure too, whatever its tests would have said.
  if (module.errors().length > 0) failed += 1;
}

const summary = `${passed} passed, ${failed} failed`;
process.stdout.write(`\nselfcheck: ${failed === 0 ? pc.green(summary) : pc.red(summary)}\n`);
process.exit(failed === 0 ? 0 : 1);
