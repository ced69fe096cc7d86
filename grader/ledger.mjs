// @ts-check
// The rule ledger: the normative rules each lesson states, read from the lesson itself.
//
// A lesson states a rule by putting its id in bold, `**E7.**`, at the start of the sentence that
// states it (or as the head of a bold title: `**E7. QUERY_STRING is not decoded.**`). Ids are one
// or two capital letters and a number, unique within a lesson. Hidden tests name the rules they
// check (`rules: ['E7']`); every rule has breakers (breakers.mjs) that prove its tests catch it.
// The report prints a failing test's rules with their sentence and the section that teaches them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import { ROOT } from './course.mjs';

/**
 * @typedef {object} Rule
 * @property {string} id        `E7`
 * @property {string} text      the rule's sentence, plain text (`QUERY_STRING is not decoded.`)
 * @property {string} lesson    the section that states it, relative to lessons/: `03-gateway.md#bytes-as-text`
 * @property {number} line      1-based line of the lesson where it is stated
 */

/** A rule id: one or two capitals, then a number without leading zero. */
export const RULE_ID = /^[A-Z]{1,2}[1-9]\d*$/;
/** Where a lesson states a rule: `**E7.**` or `**E7. Title.**`. */
const STATED = /\*\*([A-Z]{1,2}[1-9]\d*)\.(?:\s+([^*]+?))?\*\*/g;

/**
 * The rules a lesson states, in the order it states them. Throws on an id stated twice.
 * @param {string} markdown
 * @param {string} lessonFile  its name under lessons/, for the links (`03-gateway.md`)
 * @returns {Rule[]}
 */
export function parseRules(markdown, lessonFile) {
  const slugger = new GithubSlugger();
  /** @type {Rule[]} */
  const rules = [];
  const lines = markdown.split('\n');
  let anchor = '';
  let fence = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark && (fence === '' || fence === fenceMark)) {
      fence = fence === '' ? fenceMark : '';
      continue;
    }
    if (fence) continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (heading) {
      anchor = slugger.slug(heading[1] ?? '');
      continue;
    }
    for (const match of line.matchAll(STATED)) {
      const id = match[1] ?? '';
      if (rules.some((r) => r.id === id)) {
        throw new Error(`lessons/${lessonFile}:${i + 1}: rule ${id} is stated twice (ids are unique within a lesson)`);
      }
      const title = match[2];
      const text = title ? plain(title) : firstSentence(paragraphFrom(lines, i, (match.index ?? 0) + match[0].length));
      rules.push({ id, text, lesson: `${lessonFile}${anchor ? `#${anchor}` : ''}`, line: i + 1 });
    }
  }
  return rules;
}

/** The rest of the paragraph (or list item) that starts at `lines[start]`, from `column` on. */
function paragraphFrom(/** @type {string[]} */ lines, /** @type {number} */ start, /** @type {number} */ column) {
  const parts = [(lines[start] ?? '').slice(column)];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || /^\s*([-*]|\d+\.)\s/.test(line) || /^#/.test(line) || /^\s*(```|~~~|\|)/.test(line)) break;
    parts.push(line.trim());
  }
  return parts.join(' ');
}

/** The first sentence of a paragraph: up to a full stop (or colon) followed by a space and a capital, or the end. */
function firstSentence(/** @type {string} */ text) {
  const flat = plain(text);
  const end = /[.:!?](?=\s+[A-Z(`*"']|\s*$)/.exec(flat);
  return (end ? flat.slice(0, end.index + 1) : flat).trim();
}

/** Markdown to plain text: links lose their targets, bold and italics their marks. */
function plain(/** @type {string} */ text) {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** @type {Map<string, Rule[]>} */
const cache = new Map();

/**
 * The rules of a lab's lesson, or [] when this copy has no lesson for it.
 * @param {import('./course.mjs').LabInfo} lab
 * @returns {Rule[]}
 */
export function labRules(lab) {
  const cached = cache.get(lab.lesson);
  if (cached) return cached;
  const file = join(ROOT, 'lessons', lab.lesson);
  const rules = existsSync(file) ? parseRules(readFileSync(file, 'utf8'), lab.lesson) : [];
  cache.set(lab.lesson, rules);
  return rules;
}

/**
 * Rule ids a text cites: `E7`, `rule E7`, `rules E1-E7` (a range stands for every stated rule of
 * that letter between its ends). Only ids of the form RULE_ID count.
 * @param {string} text
 * @param {Rule[]} rules   the lesson's rules, to expand ranges
 * @returns {string[]}
 */
export function citedRules(text, rules) {
  /** @type {string[]} */
  const out = [];
  for (const match of text.matchAll(/\b([A-Z]{1,2})([1-9]\d*)(?:\s*[-–]\s*(?:\1)?([1-9]\d*))?\b/g)) {
    const [, letters = '', from = '', to] = match;
    if (to === undefined) {
      out.push(`${letters}${from}`);
      continue;
    }
    out.push(`${letters}${from}`, `${letters}${to}`);
    for (const rule of rules) {
      const m = /^([A-Z]+)(\d+)$/.exec(rule.id);
      if (m && m[1] === letters && Number(m[2]) > Number(from) && Number(m[2]) < Number(to)) out.push(rule.id);
    }
  }
  return [...new Set(out)];
}
