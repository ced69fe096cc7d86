// @ts-check
// The lessons' quizzes: a fenced block with the info string `quiz`, questions separated by blank
// lines. A question is a line `? text`, its answers `- wrong` and `+ right` (exactly one right),
// then `> explanation`. A line that starts with none of these continues the line before it.
//
//   ? At which step does the parser first know how many body bytes to expect?
//   - Step 1, when it reads the request line
//   + Step 5, when the empty line ends the head and bodyFraming runs
//   > The framing is decided only once the whole head is known.
//
// In the site each question becomes a fieldset of radio buttons; assets/quiz.js does the rest.
import { createHash } from 'node:crypto';

/**
 * @typedef {object} Question
 * @property {string} text
 * @property {{ text: string, right: boolean }[]} answers
 * @property {number} right        index of the right answer
 * @property {string} explanation
 * @property {string} key          short hash of the text: stored answers survive reordering, not rewording
 */

/** A quiz block that does not follow the format; `line` counts from 1 inside the block. */
export class QuizFormatError extends Error {
  constructor(/** @type {string} */ message, /** @type {number} */ line) {
    super(`quiz, line ${line}: ${message}`);
    this.name = 'QuizFormatError';
    this.line = line;
  }
}

/**
 * Reads the text of a quiz block.
 * @param {string} block
 * @returns {Question[]}
 */
export function parseQuiz(block) {
  /** @type {Question[]} */
  const questions = [];
  /** @type {{ text: string } | undefined} */
  let last;
  /** @type {Question | undefined} */
  let current;
  let firstLine = 1;
  const lines = block.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((line, index) => {
    const at = index + 1;
    if (line.trim() === '') {
      if (current) questions.push(finish(current, firstLine));
      current = undefined;
      last = undefined;
      return;
    }
    const marker = line.slice(0, 2);
    const text = line.slice(2).trim();
    if (marker === '? ') {
      if (current) throw new QuizFormatError('a new question starts without a blank line before it', at);
      current = { text, answers: [], right: -1, explanation: '', key: '' };
      firstLine = at;
      last = current;
    } else if (!current) {
      throw new QuizFormatError(`a question starts with "? ", not "${line.trim()}"`, at);
    } else if (marker === '- ' || marker === '+ ') {
      if (current.explanation) throw new QuizFormatError('an answer comes after the explanation', at);
      const answer = { text, right: marker === '+ ' };
      current.answers.push(answer);
      last = answer;
    } else if (marker === '> ' || line === '>') {
      current.explanation = current.explanation ? `${current.explanation} ${text}` : text;
      last = undefined;
    } else if (last) {
      last.text = `${last.text} ${line.trim()}`;
    } else {
      current.explanation = `${current.explanation} ${line.trim()}`;
    }
  });
  if (current) questions.push(finish(current, firstLine));
  return questions;
}

/** Checks a question once all its lines are read. */
function finish(/** @type {Question} */ question, /** @type {number} */ line) {
  const rights = question.answers.filter((a) => a.right).length;
  if (question.answers.length < 2) throw new QuizFormatError('a question needs at least two answers ("- wrong", "+ right")', line);
  if (rights !== 1) throw new QuizFormatError(`a question needs exactly one right answer ("+ "), this one has ${rights}`, line);
  if (!question.explanation) throw new QuizFormatError('a question needs an explanation ("> why")', line);
  question.right = question.answers.findIndex((a) => a.right);
  question.key = createHash('sha1').update(question.text).digest('hex').slice(0, 10);
  return question;
}

/**
 * The HTML of a quiz. Questions are numbered from `first` so that several quiz blocks in one
 * lesson count as one quiz.
 * @param {Question[]} questions
 * @param {{ first: number, inline: (markdown: string) => string }} options  inline renders a line of Markdown
 */
export function renderQuiz(questions, { first, inline }) {
  const items = questions.map((question, i) => {
    const n = first + i;
    const answers = question.answers
      .map(
        (answer, a) =>
          `<label class="quiz-answer"><input type="radio" name="q${n}" value="${a}"> <span>${inline(answer.text)}</span></label>`,
      )
      .join('\n');
    return `<fieldset class="quiz-question" id="quiz-${n}" data-key="${question.key}" data-right="${question.right}">
<legend><span class="quiz-number">${n}.</span> ${inline(question.text)}</legend>
${answers}
<div class="quiz-actions"><button type="button" class="quiz-check">Check</button> <span class="quiz-verdict" role="status"></span></div>
<div class="quiz-explanation" hidden>${inline(question.explanation)}</div>
</fieldset>`;
  });
  return `<form class="quiz">\n${items.join('\n')}\n</form>\n`;
}

/** A quiz block that could not be read, shown where it stands instead of breaking the page. */
export function renderQuizError(/** @type {Error} */ error, /** @type {(text: string) => string} */ escape) {
  return `<div class="quiz-error"><strong>This quiz could not be read.</strong> ${escape(error.message)}</div>\n`;
}
