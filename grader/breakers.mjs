#!/usr/bin/env node
// @ts-check
// Rule breakers: proof that the hidden tests hold every rule a lesson states.
//
// A breaker is the smallest realistic edit of a lab's reference solution that breaks one rule of
// its lesson and nothing else. grader/hidden/<lab>/breakers.mjs lists them as data:
//
//   { rule: 'E7', why: 'decodes the query string', file: 'environ.ts',
//     find: 'QUERY_STRING: query,', replace: 'QUERY_STRING: decodeURIComponent(query),' }
//
// (or `edits: [{ file, find, replace }, ...]` for an edit in several places). `find` must occur
// exactly once in its file, so a breaker that no longer fits the reference fails loudly instead of
// silently breaking nothing. The check copies the reference into a scratch folder, grades it once
// as it is, then applies each breaker in turn and runs only the tests that name its rule, in one
// long-lived test runner: the breaker is caught when at least one of them fails.
//
//   npm run breakers -- lab3            every breaker of lab 3, and the ledger's bookkeeping
//   npm run breakers -- lab3 --rule E7  the breakers of one rule
//   npm run breakers -- all             every lab
//   npm run breakers -- lab6 --base ~/my-lab6 --list edits.json
//        a learner's own mistakes, tried on their own code: edits.json is a list of breakers (a rule
//        of "" runs every test), and a test that already fails on the unbroken code proves nothing.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pc from 'picocolors';
import { LABS, ROOT, findLab, hiddenDir, isPresent } from './course.mjs';
import { gradePlan } from './grade.mjs';
import { citedRules, labRules } from './ledger.mjs';
import { RunnerSession, supervise } from './supervisor.mjs';

/**
 * @typedef {object} Edit
 * @property {string} file      path under the lab folder: `environ.ts`
 * @property {string} find      text that occurs exactly once in that file
 * @property {string} replace   what it becomes
 *
 * @typedef {object} Breaker
 * @property {string} rule      the id of the one rule it breaks
 * @property {string} why       what the edit does, in a few words (shown when it is not caught)
 * @property {string} [file]    a single edit: file, find, replace
 * @property {string} [find]
 * @property {string} [replace]
 * @property {Edit[]} [edits]   or several
 *
 * @typedef {object} BreakerResult
 * @property {Breaker} breaker
 * @property {boolean} caught
 * @property {string[]} failing   the tests that caught it, with their status
 * @property {string} [problem]   why it could not be tried (stale find text, no test names its rule)
 * @property {number} [ran]       how many of its tests ran
 * @property {number} [ms]        how long they took
 *
 * @typedef {object} TestInfo
 * @property {string} id
 * @property {string} name
 * @property {string} file
 * @property {string[]} rules
 * @property {string} [lesson]
 * @property {string} status
 */

/** The breakers of a lab, or [] if it has none. @returns {Promise<Breaker[]>} */
export async function loadBreakers(/** @type {import('./course.mjs').LabInfo} */ lab) {
  const file = join(hiddenDir(lab), 'breakers.mjs');
  if (!existsSync(file)) return [];
  const module = await import(pathToFileURL(file).href);
  return module.default;
}

/** The edits of a breaker, whichever way it was written. */
export function editsOf(/** @type {Breaker} */ breaker) {
  if (breaker.edits) return breaker.edits;
  return [{ file: breaker.file ?? '', find: breaker.find ?? '', replace: breaker.replace ?? '' }];
}

/**
 * Applies a breaker to a copy of the lab in `dir`. Returns the files it changed with their
 * original text (to restore them), or a problem when an edit does not fit.
 * @param {Breaker} breaker @param {string} dir
 * @returns {{ changed: Map<string, string> } | { problem: string }}
 */
export function applyBreaker(breaker, dir) {
  /** @type {Map<string, string>} */
  const changed = new Map();
  /** @type {Map<string, string>} */
  const texts = new Map();
  for (const edit of editsOf(breaker)) {
    const path = join(dir, edit.file);
    if (!existsSync(path)) return { problem: `${edit.file}: no such file in the lab` };
    const text = texts.get(path) ?? readFileSync(path, 'utf8');
    if (!changed.has(path)) changed.set(path, text);
    const count = text.split(edit.find).length - 1;
    if (edit.find === '' || count !== 1) {
      return { problem: `${edit.file}: the text to replace occurs ${count} times, not once: ${JSON.stringify(edit.find.slice(0, 80))}` };
    }
    if (edit.replace === edit.find) return { problem: `${edit.file}: the edit changes nothing` };
    texts.set(path, text.replace(edit.find, () => edit.replace));
  }
  for (const [path, text] of texts) writeFileSync(path, text);
  return { changed };
}

/**
 * What is wrong with a lab's ledger: rules without tests or breakers, tests without rules, names
 * of rules the lesson does not state, links that disagree with the rules, README milestones that
 * cite no rule. [] when all is well.
 * @param {import('./course.mjs').LabInfo} lab
 * @param {TestInfo[]} tests
 * @param {Breaker[]} breakers
 * @returns {string[]}
 */
export function ledgerProblems(lab, tests, breakers) {
  const rules = labRules(lab);
  const ids = new Set(rules.map((r) => r.id));
  const sectionOf = new Map(rules.map((r) => [r.id, r.lesson]));
  /** @type {string[]} */
  const problems = [];
  if (rules.length === 0) problems.push(`lessons/${lab.lesson} states no rule (**X1.**)`);
  for (const test of tests) {
    if (test.rules.length === 0) problems.push(`test "${test.name}" names no rule (add rules: [...] to its options)`);
    for (const id of test.rules) {
      if (!ids.has(id)) problems.push(`test "${test.name}" names rule ${id}, which lessons/${lab.lesson} does not state`);
    }
    const sections = test.rules.map((id) => sectionOf.get(id)).filter(Boolean);
    if (test.lesson && sections.length > 0 && !sections.includes(test.lesson)) {
      problems.push(`test "${test.name}" links to ${test.lesson}, but its rules are stated in ${[...new Set(sections)].join(', ')}`);
    }
  }
  for (const rule of rules) {
    if (!tests.some((t) => t.rules.includes(rule.id))) problems.push(`rule ${rule.id} has no test that names it`);
    if (!breakers.some((b) => b.rule === rule.id)) problems.push(`rule ${rule.id} has no breaker`);
  }
  for (const breaker of breakers) {
    if (!ids.has(breaker.rule)) problems.push(`a breaker names rule ${breaker.rule}, which lessons/${lab.lesson} does not state`);
    if (!breaker.why) problems.push(`the breaker of rule ${breaker.rule} does not say why (its "why")`);
  }
  problems.push(...readmeProblems(lab, rules));
  return problems;
}

/** Each milestone of the lab's README cites the rules it asks for (`Rules: E1-E18.`), and they exist. */
function readmeProblems(
  /** @type {import('./course.mjs').LabInfo} */ lab,
  /** @type {import('./ledger.mjs').Rule[]} */ rules,
) {
  const file = join(ROOT, 'labs', lab.folder, 'README.md');
  if (!existsSync(file)) return [];
  const section = /^## Milestones[^\n]*\n([\s\S]*?)(?=^## )/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  const items = section.split(/^(?=\d+\.\s)/m).filter((item) => /^\d+\.\s/.test(item));
  const ids = new Set(rules.map((r) => r.id));
  /** @type {string[]} */
  const problems = [];
  if (items.length === 0) problems.push(`labs/${lab.folder}/README.md has no numbered list under "## Milestones"`);
  for (const item of items) {
    const number = /^\d+/.exec(item)?.[0];
    const cited = [...item.matchAll(/\brules?:?\s+((?:[A-Z]{1,2}[1-9]\d*(?:\s*[-–]\s*[A-Z]{0,2}[1-9]\d*)?[\s,]*(?:and\s+)?)+)/gi)]
      .flatMap((m) => citedRules(m[1] ?? '', rules));
    if (cited.length === 0) problems.push(`labs/${lab.folder}/README.md, milestone ${number}: cites no rule ("Rules: E1-E18.")`);
    for (const id of cited) {
      if (!ids.has(id)) problems.push(`labs/${lab.folder}/README.md, milestone ${number}: cites rule ${id}, which the lesson does not state`);
    }
  }
  return problems;
}

/**
 * Every breaker of a lab (or those of `rule`), in one run of the hidden tests.
 *
 * Starting a test worker costs far more than the tests a breaker needs, so the breakers don't take
 * turns on one copy of the reference: each gets a numbered copy of its own under
 * .grader/breakers/<lab>/<k>/ (the lab with the breaker applied, and the hidden tests and harness
 * beside it, so that the lab alias and relative imports resolve inside the copy), and one
 * long-lived worker runs them all, one after another. Copy 0 is the unbroken reference, with every
 * test: they must all pass, or a breaker's failure would prove nothing. In a breaker's copy, the
 * harness declares only the tests that name its rule; the breaker is caught when one of them fails.
 * @param {import('./course.mjs').LabInfo} lab
 * @param {{ rule?: string, base?: string, breakers?: Breaker[] }} [options]  base: the lab code to
 *   break instead of the reference; breakers: a list to try instead of the lab's own
 */
export async function checkBreakers(lab, options = {}) {
  const started = Date.now();
  const base = options.base ?? join(ROOT, 'solutions', lab.folder);
  const all = options.breakers ?? (await loadBreakers(lab));
  const tried = all.filter((b) => !options.rule || b.rule === options.rule);
  const root = join(ROOT, '.grader', 'breakers', lab.folder);
  rmSync(root, { recursive: true, force: true });

  /** @type {BreakerResult[]} */
  const results = [];
  /** @type {Map<number, BreakerResult>} copy number -> its breaker's result, filled in after the run */
  const byCopy = new Map();
  const files = makeCopy(lab, root, 0, null, base).files;
  tried.forEach((breaker, index) => {
    const copy = makeCopy(lab, root, index + 1, breaker, base);
    const result = { breaker, caught: false, failing: /** @type {string[]} */ ([]), ...(copy.problem ? { problem: copy.problem } : {}) };
    results.push(result);
    if (copy.problem) return;
    if (copy.files.length === 0) result.problem = `no hidden test file mentions rule ${breaker.rule}`;
    else {
      byCopy.set(index + 1, result);
      files.push(...copy.files);
    }
  });

  const plan = gradePlan({ lab, labDir: join(root, '0', 'lab') });
  const copyOf = (/** @type {string} */ file) => Number(relative(root, file).split(sep)[0]);
  // The code under test is the course's own reference: worker threads, without the permission
  // model that guards against learner code, and workers reused from one copy to the next.
  // Most of a breaker's time is spent waiting (for a timeout to pass, a worker process to start),
  // not computing: several workers at once wait side by side. The work that does compute is the
  // runner's own (vite compiling each copy's modules and passing them to the workers, one thread
  // per runner): the copies are shared among several runners, one per core, so that all of the
  // cores compile.
  const { runners, workers } = breakerRunners(files.length);
  /** @type {string[][]} */
  const shares = Array.from({ length: runners }, () => []);
  files.forEach((file, i) => shares[i % runners]?.push(file));
  const sessions = shares.map((share) => new RunnerSession({ ...plan.session, files: share, pool: 'threads', copies: root, workers }));
  /** @type {Awaited<ReturnType<typeof supervise>>[]} */
  let outcomes = [];
  // A worker thread cannot change its time zone (process.env.TZ in a test is its own copy), so the
  // copies run in one far from UTC, with a half-hour offset: a clock read in local time shows.
  const zone = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata';
  try {
    outcomes = await Promise.all(
      sessions.map((session, i) =>
        supervise({
          ...plan.session,
          files: shares[i] ?? [],
          session,
          independentFiles: true,
          // Only the reference's failures are run again when the machine was busy: a broken copy's
          // failure is the expected outcome, and copy 0 passing under the same load shows the tests hold.
          retryOnly: (test) => copyOf(test.file) === 0,
          emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'),
        }),
      ),
    );
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
  const outcome = {
    tests: outcomes.flatMap((o) => o.tests),
    fileErrors: outcomes.flatMap((o) => o.fileErrors),
  };

  /** @type {TestInfo[]} */
  const tests = outcome.tests
    .filter((t) => copyOf(t.file) === 0)
    .map((t) => ({
      id: t.id,
      name: t.name,
      file: t.file,
      rules: Array.isArray(t.meta.rules) ? t.meta.rules : [],
      lesson: t.meta.lesson,
      status: t.status,
    }));
  const notPassing = tests.filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.status} ${t.status === 'passed' ? '' : firstError(outcome, t.id)}`);
  for (const f of outcome.fileErrors.filter((f) => copyOf(f.file) === 0)) notPassing.push(`${relative(root, f.file)}: ${f.errors[0]?.message}`);

  // Someone else's code may fail some tests already: those tests prove nothing about an edit.
  const failingUnbroken = new Set(tests.filter((t) => t.status !== 'passed').map((t) => `${relative(join(root, '0'), t.file)}\0${t.name}`));
  for (const t of outcome.tests) {
    const result = byCopy.get(copyOf(t.file));
    if (!result) continue;
    if (t.mode === 'skip') continue;
    if (options.base && failingUnbroken.has(`${relative(join(root, String(copyOf(t.file))), t.file)}\0${t.name}`)) continue;
    result.ran = (result.ran ?? 0) + 1;
    result.ms = (result.ms ?? 0) + ((t.endedAt ?? 0) - (t.startedAt ?? 0));
    if (t.status !== 'passed') result.failing.push(`${t.name} (${t.status})`);
  }
  // A file that no longer loads fails every test in it: that counts as caught too.
  for (const f of outcome.fileErrors) byCopy.get(copyOf(f.file))?.failing.push(`${relative(root, f.file)} did not load`);
  for (const result of byCopy.values()) {
    result.caught = result.failing.length > 0;
    // Its files were chosen because they name the rule: none of their tests reporting means the run
    // ended first (its time limit on a busy machine), or every test of them was skipped.
    if (!result.ran && !result.caught) result.problem = `none of the tests naming rule ${result.breaker.rule} ran: the run ended before them (try fewer edits at once, or a quieter machine)`;
  }
  if (notPassing.length > 0 && !options.base) {
    // Against a failing reference, a breaker's failures prove nothing.
    for (const result of results) result.caught = false;
  }
  if (!process.env.KEEP_COPIES) rmSync(root, { recursive: true, force: true });
  const ledger = options.breakers ? [] : ledgerProblems(lab, tests, all);
  return { lab, tests, ledger, notPassing, results, seconds: (Date.now() - started) / 1000 };
}

/** How much of their usual bounds tests that read GRADER_WAIT_SCALE wait in a broken copy. */
const WAIT_SCALE = 0.25;

/**
 * How the breakers' test files are run: by how many runner processes, each with how many test
 * workers. Workers in all: BREAKER_WORKERS, or twice the cores (their tests mostly wait). Runners:
 * one per core (a runner compiles on one thread, and that was the limit: its workers sat idle 83%
 * of a run of lab 5's breakers), never more than there are files or workers.
 * @param {number} fileCount
 */
function breakerRunners(fileCount) {
  const given = Number(process.env.BREAKER_WORKERS);
  const total = Number.isInteger(given) && given > 0 ? given : 2 * availableParallelism();
  const runners = Math.max(1, Math.min(availableParallelism(), total, fileCount));
  return { runners, workers: Math.max(1, Math.round(total / runners)) };
}

/** The first error of a test, one line. @param {{ tests: { id: string, errors: { message: string }[] }[] }} outcome @param {string} id */
function firstError(outcome, id) {
  return (outcome.tests.find((t) => t.id === id)?.errors[0]?.message ?? '').split('\n')[0] ?? '';
}

/**
 * Copy number k of the lab: the reference (with the breaker applied), and beside it the hidden
 * tests and the harness, which declares only the tests that name the breaker's rule. Returns the
 * copy's test files (for a breaker, those that mention its rule), or why the breaker does not fit.
 * A breaker whose rule is "" runs every test.
 * @param {import('./course.mjs').LabInfo} lab @param {string} root @param {number} k @param {Breaker | null} breaker
 * @param {string} base  the lab code to copy: the reference, or a learner's folder
 * @returns {{ files: string[], problem?: string }}
 */
function makeCopy(lab, root, k, breaker, base) {
  const dir = join(root, String(k));
  const labDir = join(dir, 'lab');
  cpSync(base, labDir, { recursive: true, filter: (source) => !/(^|[\\/])(node_modules|\.git)$/.test(source) });
  if (breaker) {
    const applied = applyBreaker(breaker, labDir);
    if ('problem' in applied) return { files: [], problem: applied.problem };
  }
  const harness = join(dir, 'grader', 'harness');
  cpSync(join(ROOT, 'grader', 'harness'), harness, { recursive: true });
  if (breaker?.rule) {
    const index = join(harness, 'index.ts');
    const text = readFileSync(index, 'utf8');
    const marker = 'const onlyRule = undefined as string | undefined;';
    if (!text.includes(marker)) throw new Error(`grader/harness/index.ts lost its line "${marker}", which the breakers set`);
    writeFileSync(index, text.replace(marker, `const onlyRule = ${JSON.stringify(breaker.rule)} as string | undefined;`));
  }
  const hidden = join(dir, 'grader', 'hidden', lab.folder);
  mkdirSync(hidden, { recursive: true });
  /** @type {string[]} */
  const files = [];
  const quoted = (/** @type {string} */ text) => !breaker?.rule || text.includes(`'${breaker.rule}'`) || text.includes(`"${breaker.rule}"`);
  // A test file runs in a breaker's copy when it names the rule, or when a helper it imports does
  // (tests built from a table of cases, like lab 6's corpus, take their rules from there). Only the
  // files that import that helper: the others would run for nothing, and lab 6's corpus names ninety rules.
  /** @type {Set<string>} */
  const naming = new Set();
  /** @type {[string, string][]} */
  const tests = [];
  for (const name of readdirSync(hiddenDir(lab))) {
    if (name === 'breakers.mjs') continue;
    // Tests that start the lab as a program find it through GRADER_LAB_DIR: this copy's lab.
    let text = readFileSync(join(hiddenDir(lab), name), 'utf8').replaceAll('process.env.GRADER_LAB_DIR', JSON.stringify(labDir));
    // In a broken copy, a wait that runs out is the expected outcome: tests that scale their bounds
    // by GRADER_WAIT_SCALE wait a quarter as long there (never in copy 0, the unbroken reference).
    if (breaker) text = text.replaceAll('process.env.GRADER_WAIT_SCALE', JSON.stringify(String(WAIT_SCALE)));
    writeFileSync(join(hidden, name), text);
    if (name.endsWith('.test.ts')) tests.push([join(hidden, name), text]);
    else if (quoted(text)) naming.add(name);
  }
  const importsNaming = (/** @type {string} */ text) => [...text.matchAll(/from '\.\/([\w.-]+)'/g)].some((m) => naming.has(m[1] ?? ''));
  for (const [file, text] of tests) if (quoted(text) || importsNaming(text)) files.push(file);
  return { files: files.sort() };
}

/** Prints one lab's check; returns true when every breaker was caught and the ledger is whole. */
export function printCheck(/** @type {Awaited<ReturnType<typeof checkBreakers>>} */ check, verbose = false) {
  const { lab, ledger, notPassing, results } = check;
  const out = process.stdout;
  out.write(pc.bold(`Lab ${lab.number} · ${lab.title}: ${labRules(lab).length} rules, ${check.tests.length} tests, ${results.length} breakers tried\n`));
  for (const line of notPassing) out.write(pc.red(`  ✘ the unbroken copy fails: ${line}\n`));
  for (const line of ledger) out.write(pc.red(`  ✘ ledger: ${line}\n`));
  for (const r of results) {
    const label = `${r.breaker.rule}: ${r.breaker.why}`;
    if (r.problem) out.write(pc.red(`  ✘ ${label}: cannot be tried: ${r.problem}\n`));
    else if (!r.caught) out.write(pc.red(`  ✘ ${label}: NOT CAUGHT by any test naming ${r.breaker.rule}\n`));
    else if (verbose) out.write(pc.green(`  ✔ ${label}`) + pc.dim(` — ${r.failing.slice(0, 2).join('; ')}${r.failing.length > 2 ? ` (+${r.failing.length - 2})` : ''}\n`));
  }
  if (verbose) {
    const slowest = [...results].sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0)).slice(0, 5);
    out.write(pc.dim(`  slowest: ${slowest.map((r) => `${r.breaker.rule} ${r.breaker.why} (${((r.ms ?? 0) / 1000).toFixed(1)} s)`).join('; ')}\n`));
  }
  const caught = results.filter((r) => r.caught).length;
  const ok = notPassing.length === 0 && ledger.length === 0 && caught === results.length;
  out.write(`  ${ok ? pc.green('✔') : pc.red('✘')} ${caught}/${results.length} breakers caught, ${ledger.length} ledger problems · ${check.seconds.toFixed(1)} s\n`);
  return ok;
}

/** The labs that have both a reference and hidden tests here. */
export function checkableLabs() {
  return LABS.filter((lab) => isPresent(lab) && existsSync(join(ROOT, 'solutions', lab.folder)) && readdirSync(hiddenDir(lab)).length > 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const valueOf = (/** @type {string} */ flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const rule = valueOf('--rule');
  const baseArg = valueOf('--base');
  const listArg = valueOf('--list');
  const values = new Set(['--rule', '--base', '--list'].filter((f) => args.includes(f)).map((f) => args.indexOf(f) + 1));
  const names = args.filter((a, i) => !a.startsWith('--') && !values.has(i));
  // An option it does not know (--help, a typo) must not start a run of every lab: minutes of work.
  const unknown = args.filter((a) => a.startsWith('--') && !['--verbose', '--rule', '--base', '--list'].includes(a));
  const labs = names.includes('all') ? checkableLabs() : names.map((n) => findLab(n));
  if (unknown.length > 0 || names.length === 0 || labs.some((l) => !l) || !existsSync(join(ROOT, 'solutions'))) {
    if (unknown.length > 0 && !unknown.includes('--help')) process.stderr.write(`breakers: unknown option ${unknown.join(', ')}\n`);
    process.stderr.write('usage: npm run breakers -- <lab|all> [--rule ID] [--verbose] [--base <lab folder> --list <edits.json>]   (needs solutions/)\n');
    process.exit(2);
  }
  const breakers = listArg ? JSON.parse(readFileSync(listArg, 'utf8')) : undefined;
  const base = baseArg ? resolve(baseArg) : undefined;
  let ok = true;
  for (const lab of /** @type {import('./course.mjs').LabInfo[]} */ (labs)) {
    const check = await checkBreakers(lab, { rule, base, breakers });
    ok = printCheck(check, verbose) && ok;
  }
  process.exit(ok ? 0 : 1);
}
