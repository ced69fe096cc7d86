// The two levels of a lab (grader/levels.mjs): `npm run start` and `npm run reset` switch a lab's
// folder without losing the learner's work; a release can ship either level and switch without the
// course's git history; a submission is graded on the level it was taken at.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../classroom/release.mjs';
import { openStarterFiles, starterFiles, writeFiles } from '../classroom/files.mjs';
import { locateLab, planSubmission, stageSubmission, submissionLevel } from '../classroom/submission.mjs';
import { LABS, ROOT, findLab, isPresent } from '../course.mjs';
import { hasOpenLevel, levelFiles } from '../levels.mjs';

const lab2 = findLab('lab2')!;
const haveOpen = hasOpenLevel(lab2.folder);
let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'levels-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The files of a folder: path -> content. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, rel);
    try {
      files.set(rel.split('\\').join('/'), readFileSync(path, 'utf8'));
    } catch {
      // a folder
    }
  }
  return files;
}

const asText = (files: Map<string, Buffer>) => new Map([...files].map(([rel, data]) => [rel, data.toString('utf8')] as const));

/**
 * A copy of the course's working files (what git tracks, plus node_modules linked), as a learner's
 * clone is, committed so the starters' blobs are in its own history.
 */
function courseCopy(name: string): string {
  const dir = join(scratch, name);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((rel) => rel && existsSync(join(ROOT, rel)) && !rel.startsWith('solutions/'));
  for (const rel of files) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    cpSync(join(ROOT, rel), join(dir, rel));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'junction');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'course');
  return dir;
}

/** Runs `npm run start|reset` (the script's own program) in a copy. */
function tool(dir: string, args: string[], reset = false) {
  const run = spawnSync(process.execPath, [join(dir, 'grader', 'tools', 'start.mjs'), ...(reset ? ['--reset'] : []), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe.runIf(haveOpen)('npm run start and npm run reset', () => {
  let copy = '';
  const labDir = () => join(copy, 'labs', lab2.folder);
  const levels = () => JSON.parse(readFileSync(join(copy, 'labs', 'levels.json'), 'utf8'));
  const backups = () => (existsSync(join(copy, 'backups', lab2.folder)) ? readdirSync(join(copy, 'backups', lab2.folder)).sort() : []);
  beforeAll(() => {
    copy = courseCopy('course');
  });

  it('lists every lab with its level, guided unless said otherwise', () => {
    const { code, out } = tool(copy, []);
    expect(code, out).toBe(0);
    for (const lab of LABS.filter(isPresent)) expect(out, out).toMatch(new RegExp(`lab${lab.number}\\s+.*guided`));
  });

  it('switches an untouched lab to the open level: no backup, since nothing in it was the learner\'s', () => {
    const { code, out } = tool(copy, [lab2.folder, '--open']);
    expect(code, out).toBe(0);
    expect(tree(labDir())).toEqual(asText(levelFiles(lab2.folder, 'open')));
    expect(levels()).toEqual({ [lab2.folder]: 'open' });
    expect(backups()).toEqual([]);
  });

  it("switching back keeps the learner's work, changed and new files alike, in backups/ first", () => {
    writeFileSync(join(labDir(), 'index.ts'), '// my own design\nexport const mine = 1;\n');
    writeFileSync(join(labDir(), 'parser-of-mine.ts'), 'export const more = 2;\n');
    const before = tree(labDir());
    const { code, out } = tool(copy, [lab2.folder, '--guided']);
    expect(code, out).toBe(0);
    expect(backups()).toHaveLength(1);
    const backup = join(copy, 'backups', lab2.folder, backups()[0]!);
    expect(out).toContain(`backups/${lab2.folder}/${backups()[0]}`);
    expect(backups()[0]).toMatch(/-open$/);
    expect(tree(backup)).toEqual(before);
    expect(tree(labDir())).toEqual(asText(starterFiles(lab2.folder)));
    expect(levels()).toEqual({ [lab2.folder]: 'guided' });
  });

  it('asking for the level a lab with work in it is already at changes nothing', () => {
    writeFileSync(join(labDir(), 'server.ts'), '// half done\n');
    const before = tree(labDir());
    const { code, out } = tool(copy, [lab2.folder, '--guided']);
    expect(code, out).toBe(0);
    expect(out).toMatch(/nothing was changed/i);
    expect(tree(labDir())).toEqual(before);
    expect(backups()).toHaveLength(1);
  });

  it('reset starts the lab again from its starter, the work kept', () => {
    const before = tree(labDir());
    const { code, out } = tool(copy, [lab2.folder], true);
    expect(code, out).toBe(0);
    expect(tree(labDir())).toEqual(asText(starterFiles(lab2.folder)));
    expect(backups()).toHaveLength(2);
    const newest = join(copy, 'backups', lab2.folder, backups().find((b) => b.endsWith('-guided'))!);
    expect(tree(newest)).toEqual(before);
  });

  it('takes --open from npm when written without --, and refuses both levels at once', () => {
    const both = tool(copy, [lab2.folder, '--open', '--guided']);
    expect(both.code).toBe(2);
    expect(both.out).toMatch(/--open or --guided/);
    const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'start', 'lab2', '--open'], { cwd: copy, encoding: 'utf8', shell: process.platform === 'win32' });
    expect(npm.status, `${npm.stdout}${npm.stderr}`).toBe(0);
    expect(levels()).toEqual({ [lab2.folder]: 'open' });
    expect(tree(labDir())).toEqual(asText(levelFiles(lab2.folder, 'open')));
  });
});

describe.runIf(haveOpen)('a release at the open level', () => {
  it('ships the lab open, both levels with it, and switches without the course history', () => {
    const out = join(scratch, 'release');
    const made = buildRelease({ out, open: [lab2], warn: () => {} });
    expect(made.info.levels?.[lab2.folder]).toBe('open');
    expect(made.info.levels?.['lab1-http']).toBe('guided');
    expect(tree(join(out, 'labs', lab2.folder))).toEqual(asText(levelFiles(lab2.folder, 'open')));
    expect(JSON.parse(readFileSync(join(out, 'labs', 'levels.json'), 'utf8'))[lab2.folder]).toBe('open');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain(`\`labs/${lab2.folder}\` ships at the **open** level`);
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'junction');
    // No git here at all: the guided level comes from the copy the release wrote.
    const { code, out: text } = tool(out, [lab2.folder, '--guided']);
    expect(code, text).toBe(0);
    expect(tree(join(out, 'labs', lab2.folder))).toEqual(asText(starterFiles(lab2.folder)));
  });
});

describe.runIf(haveOpen)('a submission taken at the open level', () => {
  const guided = () => starterFiles(lab2.folder);
  const open = () => openStarterFiles(lab2.folder)!;

  it('is recognised by labs/levels.json, or by lacking most of the guided files', () => {
    const dir = join(scratch, 'sub-repo');
    writeFiles(join(dir, 'labs', lab2.folder), open());
    writeFileSync(join(dir, 'labs', 'levels.json'), JSON.stringify({ [lab2.folder]: 'open' }));
    const plan = planSubmission(dir, lab2, { courseRoot: ROOT, starter: guided(), openStarter: open() });
    expect(plan.labPath).toBe(`labs/${lab2.folder}`);
    expect(plan.level).toBe('open');
    expect(plan.ignored.map((i) => i.path)).not.toContain('labs/levels.json');
    // The files alone: index.ts and a design of the student's own.
    expect(submissionLevel(null, ['index.ts', 'my-parser.ts'], lab2, guided(), open())).toBe('open');
    expect(submissionLevel(null, [...guided().keys()], lab2, guided(), open())).toBe('guided');
    expect(submissionLevel(null, ['index.ts'], lab2, guided(), undefined)).toBe('guided');
  });

  it('is found with its files at the top, and staged on the open starter: no guided file filled in', () => {
    const dir = join(scratch, 'sub-top');
    writeFiles(dir, new Map([['index.ts', open().get('index.ts')!], ['my-server.ts', Buffer.from('export {};\n')]]));
    expect(locateLab(['index.ts', 'my-server.ts'], lab2, [...guided().keys()])).toBe('');
    const plan = planSubmission(dir, lab2, { courseRoot: ROOT, starter: guided(), openStarter: open() });
    expect(plan.level).toBe('open');
    const dest = join(scratch, 'staged');
    const { filled } = stageSubmission(plan, dest, open());
    expect(filled.filter((rel) => !open().has(rel) || rel === 'index.ts')).toEqual([]);
    expect(existsSync(join(dest, 'my-server.ts'))).toBe(true);
    expect(readdirSync(dest).filter((name) => guided().has(name) && !open().has(name))).toEqual([]);
  });
});
