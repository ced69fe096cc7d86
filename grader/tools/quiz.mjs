#!/usr/bin/env node
// @ts-check
// `npm run quiz 3` (or lab3, 03-gateway): the lesson's quiz in the terminal. Each question shows
// numbered answers; type a number. Right or wrong, the explanation follows; the score is
// recorded in .grader/state/quiz.json, which `npm run progress` and the lessons site read.
// Without a terminal (answers piped in), each line of standard input is one answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, UsageError, parseCommandLine, pc, readRecord, runTool, shown, terminalWidth, wrap, writeState } from './common.mjs';
import { LESSONS_DIR, findLesson, lessonFiles, lessonNumber, parseQuiz } from './lesson-text.mjs';

const program = new Command()
  .name('npm run quiz')
  .usage('<lesson>')
  .description("A lesson's quiz in the terminal: npm run quiz 3 (or lab3, or 03-gateway)")
  .argument('[lesson]', 'the lesson: 3, lab3, gateway or 03-gateway');
parseCommandLine(program);

runTool('quiz', async () => {
  const [name] = /** @type {[string | undefined]} */ (program.processedArgs);
  const lessons = lessonFiles();
  const list = `Lessons:\n${lessons.map((f) => `  ${lessonNumber(f)}  ${f}`).join('\n')}`;
  if (!name) throw new UsageError(`which lesson? For example: npm run quiz 3\n${list}`);
  const file = findLesson(name);
  if (!file) throw new UsageError(`there is no lesson called "${name}".\n${list}`);
  const c = pc.createColors(pc.isColorSupported);
  const width = terminalWidth();

  const { questions, problems } = parseQuiz(readFileSync(join(LESSONS_DIR, file), 'utf8'));
  for (const problem of problems) process.stderr.write(c.yellow(`note: skipped a question of lessons/${file}: ${problem}\n`));
  if (questions.length === 0) {
    process.stdout.write(`lessons/${file} has no quiz yet.\n`);
    return 0;
  }

  const answers = answerSource();
  process.stdout.write(
    `${c.bold(`Quiz: lesson ${lessonNumber(file)} (lessons/${file})`)}, ${questions.length} questions. Type the number of your answer.\n`,
  );
  let correct = 0;
  for (const [index, question] of questions.entries()) {
    process.stdout.write(`\n${c.bold(`${index + 1}/${questions.length}`)} ${wrap(question.text, width - 6, '    ')}\n`);
    question.answers.forEach((answer, i) => process.stdout.write(`  ${i + 1}) ${wrap(answer, width - 6, '     ')}\n`));
    const choice = await answers.ask(`Your answer (1-${question.answers.length}): `, question.answers.length);
    if (choice === null) {
      answers.close();
      process.stdout.write(
        `\n${c.yellow(`The answers ran out after ${index} of ${questions.length} questions: nothing was recorded.`)}\n`,
      );
      return 1;
    }
    const right = choice === question.right;
    if (right) correct += 1;
    const verdict = right
      ? c.green('✔ Right.')
      : c.red(`✘ Not quite: the answer is ${question.right + 1}) ${question.answers[question.right]}.`);
    process.stdout.write(`${wrap(`${verdict} ${question.explanation}`, width - 2, '  ')}\n`);
  }
  answers.close();

  const quizzes = readRecord('quiz.json');
  quizzes[file] = { correct, total: questions.length, at: new Date().toISOString() };
  const saved = writeState('quiz.json', quizzes);
  const score = `Score: ${correct}/${questions.length}`;
  process.stdout.write(`\n${correct === questions.length ? c.green(c.bold(score)) : c.bold(score)}`);
  process.stdout.write(c.dim(` · recorded in ${shown(saved)}; npm run progress shows it\n`));
  return 0;
});

/**
 * Where answers come from: a prompt in a terminal (asked again until it is a number in range),
 * or the lines of standard input, one answer per line (a line that is not an answer is skipped).
 * `ask` resolves with the 0-based choice, or null when input ended.
 */
function answerSource() {
  const interactive = !!(process.stdin.isTTY && process.stdout.isTTY);
  const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  /** @type {string[]} */
  const queued = [];
  /** @type {((line: string | null) => void) | null} */
  let waiting = null;
  let ended = false;
  lines.on('line', (line) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(line);
    } else {
      queued.push(line);
    }
  });
  // In a terminal, readline takes Ctrl+C for itself: leave as a learner expects, recording nothing.
  lines.on('SIGINT', () => {
    process.stdout.write('\nStopped: nothing was recorded.\n');
    process.exit(130);
  });
  lines.on('close', () => {
    ended = true;
    if (waiting) waiting(null);
  });
  /** @returns {Promise<string | null>} */
  const nextLine = () => {
    if (queued.length > 0) return Promise.resolve(/** @type {string} */ (queued.shift()));
    if (ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      waiting = resolve;
    });
  };
  return {
    /** @param {string} prompt @param {number} count */
    async ask(prompt, count) {
      for (;;) {
        process.stdout.write(prompt);
        const line = await nextLine();
        if (line === null) {
          if (!interactive) process.stdout.write('\n');
          return null;
        }
        if (!interactive) process.stdout.write(`${line}\n`);
        const number = Number(line.trim());
        if (Number.isInteger(number) && number >= 1 && number <= count) return number - 1;
        process.stdout.write(`Type a number from 1 to ${count}.\n`);
      }
    },
    close() {
      lines.close();
    },
  };
}
