// The learner's tools (hint, progress, quiz, trace, serve), each run as a learner runs it: a child
// process, here against a temporary state folder (GRADER_STATE_DIR) holding made-up grades, so
// the real .grader/state is never touched.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, findLab, labDetails } from '../course.mjs';
import type { GradeResult, TestResult } from '../report.mjs';
import { parseQuiz } from '../tools/lesson-text.mjs';
import { servedByLine, truthful } from '../tools/demo-page.ts';

const TOOLS = join(ROOT, 'grader', 'tools');

/** The environment of a tool run: no npm flags, no colour, the given state folder. */
function environment(state: string, extra: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_')));
  return { ...clean, NO_COLOR: '1', FORCE_COLOR: '', GRADER_STATE_DIR: state, ...extra } as NodeJS.ProcessEnv;
}

function run(tool: string, args: string[], state: string, options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [join(TOOLS, `${tool}.mjs`), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    env: environment(state, options.env),
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function stateFolder() {
  return mkdtempSync(join(tmpdir(), 'tools-state-'));
}

type MadeUpTest = Partial<TestResult> & { name: string; milestone: string; status: TestResult['status'] };

/** A saved grade as the grader writes it, for the lab's real milestones. */
function saveGrade(state: string, labName: string, tests: MadeUpTest[]) {
  const lab = findLab(labName)!;
  const details = labDetails(lab);
  const optional = new Set(details.milestones.filter((m) => m.extension).map((m) => m.id));
  const full: TestResult[] = tests.map((t) => ({
    section: details.milestones.find((m) => m.id === t.milestone)?.title ?? 'Other',
    maxPoints: 1,
    points: t.status === 'passed' ? 1 : 0,
    ...(optional.has(t.milestone) ? { extension: true as const } : {}),
    ...t,
  }));
  const core = full.filter((t) => !t.extension);
  const extra = full.filter((t) => t.extension);
  const milestones = details.milestones.map((m) => {
    const own = full.filter((t) => t.milestone === m.id);
    return {
      id: m.id,
      title: m.title,
      lesson: `lessons/${m.lesson}`,
      score: own.filter((t) => t.status === 'passed').length,
      maxScore: own.length,
      passed: own.filter((t) => t.status === 'passed').length,
      total: own.length,
      ...(m.extension ? { extension: true } : {}),
    };
  });
  const grade: GradeResult & { gradedAt: string } = {
    lab: lab.folder,
    labNumber: lab.number,
    title: lab.title,
    target: `labs/${lab.folder}`,
    layers: 'reference layers below',
    courseVersion: '0.0.0',
    testsHash: 'made-up',
    score: core.filter((t) => t.status === 'passed').length,
    maxScore: core.length,
    ...(optional.size > 0
      ? { extensions: { score: extra.filter((t) => t.status === 'passed').length, maxScore: extra.length, passed: extra.filter((t) => t.status === 'passed').length, total: extra.length } }
      : {}),
    milestones,
    tests: full,
    problems: [],
    gradedAt: '2026-01-01T12:00:00.000Z',
  };
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, `${lab.folder}.json`), JSON.stringify(grade, null, 2));
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('npm run hint', () => {
  it('says what to do when there is no grade yet, or the saved one is damaged', () => {
    const state = stateFolder();
    const none = run('hint', ['lab3'], state);
    expect(none.code).toBe(0);
    expect(none.out).toContain('no grade for lab 3 yet: run npm run grade lab3');
    writeFileSync(join(state, 'lab3-gateway.json'), '{ "tests": [ broken');
    const damaged = run('hint', ['3'], state);
    expect(damaged.code).toBe(0);
    expect(damaged.out).toMatch(/could not be read: run npm run grade lab3 again/);
  });

  it('exits 2 with the list of labs when no lab is named', () => {
    const run0 = run('hint', [], stateFolder());
    expect(run0.code).toBe(2);
    expect(run0.err).toMatch(/which lab\?/);
  });

  it('goes from a nudge to the lesson to the starter TODOs, one step per --more, and remembers the step', () => {
    const state = stateFolder();
    const failing = {
      name: 'splits a target at its first question mark',
      milestone: 'environ',
      status: 'failed' as const,
      message: 'TODO(lab3): splitTarget is not written yet (lessons/03-gateway.md#the-path-and-the-query)',
      location: 'labs/lab3-gateway/environ.ts:15:9',
      hint: 'Split at the first "?" only (made-up hint).',
      lesson: 'lessons/03-gateway.md#the-environ',
    };
    saveGrade(state, 'lab3', [
      // A later milestone's failure comes first here: the hint must still follow milestone order.
      { name: 'says hello', milestone: 'apps', status: 'failed', message: 'expected 404 to be 200', hint: 'not this one' },
      { name: 'builds the method key', milestone: 'environ', status: 'passed' },
      failing,
    ]);
    const hints = join(state, 'hints.json');

    const first = run('hint', ['lab3'], state);
    expect(first.code).toBe(0);
    expect(first.out).toContain(failing.name);
    expect(first.out).toContain('Hint 1 of 3');
    expect(first.out).toContain('(made-up hint)');
    expect(first.out).not.toContain('Hint 2 of 3');
    expect(first.out).not.toContain('not this one');
    expect(first.out).toContain('npm run hint lab3 -- --more');
    expect(readJson(hints)).toEqual({ 'lab3-gateway': { [failing.name]: 1 } });

    const second = run('hint', ['lab3', '--more'], state);
    expect(second.out).toContain('Hint 2 of 3');
    expect(second.out).toContain('lessons/03-gateway.md#the-path-and-the-query');
    expect(second.out).toMatch(/#+ The path and the query/);
    expect(second.out).toMatch(/#+ The environ/);
    expect(readJson(hints)['lab3-gateway'][failing.name]).toBe(2);

    // npm keeps `--more` written without `--` and passes it on as npm_config_more.
    const third = run('hint', ['lab3'], state, { env: { npm_config_more: 'true' } });
    expect(third.out).toContain('Hint 3 of 3');
    expect(third.out).toMatch(/export function splitTarget\(target: string\)/);
    expect(third.out).toContain('// TODO(lab3):');
    // The line is where the function stands in the learner's file today.
    const own = readFileSync(join(ROOT, 'labs', 'lab3-gateway', 'environ.ts'), 'utf8').split('\n');
    expect(third.out).toContain(`labs/lab3-gateway/environ.ts:${own.findIndex((l) => l.startsWith('export function splitTarget')) + 1}`);
    expect(readJson(hints)['lab3-gateway'][failing.name]).toBe(3);
    if (existsSync(join(ROOT, 'solutions'))) {
      const reference = readFileSync(join(ROOT, 'solutions', 'lab3-gateway', 'environ.ts'), 'utf8');
      const body = reference.slice(reference.indexOf('export function splitTarget'), reference.indexOf('\n}\n', reference.indexOf('export function splitTarget')));
      const codeLines = body.split('\n').slice(1).map((l) => l.trim()).filter((l) => l.length > 20 && !l.startsWith('//'));
      expect(codeLines.length).toBeGreaterThan(0);
      for (const line of codeLines) expect(third.out).not.toContain(line);
    }

    const again = run('hint', ['lab3'], state);
    expect(again.out).toContain('Hint 3 of 3');
    expect(readJson(hints)['lab3-gateway'][failing.name]).toBe(3);
  });

  it('congratulates instead of hinting when every test passed', () => {
    const state = stateFolder();
    saveGrade(state, 'lab1', [{ name: 'a', milestone: 'request-line', status: 'passed' }]);
    const done = run('hint', ['lab1'], state);
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/Every test of lab 1 passed/);
  });
});

describe('npm run progress', () => {
  it('from a fresh clone, says where to start for every lab', () => {
    const run0 = run('progress', [], join(stateFolder(), 'not-there'));
    expect(run0.code).toBe(0);
    expect(run0.out).toContain('not started: read lessons/01-http.md and run npm run grade lab1');
    expect(run0.out).toContain('not started: read lessons/03-gateway.md and run npm run grade lab3');
    expect(run0.out).toContain('no quiz taken yet');
  });

  it('shows bars, scores, next steps, quiz scores and a congratulation for a finished lab', () => {
    const state = stateFolder();
    saveGrade(state, 'lab1', [
      { name: 'a', milestone: 'request-line', status: 'passed' },
      { name: 'b', milestone: 'serializer', status: 'passed' },
    ]);
    saveGrade(state, 'lab3', [
      { name: 'c', milestone: 'environ', status: 'passed' },
      { name: 'd', milestone: 'input', status: 'passed' },
      { name: 'e', milestone: 'input', status: 'failed', message: 'nope' },
      { name: 'f', milestone: 'validator', status: 'failed', message: 'nope' },
    ]);
    writeFileSync(join(state, 'lab4-routing.json'), 'not json at all');
    writeFileSync(
      join(state, 'quiz.json'),
      JSON.stringify({ '00-big-picture.md': { correct: 4, total: 5, at: '2026-01-01T00:00:00.000Z' }, '03-gateway.md': { correct: 6, total: 6, at: '2026-01-01T00:00:00.000Z' } }),
    );
    const result = run('progress', [], state);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/ 1 +HTTP\/1\.1 messages +█{20} +2\/2 +100%/);
    expect(result.out).toContain('Lab 1 is done, congratulations! Next: read lessons/02-server.md and run npm run grade lab2');
    expect(result.out).toMatch(/ 3 +The gateway \(TSGI\) +█{10}░{10} +2\/4 +50%/);
    expect(result.out).toContain('2. The input stream (1 of 2 tests to go): read lessons/03-gateway.md#the-input-stream-tsgiinput');
    expect(result.out).toMatch(/could not be read: run npm run grade lab4 again/);
    expect(result.out).toContain('quiz: 4/5');
    expect(result.out).toContain('quiz: 6/6');
    expect(result.out).toContain('quizzes: 2 of');
  });
});

describe('extension milestones in the tools', () => {
  it('progress calls a lab done when its core is, and shows its extensions apart; hint then helps with an extension', () => {
    const state = stateFolder();
    saveGrade(state, 'lab6', [
      { name: 'a', milestone: 'lexer', status: 'passed' },
      { name: 'b', milestone: 'parser', status: 'passed' },
      { name: 'x', milestone: 'filters-lists', status: 'passed' },
      { name: 'y', milestone: 'filters-text', status: 'failed', message: 'not yet' },
    ]);
    const progress = run('progress', [], state);
    expect(progress.code).toBe(0);
    expect(progress.out).toMatch(/ 6 +The template engine +█{20} +2\/2 +100%/);
    expect(progress.out).toContain('extensions 1/2');
    expect(progress.out).toContain('Lab 6 is done, congratulations!');
    const hint = run('hint', ['lab6'], state);
    expect(hint.code).toBe(0);
    expect(hint.out).not.toMatch(/no hint needed/);
    expect(hint.out).toMatch(/Filters for text/);
  });
});

describe('npm run quiz', () => {
  it('reads questions, answers and explanations from a quiz block, skipping malformed questions', () => {
    const quiz = parseQuiz(
      ['# A lesson', '', '```quiz', '? Which one?', '- wrong', '+ right', '- also wrong', '> Because it is right.', '', '? Two rights?', '+ a', '+ b', '```', ''].join('\n'),
    );
    expect(quiz.questions).toEqual([{ text: 'Which one?', answers: ['wrong', 'right', 'also wrong'], right: 1, explanation: 'Because it is right.' }]);
    expect(quiz.problems).toHaveLength(1);
  });

  it('asks from piped answers, says right or wrong, and records the score beside what is there', () => {
    const state = stateFolder();
    writeFileSync(join(state, 'quiz.json'), JSON.stringify({ '01-http.md': { correct: 1, total: 6, at: 'earlier' } }));
    const { questions } = parseQuiz(readFileSync(join(ROOT, 'lessons', '00-big-picture.md'), 'utf8'));
    expect(questions.length).toBeGreaterThanOrEqual(3);
    // Right for the first two, wrong for the rest; a stray line is asked again.
    const answers = questions.map((q, i) => String(i < 2 ? q.right + 1 : ((q.right + 1) % q.answers.length) + 1));
    const result = run('quiz', ['0'], state, { input: ['x', ...answers].join('\n') + '\n' });
    expect(result.code).toBe(0);
    expect(result.out).toContain('✔ Right.');
    expect(result.out).toContain('✘ Not quite');
    expect(result.out).toContain(`Score: 2/${questions.length}`);
    const saved = readJson(join(state, 'quiz.json'));
    expect(saved['00-big-picture.md']).toMatchObject({ correct: 2, total: questions.length });
    expect(typeof saved['00-big-picture.md'].at).toBe('string');
    expect(saved['01-http.md']).toEqual({ correct: 1, total: 6, at: 'earlier' });
  });

  it('records nothing when the answers run out, and takes lab3 or 03-gateway as the lesson', () => {
    const state = stateFolder();
    const short = run('quiz', ['lab3'], state, { input: '1\n' });
    expect(short.code).toBe(1);
    expect(short.out).toContain('lessons/03-gateway.md');
    expect(short.out).toMatch(/ran out after 1 of \d+ questions: nothing was recorded/);
    expect(existsSync(join(state, 'quiz.json'))).toBe(false);
    expect(run('quiz', ['03-gateway'], state, { input: '' }).out).toContain('lessons/03-gateway.md');
    expect(run('quiz', ['42'], state).code).toBe(2);
  });
});

/** The rows of a printed table: for each step, the text of each column, spaces removed. */
function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    const cells = line.split(' │ ');
    if (cells.length < 2) continue;
    if (/^\d+\s*$/.test(cells[0]!)) rows.push(cells.map(() => ''));
    const row = rows[rows.length - 1];
    if (!row) continue;
    cells.forEach((cell, i) => (row[i] = (row[i] ?? '') + cell.replace(/\s+/g, '')));
  }
  return rows;
}

const squeeze = (text: string) => text.replace(/\s+/g, '');

describe('npm run trace', () => {
  for (const lab of ['lab1', 'lab2', 'lab3']) {
    it(`prints the execution table and the variable tracker of GET / on ${lab}'s reference stack`, () => {
      const result = run('trace', [lab, 'GET', '/', '--reference'], stateFolder());
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      const [before, tracker = ''] = result.out.split('Variable tracker');
      expect(before).toMatch(/^step +│ action +│ input +│ output +│ notes/m);
      expect(tracker).toMatch(/^step +│ request +│ environ +│ status +│ headers +│ body/m);
      // The steps of lesson 0's table, in order: [action, column 3 (output) or 2 (input), text].
      const steps: Array<[string, number, string]> = [
        ['sendstherequest', 3, 'GET / HTTP/1.1\\r\\nHost: localhost:'],
        ['RequestParser.feed', 3, 'head: GET / HTTP/1.1'],
        ['callsitshandler', 3, 'ServerRequest: GET, target /, HTTP/1.1'],
        ['callshelloApp(environ,startResponse)', 3, "REQUEST_METHOD 'GET'"],
        ['startResponse', 2, "'200 OK', [['Content-Type', 'text/plain; charset=utf-8']]"],
        ['returnsitsbody', 3, '[Uint8Array(13)]'],
        ['readstheapp', 3, 'Hello, WSGI!\\n'],
        ['thehandlerresolves', 3, 'status: 200'],
        ['asksthebodyforachunk', 3, 'Hello, WSGI!\\n'],
        ['close()', 1, 'close()'],
        ['receivestheresponse', 3, 'HTTP/1.1 200 OK\\r\\n'],
      ];
      const rows = tableRows(before!);
      let at = -1;
      for (const [action, column, text] of steps) {
        const found = rows.findIndex((row, i) => i > at && row[1]!.includes(action) && row[column]!.includes(squeeze(text)));
        expect(found, `a step "${action}" with ${text}, after step ${at + 1}`).toBeGreaterThan(at);
        at = found;
      }
      // The tracker has one row per step; the status goes from '-' to stored to on the wire.
      const tracked = tableRows(tracker);
      expect(tracked).toHaveLength(rows.length);
      expect(tracked[0]![3]).toBe('-');
      expect(tracked.at(-1)![3]).toContain('HTTP/1.1200OKonthewire');
      // Readable width: no line longer than the table asked for.
      for (const line of result.out.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    });
  }

  it('explains how to call it', () => {
    const state = stateFolder();
    expect(run('trace', [], state).code).toBe(2);
    const wrong = run('trace', ['lab3', 'GET', 'nowhere'], state);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/not a request target/);
  });
});

describe('npm run serve', () => {
  it.skipIf(process.platform === 'win32')('serves the bookshelf, then stops on SIGTERM with nothing left running', async () => {
    const child = spawn(process.execPath, [join(TOOLS, 'serve.mjs'), '--port', '0', '--reference'], {
      cwd: ROOT,
      env: environment(stateFolder()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (data) => (out += data));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (data) => {
        out += data;
        const found = /Serving on (http:\/\/\S+)/.exec(out);
        if (found && /demo process \d+/.test(out)) resolve(found[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited early:\n${out}`)));
    });
    const demoPid = Number(/demo process (\d+)/.exec(out)![1]);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).toContain('Bookshelf');
      expect(page).toContain('All books');
      // A phone lays it out at its own width, and the footer says who served it: here, the reference.
      expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
      expect(page).toMatch(/<footer>Served by the course's reference labs 1-7[^<]*<\/footer>/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    expect(out).toContain('GET / -> 200 OK');
    expect(() => process.kill(demoPid, 0)).toThrow();
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('the demo page middleware', () => {
  const layers = (sources: Array<'yours' | 'reference'>) => sources.map((source, i) => ({ lab: i + 1, title: `Lab ${i + 1}`, source }));

  it('names the layers that serve the page truthfully', () => {
    expect(servedByLine(layers(['yours', 'yours', 'yours']))).toBe('Served by a stack you built: your labs 1-3, from the HTTP parser to the framework.');
    expect(servedByLine(layers(['reference', 'reference']))).toMatch(/^Served by the course's reference labs 1 and 2/);
    expect(servedByLine(layers(['yours', 'yours', 'reference', 'yours']))).toBe("Served by your labs 1, 2 and 4 and the course's reference lab 3.");
  });

  it('adds a viewport tag and replaces the footer of HTML pages only, keeping Content-Length right', async () => {
    const app = (type: string, html: string) => (_environ: unknown, start: (s: string, h: Array<[string, string]>) => void) => {
      const body = new TextEncoder().encode(html);
      start('200 OK', [['Content-Type', type], ['Content-Length', String(body.length)]]);
      return [body];
    };
    const run = async (type: string, html: string) => {
      let head: Array<[string, string]> = [];
      const body = await truthful(app(type, html) as never, 'Served by you & me.')({} as never, (_s, h) => (head = h));
      const text = Buffer.concat([...(body as Iterable<Uint8Array>)]).toString('utf8');
      return { text, length: Number(head.find(([n]) => n === 'Content-Length')?.[1]) };
    };
    const page = await run('text/html; charset=utf-8', '<html><head><title>é</title></head><body><footer>Served by a stack you built.</footer></body></html>');
    expect(page.text).toContain('<head>\n  <meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.text).toContain('<footer>Served by you &amp; me.</footer>');
    expect(page.length).toBe(Buffer.byteLength(page.text));
    const css = await run('text/css', 'footer { color: red }');
    expect(css.text).toBe('footer { color: red }');
  });
});

