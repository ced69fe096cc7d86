#!/usr/bin/env node
// @ts-check
// `npm run progress`: every lab with a bar, its score and the next thing to do, from the last
// grade of each lab (.grader/state/<lab>.json), and the quiz scores of each lesson
// (.grader/state/quiz.json, which the lessons site writes too).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LABS, isPresent } from '../course.mjs';
import { levelOf } from '../levels.mjs';
import { extensionsText, nextMilestone } from '../report.mjs';
import {
  Command,
  bar,
  isFinished,
  loadGrade,
  parseCommandLine,
  pc,
  readRecord,
  runTool,
  shown,
  stateDir,
} from './common.mjs';
import { LESSONS_DIR, lessonFiles, lessonNumber } from './lesson-text.mjs';

const program = new Command()
  .name('npm run progress')
  .description('Your progress: every lab with its score and what to do next, and your quiz scores');
parseCommandLine(program);

runTool('progress', async () => {
  const c = pc.createColors(pc.isColorSupported);
  const quizzes = readRecord('quiz.json');
  const lessons = lessonFiles();
  /** @type {string[]} */
  const out = [c.bold('Your progress'), ''];
  let points = 0;
  let maxPoints = 0;
  let done = 0;
  let graded = 0;
  /** @type {string | undefined} */
  let firstNext;

  // Lesson 0 has no lab: only its quiz.
  const intro = lessons.find((file) => lessonNumber(file) === 0);
  if (intro) {
    out.push(`${c.bold(' 0')}  ${'The big picture'.padEnd(30)} ${c.dim('lesson only'.padEnd(34))} ${quizText(quizzes[intro], c)}`);
  }

  for (const lab of LABS) {
    const lesson = lab.lesson;
    const hasLesson = existsSync(join(LESSONS_DIR, lesson));
    const title = lab.title.length > 30 ? `${lab.title.slice(0, 29)}…` : lab.title;
    const label = `${c.bold(String(lab.number).padStart(2))}  ${title.padEnd(30)}`;
    const quiz = hasLesson ? quizText(quizzes[lesson], c) : '';
    if (!isPresent(lab) || !hasLesson) {
      out.push(`${label} ${c.dim('coming soon')}`);
      continue;
    }
    const state = loadGrade(lab);
    // A lab taken at the open level says so; guided is the default and goes unsaid.
    const level = levelOf(lab.folder);
    const levelTag = level === 'open' ? c.dim(' · open level') : '';
    if (state.status === 'missing') {
      out.push(`${label} ${c.dim(bar(0, 1))} ${c.dim('-'.padStart(7).padEnd(13))} ${quiz}${levelTag}`);
      const todo = `read lessons/${lesson} and run npm run grade lab${lab.number}`;
      out.push(`    ${c.dim('not started:')} ${todo}`);
      firstNext ??= `lab ${lab.number}: ${todo}`;
      continue;
    }
    if (state.status === 'corrupt') {
      out.push(`${label} ${c.yellow('?'.repeat(20))} ${''.padEnd(13)} ${quiz}`);
      out.push(`    ${c.yellow(`the saved grade (${shown(state.file)}) could not be read: run npm run grade lab${lab.number} again`)}`);
      continue;
    }
    const grade = state.grade;
    graded += 1;
    points += grade.score;
    maxPoints += grade.maxScore;
    const pct = grade.maxScore > 0 ? Math.round((100 * grade.score) / grade.maxScore) : 0;
    const finished = isFinished(grade);
    const colour = finished ? c.green : grade.score > 0 ? c.yellow : c.red;
    const score = `${grade.score}/${grade.maxScore}`.padStart(7) + ` ${String(pct).padStart(3)}%`;
    const stale = grade.level && grade.level !== level ? c.dim(` · last graded at the ${grade.level} level, now ${level}`) : levelTag;
    out.push(`${label} ${colour(bar(grade.score, grade.maxScore))} ${score.padEnd(13)} ${quiz}${c.dim(extensionsText(grade))}${stale}`);
    if (finished) {
      done += 1;
      const next = LABS.find((l) => l.number === lab.number + 1 && existsSync(join(LESSONS_DIR, l.lesson)));
      out.push(
        `    ${c.green(`✔ Lab ${lab.number} is done, congratulations!`)}` +
          (next ? ` Next: read lessons/${next.lesson} and run npm run grade lab${next.number}` : ' That was the last lab.') +
          (lab.number === 7 ? ' See your own stack serve the bookshelf: npm run serve' : ''),
      );
      continue;
    }
    const upcoming = nextMilestone(grade.milestones);
    if (upcoming) {
      const { milestone, number } = upcoming;
      const todo = `${number}. ${milestone.title} (${milestone.total - milestone.passed} of ${milestone.total} tests to go): read ${milestone.lesson}`;
      out.push(`    ${c.dim('next:')} ${todo}`);
      out.push(`    ${c.dim(`stuck? npm run hint lab${lab.number}`)}`);
      firstNext ??= `lab ${lab.number}, milestone ${todo}`;
    } else {
      const todo = `run npm run grade lab${lab.number} again: the last grade reported problems outside the tests`;
      out.push(`    ${c.dim('next:')} ${todo}`);
      firstNext ??= `lab ${lab.number}: ${todo}`;
    }
  }

  const taken = lessons.filter((file) => validQuiz(quizzes[file]));
  const right = taken.reduce((n, file) => n + quizzes[file].correct, 0);
  const asked = taken.reduce((n, file) => n + quizzes[file].total, 0);
  out.push('');
  const labsLine = graded === 0 ? 'no lab graded yet' : `${done} of ${LABS.filter((l) => isPresent(l) && existsSync(join(LESSONS_DIR, l.lesson))).length} labs done, ${points}/${maxPoints} points in the labs you graded`;
  const quizLine = taken.length === 0 ? 'no quiz taken yet (npm run quiz 0)' : `quizzes: ${taken.length} of ${lessons.length} taken, ${right}/${asked} right`;
  out.push(`${labsLine} · ${quizLine}`);
  if (firstNext) out.push(c.bold(`Next: ${firstNext}`));
  else if (graded > 0 && done === graded) out.push(c.green(c.bold('Every lab you graded is done.')));
  if (graded === 0 && !existsSync(stateDir())) out.push(c.dim('Start with lessons/00-big-picture.md, then lesson 1 and npm run grade lab1.'));
  process.stdout.write(out.join('\n') + '\n');
});

/** @param {unknown} entry @returns {entry is { correct: number, total: number, at?: string }} */
function validQuiz(entry) {
  const e = /** @type {any} */ (entry);
  return !!e && typeof e === 'object' && Number.isFinite(e.correct) && Number.isFinite(e.total) && e.total > 0;
}

/** @param {unknown} entry @param {import('picocolors/types').Colors} c */
function quizText(entry, c) {
  if (!validQuiz(entry)) return c.dim('quiz: not taken');
  const text = `quiz: ${entry.correct}/${entry.total}`;
  return entry.correct === entry.total ? c.green(text) : text;
}
