#!/usr/bin/env node
// @ts-check
// `npm run mutation -- lab3`: mutation testing of a lab's reference with its hidden tests.
//
// Stryker changes the reference one small thing at a time (a `<` into `<=`, a condition into
// `true`, a string into "") and runs the tests that cover that spot. A mutant the tests kill is a
// mistake they would catch in a learner's code; a survivor is a test that should exist, an
// equivalent mutant (no behaviour changed: listed in <lab>.equivalent.json with a reason), or the wording
// of an error message (the tests check status, class and position, never wording, on purpose).
//
// Writes grader/mutation/<lab>.json: the score and every survivor. Not part of `npm test`: on two
// cores lab 1 takes minutes and lab 6 half an hour. Run it when a lab's tests or reference change.
//
//   npm run mutation -- lab1 [lab3 ...] [--concurrency 2] [--files parser.ts,chunked.ts]
//   npm run mutation -- lab1 --rescore     the record scored again after editing <lab>.equivalent.json
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLab, labDetails, ROOT } from '../course.mjs';

const HERE = join(ROOT, 'grader', 'mutation');

/**
 * @typedef {object} Equivalent   a survivor that changes no behaviour, kept by hand in <lab>.equivalent.json
 * @property {string} file         path under the lab folder
 * @property {string} mutator      Stryker's mutator name (`ConditionalExpression`)
 * @property {string} original     the code that was replaced, as Stryker shows it
 * @property {string} replacement  what it was replaced with
 * @property {string} reason       one line: why no test can tell the difference
 * @property {number} [line]       only this line: for a mutant whose text also occurs where it is not equivalent
 *                                 (update it when the file changes above it)
 *
 * @typedef {object} Survivor
 * @property {string} file
 * @property {number} line
 * @property {number} column
 * @property {string} mutator
 * @property {string} original
 * @property {string} replacement
 * @property {string} status      Survived or NoCoverage
 * @property {string} [equivalent]  the reason, when equivalent.json lists it
 * @property {boolean} [wording]    a string of an error message: the tests check the error, not its words
 */

/**
 * True for a string mutant inside an error's message: `throw new HttpError(400, '...')`,
 * `badRequest(\`...\`)`, lab 3's validator `report(rule, '...')`. The tests check an error's class, status and position, never its words.
 * @param {string} source @param {any} mutant
 */
export function isWording(source, mutant) {
  if (mutant.mutatorName !== 'StringLiteral') return false;
  const lines = source.split('\n').slice(Math.max(0, mutant.location.start.line - 3), mutant.location.start.line);
  const call = /\b(new \w*Error|throw|badRequest|fail|reject|report)\b/;
  return call.test(lines.at(-1) ?? '') || (lines.slice(0, -1).some((l) => call.test(l)) && !/;\s*$/.test(lines.at(-2) ?? ''));
}

/**
 * The survivors of a lab that change no behaviour, kept by hand in grader/mutation/<lab>.equivalent.json.
 * @param {string} folder @returns {Equivalent[]}
 */
export function readEquivalents(folder) {
  const file = join(HERE, `${folder}.equivalent.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

/**
 * The original code a mutant replaced, on one line.
 * @param {string} source @param {{ start: { line: number, column: number }, end: { line: number, column: number } }} location
 */
export function originalText(source, location) {
  const lines = source.split('\n');
  const { start, end } = location;
  // Stryker's report counts lines and columns from 1.
  const picked =
    start.line === end.line
      ? (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1)
      : [(lines[start.line - 1] ?? '').slice(start.column - 1), ...lines.slice(start.line, end.line - 1), (lines[end.line - 1] ?? '').slice(0, end.column - 1)].join('\n');
  return picked.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * Summarises Stryker's results for one lab: counts, score, survivors (equivalents marked).
 * @param {string} folder @param {any[]} results @param {Equivalent[]} equivalents
 */
export function summarise(folder, results, equivalents) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  /** @type {Map<string, string>} */
  const sources = new Map();
  const labDir = join(ROOT, 'solutions', folder);
  /** @type {Survivor[]} */
  const survivors = [];
  for (const r of results.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
    const file = relative(labDir, join(ROOT, relative(ROOT, r.fileName))).split('\\').join('/');
    if (!sources.has(r.fileName)) sources.set(r.fileName, existsSync(r.fileName) ? readFileSync(r.fileName, 'utf8') : '');
    const original = originalText(sources.get(r.fileName) ?? '', r.location);
    const match = equivalents.find(
      (e) => e.file === file && e.mutator === r.mutatorName && e.original === original && e.replacement === r.replacement && (e.line === undefined || e.line === r.location.start.line),
    );
    const wording = isWording(sources.get(r.fileName) ?? '', r);
    survivors.push({
      file,
      line: r.location.start.line,
      column: r.location.start.column,
      mutator: r.mutatorName,
      original,
      replacement: r.replacement,
      status: r.status,
      ...(match ? { equivalent: match.reason } : {}),
      ...(wording ? { wording: true } : {}),
    });
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const equivalent = survivors.filter((s) => s.equivalent).length;
  const wording = survivors.filter((s) => s.wording && !s.equivalent).length;
  return {
    lab: folder,
    mutants: results.length,
    counts,
    /** Stryker's mutation score: detected / valid mutants. */
    score: round(valid === 0 ? 0 : detected / valid),
    /** The same with the listed equivalent mutants left out (they cannot be detected). */
    scoreWithoutEquivalents: round(valid - equivalent === 0 ? 0 : detected / (valid - equivalent)),
    /** And with error-message wording left out too: the score of the behaviour the lesson states. */
    ruleScore: round(valid - equivalent - wording === 0 ? 0 : detected / (valid - equivalent - wording)),
    equivalent,
    wording,
    survivors: survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column),
  };
}

function round(/** @type {number} */ x) {
  return Math.round(x * 10000) / 10000;
}

/**
 * Runs Stryker over one lab. @param {import('../course.mjs').LabInfo} lab
 * @param {{ concurrency: number, files?: string[] }} options
 */
async function mutate(lab, options) {
  const { Stryker } = await import('@stryker-mutator/core');
  const details = labDetails(lab);
  process.env.MUTATION_LAB = lab.folder;
  const base = `solutions/${lab.folder}`;
  // Every source file of the reference but its tests, its try-it scripts, index.ts (re-exports)
  // and the files the starter gives whole (the demo, types): learners don't write those, so a
  // mistake there is not one the tests must catch.
  // Files whose code runs only in processes the tests start (lab.json "outOfProcess": lab 8's
  // arbiter forks workers that run serve.ts and worker.ts). Stryker switches a mutant on inside the
  // test process, never in a child it did not start, so every mutant there would "survive" without
  // having run: they are left out, and their rules are proved by the breakers alone.
  /** @type {string[]} */
  const outOfProcess = details.outOfProcess ?? [];
  const given = (/** @type {string} */ f) => {
    const starter = join(ROOT, 'labs', lab.folder, f);
    return existsSync(starter) && readFileSync(starter, 'utf8') === readFileSync(join(ROOT, base, f), 'utf8');
  };
  const left = readdirSync(join(ROOT, base), { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.ts') && (/\.test\.ts$|(^|\/)try[^/]*\.ts$|^index\.ts$/.test(f) || given(f) || outOfProcess.includes(f)));
  const mutate = options.files
    ? options.files.map((f) => `${base}/${f}`)
    : [`${base}/**/*.ts`, ...left.map((f) => `!${base}/${f}`)];
  const started = Date.now();
  const stryker = new Stryker(/** @type {any} */ ({
    testRunner: 'vitest',
    vitest: { configFile: 'grader/mutation/vitest.config.mjs' },
    mutate,
    coverageAnalysis: 'perTest',
    concurrency: options.concurrency,
    timeoutMS: Math.max(15000, details.testTimeout * 2),
    timeoutFactor: 2.5,
    // TypeScript 7 has no compiler API for Stryker to read tsconfig with: no type checker plugin,
    // and a tsconfig path that does not exist, so Stryker leaves type checks in place.
    disableTypeChecks: false,
    tsconfigFile: 'grader/mutation/no-tsconfig.json',
    reporters: ['progress'],
    tempDirName: '.grader/stryker-tmp',
    cleanTempDir: 'always',
    // What the sandbox needs: the package, the contracts, the labs' references, the hidden tests
    // and their harness. Everything else stays out of the copy.
    ignorePatterns: ['.grader', 'grader/bench', 'grader/tools', 'grader/classroom', 'grader/selftest', 'lessons', '*.md', '.git'],
    logLevel: 'warn',
    fileLogLevel: 'off',
  }));
  const results = await stryker.runMutationTest();
  const summary = summarise(lab.folder, results, readEquivalents(lab.folder));
  return {
    ...summary,
    date: new Date().toISOString().slice(0, 10),
    seconds: Math.round((Date.now() - started) / 1000),
    mutated: mutate,
    ...(outOfProcess.length > 0 ? { outOfProcess: { files: outOfProcess, why: 'run only in processes the tests start, where Stryker cannot switch a mutant on; their rules are proved by the breakers' } } : {}),
  };
}

/**
 * The record of a lab scored again against its equivalents file, without running Stryker: after
 * listing an equivalent mutant, `--rescore` updates the scores in grader/mutation/<lab>.json.
 * @param {import('../course.mjs').LabInfo} lab
 */
function rescore(lab) {
  const file = join(HERE, `${lab.folder}.json`);
  const record = JSON.parse(readFileSync(file, 'utf8'));
  const equivalents = readEquivalents(lab.folder);
  for (const s of record.survivors) {
    const match = equivalents.find((e) => e.file === s.file && e.mutator === s.mutator && e.original === s.original && e.replacement === s.replacement && (e.line === undefined || e.line === s.line));
    if (match) s.equivalent = match.reason;
    else delete s.equivalent;
  }
  const counts = record.counts;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  record.equivalent = record.survivors.filter((/** @type {Survivor} */ s) => s.equivalent).length;
  record.wording = record.survivors.filter((/** @type {Survivor} */ s) => s.wording && !s.equivalent).length;
  record.scoreWithoutEquivalents = round(detected / Math.max(1, valid - record.equivalent));
  record.ruleScore = round(detected / Math.max(1, valid - record.equivalent - record.wording));
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return record;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes('--rescore')) {
    for (const name of args.filter((a) => !a.startsWith('--'))) {
      const lab = findLab(name);
      if (!lab) throw new Error(`no lab ${name}`);
      const r = rescore(lab);
      process.stdout.write(`Lab ${lab.number}: Stryker's score ${(r.score * 100).toFixed(1)}% · ${(r.ruleScore * 100).toFixed(1)}% without ${r.equivalent} listed equivalents and ${r.wording} error-message wordings\n`);
    }
    process.exit(0);
  }
  const option = (/** @type {string} */ name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const concurrency = Number(option('--concurrency') ?? 2);
  const files = option('--files')?.split(',');
  const labs = args.map((name) => findLab(name));
  if (labs.length === 0 || labs.some((l) => !l) || !existsSync(join(ROOT, 'solutions'))) {
    process.stderr.write('usage: npm run mutation -- <lab> [<lab> ...] [--concurrency N] [--files a.ts,b.ts]   (needs solutions/)\n');
    process.exit(2);
  }
  for (const lab of /** @type {import('../course.mjs').LabInfo[]} */ (labs)) {
    const summary = await mutate(lab, { concurrency, files });
    const out = join(HERE, `${lab.folder}.json`);
    // A partial run (--files) is printed, not written over the lab's whole record.
    if (!files) writeFileSync(out, JSON.stringify(summary, null, 2) + '\n');
    const open = summary.survivors.filter((s) => !s.equivalent && !s.wording);
    const pct = (/** @type {number} */ x) => `${(x * 100).toFixed(1)}%`;
    process.stdout.write(
      `\nLab ${lab.number}: ${summary.mutants} mutants · Stryker's score ${pct(summary.score)} · ` +
        `${pct(summary.ruleScore)} without ${summary.equivalent} listed equivalents and ${summary.wording} ` +
        `error-message wordings · ${open.length} survivors to look at · ${summary.seconds} s` +
        `${files ? '' : ` -> ${relative(ROOT, out)}`}\n`,
    );
    for (const s of open.slice(0, 40)) {
      process.stdout.write(`  ${s.file}:${s.line}:${s.column} ${s.mutator}: ${s.original} -> ${s.replacement}\n`);
    }
    if (open.length > 40) process.stdout.write(`  ... and ${open.length - 40} more in the JSON\n`);
  }
  rmSync(join(ROOT, '.grader', 'stryker-tmp'), { recursive: true, force: true });
}
