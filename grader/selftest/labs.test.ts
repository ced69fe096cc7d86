// Both directions, for every lab in this copy of the course: the reference solution passes every
// hidden test, and the starter as shipped fails every one of them (a test an untouched starter
// passes checks nothing). Also: starter and solution are twins with the same exports.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LABS, ROOT, isPresent, labDetails } from '../course.mjs';
import { grade } from '../grade.mjs';
import { readManifest } from '../starters.mjs';
import { hasOpenLevel, materialize } from '../levels.mjs';
import { openDir, typeCheckOpen } from '../open-check.mjs';

const present = LABS.filter(isPresent);
const haveSolutions = existsSync(join(ROOT, 'solutions'));

/** Source files of a lab folder, relative to it. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).sort();
}

/** Blob ids of labs/<folder> at HEAD, or null outside a git checkout. */
function committedIds(folder: string): Record<string, string> | null {
  try {
    const out = execFileSync('git', ['ls-tree', '-r', 'HEAD', `labs/${folder}/`], { cwd: ROOT, encoding: 'utf8' });
    return Object.fromEntries(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          return [path.slice(`labs/${folder}/`.length), meta.split(' ')[2]!];
        }),
    );
  } catch {
    return null;
  }
}

it('at least one lab is present', () => {
  expect(present.length).toBeGreaterThan(0);
});

it('hidden tests reach labs only through @lab/<name> and #<name>, never solutions/ or labs/ by path', () => {
  const offenders: string[] = [];
  for (const lab of present) {
    const dir = join(ROOT, 'grader', 'hidden', lab.folder);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, name), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        if (/(^|\/)(solutions|labs)\//.test(specifier!)) offenders.push(`${lab.folder}/${name}: ${specifier}`);
      }
    }
  }
  expect(offenders).toEqual([]);
});

// Both levels of every lab (grader/levels.mjs): the open starter gives only the public surface,
// so the hidden tests must type-check against it, and it must export what the reference does.
it.runIf(haveSolutions)('every lab has an open starter', () => {
  expect(present.filter((lab) => !hasOpenLevel(lab.folder)).map((lab) => lab.folder)).toEqual([]);
});

it('the hidden tests type-check against the open starters: all they use is the public surface', () => {
  const labs = present.filter((lab) => hasOpenLevel(lab.folder));
  if (labs.length === 0) return;
  expect(typeCheckOpen(labs)).toBe('');
}, 120_000);

describe.each(present.map((lab) => [lab.folder, lab] as const))('%s', (_, lab) => {
  // One grade of the reference, shared by the tests that read it.
  let reference: ReturnType<typeof grade> | undefined;
  const referenceGrade = () => (reference ??= grade({ lab, solution: true }));

  it.runIf(haveSolutions)('the reference solution passes every hidden test', async () => {
    const result = await referenceGrade();
    const failures = result.tests.filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.message}`);
    expect(failures).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.score).toBe(result.maxScore);
    // Extensions too: the reference is the whole lab, optional parts included.
    if (result.extensions) expect(result.extensions.score).toBe(result.extensions.maxScore);
  });

  it('every hidden test fails on the starter as shipped', async () => {
    const starter = materialize(lab.folder, 'guided', join(ROOT, '.grader', 'starter', lab.folder));
    const result = await grade({ lab, labDir: starter });
    const passing = result.tests.filter((t) => t.status === 'passed').map((t) => t.name);
    expect(passing, 'these hidden tests pass on the untouched starter').toEqual([]);
    expect(result.tests.length).toBeGreaterThan(0);
    expect(result.score).toBe(0);
    expect(result.extensions?.score ?? 0).toBe(0);
  });

  it.runIf(hasOpenLevel(lab.folder))('every hidden test fails on the open starter as shipped', async () => {
    const dir = materialize(lab.folder, 'open', openDir(lab.folder));
    const result = await grade({ lab, labDir: dir });
    const passing = result.tests.filter((t) => t.status === 'passed').map((t) => t.name);
    expect(passing, 'these hidden tests pass on the untouched open starter').toEqual([]);
    expect(result.tests.length).toBeGreaterThan(0);
    expect(result.score).toBe(0);
    expect(result.extensions?.score ?? 0).toBe(0);
  });

  it.runIf(haveSolutions && hasOpenLevel(lab.folder))('the open starter exports the same names as the reference', async () => {
    const open = await import(join(materialize(lab.folder, 'open', join(ROOT, '.grader', `open-names-${lab.folder}`)), 'index.ts'));
    const solution = await import(join(ROOT, 'solutions', lab.folder, 'index.ts'));
    expect(Object.keys(open).sort()).toEqual(Object.keys(solution).sort());
  });

  // A learner's solution in another design (grader/selftest/fixtures/other-designs): the hidden
  // tests must pass it unchanged, or they check the reference's design rather than the rules.
  const otherDesign = join(ROOT, 'grader', 'selftest', 'fixtures', 'other-designs', lab.folder);
  it.runIf(existsSync(otherDesign) && hasOpenLevel(lab.folder))('a solution in another design passes every hidden test', async () => {
    const dir = materialize(lab.folder, 'open', join(ROOT, '.grader', `other-${lab.folder}`));
    for (const rel of readdirSync(otherDesign, { recursive: true, encoding: 'utf8' })) {
      const from = join(otherDesign, rel);
      if (statSync(from).isFile()) cpSync(from, join(dir, rel));
    }
    const result = await grade({ lab, labDir: dir });
    const failures = result.tests.filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.message}`);
    expect(failures).toEqual([]);
    expect(result.score).toBe(result.maxScore);
  });

  it('grader/starters.json records the starter as committed', () => {
    const committed = committedIds(lab.folder);
    // On a learner's machine HEAD holds their work; the manifest is what the course shipped.
    if (committed === null || !process.env.CI) return;
    expect(readManifest()[lab.folder], 'run: node grader/starters.mjs --update').toEqual(committed);
  });

  it.runIf(haveSolutions)('starter and solution are twins: same files', () => {
    expect(sources(join(ROOT, 'labs', lab.folder))).toEqual(sources(join(ROOT, 'solutions', lab.folder)));
  });

  it.runIf(haveSolutions)('starter and solution export the same names', async () => {
    const starter = await import(join(ROOT, 'labs', lab.folder, 'index.ts'));
    const solution = await import(join(ROOT, 'solutions', lab.folder, 'index.ts'));
    expect(Object.keys(starter).sort()).toEqual(Object.keys(solution).sort());
  });

  it.runIf(haveSolutions)('every test names a milestone of lab.json, and every milestone has tests', async () => {
    const { milestones } = labDetails(lab);
    const result = await referenceGrade();
    const ids = new Set(milestones.map((m) => m.id));
    expect(result.tests.filter((t) => !ids.has(t.milestone)).map((t) => t.name)).toEqual([]);
    for (const m of milestones) {
      expect(result.tests.some((t) => t.milestone === m.id), `milestone ${m.id} has no tests`).toBe(true);
    }
  });
});
