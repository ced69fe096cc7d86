#!/usr/bin/env node
// @ts-check
// `npm run start lab3 -- --open` / `-- --guided`: take a lab at the other level. `npm run reset lab3`
// (this file with --reset): start a lab again from its starter. Either way the learner's work in
// labs/<lab> is first copied into backups/<lab>/<time>-<level>/, and only then replaced.
// Without a level, `start` says where each lab stands.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LABS, ROOT, isPresent } from '../course.mjs';
import { hasOpenLevel, levelOf, putStarter, untouchedLevel } from '../levels.mjs';
import { Command, UsageError, parseCommandLine, pc, requireLab, runTool, shown } from './common.mjs';

const reset = process.argv.includes('--reset');
const program = new Command()
  .name(reset ? 'npm run reset' : 'npm run start')
  .usage('<lab> [-- --open | --guided]')
  .description(
    reset
      ? "Starts a lab again from its starter (the level it is taken at, or the one you name). Your work is kept in backups/."
      : 'Takes a lab at a level: --guided (the inside shaped for you, with TODOs) or --open (only the public surface: you design the inside). Your work is kept in backups/.',
  )
  .argument('[lab]', 'the lab: lab3, 3 or gateway')
  .option('--open', 'the open starter: index.ts with the public surface, nothing else')
  .option('--guided', 'the guided starter: the files and helpers laid out, with TODO comments')
  .option('--reset', 'start again from the starter (what npm run reset does)');
const options = parseCommandLine(program, { switches: ['open', 'guided'] });

/** @param {import('../course.mjs').LabInfo} lab */
const folderText = (lab) => `labs/${lab.folder}`;

runTool(reset ? 'reset' : 'start', async () => {
  const c = pc.createColors(pc.isColorSupported);
  const [name] = /** @type {[string | undefined]} */ (program.processedArgs);
  if (options.open && options.guided) throw new UsageError('choose one level: --open or --guided');
  if (!name && !reset && !options.open && !options.guided) {
    process.stdout.write(`${c.bold('Your labs and the level each is taken at')}\n\n`);
    for (const lab of LABS.filter(isPresent)) {
      const level = levelOf(lab.folder);
      const untouched = existsSync(join(ROOT, 'labs', lab.folder)) ? untouchedLevel(lab.folder) : null;
      process.stdout.write(`  lab${String(lab.number).padEnd(2)} ${lab.title.padEnd(30)} ${level.padEnd(7)} ${c.dim(untouched ? 'the starter, untouched' : 'your work in it')}\n`);
    }
    process.stdout.write(
      `\n  guided: the inside is laid out for you (files, helpers, TODO comments)\n` +
        `  open:   only index.ts with the lab's public surface: you design the inside\n\n` +
        `Switch:  npm run start lab3 -- --open   (or --guided)\n` +
        `Restart: npm run reset lab3\n` +
        `Either keeps what labs/ held in backups/<lab>/ first.\n`,
    );
    return 0;
  }
  const lab = requireLab(name, reset ? 'npm run reset lab3' : 'npm run start lab3 -- --open');
  const current = levelOf(lab.folder);
  const level = options.open ? 'open' : options.guided ? 'guided' : reset ? current : undefined;
  if (!level) {
    const other = current === 'open' ? 'guided' : 'open';
    process.stdout.write(
      `Lab ${lab.number} is taken at the ${c.bold(current)} level.\n` +
        `To take it at the ${other} level: npm run start lab${lab.number} -- --${other}\n` +
        `To start it again: npm run reset lab${lab.number}\n`,
    );
    return 0;
  }
  if (level === 'open' && !hasOpenLevel(lab.folder)) throw new UsageError(`lab ${lab.number} has no open starter in this copy of the course`);
  const present = existsSync(join(ROOT, 'labs', lab.folder));
  const untouched = present ? untouchedLevel(lab.folder) : null;
  if (!reset && present && level === current && untouched === level) {
    process.stdout.write(`Lab ${lab.number} is already at the ${level} level, and ${folderText(lab)} is its starter, untouched. Nothing to do.\n`);
    return 0;
  }
  if (!reset && present && level === current) {
    process.stdout.write(
      `Lab ${lab.number} is already taken at the ${level} level, with your work in ${folderText(lab)}. Nothing was changed.\n` +
        `To start it again from the ${level} starter (your work goes to backups/ first): npm run reset lab${lab.number}${level === 'open' ? ' -- --open' : ''}\n`,
    );
    return 0;
  }
  const { backup, files } = putStarter(lab.folder, level);
  const what = level === 'open' ? 'the open starter (the public surface only: you design the inside)' : 'the guided starter';
  process.stdout.write(`${c.green('✔')} ${folderText(lab)} now holds ${what}: ${files.length} ${files.length === 1 ? 'file' : 'files'}.\n`);
  if (backup) process.stdout.write(`  What it held before, your work, is in ${c.bold(shown(backup))}/ (copy back what you need).\n`);
  else if (present) process.stdout.write(c.dim(`  What it held before was a starter as shipped, so there was nothing of yours to keep.\n`));
  process.stdout.write(
    `  Read ${folderText(lab)}/README.md, then grade as always: npm run grade lab${lab.number}\n` +
      (level === 'open'
        ? `  For the laid-out version instead: npm run start lab${lab.number} -- --guided\n`
        : hasOpenLevel(lab.folder)
          ? `  To design the inside yourself instead: npm run start lab${lab.number} -- --open\n`
          : ''),
  );
  return 0;
});
