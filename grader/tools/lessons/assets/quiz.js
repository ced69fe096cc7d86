// @ts-nocheck -- runs in the browser; the course's tsconfig has no DOM types (lib ES2023).
// The lessons site's quizzes. Each question is a fieldset (quiz.mjs renders it): pick an answer,
// Check, and the question says right or wrong and shows its explanation. Answers are kept in
// localStorage, so a reload keeps them. When every question is answered and the page was served
// by `npm run lessons` (the body has data-quiz-endpoint), the score is POSTed to the server, which
// records it in .grader/state/quiz.json. The index page shows the scores kept in this browser.
(function () {
  'use strict';
  var PREFIX = 'lessons-quiz:';

  function load(lesson) {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + lesson)) || { answers: {} };
    } catch (error) {
      return { answers: {} };
    }
  }
  function store(lesson, record) {
    try {
      localStorage.setItem(PREFIX + lesson, JSON.stringify(record));
    } catch (error) {
      // Private windows may refuse storage: the quiz still works, it just forgets.
    }
  }

  // The index: a finished quiz in this browser shows its score.
  document.querySelectorAll('[data-quiz-summary]').forEach(function (card) {
    var record = load(card.dataset.quizSummary);
    if (record.score) card.querySelector('span').textContent = record.score.correct + ' of ' + record.score.total + ' right';
  });

  var lesson = document.body.dataset.lesson;
  var questions = Array.prototype.slice.call(document.querySelectorAll('.quiz-question'));
  if (!lesson || questions.length === 0) return;
  var endpoint = document.body.dataset.quizEndpoint;
  var record = load(lesson);

  // One line after the last quiz: how many are right so far, and a way to start over.
  var summary = document.createElement('p');
  summary.className = 'quiz-summary';
  summary.innerHTML = '<span class="quiz-score" role="status"></span> <button type="button" class="quiz-reset">Start over</button>';
  var lastQuiz = questions[questions.length - 1].closest('form');
  lastQuiz.after(summary);
  var scoreLine = summary.querySelector('.quiz-score');

  function show(question, choice) {
    var right = Number(question.dataset.right);
    var labels = question.querySelectorAll('.quiz-answer');
    var verdict = question.querySelector('.quiz-verdict');
    question.querySelectorAll('input').forEach(function (input) {
      input.checked = Number(input.value) === choice;
      input.disabled = true;
    });
    labels[right].classList.add('is-right');
    if (choice !== right) labels[choice].classList.add('is-wrong');
    verdict.textContent = choice === right ? 'Right.' : 'Wrong: the right answer is marked.';
    verdict.className = 'quiz-verdict ' + (choice === right ? 'right' : 'wrong');
    question.querySelector('.quiz-check').hidden = true;
    question.querySelector('.quiz-explanation').hidden = false;
  }

  function clear(question) {
    question.querySelectorAll('input').forEach(function (input) {
      input.checked = false;
      input.disabled = false;
    });
    question.querySelectorAll('.quiz-answer').forEach(function (label) {
      label.classList.remove('is-right', 'is-wrong');
    });
    question.querySelector('.quiz-verdict').textContent = '';
    question.querySelector('.quiz-check').hidden = false;
    question.querySelector('.quiz-explanation').hidden = true;
  }

  function score() {
    var answered = 0;
    var correct = 0;
    questions.forEach(function (question) {
      var choice = record.answers[question.dataset.key];
      if (choice === undefined) return;
      answered += 1;
      if (choice === Number(question.dataset.right)) correct += 1;
    });
    return { answered: answered, correct: correct, total: questions.length };
  }

  function report(note) {
    var s = score();
    scoreLine.textContent = s.answered === 0 ? '' : s.correct + ' of ' + s.answered + ' answered right' +
      (s.answered === s.total ? ' (all ' + s.total + ' answered)' : ', ' + (s.total - s.answered) + ' to go') + (note ? '. ' + note : '');
  }

  function finish() {
    var s = score();
    record.score = { correct: s.correct, total: s.total };
    store(lesson, record);
    if (!endpoint) return report();
    report('Saving…');
    fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lesson: lesson, correct: s.correct, total: s.total }),
    })
      .then(function (response) {
        return response.text().then(function (text) {
          report(response.ok ? 'Saved to your progress.' : 'Not saved: ' + (text.trim() || 'the server answered ' + response.status) + '.');
        });
      })
      .catch(function () {
        report('Not saved: the server is not running.');
      });
  }

  questions.forEach(function (question) {
    var choice = record.answers[question.dataset.key];
    var count = question.querySelectorAll('.quiz-answer').length;
    if (typeof choice === 'number' && choice >= 0 && choice < count) show(question, choice);
    else delete record.answers[question.dataset.key];
    question.querySelector('.quiz-check').addEventListener('click', function () {
      var picked = question.querySelector('input:checked');
      var verdict = question.querySelector('.quiz-verdict');
      if (!picked) {
        verdict.textContent = 'Pick an answer first.';
        verdict.className = 'quiz-verdict';
        return;
      }
      record.answers[question.dataset.key] = Number(picked.value);
      store(lesson, record);
      show(question, Number(picked.value));
      if (score().answered === questions.length) finish();
      else report();
    });
  });
  document.querySelectorAll('form.quiz').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
    });
  });
  summary.querySelector('.quiz-reset').addEventListener('click', function () {
    record = { answers: {} };
    store(lesson, record);
    questions.forEach(clear);
    report();
    questions[0].scrollIntoView({ block: 'center' });
  });
  report();
})();
