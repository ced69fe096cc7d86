// @ts-check
// Files of the course and of submissions: listing a tree, copying parts of it, and reading the
// starters as the course ships them (from git, whatever labs/ now holds).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from '../course.mjs';
import { guidedFiles, hasOpenLevel, levelFiles } from '../levels.mjs';
import { blobId } from '../starters.mjs';

/** Folders never worth looking into, in the course or in a submission. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.grader', '.vite', '.vitest', '.cache', '__MACOSX']);

/**
 * Every regular file under `dir`, as sorted paths relative to it with `/` separators. Symbolic
 * links are not followed (a submission's link could point anywhere): they are returned apart.
 * @param {string} dir
 * @param {{ skip?: (rel: string) => boolean, maxDepth?: number }} [options]
 * @returns {{ files: string[], links: string[] }}
 */
export function listTree(dir, options = {}) {
  /** @type {string[]} */
  const files = [];
  /** @type {string[]} */
  const links = [];
  const walk = (/** @type {string} */ d, /** @type {number} */ depth) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(dir, path).split(sep).join('/');
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) links.push(rel);
      else if (stat.isDirectory()) {
        if (SKIP_DIRS.has(name) || options.skip?.(rel + '/')) continue;
        if (depth < (options.maxDepth ?? 12)) walk(path, depth + 1);
      } else if (stat.isFile() && !options.skip?.(rel)) files.push(rel);
    }
  };
  if (existsSync(dir)) walk(dir, 0);
  return { files, links };
}

/** The files of a tree (see listTree), links left out. */
export function listFiles(/** @type {string} */ dir, /** @type {{ skip?: (rel: string) => boolean }} */ options = {}) {
  return listTree(dir, options).files;
}

/** Copies files given relative to `from` into the same places under `to`. */
export function copyFiles(/** @type {string} */ from, /** @type {string[]} */ rels, /** @type {string} */ to) {
  for (const rel of rels) {
    const target = join(to, rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(from, rel), target);
    // Keep the executable bit (run_autograder, setup.sh): copyFileSync keeps the mode on POSIX.
  }
}

/** Writes a map of relative path -> content under `to`. */
export function writeFiles(/** @type {string} */ to, /** @type {Map<string, Buffer | string>} */ files) {
  for (const [rel, content] of files) {
    const target = join(to, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

export function makeExecutable(/** @type {string} */ path) {
  chmodSync(path, statSync(path).mode | 0o111);
}

/** The starter of a lab as the course ships it (the guided level; see grader/levels.mjs). */
export const starterFiles = guidedFiles;

/** The open starter of a lab (grader/levels.mjs), or undefined when the course has none for it. */
export function openStarterFiles(/** @type {string} */ folder) {
  return hasOpenLevel(folder) ? levelFiles(folder, 'open') : undefined;
}

/**
 * Which of these file contents the course's git history holds (as any version of any file): a
 * submission's copy of a course file that is one of them came from another version of the course
 * (a release made before a fix), not from the student's hand. All false without git.
 * @param {Buffer[]} contents
 * @returns {boolean[]}
 */
export function knownToGit(contents) {
  if (contents.length === 0) return [];
  const ids = contents.map((content) => blobId(content));
  try {
    const out = execFileSync('git', ['cat-file', '--batch-check'], { cwd: ROOT, input: ids.join('\n') + '\n', stdio: ['pipe', 'pipe', 'ignore'], encoding: 'utf8' });
    const found = new Set(out.split('\n').filter((line) => / blob \d+$/.test(line)).map((line) => line.split(' ')[0]));
    return ids.map((id) => found.has(id));
  } catch {
    return ids.map(() => false);
  }
}

/** Same bytes? Reading both is fine at the sizes of a course. */
export function sameFile(/** @type {string} */ a, /** @type {string} */ b) {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.size === sb.size && readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}
