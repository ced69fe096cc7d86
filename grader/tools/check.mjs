#!/usr/bin/env node
// @ts-check
// `npm test` in a students' release: every lab against the tests this copy has (the visible
// examples; the hidden tests in a self-study copy), one line per lab, then TypeScript's verdict on
// labs/. Each lab is graded as `npm run grade` grades it (a loop or process.exit() fails a test,
// never the run) and the grade is recorded, so `npm run progress` and the lessons site see it.
// Exit code: 0 when every lab passes every test and TypeScript finds no error, 1 when not.
import { join } from 'node:path';
import { LABS, ROOT, examplesOnly, isPresent } from '../course.mjs';
import { grade, saveState, typeCheck } from '../grade.mjs';
import { Command, bar, parseCommandLine, pc, requireLab, runTool } from './common.mjs';

const program = new Command()
  .name('npm test')
  .description("Checks every lab of your copy against its tests, one line per lab, and type-checks labs/")
  .argument('[labs...]', 'only these labs (lab1, 3, gateway)')
  .option('--no-state', "don't record these grades in your progress (.grader/state)");
const options = parseCommandLine(program);

runTool('test', async () => {
  const c = pc.createColors(pc.isColorSupported);
  const examples = examplesOnly();
  process.stdout.write(
    c.bold(examples ? 'Your labs against their visible examples' : 'Your labs against their tests') +
      (examples ? c.dim(' (the hidden tests, which decide your grade, run when you submit)') : '') +
      '\n\n',
  );
  // TypeScript looks at all of labs/ while the labs are graded one after the other.
  const types = typeCheck(join(ROOT, 'labs'));
  let passedLabs = 0;
  const asked = /** @type {string[]} */ (program.processedArgs[0] ?? []);
  const labs = asked.length > 0 ? asked.map((name) => requireLab(name, 'npm test -- lab1')) : LABS.filter(isPresent);
  for (const lab of labs) {
    const label = `lab ${lab.number}  ${lab.title.padEnd(28)}`;
    if (process.stdout.isTTY) process.stdout.write(c.dim(`${label} grading…`));
    const result = await grade({ lab });
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    if (options.state !== false) saveState(result);
    const passed = result.tests.filter((t) => t.status === 'passed').length;
    const total = result.tests.length;
    const done = total > 0 && passed === total && result.problems.length === 0;
    if (done) passedLabs += 1;
    const what = examples ? 'examples' : 'tests';
    const next = result.milestones.find((m) => m.passed < m.total);
    const todo = done
      ? c.green('✔ passes')
      : result.problems.length > 0
        ? c.red(`fix first: ${result.problems[0]?.message.split('\n')[0]}`) + c.dim(` (npm run grade lab${lab.number})`)
        : c.dim(`next: ${next && next.id !== 'other' ? `${next.title}, ` : ''}npm run grade lab${lab.number}`);
    const colour = done ? c.green : passed > 0 ? c.yellow : c.red;
    process.stdout.write(`${label} ${colour(bar(passed, total, 10))} ${`${passed}/${total} ${what}`.padEnd(14)} ${todo}\n`);
  }
  const errors = await types;
  process.stdout.write('\n');
  if (errors === null) process.stdout.write(c.dim('TypeScript: not checked (the typescript package is not installed: npm ci)\n'));
  else if (errors.length === 0) process.stdout.write(`TypeScript: ${c.green('no error in labs/')}\n`);
  else {
    const files = [...new Set(errors.map((e) => e.file))];
    process.stdout.write(`TypeScript: ${c.yellow(`${errors.length} ${errors.length === 1 ? 'error' : 'errors'} in labs/`)} (${files.slice(0, 4).join(', ')}${files.length > 4 ? ', …' : ''}); npm run grade shows them\n`);
  }
  const summary = `${passedLabs} of ${labs.length} labs pass their ${examples ? 'examples' : 'tests'}`;
  const clean = passedLabs === labs.length && errors?.length === 0;
  process.stdout.write(`npm test: ${clean ? c.green(summary) : summary}\n`);
  return clean ? 0 : 1;
});
