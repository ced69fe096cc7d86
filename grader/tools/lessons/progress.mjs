// @ts-check
// The learner's progress as the site shows it: the last grade of each lab (written by
// `npm run grade` to .grader/state/<lab folder>.json) and the quiz scores (.grader/state/quiz.json,
// shared with `npm run quiz` and `npm run progress`: { "<lesson file>": { correct, total, at } }).
// GRADER_STATE_DIR points all of it elsewhere, which is how the site's tests keep off the real one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../../course.mjs';

/**
 * @typedef {object} MilestoneProgress
 * @property {string} id
 * @property {string} title
 * @property {string} lesson   `lessons/01-http.md#the-request-line`
 * @property {number} [score]     points, as the terminal prints them
 * @property {number} [maxScore]
 * @property {number} passed   tests
 * @property {number} total
 * @property {boolean} [extension]  an optional milestone beyond the core, scored apart
 *
 * @typedef {object} LabProgress
 * @property {number} score
 * @property {number} maxScore
 * @property {number} percent    0-100, rounded down, so 100 means every point
 * @property {number} passed     tests passed
 * @property {number} total      tests run
 * @property {string} gradedAt   ISO date, '' if the file has none
 * @property {MilestoneProgress[]} milestones
 * @property {{ score: number, maxScore: number } | null} extensions   the optional milestones' points, apart from score
 *
 * @typedef {{ correct: number, total: number, at: string }} QuizScore
 */

export function stateDir() {
  return process.env.GRADER_STATE_DIR ? resolve(process.env.GRADER_STATE_DIR) : join(ROOT, '.grader', 'state');
}

/** Reads a JSON file of the state folder; null when it is missing or unreadable. */
function readJson(/** @type {string} */ file) {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The last grade of a lab, or null if it was never graded.
 * @param {string} folder  `lab1-http`
 * @param {string} [dir]
 * @returns {LabProgress | null}
 */
export function labProgress(folder, dir = stateDir()) {
  const grade = readJson(join(dir, `${folder}.json`));
  if (!grade || typeof grade.score !== 'number' || typeof grade.maxScore !== 'number') return null;
  /** @type {{ status?: string }[]} */
  const tests = Array.isArray(grade.tests) ? grade.tests : [];
  return {
    score: grade.score,
    maxScore: grade.maxScore,
    percent: grade.maxScore > 0 ? Math.floor((100 * grade.score) / grade.maxScore) : 0,
    passed: tests.filter((t) => t.status === 'passed').length,
    total: tests.length,
    gradedAt: typeof grade.gradedAt === 'string' ? grade.gradedAt : '',
    milestones: Array.isArray(grade.milestones) ? grade.milestones : [],
    extensions:
      grade.extensions && typeof grade.extensions.score === 'number' && typeof grade.extensions.maxScore === 'number'
        ? { score: grade.extensions.score, maxScore: grade.extensions.maxScore }
        : null,
  };
}

/** @returns {Record<string, QuizScore>} */
export function quizScores(dir = stateDir()) {
  const scores = readJson(join(dir, 'quiz.json'));
  return scores && typeof scores === 'object' && !Array.isArray(scores) ? scores : {};
}

/**
 * Records a finished quiz, replacing the lesson's earlier score and keeping the others.
 * @param {string} lesson   `01-http.md`
 * @param {number} correct
 * @param {number} total
 * @returns {QuizScore}
 */
export function saveQuizScore(lesson, correct, total, dir = stateDir()) {
  const score = { correct, total, at: new Date().toISOString() };
  const scores = { ...quizScores(dir), [lesson]: score };
  mkdirSync(dir, { recursive: true });
  // Write then rename, so a reader never sees half a file.
  const file = join(dir, 'quiz.json');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(scores, null, 2) + '\n');
  renameSync(temporary, file);
  return score;
}
