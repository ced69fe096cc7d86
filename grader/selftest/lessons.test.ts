// The lessons and everything that points into them: relative links, anchors, lesson references
// in lab.json and in each test's metadata, and the quizzes' format.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';
import { LABS, ROOT, hiddenDir, isPresent, labDetails } from '../course.mjs';
import { hasOpenLevel, levelFiles } from '../levels.mjs';

/** Markdown files the course ships: lessons, the README, lab READMEs. */
function markdownFiles(): string[] {
  const files = readdirSync(join(ROOT, 'lessons')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'lessons', f));
  files.push(join(ROOT, 'README.md'));
  for (const wing of ['labs', 'solutions']) {
    for (const lab of LABS) {
      const readme = join(ROOT, wing, lab.folder, 'README.md');
      if (existsSync(readme)) files.push(readme);
    }
  }
  return files.filter((f) => existsSync(f));
}

/** The anchors GitHub makes for a file's headings. */
function anchors(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map((m) => slugger.slug(m[1]!)));
}

/** Checks `path#anchor` relative to `from`; returns a problem or null. */
function checkTarget(from: string, target: string): string | null {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? from : resolve(dirname(from), decodeURIComponent(path));
  if (!existsSync(file)) return `${target}: no such file`;
  if (anchor && file.endsWith('.md') && !anchors(file).has(anchor)) return `${target}: no heading #${anchor}`;
  return null;
}

describe('links', () => {
  for (const file of markdownFiles()) {
    it(`every relative link in ${relative(ROOT, file)} resolves`, () => {
      const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
      const problems = links.map((l) => checkTarget(file, l)).filter(Boolean);
      expect(problems).toEqual([]);
    });
  }
});

describe('lesson references', () => {
  for (const lab of LABS.filter(isPresent)) {
    it(`${lab.folder}: its lesson, its milestones' sections and its tests' lesson links exist`, () => {
      const lessons = join(ROOT, 'lessons');
      expect(existsSync(join(lessons, lab.lesson)), lab.lesson).toBe(true);
      const refs = labDetails(lab).milestones.map((m) => m.lesson);
      for (const name of readdirSync(hiddenDir(lab)).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(join(hiddenDir(lab), name), 'utf8');
        refs.push(...[...source.matchAll(/lesson: '([^']+)'/g)].map((m) => m[1]!));
      }
      const problems = refs.map((ref) => checkTarget(join(lessons, 'index.md'), ref)).filter(Boolean);
      expect(problems).toEqual([]);
    });

    it(`${lab.folder}: the TODOs of its starter point at lesson sections that exist`, () => {
      const dir = join(ROOT, 'labs', lab.folder);
      const refs = readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/lessons\/([\w.-]+\.md#[\w-]+)/g)].map((m) => m[1]!));
      const problems = refs.map((ref) => checkTarget(join(ROOT, 'lessons', 'index.md'), ref)).filter(Boolean);
      expect(problems).toEqual([]);
    });

    it.runIf(hasOpenLevel(lab.folder))(`${lab.folder}: its open starter's messages and README point at lesson sections that exist`, () => {
      const refs = [...levelFiles(lab.folder, 'open')]
        .filter(([rel]) => rel.endsWith('.ts') || rel.endsWith('.md'))
        .flatMap(([, data]) => [...data.toString('utf8').matchAll(/lessons\/([\w.-]+\.md#[\w-]+)/g)].map((m) => m[1]!));
      expect(refs.length).toBeGreaterThan(0);
      const problems = refs.map((ref) => checkTarget(join(ROOT, 'lessons', 'index.md'), ref)).filter(Boolean);
      expect(problems).toEqual([]);
    });
  }
});

describe('quizzes', () => {
  const lessons = readdirSync(join(ROOT, 'lessons')).filter((f) => /^\d\d-.*\.md$/.test(f));
  for (const name of lessons) {
    it(`${name} has a quiz of at least three well-formed questions`, () => {
      const text = readFileSync(join(ROOT, 'lessons', name), 'utf8');
      const blocks = [...text.matchAll(/^```quiz\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
      expect(blocks.length, 'a ```quiz block').toBeGreaterThan(0);
      const questions = blocks.flatMap((b) => b.trim().split(/\n\s*\n/));
      expect(questions.length).toBeGreaterThanOrEqual(3);
      for (const q of questions) {
        const lines = q.trim().split('\n');
        expect(lines[0], q).toMatch(/^\? /);
        expect(lines.filter((l) => l.startsWith('+ ')), q).toHaveLength(1);
        expect(lines.filter((l) => l.startsWith('- ')).length, q).toBeGreaterThanOrEqual(2);
        expect(lines.filter((l) => l.startsWith('> ')).length, q).toBeGreaterThanOrEqual(1);
      }
    });
  }
});
