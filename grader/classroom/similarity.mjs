// @ts-check
// Which submissions share their code. The measure, stated in the class report:
//   1. each submission's lab code (its .ts files, tests left out) is cut into tokens, with comments
//      and whitespace dropped, so re-indenting or rewording the comments changes nothing;
//   2. every run of K consecutive tokens within a file is a "shingle"; shingles the starter has
//      too are left out, since every student starts from it;
//   3. the similarity of two submissions is the Jaccard index of their shingle sets: shared
//      shingles over all shingles of either. 1.0 is the same code; independent work scores low
//      because the same idea is rarely written token for token the same way K tokens at a time.
// Submissions that are the same file by file after step 1 are "identical". A submission with
// fewer than MIN_OWN shingles of its own (an untouched starter) is not compared: two untouched
// starters are alike, and that says nothing.
import { createHash } from 'node:crypto';

/** Tokens per shingle. */
export const K = 6;
/** Shingles of a submission's own (not the starter's) below which it is not compared. */
export const MIN_OWN = 20;
/** From this similarity on, a pair is reported. */
export const DEFAULT_THRESHOLD = 0.8;

/** Strings, comments, names, numbers and single punctuation characters of TypeScript source. */
const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|`(?:\\[\s\S]|[^\\`])*`|'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"|[A-Za-z_$][\w$]*|\d[\w.]*|\S/g;

/** The tokens of a source file, comments left out. */
export function tokens(/** @type {string} */ source) {
  return [...source.matchAll(TOKEN)].map((m) => m[0]).filter((t) => !t.startsWith('//') && !t.startsWith('/*'));
}

/** A file's code with comments and whitespace normalised away: what "identical" compares. */
export function normalise(/** @type {string} */ source) {
  return tokens(source).join(' ');
}

/** The set of K-token shingles of each file, as short hashes. @param {Map<string, string>} files */
export function shingles(files) {
  /** @type {Set<string>} */
  const set = new Set();
  for (const [path, source] of files) {
    const list = tokens(source);
    for (let i = 0; i + K <= list.length; i += 1) {
      set.add(createHash('sha1').update(`${path}\0${list.slice(i, i + K).join('\u0001')}`).digest('base64').slice(0, 12));
    }
  }
  return set;
}

/**
 * @typedef {object} Pair
 * @property {string} a
 * @property {string} b
 * @property {number} similarity   the Jaccard index, 0 to 1
 * @property {boolean} identical   every file the same after normalising
 * @property {number} shared       shingles the two have in common
 */

/**
 * The pairs of submissions at or above the threshold, most similar first.
 * @param {{ student: string, files: Map<string, string> }[]} submissions  the lab's .ts files, tests left out
 * @param {Map<string, string> | Map<string, string>[]} starter  the starter's files, same paths (or
 *   each level's starter, guided and open: what any of them holds is nobody's own)
 * @param {{ threshold?: number }} [options]
 * @returns {{ pairs: Pair[], compared: number, skipped: string[] }}
 */
export function similarPairs(submissions, starter, options = {}) {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const starters = Array.isArray(starter) ? starter : [starter];
  const common = new Set(starters.flatMap((files) => [...shingles(files)]));
  const starterText = starters.map((files) => new Map([...files].map(([path, source]) => [path, normalise(source)])));
  /** @type {{ student: string, own: Set<string>, text: string }[]} */
  const prepared = [];
  /** @type {string[]} */
  const skipped = [];
  for (const { student, files } of submissions) {
    const own = new Set([...shingles(files)].filter((s) => !common.has(s)));
    if (own.size < MIN_OWN) {
      skipped.push(student);
      continue;
    }
    // Files left as the starter has them don't tell two students apart.
    const text = [...files]
      .filter(([path, source]) => !starterText.some((texts) => texts.get(path) === normalise(source)))
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([path, source]) => `${path}\0${normalise(source)}`)
      .join('\0\0');
    prepared.push({ student, own, text });
  }
  /** @type {Pair[]} */
  const pairs = [];
  for (let i = 0; i < prepared.length; i += 1) {
    for (let j = i + 1; j < prepared.length; j += 1) {
      const x = /** @type {typeof prepared[number]} */ (prepared[i]);
      const y = /** @type {typeof prepared[number]} */ (prepared[j]);
      const [small, large] = x.own.size <= y.own.size ? [x.own, y.own] : [y.own, x.own];
      let shared = 0;
      for (const s of small) if (large.has(s)) shared += 1;
      const similarity = shared / (x.own.size + y.own.size - shared);
      const identical = x.text === y.text;
      if (identical || similarity >= threshold) pairs.push({ a: x.student, b: y.student, similarity, identical, shared });
    }
  }
  pairs.sort((p, q) => q.similarity - p.similarity || p.a.localeCompare(q.a));
  return { pairs, compared: prepared.length, skipped };
}
