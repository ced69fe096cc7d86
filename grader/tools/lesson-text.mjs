// @ts-check
// Reading the lessons as data: which file a learner means, a section by its anchor, the quiz
// blocks, and the "Your tasks" table that names what each milestone asks to write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import { ROOT, findLab } from '../course.mjs';

export const LESSONS_DIR = join(ROOT, 'lessons');

/** The lesson files, in order: `00-big-picture.md`, `01-http.md`, ... */
export function lessonFiles() {
  if (!existsSync(LESSONS_DIR)) return [];
  return readdirSync(LESSONS_DIR)
    .filter((name) => /^\d\d-.+\.md$/.test(name))
    .sort();
}

/**
 * The lesson a learner means: `3`, `03`, `lab3`, `gateway`, `03-gateway`, `03-gateway.md`,
 * `lessons/03-gateway.md`. Returns its file name, or undefined.
 * @param {string} text
 */
export function findLesson(text) {
  const key = text.trim().toLowerCase().replace(/^lessons[/\\]/, '').replace(/\.md$/, '');
  const files = lessonFiles();
  const byName = files.find((file) => file.replace(/\.md$/, '') === key);
  if (byName) return byName;
  const number = /^\d+$/.test(key) ? Number(key) : findLab(key)?.number;
  if (number === undefined) return files.find((file) => file.replace(/^\d\d-|\.md$/g, '') === key);
  return files.find((file) => Number(file.slice(0, 2)) === number);
}

/** The number of a lesson file: 3 for `03-gateway.md`. */
export function lessonNumber(/** @type {string} */ file) {
  return Number(file.slice(0, 2));
}

/**
 * @typedef {object} Heading
 * @property {number} level
 * @property {string} text
 * @property {string} anchor   as GitHub makes it
 * @property {number} line     0-based index of the heading line
 */

/** The headings of a markdown text outside code fences, with their anchors. */
export function headings(/** @type {string} */ markdown) {
  const slugger = new GithubSlugger();
  /** @type {Heading[]} */
  const found = [];
  let fence = '';
  markdown.split('\n').forEach((line, index) => {
    const opening = /^(```+|~~~+)/.exec(line);
    if (opening) {
      if (!fence) fence = opening[1];
      else if (line.trim().startsWith(fence)) fence = '';
      return;
    }
    if (fence) return;
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) found.push({ level: heading[1].length, text: heading[2], anchor: slugger.slug(heading[2]), line: index });
  });
  return found;
}

/**
 * A section of a lesson by its anchor: its heading and its first paragraph of prose (the first
 * block after the heading that is neither code, a table, a list nor a quote; if a subsection
 * starts first, its first paragraph). A paragraph that ends with a colon brings the short code
 * block or list it introduces. Null when the file or the anchor does not exist.
 * @param {string} file    lesson file name, `03-gateway.md`
 * @param {string} anchor  `the-environ`
 * @returns {{ heading: Heading, paragraph: string, follows: string[], file: string } | null}
 */
export function readSection(file, anchor) {
  const path = join(LESSONS_DIR, file);
  if (!existsSync(path)) return null;
  const markdown = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
  const all = headings(markdown);
  const heading = all.find((h) => h.anchor === anchor);
  if (!heading) return null;
  const end = all.find((h) => h.line > heading.line && h.level <= heading.level)?.line;
  const blocks = splitBlocks(markdown.split('\n').slice(heading.line + 1, end));
  const first = blocks.findIndex((b) => b.kind === 'prose');
  if (first === -1) return { heading, paragraph: '', follows: [], file };
  const paragraph = blocks[first].lines.join(' ').replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();
  const next = blocks[first + 1];
  const follows =
    paragraph.endsWith(':') && next && (next.kind === 'code' || next.kind === 'list') && next.lines.length <= 10 ? next.lines : [];
  return { heading, paragraph, follows, file };
}

/**
 * Cuts lines of markdown into blocks: fenced code, headings, and runs of lines between blank
 * lines (prose, or a table, list or quote by their first character).
 * @param {string[]} lines
 */
function splitBlocks(lines) {
  /** @type {{ kind: 'code' | 'heading' | 'prose' | 'table' | 'list' | 'quote', lines: string[] }[]} */
  const blocks = [];
  /** @type {string[] | null} */
  let code = null;
  /** @type {string[]} */
  let run = [];
  const flush = () => {
    if (run.length === 0) return;
    const head = run[0];
    const kind = /^\s*\|/.test(head) ? 'table' : /^\s*([-*+]|\d+\.)\s/.test(head) ? 'list' : /^\s*>/.test(head) ? 'quote' : 'prose';
    blocks.push({ kind, lines: run });
    run = [];
  };
  for (const line of lines) {
    if (code) {
      if (/^(```|~~~)/.test(line)) {
        blocks.push({ kind: 'code', lines: code });
        code = null;
      } else {
        code.push(line);
      }
    } else if (/^(```|~~~)/.test(line)) {
      flush();
      code = [];
    } else if (/^#{1,6}\s/.test(line)) {
      flush();
      blocks.push({ kind: 'heading', lines: [line] });
    } else if (line.trim() === '') {
      flush();
    } else {
      run.push(line);
    }
  }
  flush();
  return blocks;
}

/**
 * Splits `lessons/03-gateway.md#the-environ` (or `03-gateway.md#the-environ`) into file and anchor.
 * @param {string} reference
 */
export function splitLessonReference(reference) {
  const [path = '', anchor = ''] = reference.split('#');
  return { file: path.replace(/^lessons\//, ''), anchor };
}

/**
 * @typedef {object} QuizQuestion
 * @property {string} text
 * @property {string[]} answers
 * @property {number} right        index into answers
 * @property {string} explanation
 *
 * @typedef {object} Quiz
 * @property {QuizQuestion[]} questions
 * @property {string[]} problems   questions that were skipped, and why
 */

/**
 * The questions of a lesson's fenced quiz blocks. A question is `? text`, then answers `- wrong` and
 * exactly one `+ right`, then `> explanation`; questions are separated by blank lines. A line
 * that starts with none of these continues the line before it.
 * @param {string} markdown
 * @returns {Quiz}
 */
export function parseQuiz(markdown) {
  /** @type {QuizQuestion[]} */
  const questions = [];
  /** @type {string[]} */
  const problems = [];
  for (const block of quizBlocks(markdown)) {
    for (const chunk of block.split(/\n\s*\n/)) {
      const lines = chunk.split('\n').filter((line) => line.trim() !== '');
      if (lines.length === 0) continue;
      /** @type {{ kind: string, text: string }[]} */
      const parts = [];
      for (const line of lines) {
        const marked = /^\s*([?+\->])\s?(.*)$/.exec(line);
        if (marked) parts.push({ kind: marked[1], text: marked[2].trim() });
        else if (parts.length > 0) parts[parts.length - 1].text += ` ${line.trim()}`;
      }
      const text = parts.filter((p) => p.kind === '?').map((p) => p.text).join(' ');
      const answers = parts.filter((p) => p.kind === '+' || p.kind === '-');
      const rights = answers.filter((p) => p.kind === '+').length;
      const label = text ? `"${text.slice(0, 60)}${text.length > 60 ? '…' : ''}"` : `a block starting "${lines[0].slice(0, 40)}"`;
      if (!text) problems.push(`${label} has no "? question" line`);
      else if (answers.length < 2) problems.push(`${label} has fewer than two answers`);
      else if (rights !== 1) problems.push(`${label} has ${rights} right answers (marked +), not one`);
      else {
        questions.push({
          text,
          answers: answers.map((p) => p.text),
          right: answers.findIndex((p) => p.kind === '+'),
          explanation: parts.filter((p) => p.kind === '>').map((p) => p.text).join(' '),
        });
      }
    }
  }
  return { questions, problems };
}

/** The contents of the fenced blocks with the info string quiz. */
function quizBlocks(/** @type {string} */ markdown) {
  /** @type {string[]} */
  const blocks = [];
  /** @type {string[] | null} */
  let current = null;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    if (current === null) {
      if (/^```+\s*quiz\s*$/.test(line)) current = [];
    } else if (/^```+\s*$/.test(line)) {
      blocks.push(current.join('\n'));
      current = null;
    } else {
      current.push(line);
    }
  }
  return blocks;
}

/**
 * The names in the "what you write" cell of a milestone's row in the lesson's "Your tasks" table
 * (`splitTarget`, `Input.read`, ...), with the file the row names if it names one.
 * @param {string} file        lesson file name
 * @param {number} milestone   1-based milestone number
 * @returns {{ names: string[], files: string[] }}
 */
export function milestoneTasks(file, milestone) {
  const path = join(LESSONS_DIR, file);
  if (!existsSync(path)) return { names: [], files: [] };
  const markdown = readFileSync(path, 'utf8');
  const tasks = markdown.slice(markdown.search(/^## Your tasks/m));
  const row = tasks.split('\n').find((line) => new RegExp(`^\\|\\s*${milestone}\\.\\s`).test(line));
  if (!row) return { names: [], files: [] };
  const cell = row.split('|')[2] ?? '';
  const quoted = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return {
    names: quoted.filter((q) => !/\.ts$/.test(q)),
    files: quoted.filter((q) => /\.ts$/.test(q)),
  };
}
