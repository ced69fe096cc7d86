// @ts-check
// The late policy of a batch: a deadline, each student's submission time, and an optional penalty
// per day late. Times come from a CSV the instructor exports (a grading service's, a form's), or,
// for repositories cloned with `gh classroom clone`, from each repository's last commit, which the
// student's own clock wrote: a hint, not proof, and the report says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {object} LatePolicy
 * @property {number} deadline        ms since the epoch
 * @property {number} penaltyPerDay   percent of the score taken per started day late (0: flag only)
 * @property {Map<string, { at: number, from: string }>} submitted   student -> when, and where that came from
 *
 * @typedef {object} Lateness
 * @property {string} submittedAt   ISO time, '' when unknown
 * @property {string} from          'csv', 'git' or '' (unknown)
 * @property {number} lateMs        0 when on time or unknown
 * @property {number} days          started days late
 * @property {number} penalty       points taken
 */

/**
 * Reads a time the way an instructor writes it: ISO 8601 (`2026-12-01T23:59:00+01:00`), or
 * `2026-12-01 23:59` (the machine's local time, since no zone is given).
 * @param {string} text
 */
export function parseTime(text) {
  const trimmed = text.trim();
  const at = Date.parse(/^\d{4}-\d\d-\d\d \d/.test(trimmed) ? trimmed.replace(' ', 'T') : trimmed);
  return Number.isNaN(at) ? null : at;
}

/**
 * Submission times from a CSV: the student's folder name in the first column, the time in the
 * second; a header row is skipped. Throws, naming the line, on a time it cannot read.
 * @param {string} file
 * @returns {Map<string, { at: number, from: string }>}
 */
export function readSubmissionTimes(file) {
  /** @type {string[][]} */
  const records = parse(readFileSync(file, 'utf8'), { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  /** @type {Map<string, { at: number, from: string }>} */
  const times = new Map();
  records.forEach((record, index) => {
    const [student = '', time = ''] = record;
    const at = parseTime(time);
    if (at === null) {
      if (index === 0) return; // a header: student,submitted
      throw new Error(`${file}, line ${index + 1}: "${time}" is not a time. Write it as 2026-12-01T23:59:00+01:00 (ISO 8601).`);
    }
    times.set(student, { at, from: 'csv' });
  });
  return times;
}

/**
 * When the last commit of a student's repository was made (its committer date), or null when the
 * folder is not a git repository. Git is told to run nothing the repository's own configuration
 * could name (a signature program, a file-system monitor): the repository is the student's.
 * @param {string} dir
 */
export function lastCommitTime(dir) {
  if (!existsSync(join(dir, '.git'))) return null;
  const run = spawnSync(
    'git',
    ['-c', 'log.showSignature=false', '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', 'log', '-1', '--no-show-signature', '--format=%cI', 'HEAD'],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' } },
  );
  return run.status === 0 ? parseTime(run.stdout) : null;
}

/**
 * How late one submission is, and what it costs: `penaltyPerDay` percent of the score for every
 * started day after the deadline, at most the whole score.
 * @param {LatePolicy} policy
 * @param {string} student
 * @param {number} score
 * @returns {Lateness}
 */
export function lateness(policy, student, score) {
  const entry = policy.submitted.get(student);
  if (!entry) return { submittedAt: '', from: '', lateMs: 0, days: 0, penalty: 0 };
  const lateMs = Math.max(0, entry.at - policy.deadline);
  const days = Math.ceil(lateMs / DAY_MS);
  const penalty = Math.min(score, Math.round(score * Math.min(100, days * policy.penaltyPerDay)) / 100);
  return { submittedAt: new Date(entry.at).toISOString(), from: entry.from, lateMs, days, penalty };
}

/** "2 d 3 h", "45 min": how late, for people. */
export function formatLate(/** @type {number} */ ms) {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
