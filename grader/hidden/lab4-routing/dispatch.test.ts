// Hidden tests for lab 4, the dispatcher: the router as a TSGI application. Each test calls the
// app directly with a fake environ (strings hold bytes, one character each, as TSGI says) and a
// startResponse that records its arguments, then reads the body by iterating it.
import { expect } from 'vitest';
import type { Environ, StartResponse, TsgiApp, TsgiHeaders } from '#contracts/tsgi';
import { dispatcher, type View } from '@lab/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import { routerWith, type RuleSpec } from './helpers.ts';

/** A complete environ for one request; `pathInfo` is bytes as text (latin1). */
function environ(method: string, pathInfo: string, query = '', scriptName = ''): Environ {
  return {
    REQUEST_METHOD: method,
    SCRIPT_NAME: scriptName,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    SERVER_NAME: 'localhost',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': {
      read: async () => new Uint8Array(0),
      async *[Symbol.asyncIterator]() {},
    },
    'tsgi.errors': { write() {}, flush() {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': true,
  };
}

interface Answer {
  status: string;
  headers: TsgiHeaders;
  header(name: string): string | undefined;
  chunks: unknown[];
  text: string;
}

/** Calls the app once, as a server would: startResponse recorded, body iterated, then closed. */
async function call(app: TsgiApp, env: Environ): Promise<Answer> {
  const starts: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => {
    starts.push([status, headers]);
  };
  const what = `app(${env.REQUEST_METHOD} ${JSON.stringify(env.PATH_INFO)})`;
  const body = await bounded(what, () => app(env, startResponse));
  const chunks: unknown[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk);
  } finally {
    body.close?.();
  }
  expect(starts.length, `${what} should call startResponse exactly once`).toBe(1);
  const [status, headers] = starts[0]!;
  const bytes = chunks.filter((c): c is Uint8Array => c instanceof Uint8Array);
  return {
    status,
    headers,
    header: (name) => headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
    chunks,
    text: Buffer.concat(bytes).toString('utf8'),
  };
}

const encode = (text: string) => new TextEncoder().encode(text);

/** A view that answers 200 with its endpoint and params, and remembers how it was called. */
function recordingView(name: string, calls: Array<{ environ: Environ; params: Record<string, unknown> }>): View {
  return (env, startResponse, params) => {
    calls.push({ environ: env, params });
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [encode(`${name} ${JSON.stringify(params)}`)];
  };
}

function appWith(rules: RuleSpec[], calls: Array<{ environ: Environ; params: Record<string, unknown> }> = []): TsgiApp {
  const router = routerWith(rules);
  const views: Record<string, View> = {};
  for (const [, options] of rules) {
    const endpoint = typeof options === 'string' ? options : options.endpoint;
    views[endpoint] = recordingView(endpoint, calls);
  }
  return bounded('dispatcher(router, views)', () => dispatcher(router, views));
}

milestone('dispatch', () => {
  test("calls the matched endpoint's view with the environ and the params, and returns its body", { points: 2 }, async () => {
    const calls: Array<{ environ: Environ; params: Record<string, unknown> }> = [];
    const app = appWith([['/', 'index'], ['/items/<int:id>', 'item']], calls);
    const env = environ('GET', '/items/42');
    const answer = await call(app, env);
    expect(answer.status).toBe('200 OK');
    expect(answer.text).toBe('item {"id":42}');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.environ).toBe(env);
    expect(calls[0]!.params).toEqual({ id: 42 });
  });

  test('no rule for the path: 404, with a body of bytes', {
    hint: 'A TSGI body is an iterable of Uint8Array chunks, never a string.',
  }, async () => {
    const app = appWith([['/', 'index']]);
    const answer = await call(app, environ('GET', '/missing'));
    expect(answer.status).toMatch(/^404 \S/);
    expect(answer.chunks.length).toBeGreaterThan(0);
    expect(answer.chunks.every((chunk) => chunk instanceof Uint8Array)).toBe(true);
    expect(answer.text.length).toBeGreaterThan(0);
  });

  test('a known path with another method: 405 and an Allow header', { points: 2 }, async () => {
    const app = appWith([['/notes', 'list'], ['/notes', { endpoint: 'create', methods: ['POST'] }]]);
    const answer = await call(app, environ('DELETE', '/notes'));
    expect(answer.status).toMatch(/^405 \S/);
    const allow = answer.header('Allow');
    expect(allow, 'an Allow header').toBeDefined();
    expect(allow!.split(',').map((m) => m.trim()).sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  test('a missing trailing slash: 308 with a Location that keeps the query string and SCRIPT_NAME', {
    hint: "The client needs the whole path: SCRIPT_NAME (where the app is mounted), then the path with its '/', then '?' and QUERY_STRING.",
  }, async () => {
    const app = appWith([['/docs/', 'docs']]);
    const plain = await call(app, environ('GET', '/docs'));
    expect(plain.status).toMatch(/^308 \S/);
    expect(plain.header('Location')).toBe('/docs/');
    const mounted = await call(app, environ('GET', '/docs', 'page=2&q=a+b', '/app'));
    expect(mounted.status).toMatch(/^308 \S/);
    expect(mounted.header('Location')).toBe('/app/docs/?page=2&q=a+b');
  });

  test('PATH_INFO holds bytes: decoded as UTF-8 before matching', {
    points: 2,
    hint: 'Each character of PATH_INFO stands for one byte. Get the bytes back and decode them as UTF-8 before matching.',
  }, async () => {
    const calls: Array<{ environ: Environ; params: Record<string, unknown> }> = [];
    const app = appWith([['/café', 'cafe'], ['/users/<name>', 'user']], calls);
    expect((await call(app, environ('GET', '/caf\xc3\xa9'))).status).toBe('200 OK');
    await call(app, environ('GET', '/users/Zo\xc3\xab \xe2\x82\xac'));
    expect(calls.map((c) => c.params)).toEqual([{}, { name: 'Zoë €' }]);
  });

  test('the Location of a redirect is percent-encoded: non-ASCII, "?" and "#" in the path', {
    hint: 'A Location header is ASCII. encodeURI handles non-ASCII but leaves "?" and "#" alone: in a path they must be encoded too.',
  }, async () => {
    const app = appWith([['/café/', 'cafe'], ['/q/<name>/', 'q']]);
    const cafe = await call(app, environ('GET', '/caf\xc3\xa9'));
    expect(cafe.status).toMatch(/^308 \S/);
    const location = cafe.header('Location') ?? '';
    expect(location).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURIComponent(location)).toBe('/café/');
    const odd = await call(app, environ('GET', '/q/a?b#c', 'x=1'));
    const url = new URL(odd.header('Location') ?? '', 'http://localhost');
    expect(decodeURIComponent(url.pathname)).toBe('/q/a?b#c/');
    expect(url.search).toBe('?x=1');
  });

  test('HEAD goes to the GET view; an empty PATH_INFO is "/"', {}, async () => {
    const calls: Array<{ environ: Environ; params: Record<string, unknown> }> = [];
    const app = appWith([['/', 'index'], ['/about', 'about']], calls);
    expect((await call(app, environ('HEAD', '/about'))).status).toBe('200 OK');
    expect((await call(app, environ('GET', '', '', '/app'))).text).toBe('index {}');
    expect(calls).toHaveLength(2);
  });

  test('an async view: the dispatcher hands on its promise', {}, async () => {
    const router = routerWith([['/slow', 'slow']]);
    const views: Record<string, View> = {
      slow: async (_env, startResponse) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [encode('done')];
      },
    };
    const app = bounded('dispatcher(router, views)', () => dispatcher(router, views));
    const answer = await call(app, environ('GET', '/slow'));
    expect(answer.text).toBe('done');
  });
});
