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
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pc from 'picocolors';
import { LABS, ROOT, findLab, hiddenDir, isPresent } from './course.mjs';
import { gradePlan, testFiles } from './grade.mjs';
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
 * @property {number} [ms]        how long its run took
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
 * Grades a scratch copy of the reference, then every breaker (or those of `rule`) against it.
 * @param {import('./course.mjs').LabInfo} lab
 * @param {{ rule?: string, onResult?: (result: BreakerResult) => void }} [options]
 */
export async function checkBreakers(lab, options = {}) {
  const started = Date.now();
  const breakers = await loadBreakers(lab);
  const scratch = join(ROOT, '.grader', 'breakers', lab.folder);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  cpSync(join(ROOT, 'solutions', lab.folder), scratch, { recursive: true });
  const plan = gradePlan({ lab, labDir: scratch });
  // The code under test is the course's own reference: worker threads, without the permission model
  // that guards against learner code, cost less per run than forked processes.
  const session = new RunnerSession({ ...plan.session, pool: process.env.BREAKERS_POOL === 'forks' ? 'forks' : 'threads' });
  const base = { ...plan.session, emptyLab: join(ROOT, 'grader', 'harness', 'unloaded-lab.ts'), session };
  try {
    // The unbroken copy first: every test must pass, or a breaker's failure would prove nothing.
    const pristineStart = Date.now();
    const pristine = await supervise(base);
    const pristineMs = Date.now() - pristineStart;
    /** @type {TestInfo[]} */
    const tests = pristine.tests.map((t) => ({
      id: t.id,
      name: t.name,
      file: t.file,
      rules: Array.isArray(t.meta.rules) ? t.meta.rules : [],
      lesson: t.meta.lesson,
      status: t.status,
    }));
    const notPassing = tests.filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.status}`);
    if (pristine.fileErrors.length > 0) notPassing.push(...pristine.fileErrors.map((f) => `${relative(ROOT, f.file)}: ${f.errors[0]?.message}`));
    const ledger = ledgerProblems(lab, tests, breakers);
    /** @type {BreakerResult[]} */
    const results = [];
    if (notPassing.length === 0) {
      for (const breaker of breakers.filter((b) => !options.rule || b.rule === options.rule)) {
        const start = Date.now();
        const result = { ...(await tryBreaker(breaker, tests, scratch, base, session)), ms: Date.now() - start };
        results.push(result);
        options.onResult?.(result);
      }
    }
    return { lab, tests, ledger, notPassing, results, pristineMs, seconds: (Date.now() - started) / 1000 };
  } finally {
    await session.close();
  }
}

/**
 * @param {Breaker} breaker @param {TestInfo[]} tests @param {string} scratch
 * @param {Parameters<typeof supervise>[0]} base @param {RunnerSession} session
 * @returns {Promise<BreakerResult>}
 */
async function tryBreaker(breaker, tests, scratch, base, session) {
  const naming = tests.filter((t) => t.rules.includes(breaker.rule));
  if (naming.length === 0) return { breaker, caught: false, failing: [], problem: `no test names rule ${breaker.rule}` };
  const applied = applyBreaker(breaker, scratch);
  if ('problem' in applied) return { breaker, caught: false, failing: [], problem: applied.problem };
  /** @type {Map<string, string[]>} */
  const only = new Map();
  for (const t of naming) only.set(t.file, [...(only.get(t.file) ?? []), t.id]);
  try {
    session.invalidate([...applied.changed.keys()]);
    const outcome = await supervise({ ...base, only });
    const ran = outcome.tests.filter((t) => naming.some((n) => n.id === t.id));
    const failing = ran.filter((t) => t.status !== 'passed').map((t) => `${t.name} (${t.status})`);
    // A file that no longer loads fails every test in it: that counts as caught too.
    for (const f of outcome.fileErrors) failing.push(`${relative(ROOT, f.file)} did not load`);
    return { breaker, caught: failing.length > 0, failing };
  } finally {
    for (const [path, text] of applied.changed) writeFileSync(path, text);
    session.invalidate([...applied.changed.keys()]);
  }
}

/** Prints one lab's check; returns true when every breaker was caught and the ledger is whole. */
export function printCheck(/** @type {Awaited<ReturnType<typeof checkBreakers>>} */ check, verbose = false) {
  const { lab, ledger, notPassing, results } = check;
  const out = process.stdout;
  out.write(pc.bold(`Lab ${lab.number} · ${lab.title}: ${labRules(lab).length} rules, ${check.tests.length} tests, ${results.length} breakers tried\n`));
  for (const line of notPassing) out.write(pc.red(`  ✘ the reference copy fails: ${line}\n`));
  for (const line of ledger) out.write(pc.red(`  ✘ ledger: ${line}\n`));
  for (const r of results) {
    const label = `${r.breaker.rule}: ${r.breaker.why}`;
    if (r.problem) out.write(pc.red(`  ✘ ${label}: cannot be tried: ${r.problem}\n`));
    else if (!r.caught) out.write(pc.red(`  ✘ ${label}: NOT CAUGHT by any test naming ${r.breaker.rule}\n`));
    else if (verbose) out.write(pc.green(`  ✔ ${label}`) + pc.dim(` — ${r.failing.slice(0, 2).join('; ')}${r.failing.length > 2 ? ` (+${r.failing.length - 2})` : ''} · ${r.ms} ms\n`));
  }
  const caught = results.filter((r) => r.caught).length;
  const ok = notPassing.length === 0 && ledger.length === 0 && caught === results.length;
  out.write(
    `  ${ok ? pc.green('✔') : pc.red('✘')} ${caught}/${results.length} breakers caught, ${ledger.length} ledger problems · ` +
      `${check.seconds.toFixed(1)} s (the unbroken copy ${(check.pristineMs / 1000).toFixed(1)} s)\n`,
  );
  return ok;
}

/** The labs that have both a reference and hidden tests here. */
export function checkableLabs() {
  return LABS.filter((lab) => isPresent(lab) && existsSync(join(ROOT, 'solutions', lab.folder)) && readdirSync(hiddenDir(lab)).length > 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const ruleIndex = args.indexOf('--rule');
  const rule = ruleIndex >= 0 ? args[ruleIndex + 1] : undefined;
  const names = args.filter((a, i) => !a.startsWith('--') && (ruleIndex < 0 || i !== ruleIndex + 1));
  const labs = names.length === 0 || names.includes('all') ? checkableLabs() : names.map((n) => findLab(n));
  if (labs.some((l) => !l) || !existsSync(join(ROOT, 'solutions'))) {
    process.stderr.write('usage: npm run breakers -- <lab|all> [--rule ID] [--verbose]   (needs solutions/)\n');
    process.exit(2);
  }
  let ok = true;
  for (const lab of /** @type {import('./course.mjs').LabInfo[]} */ (labs)) {
    const check = await checkBreakers(lab, { rule });
    ok = printCheck(check, verbose) && ok;
  }
  process.exit(ok ? 0 : 1);
}
