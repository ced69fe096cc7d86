// @ts-check
// The starters as the course ships them, so the self-check can prove that every hidden test fails
// on an untouched starter even on a learner's machine, where labs/ holds the learner's work (and
// their commits). grader/starters.json records the git blob id of every starter file; the blobs
// are read back from git's object store, whatever the working tree or HEAD now hold
// (grader/levels.mjs, guidedFiles and materialize).
//
//   node grader/starters.mjs --update   records the starters of labs/ as they are now
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABS, ROOT } from './course.mjs';

const MANIFEST = join(ROOT, 'grader', 'starters.json');

/** The id git gives a file's content: sha1 of "blob <size>\0<content>". */
export function blobId(/** @type {Buffer} */ content) {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** @returns {Record<string, Record<string, string>>} lab folder -> (path under labs/ -> blob id) */
export function readManifest() {
  return existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : {};
}

/** The blob ids of the files of labs/<folder> in the working tree. */
export function workingTreeIds(/** @type {string} */ folder) {
  const dir = join(ROOT, 'labs', folder);
  /** @type {Record<string, string>} */
  const ids = {};
  const walk = (/** @type {string} */ d) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else ids[relative(dir, path).split(sep).join('/')] = blobId(readFileSync(path));
    }
  };
  walk(dir);
  return ids;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--update')) {
    console.error('usage: node grader/starters.mjs --update   (records labs/ as the shipped starters)');
    process.exit(2);
  }
  /** @type {Record<string, Record<string, string>>} */
  const manifest = {};
  for (const lab of LABS) {
    if (existsSync(join(ROOT, 'labs', lab.folder))) manifest[lab.folder] = workingTreeIds(lab.folder);
  }
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  console.log(`recorded ${Object.keys(manifest).join(', ')} in grader/starters.json`);
}
