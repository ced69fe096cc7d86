#!/usr/bin/env node
// @ts-check
// `npm run grade <lab>`: grades a lab with its hidden tests and prints a report.
// Exit code: 0 when every test passed, 1 when not, 2 when the grader was asked wrongly or broke.
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import pc from 'picocolors';
import { LABS, findLab, isPresent } from './course.mjs';
import { UsageError, grade, saveState } from './grade.mjs';
import { watch } from './watch.mjs';
import { allPassed, countExtensions, formatReport } from './report.mjs';
import { gitHubErrorLine, gitHubOutputLine, redact, toExercism, toGradescope, toJUnit, typeErrorLines } from './formats.mjs';

const program = new Command()
  .name('npm run grade')
  .usage('<lab> [-- options]')
  .description('Grade a lab with its hidden tests: npm run grade lab1 (or 1, or http)')
  .argument('[lab]', 'the lab: lab3, 3 or gateway')
  .argument('[extra...]')
  .option('--solution', 'grade the reference solution instead of your code')
  .option('--own-stack', 'build on your own lower labs instead of the reference ones')
  .option('--json <file>', 'also write the results as JSON to <file>')
  .option('--junit <file>', 'also write the results as JUnit XML to <file> (for CI)')
  .option('--gradescope <file>', "also write Gradescope's results.json to <file> (hidden tests: name and points only)")
  .option('--exercism <file>', "also write Exercism's test runner results.json to <file>")
  .option('--github-classroom', "write the result GitHub Classroom's reporter reads to $GITHUB_OUTPUT (step output `result`)")
  .option('--redact', "take the hidden tests' details (messages, expected and actual values, output) out of the files written")
  .option('--verbose', 'show every failure in full, not only the next milestone')
  .option('--count-extensions', "count the lab's optional extension milestones in the score (a teacher's choice; apart by default)")
  .option('--no-state', "don't record this grade in your progress (.grader/state)")
  .option('--watch', 'regrade every time you save a file of the lab')
  .option('--poll', 'with --watch: poll for changes (for WSL and network drives, where save events are lost)')
  .addOption(new Option('--lab-dir <dir>', 'grade the lab in this folder').hideHelp())
  .addHelpText(
    'after',
    `
Options go after "--", so npm passes them on:  npm run grade lab1 -- --solution
Labs: ${LABS.map((lab) => `${lab.number} ${lab.slug}`).join(', ')}`,
  )
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

try {
  program.parse();
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2);
  }
  throw error;
}

main().catch((error) => {
  // GitHub Classroom's reporter reads this step's output whatever happened: an empty one stops it
  // with an unrelated message, so a grade that could not run still says so, as an error.
  if (program.opts().githubClassroom) writeGitHubOutput(gitHubErrorLine(error instanceof Error ? error.message : String(error)));
  if (error instanceof UsageError) {
    process.stderr.write(`${pc.red('grade:')} ${error.message}\n`);
  } else {
    process.stderr.write(`${pc.red('grade: internal error')} (not your code's fault, please report it)\n`);
    process.stderr.write(`${error?.stack ?? error}\n`);
  }
  process.exit(2);
});

async function main() {
  const [labName, extra] = /** @type {[string | undefined, string[]]} */ (program.processedArgs);
  const options = program.opts();
  const notes = [];

  // `npm run grade lab1 --verbose` (no `--`) hands the flag to npm, which turns it into an
  // environment variable (npm_config_verbose...) and drops it from our arguments; a value given to
  // such a flag stays behind as a stray argument. Honour every option npm took and say so, rather
  // than quietly grading without it.
  const npm = npmTookOptions(process.env);
  for (const [key, flag] of npm.switches) {
    const value = key !== 'state'; // --no-state turns recording off; every other switch turns its option on
    if (options[key] !== value) {
      options[key] = value;
      notes.push(flag);
    }
  }
  let positional = extra;
  if (npm.valued.length > 0) {
    if (npm.valued.length !== positional.length || npm.valued.length > 1) {
      const taken = npm.valued.map(([, flag]) => flag).join(', ');
      throw new UsageError(
        `npm took ${taken} for itself and left ${positional.join(' ') || 'nothing'} behind, so the grader cannot tell ` +
          `which file goes with which option. Put the options after "--": npm run grade ${labName ?? 'lab1'} -- ${npm.valued.map(([, flag]) => `${flag} FILE`).join(' ')}`,
      );
    }
    const [[key, flag]] = /** @type {[string, string][]} */ (npm.valued);
    if (!options[key]) {
      options[key] = positional[0];
      notes.push(`${flag} ${positional[0]}`);
    }
    positional = [];
  }
  if (positional.length > 0) {
    throw new UsageError(
      `unexpected ${positional.join(' ')}. If it belongs to an option, put "--" before the options: ` +
        `npm run grade ${labName} -- --json FILE`,
    );
  }
  const note =
    notes.length > 0
      ? `(npm took ${notes.join(' ')} for itself; the grader used it. Write "npm run grade ${labName} -- ${notes.join(' ')}" to be sure.)`
      : undefined;

  if (!labName) throw new UsageError(`which lab? For example: npm run grade lab1\n${labList()}`);
  const lab = findLab(labName);
  if (!lab) throw new UsageError(`there is no lab called "${labName}".\n${labList()}`);
  if (!isPresent(lab)) {
    throw new UsageError(`lab ${lab.number} (${lab.title}) is not in this copy of the course yet.\n${labList()}`);
  }

  if (options.watch) {
    await watch({ lab, solution: !!options.solution, ownStack: !!options.ownStack, poll: !!options.poll, verbose: !!options.verbose, color: pc.isColorSupported, note, state: options.state !== false });
    return;
  }

  const progress = process.stderr.isTTY
    ? (/** @type {number} */ done, /** @type {number} */ total) =>
        process.stderr.write(`\r${pc.dim(`grading lab ${lab.number}: ${done}/${total} tests`)}`)
    : undefined;
  const graded = await grade({
    lab,
    solution: !!options.solution,
    ownStack: !!options.ownStack,
    labDir: options.labDir ? resolve(options.labDir) : undefined,
    note,
    onProgress: progress,
    typeCheck: !options.solution,
  });
  if (progress) process.stderr.write('\r\x1b[K');
  const result = options.countExtensions ? countExtensions(graded) : graded;
  if (result.tests.length === 0) {
    throw new Error(`no tests ran for lab ${lab.number}:\n${result.problems.map((p) => p.message).join('\n')}`);
  }
  process.stdout.write(withTypeErrors(formatReport(result, { verbose: !!options.verbose, color: pc.isColorSupported }), result.typeErrors ?? []));
  // Written here, by the grading process, after the run: never by the process that ran the code.
  const machine = options.redact ? redact(result) : result;
  /** @type {[string | undefined, () => string][]} */
  const outputs = [
    [options.json, () => JSON.stringify(machine, null, 2) + '\n'],
    [options.junit, () => toJUnit(machine)],
    // toGradescope shows hidden tests' names and points only, --redact or not.
    [options.gradescope, () => JSON.stringify(toGradescope(result), null, 2) + '\n'],
    [options.exercism, () => JSON.stringify(toExercism(machine), null, 2) + '\n'],
  ];
  for (const [file, text] of outputs) {
    if (!file) continue;
    writeFileSync(file, text());
    process.stdout.write(pc.dim(`results written to ${file}\n`));
  }
  if (options.githubClassroom) writeGitHubOutput(gitHubOutputLine(machine));
  // The learner's own grades feed `npm run progress` and `npm run hint`.
  if (options.state && !options.solution && !options.labDir) saveState(graded);
  // Extensions decide the exit code only where they count (allPassed knows).
  process.exit(allPassed(result) ? 0 : 1);
}

/**
 * The grader's options that npm kept for itself when they came before `--`: npm passes each on as
 * npm_config_<name> (`true`, or `''` for `--no-<name>`; `--verbose` becomes npm's own loglevel).
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ switches: [string, string][], valued: [string, string][] }}  [option key, flag as typed]
 */
function npmTookOptions(env) {
  /** @type {[string, string][]} */
  const switches = [];
  for (const [name, key] of [['solution', 'solution'], ['own_stack', 'ownStack'], ['watch', 'watch'], ['poll', 'poll'],
    ['redact', 'redact'], ['github_classroom', 'githubClassroom'], ['count_extensions', 'countExtensions']]) {
    if (env[`npm_config_${name}`] === 'true') switches.push([key, `--${name.replace('_', '-')}`]);
  }
  if (env.npm_config_loglevel === 'verbose') switches.push(['verbose', '--verbose']);
  if (env.npm_config_state === '') switches.push(['state', '--no-state']);
  /** @type {[string, string][]} */
  const valued = [];
  for (const name of ['json', 'junit', 'gradescope', 'exercism']) {
    if (env[`npm_config_${name}`] === 'true') valued.push([name, `--${name}`]);
  }
  return { switches, valued };
}

/** A workflow step's outputs are lines appended to the file $GITHUB_OUTPUT names (stdout outside a workflow). */
function writeGitHubOutput(/** @type {string} */ line) {
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, line);
  else process.stdout.write(line);
}

/**
 * The report with TypeScript's errors in the lab as warnings, just above its last line (the score).
 * @param {string} report
 * @param {import('./formats.mjs').TypeErrorInfo[]} errors
 */
function withTypeErrors(report, errors) {
  if (errors.length === 0) return report;
  const lines = report.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  return [...lines, ...typeErrorLines(errors, pc.createColors(pc.isColorSupported)), last].join('\n') + '\n';
}

function labList() {
  const lines = LABS.map(
    (lab) => `  lab${lab.number}  ${lab.slug.padEnd(11)} ${lab.title}${isPresent(lab) ? '' : pc.dim(' (coming)')}`,
  );
  return `Labs:\n${lines.join('\n')}`;
}
