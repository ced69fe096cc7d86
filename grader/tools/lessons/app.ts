// The lessons site as a TSGI application (labs/contracts/tsgi.ts); server.ts serves it.
// Routes: GET (and HEAD) of every page and asset of site.mjs, `/` for the index, and
// POST /api/quiz { lesson, correct, total } to record a finished quiz in .grader/state/quiz.json.
import type { Environ, StartResponse, TsgiApp, TsgiBody } from '#contracts/tsgi';
import { escapeHtml } from './markdown.mjs';
import { saveQuizScore, stateDir } from './progress.mjs';
import { createSite } from './site.mjs';

const QUIZ_ENDPOINT = '/api/quiz';
const MAX_QUIZ_BODY = 4096;

/** The application: one site, asked for a page per request. */
export function lessonsApp(options: { servedBy?: string; stateDir?: string } = {}): TsgiApp {
  const state = options.stateDir ?? stateDir();
  const site = createSite({ served: true, quizEndpoint: 'api/quiz', servedBy: options.servedBy, stateDir: state });
  const lessons = () => new Set(site.lessons().map((lesson) => lesson.name));

  return async (environ, startResponse) => {
    const method = environ.REQUEST_METHOD;
    const path = environ.PATH_INFO || '/';
    try {
      if (path === QUIZ_ENDPOINT) {
        if (method !== 'POST') return respond(startResponse, '405 Method Not Allowed', 'text/plain', 'POST only\n', [['Allow', 'POST']]);
        return await recordQuiz(environ, startResponse, lessons(), state);
      }
      if (method !== 'GET' && method !== 'HEAD') {
        return respond(startResponse, '405 Method Not Allowed', 'text/plain', 'GET or HEAD only\n', [['Allow', 'GET, HEAD']]);
      }
      const route = path === '/' ? 'index.html' : path.slice(1);
      const page = site.render(route);
      if (!page) return respond(startResponse, '404 Not Found', 'text/html; charset=utf-8', notFound(path));
      return respond(startResponse, '200 OK', page.type, page.body);
    } catch (error) {
      // A lesson being written may not render yet: say so in the page and the log, keep serving.
      environ['tsgi.errors'].write(`lessons: ${method} ${path} failed: ${(error as Error).stack ?? error}\n`);
      return respond(startResponse, '500 Internal Server Error', 'text/html; charset=utf-8', errorPage(error));
    }
  };
}

/** POST /api/quiz: checks the score a page sends and records it. */
async function recordQuiz(environ: Environ, startResponse: StartResponse, lessons: Set<string>, state: string): Promise<TsgiBody> {
  // JSON only: a browser sends that cross-site only after asking (CORS), and we never say yes,
  // so another web page cannot write to the learner's progress.
  if (!/^application\/json\b/i.test(environ.CONTENT_TYPE ?? '')) {
    return respond(startResponse, '415 Unsupported Media Type', 'text/plain', 'send the score as application/json\n');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of environ['tsgi.input']) {
    size += chunk.length;
    if (size > MAX_QUIZ_BODY) return respond(startResponse, '413 Content Too Large', 'text/plain', 'a quiz score is small\n');
    chunks.push(chunk);
  }
  let score: { lesson?: unknown; correct?: unknown; total?: unknown };
  try {
    score = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return respond(startResponse, '400 Bad Request', 'text/plain', 'expected JSON: { "lesson", "correct", "total" }\n');
  }
  const { lesson, correct, total } = score ?? {};
  if (typeof lesson !== 'string' || !lessons.has(lesson)) {
    return respond(startResponse, '400 Bad Request', 'text/plain', `no lesson called ${JSON.stringify(lesson)}\n`);
  }
  if (!Number.isInteger(total) || !Number.isInteger(correct) || (total as number) < 1 || (correct as number) < 0 || (correct as number) > (total as number)) {
    return respond(startResponse, '400 Bad Request', 'text/plain', 'correct and total must be whole numbers, 0 <= correct <= total\n');
  }
  const saved = saveQuizScore(lesson, correct as number, total as number, state);
  return respond(startResponse, '200 OK', 'application/json', JSON.stringify({ [lesson]: saved }) + '\n');
}

function respond(
  startResponse: StartResponse,
  status: string,
  type: string,
  body: string | Uint8Array,
  headers: Array<[string, string]> = [],
): TsgiBody {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  startResponse(status, [
    ['Content-Type', type],
    ['Content-Length', String(bytes.length)],
    // Progress changes between visits: always ask again (the answer is quick).
    ['Cache-Control', 'no-cache'],
    ...headers,
  ]);
  return [bytes];
}

function notFound(path: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Not found</title><p>There is no page at ${escapeHtml(path)}. <a href="/">The lessons</a></p>\n`;
}

function errorPage(error: unknown): string {
  const text = error instanceof Error ? `${error.message}` : String(error);
  return `<!doctype html><meta charset="utf-8"><title>Error</title><h1>This page could not be rendered</h1><pre>${escapeHtml(text)}</pre>\n`;
}
