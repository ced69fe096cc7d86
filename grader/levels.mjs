// @ts-check
// The two levels a lab can be taken at, and which one each lab of this copy is at.
//
//  - guided: the starter in labs/ as the course ships it. The inside's shape is given (files,
//    private helpers, state machines) with TODO comments; the learner fills in bodies.
//  - open:   only the public surface: the lab's index.ts with every export the hidden tests use,
//    each throwing a TODO message that names the lesson section, plus the files the lab gives
//    whole (a demo, a model). The learner designs the inside.
//
// The same hidden tests grade both, so they reach only the public surface, and the lesson is the
// whole specification.
//
// Where the levels' files come from:
//  - grader/starters/open/<folder>/ holds the open level's own files, and
//    grader/starters/open/<folder>.json lists what it keeps of the guided level ({ "keep": [...] },
//    a path ending in / keeps a folder).
//  - the guided level is grader/starters/guided/<folder>/ where a release wrote it; in the course
//    itself it is the starter recorded in grader/starters.json (git's object store).
// labs/levels.json records the level each lab is taken at (absent: guided), so it travels with the
// learner's commits; `npm run start` writes it.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from './course.mjs';
import { blobId, readManifest } from './starters.mjs';
import { execFileSync } from 'node:child_process';

/** @typedef {'guided' | 'open'} Level */
export const LEVELS = /** @type {const} */ (['guided', 'open']);

export const STARTERS_DIR = join(ROOT, 'grader', 'starters');
export const LEVELS_FILE = join(ROOT, 'labs', 'levels.json');

/** Every file under dir, relative to it with / separators, sorted. */
function walk(/** @type {string} */ dir) {
  /** @type {string[]} */
  const out = [];
  const visit = (/** @type {string} */ d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) visit(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) visit(dir);
  return out;
}

function gitBlob(/** @type {string} */ id) {
  try {
    return execFileSync('git', ['cat-file', 'blob', id], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  } catch {
    return undefined;
  }
}

/** Does this copy of the course have an open level for the lab? */
export function hasOpenLevel(/** @type {string} */ folder) {
  return existsSync(join(STARTERS_DIR, 'open', folder, 'index.ts'));
}

/** What the open level keeps of the guided one: paths, a trailing / for a folder. */
export function openKeeps(/** @type {string} */ folder) {
  const file = join(STARTERS_DIR, 'open', `${folder}.json`);
  if (!existsSync(file)) return [];
  const keep = JSON.parse(readFileSync(file, 'utf8')).keep;
  return Array.isArray(keep) ? keep.filter((k) => typeof k === 'string') : [];
}

/**
 * The files of a lab's starter at a level: path under the lab folder -> content.
 * @param {string} folder
 * @param {Level} level
 * @returns {Map<string, Buffer>}
 */
export function levelFiles(folder, level) {
  if (level === 'guided') return guidedFiles(folder);
  if (!hasOpenLevel(folder)) throw new Error(`${folder} has no open starter in this copy of the course`);
  const keeps = openKeeps(folder);
  const kept = (/** @type {string} */ rel) => keeps.some((k) => (k.endsWith('/') ? rel.startsWith(k) : rel === k));
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  for (const [rel, content] of guidedFiles(folder)) if (kept(rel)) files.set(rel, content);
  const own = join(STARTERS_DIR, 'open', folder);
  for (const rel of walk(own)) files.set(rel, readFileSync(join(own, rel)));
  return files;
}

/**
 * The guided starter as the course ships it: a release's own copy (grader/starters/guided/), else
 * the files recorded in grader/starters.json, read from git's object store (or from labs/ where a
 * file is unchanged). A lab with no record is read from labs/ as it is, with a warning, since
 * nothing else says what its starter is.
 * @param {string} folder
 * @param {(message: string) => void} [warn]
 * @returns {Map<string, Buffer>}
 */
export function guidedFiles(folder, warn = () => {}) {
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  const released = join(STARTERS_DIR, 'guided', folder);
  const recorded = readManifest()[folder];
  if (existsSync(released) || !recorded) {
    const dir = existsSync(released) ? released : join(ROOT, 'labs', folder);
    if (!existsSync(released)) warn(`grader/starters.json has no record of ${folder}: using labs/${folder} as it is`);
    for (const rel of walk(dir)) files.set(rel, readFileSync(join(dir, rel)));
    return files;
  }
  for (const [rel, id] of Object.entries(recorded)) {
    const onDisk = join(ROOT, 'labs', folder, rel);
    const same = existsSync(onDisk) ? readFileSync(onDisk) : undefined;
    const content = same && blobId(same) === id ? same : gitBlob(id);
    if (!content) throw new Error(`the shipped labs/${folder}/${rel} is neither unchanged on disk nor in git's history`);
    files.set(rel, content);
  }
  return files;
}

/** Writes a level's starter into dir (emptied first) and returns dir. */
export function materialize(/** @type {string} */ folder, /** @type {Level} */ level, /** @type {string} */ dir) {
  const files = levelFiles(folder, level);
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

/** lab folder -> level, as labs/levels.json records it (a lab it does not name is guided). */
export function readLevels() {
  try {
    const value = JSON.parse(readFileSync(LEVELS_FILE, 'utf8'));
    /** @type {Record<string, Level>} */
    const levels = {};
    for (const [folder, level] of Object.entries(value ?? {})) if (level === 'open' || level === 'guided') levels[folder] = level;
    return levels;
  } catch {
    return {};
  }
}

/** The level a lab is taken at in this copy. @returns {Level} */
export function levelOf(/** @type {string} */ folder) {
  return readLevels()[folder] ?? 'guided';
}

/** Records a lab's level in labs/levels.json (whole or not at all). */
export function recordLevel(/** @type {string} */ folder, /** @type {Level} */ level) {
  const levels = { ...readLevels(), [folder]: level };
  const sorted = Object.fromEntries(Object.entries(levels).sort(([a], [b]) => a.localeCompare(b)));
  const temporary = `${LEVELS_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(sorted, null, 2) + '\n');
  renameSync(temporary, LEVELS_FILE);
}

export const BACKUPS_DIR = join(ROOT, 'backups');

/** The files of labs/<folder> as they are now: path -> content. */
export function currentFiles(/** @type {string} */ folder) {
  const dir = join(ROOT, 'labs', folder);
  /** @type {Map<string, Buffer>} */
  const files = new Map();
  for (const rel of walk(dir)) files.set(rel, readFileSync(join(dir, rel)));
  return files;
}

/** Same paths, same bytes? */
function sameFiles(/** @type {Map<string, Buffer>} */ a, /** @type {Map<string, Buffer>} */ b) {
  return a.size === b.size && [...a].every(([rel, content]) => b.get(rel)?.equals(content) === true);
}

/**
 * The level whose starter labs/<folder> still is, byte for byte (nothing of the learner's in it),
 * or null when the learner has changed, added or removed anything.
 * @returns {Level | null}
 */
export function untouchedLevel(/** @type {string} */ folder) {
  const now = currentFiles(folder);
  for (const level of LEVELS) {
    if (level === 'open' && !hasOpenLevel(folder)) continue;
    try {
      if (sameFiles(now, levelFiles(folder, level))) return level;
    } catch {
      // A starter this copy cannot put together is not the one labs/ holds.
    }
  }
  return null;
}

/**
 * Copies labs/<folder> into backups/<folder>/<time>-<level>/ and reads the copy back before
 * anything else happens: the learner's work is never deleted, only moved aside. Returns the folder.
 */
export function backUp(/** @type {string} */ folder, /** @type {Date} */ now = new Date()) {
  const files = currentFiles(folder);
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  const base = join(BACKUPS_DIR, folder, `${stamp}-${levelOf(folder)}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n += 1) dir = `${base}-${n}`;
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  for (const [rel, content] of files) {
    if (!readFileSync(join(dir, rel)).equals(content)) throw new Error(`the backup of labs/${folder}/${rel} in ${dir} does not read back the same: nothing was changed`);
  }
  return dir;
}

/**
 * Puts a level's starter into labs/<folder> and records the level. Whatever the learner had there
 * is first copied into a backup (unless it is a starter as shipped, which holds nothing of theirs).
 * @param {string} folder
 * @param {Level} level
 * @returns {{ backup: string | null, files: string[] }}
 */
export function putStarter(folder, level) {
  const files = levelFiles(folder, level); // first, so a level that cannot be built changes nothing
  const dir = join(ROOT, 'labs', folder);
  const backup = existsSync(dir) && untouchedLevel(folder) === null ? backUp(folder) : null;
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  recordLevel(folder, level);
  return { backup, files: [...files.keys()] };
}
