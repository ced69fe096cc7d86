#!/usr/bin/env node
// @ts-check
// For the course's developers: checks the open starter of labs, as the self-check does.
//
//   node grader/open-check.mjs lab1 [lab6 ...]   (or: all)
//
// For each lab: writes its open starter into .grader/open/<folder>, type-checks the lab's hidden
// tests against it (everything a test uses must be in the open surface), checks it exports the
// same names as the reference's index.ts, and grades it: every hidden test must fail.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LABS, ROOT, findLab, isPresent } from './course.mjs';
import { grade } from './grade.mjs';
import { hasOpenLevel, materialize } from './levels.mjs';

/** Where a lab's open starter is put together: two folders down, as labs/<folder> is, so its
 * example tests' relative imports (../../grader/harness) still reach the course. */
export const openDir = (/** @type {string} */ folder) => join(ROOT, '.grader', `open-${folder}`);

/**
 * Writes the open starters of these labs under .grader/open and type-checks them with their
 * hidden tests. Returns tsc's output ('' when clean).
 * @param {import('./course.mjs').LabInfo[]} labs
 */
export function typeCheckOpen(labs) {
  for (const lab of labs) materialize(lab.folder, 'open', openDir(lab.folder));
  const config = {
    extends: '../tsconfig.base.json',
    compilerOptions: {
      paths: Object.fromEntries(labs.map((lab) => [`@lab/${lab.slug}`, [`./open-${lab.folder}/index.ts`]])),
    },
    include: [...labs.map((lab) => `open-${lab.folder}`), ...labs.map((lab) => `../grader/hidden/${lab.folder}`), '../grader/harness'],
  };
  const file = join(ROOT, '.grader', 'tsconfig.open.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', file], { cwd: ROOT, encoding: 'utf8' });
  return run.status === 0 ? '' : `${run.stdout}${run.stderr}`;
}

/** The runtime export names of an index.ts. */
export async function exportNames(/** @type {string} */ file) {
  const { tsImport } = await import('tsx/esm/api');
  return Object.keys(await tsImport(pathToFileURL(file).href, import.meta.url)).sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const labs = args.includes('all') ? LABS.filter((lab) => isPresent(lab) && hasOpenLevel(lab.folder)) : args.map((a) => findLab(a));
  if (labs.length === 0 || labs.some((lab) => !lab)) {
    console.error('usage: node grader/open-check.mjs lab1 [lab6 ...] | all');
    process.exit(2);
  }
  const chosen = /** @type {import('./course.mjs').LabInfo[]} */ (labs);
  let bad = 0;
  const types = typeCheckOpen(chosen);
  console.log(types ? `type-check: FAILED\n${types}` : 'type-check: the hidden tests type-check against the open starters');
  if (types) bad += 1;
  for (const lab of chosen) {
    const dir = openDir(lab.folder);
    const open = await exportNames(join(dir, 'index.ts'));
    const reference = await exportNames(join(ROOT, 'solutions', lab.folder, 'index.ts'));
    const same = JSON.stringify(open) === JSON.stringify(reference);
    console.log(`${lab.folder}: exports ${same ? 'match the reference' : `DIFFER\n  open:      ${open.join(', ')}\n  reference: ${reference.join(', ')}`}`);
    if (!same) bad += 1;
    const result = await grade({ lab, labDir: dir });
    const passing = result.tests.filter((t) => t.status === 'passed').map((t) => t.name);
    console.log(`${lab.folder}: open starter scores ${result.score}/${result.maxScore} over ${result.tests.length} tests${passing.length ? `; passing:\n  ${passing.join('\n  ')}` : ''}`);
    if (passing.length > 0 || result.score !== 0 || (result.extensions?.score ?? 0) !== 0) bad += 1;
    const messages = [...new Set(result.tests.map((t) => t.message?.split('\n')[0]).filter(Boolean))].slice(0, 12);
    console.log(`  first lines of its failures (a sample):\n    ${messages.join('\n    ')}`);
  }
  process.exit(bad === 0 ? 0 : 1);
}
