// Hidden tests for lab 4, the dispatcher: the router as a TSGI application. Each test calls the
// app directly with a fake environ (strings hold bytes, one character each, as TSGI says) and a
// startResponse that records its arguments, then reads the body by iterating it. Every expectation
// names the request (its environ, with bytes made visible) and the rule table.
import { expect } from 'vitest';
import type { Environ, StartResponse, TsgiApp, TsgiHeaders } from '#contracts/tsgi';
import { dispatcher, type View } from '@lab/routing';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { routerWith, rulesOf, type RuleSpec } from './helpers.ts';

/** A complete environ for one request; `pathInfo` and `scriptName` are bytes as text (latin1). */
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

type Calls = Array<{ environ: Environ; params: Record<string, unknown> }>;

/** An app made by the dispatcher, with what a failure should show about it. */
interface App {
  app: TsgiApp;
  rules: string;
}

interface Answer {
  /** The request and the rules, as a failure shows them. */
  request: string;
  status: string;
  headers: TsgiHeaders;
  header(name: string): string | undefined;
  chunks: unknown[];
  text: string;
}

/** Calls the app once, as a server would: startResponse recorded, body iterated, then closed. */
async function call({ app, rules }: App, env: Environ): Promise<Answer> {
  const starts: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => {
    starts.push([status, headers]);
  };
  const request =
    `${env.REQUEST_METHOD} with PATH_INFO ${show(env.PATH_INFO)}, QUERY_STRING ${show(env.QUERY_STRING)}` +
    `${env.SCRIPT_NAME ? `, SCRIPT_NAME ${show(env.SCRIPT_NAME)}` : ''}, to the dispatcher of ${rules}`;
  const body = await bounded(`app(environ) for ${request}`, () => app(env, startResponse));
  const chunks: unknown[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk);
  } finally {
    body.close?.();
  }
  expect(starts.length, `${request}: the app should call startResponse exactly once`).toBe(1);
  const [status, headers] = starts[0]!;
  const bytes = chunks.filter((c): c is Uint8Array => c instanceof Uint8Array);
  return {
    request,
    status,
    headers,
    header: (name) => headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
    chunks,
    text: Buffer.concat(bytes).toString('utf8'),
  };
}

const encode = (text: string) => new TextEncoder().encode(text);

/** A view that answers 200 with its endpoint and params, and remembers how it was called. */
function recordingView(name: string, calls: Calls): View {
  return (env, startResponse, params) => {
    calls.push({ environ: env, params });
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [encode(`${name} ${JSON.stringify(params)}`)];
  };
}

/** The dispatcher of these rules, one recording view per endpoint. */
function appWith(rules: RuleSpec[], calls: Calls = []): App {
  const router = routerWith(rules);
  const views: Record<string, View> = {};
  for (const [, options] of rules) {
    const endpoint = typeof options === 'string' ? options : options.endpoint;
    views[endpoint] = recordingView(endpoint, calls);
  }
  return { app: bounded('dispatcher(router, views)', () => dispatcher(router, views)), rules: rulesOf(router) };
}

/** Expects one of the dispatcher's own answers: this status line, text/plain, bytes that read as the status. */
function expectPlain(answer: Answer, status: string): void {
  expect(answer.status, `${answer.request}: the status`).toBe(status);
  expect(answer.header('Content-Type'), `${answer.request}: the Content-Type`).toBe('text/plain; charset=utf-8');
  expect(answer.chunks.length, `${answer.request}: the body should have a chunk`).toBeGreaterThan(0);
  expect(
    answer.chunks.every((chunk) => chunk instanceof Uint8Array),
    `${answer.request}: every chunk of the body should be a Uint8Array, got ${answer.chunks.map((c) => typeof c).join(', ')}`,
  ).toBe(true);
  expect(answer.text.trim(), `${answer.request}: the body should read as the status line`).toBe(status);
}

milestone('dispatch', () => {
  test("calls the matched endpoint's view with the environ and the params, and returns its body", { rules: ['D2'], points: 2 }, async () => {
    const calls: Calls = [];
    const app = appWith([['/', 'index'], ['/items/<int:id>', 'item']], calls);
    const env = environ('GET', '/items/42');
    const answer = await call(app, env);
    expect(answer.status, `${answer.request}: the status the view gave`).toBe('200 OK');
    expect(answer.text, `${answer.request}: the body the view gave`).toBe('item {"id":42}');
    expect(calls.length, `${answer.request}: the view should be called once`).toBe(1);
    expect(calls[0]!.environ, `${answer.request}: the view should get the same environ`).toBe(env);
    expect(calls[0]!.params, `${answer.request}: the params the view got`).toEqual({ id: 42 });
  });

  test('an async view: the dispatcher hands on its promise', { rules: ['D2'] }, async () => {
    const router = routerWith([['/slow', 'slow']]);
    const views: Record<string, View> = {
      slow: async (_env, startResponse) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [encode('done')];
      },
    };
    const app = { app: bounded('dispatcher(router, views)', () => dispatcher(router, views)), rules: rulesOf(router) };
    const answer = await call(app, environ('GET', '/slow'));
    expect(answer.text, `${answer.request}: the body of the async view`).toBe('done');
  });

  test("the view's body is returned as it is: the same object, close() and all, not a promise of it", {
    rules: ['D2'],
    hint: 'return view(environ, startResponse, params): no copy (the gateway needs the body\'s close), no await, no async around it.',
  }, async () => {
    let closed = 0;
    const body = {
      *[Symbol.iterator]() {
        yield encode('streamed');
      },
      close() {
        closed++;
      },
    };
    const promised = [encode('later')];
    const array = Object.assign([encode('array')], { close() {} });
    const router = routerWith([['/stream', 'stream'], ['/later', 'later'], ['/array', 'array']]);
    const views: Record<string, View> = {
      stream: (_env, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return body;
      },
      array: (_env, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return array;
      },
      later: async (_env, startResponse) => {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return promised;
      },
    };
    const app = bounded('dispatcher(router, views)', () => dispatcher(router, views));
    const request = `GET /stream, to the dispatcher of ${rulesOf(router)}, whose view returns an iterable with close()`;
    const returned = bounded(`app(environ) for ${request}`, () => app(environ('GET', '/stream'), () => {}));
    expect(returned, `${request}: the app should return the view's body itself (not a copy, not a promise)`).toBe(body);
    const fromArray = bounded('app(environ) for GET /array', () => app(environ('GET', '/array'), () => {}));
    expect(fromArray, `GET /array, to the dispatcher of ${rulesOf(router)}, whose view returns an array with close(): the app should return that very array, not a copy`).toBe(array);
    const answer = await call({ app, rules: rulesOf(router) }, environ('GET', '/stream'));
    expect(answer.text, `${answer.request}: the body`).toBe('streamed');
    expect(closed, `${answer.request}: close() of the view's body should be called once by whoever reads it`).toBe(1);
    const later = bounded('app(environ) for GET /later', () => app(environ('GET', '/later'), () => {}));
    expect(await later, `GET /later, to the dispatcher of ${rulesOf(router)}, whose view is async: the app's promise should give the view's body itself`).toBe(promised);
  });

  test('an endpoint without a view of its own: an Error that names it, never Object as a view', {
    rules: ['D7'],
    hint: "Look the view up with Object.hasOwn(views, endpoint): views['constructor'] is Object, inherited. No view: throw an Error naming the endpoint.",
  }, async () => {
    const rules: RuleSpec[] = [['/orphan', 'orphan'], ['/c', 'constructor'], ['/t', 'toString'], ['/ok', 'ok']];
    const router = routerWith(rules);
    const ok: View = (_env, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [encode('ok')];
    };
    const app = bounded('dispatcher(router, views)', () => dispatcher(router, { ok }));
    for (const [path, endpoint] of [['/orphan', 'orphan'], ['/c', 'constructor'], ['/t', 'toString']]) {
      const request = `GET ${path}, to the dispatcher of ${rulesOf(router)} with a view for "ok" only`;
      let error: unknown = 'no error';
      try {
        await bounded(`app(environ) for ${request}`, () => app(environ('GET', path!), () => {}));
      } catch (thrown) {
        error = thrown;
      }
      expect(error, `${request}: the app should throw an Error`).toBeInstanceOf(Error);
      expect((error as Error).message, `${request}: the Error should name the endpoint`).toContain(endpoint);
    }
    expect((await call({ app, rules: rulesOf(router) }, environ('GET', '/ok'))).text, 'GET /ok: the body of the view "ok"').toBe('ok');
  });

  test('HEAD goes to the GET view; an empty PATH_INFO is "/"', { rules: ['D2', 'M3', 'P2'] }, async () => {
    const calls: Calls = [];
    const app = appWith([['/', 'index'], ['/about', 'about']], calls);
    const head = await call(app, environ('HEAD', '/about'));
    expect(head.text, `${head.request}: the body of the view`).toBe('about {}');
    const empty = await call(app, environ('GET', '', '', '/app'));
    expect(empty.text, `${empty.request}: the body of the view`).toBe('index {}');
  });

  test('no rule for the path: 404 Not Found, text/plain, a body of bytes', {
    rules: ['D5', 'D6'],
    hint: 'A TSGI body is an iterable of Uint8Array chunks, never a string.',
  }, async () => {
    const app = appWith([['/', 'index']]);
    expectPlain(await call(app, environ('GET', '/missing')), '404 Not Found');
  });

  test('a known path with another method: 405 and an Allow header "GET, HEAD, POST"', {
    rules: ['D4'],
    points: 2,
    hint: 'Allow lists the router\'s allowed methods joined with ", ".',
  }, async () => {
    const app = appWith([['/notes', 'list'], ['/notes', { endpoint: 'create', methods: ['POST'] }]]);
    const answer = await call(app, environ('DELETE', '/notes'));
    expect(answer.status, `${answer.request}: the status`).toBe('405 Method Not Allowed');
    expect(answer.header('Allow'), `${answer.request}: the Allow header`).toBe('GET, HEAD, POST');
  });

  test("the dispatcher's own answers are plain text: 308, 405 and 404", {
    rules: ['D6'],
    hint: "For its own answers the dispatcher calls startResponse with Content-Type 'text/plain; charset=utf-8' and the table's header, and returns the status line as one chunk of bytes.",
  }, async () => {
    const app = appWith([['/docs/', 'docs'], ['/upload', { endpoint: 'upload', methods: ['POST'] }]]);
    expectPlain(await call(app, environ('GET', '/docs')), '308 Permanent Redirect');
    expectPlain(await call(app, environ('GET', '/upload')), '405 Method Not Allowed');
    expectPlain(await call(app, environ('GET', '/nothing')), '404 Not Found');
  });

  test("the dispatcher's own answers have Content-Type and the table's header, nothing else", {
    rules: ['D6'],
    hint: 'The 404 has Content-Type only; the 405 Content-Type and Allow; the 308 Content-Type and Location.',
  }, async () => {
    const app = appWith([['/docs/', 'docs'], ['/upload', { endpoint: 'upload', methods: ['POST'] }]]);
    const type: [string, string] = ['content-type', 'text/plain; charset=utf-8'];
    for (const [path, headers] of [
      ['/docs', [type, ['location', '/docs/']]],
      ['/upload', [type, ['allow', 'POST']]],
      ['/nothing', [type]],
    ] as Array<[string, Array<[string, string]>]>) {
      const answer = await call(app, environ('GET', path));
      const got = answer.headers.map((header) => (Array.isArray(header) ? [String(header[0]).toLowerCase(), header[1]] : header));
      expect(got.sort(), `${answer.request}: the headers (names in lowercase), ${answer.status}`).toEqual(headers.sort());
    }
  });

  test("a missing trailing slash: 308, Location is the mount point and the router's location", {
    rules: ['D3'],
    points: 2,
    hint: "The client needs the whole path: SCRIPT_NAME (where the app is mounted, encoded with encodePath), then the router's location as it is.",
  }, async () => {
    const app = appWith([['/docs/', 'docs']]);
    const plain = await call(app, environ('GET', '/docs'));
    expect(plain.status, `${plain.request}: the status`).toBe('308 Permanent Redirect');
    expect(plain.header('Location'), `${plain.request}: the Location`).toBe('/docs/');
    const mounted = await call(app, environ('GET', '/docs', 'page=2&q=a+b', '/app'));
    expect(mounted.status, `${mounted.request}: the status`).toBe('308 Permanent Redirect');
    expect(mounted.header('Location'), `${mounted.request}: the Location`).toBe('/app/docs/?page=2&q=a+b');
  });

  test('the Location is never encoded twice: the query string as sent, the path once', {
    rules: ['D3', 'T4'],
    hint: "The router's location is already a URL: encoding it again turns %20 into %2520. Only the mount point needs encoding.",
  }, async () => {
    const app = appWith([['/café/', 'cafe'], ['/docs/', 'docs']]);
    const query = await call(app, environ('GET', '/docs', 'q=a%20b&next=%2Fx'));
    expect(query.header('Location'), `${query.request}: the Location`).toBe('/docs/?q=a%20b&next=%2Fx');
    const cafe = await call(app, environ('GET', '/caf\xc3\xa9', 'x=%C3%A9'));
    expect(cafe.header('Location'), `${cafe.request}: the Location`).toBe('/caf%C3%A9/?x=%C3%A9');
  });

  test('the mount point in a Location is decoded from bytes, then percent-encoded', {
    rules: ['D3'],
    hint: 'SCRIPT_NAME holds bytes as text, like PATH_INFO: utf8 it, then encodePath it, before the router\'s location.',
  }, async () => {
    const app = appWith([['/docs/', 'docs']]);
    const answer = await call(app, environ('GET', '/docs', '', '/caf\xc3\xa9/a b'));
    expect(answer.header('Location'), `${answer.request}: the Location`).toBe('/caf%C3%A9/a%20b/docs/');
  });

  test('the Location of a redirect is ASCII: "?", "#" and non-ASCII in the path are encoded', {
    rules: ['T4', 'D3'],
    hint: 'A Location header is ASCII, and a "?" or "#" in a decoded path is data: encodeURIComponent each segment (encodePath).',
  }, async () => {
    const app = appWith([['/café/', 'cafe'], ['/q/<name>/', 'q']]);
    const cafe = await call(app, environ('GET', '/caf\xc3\xa9'));
    expect(cafe.status, `${cafe.request}: the status`).toBe('308 Permanent Redirect');
    expect(cafe.header('Location'), `${cafe.request}: the Location`).toBe('/caf%C3%A9/');
    const odd = await call(app, environ('GET', '/q/a?b#c', 'x=1'));
    expect(odd.header('Location'), `${odd.request}: the Location`).toBe('/q/a%3Fb%23c/?x=1');
  });

  test('CR and LF in a path never reach the Location header', {
    rules: ['T4', 'D3'],
    hint: 'A client can send %0D%0A in a path; decoded, it is CR LF, which would end the header line and start one of its choosing. Percent-encode every segment of the location.',
  }, async () => {
    const app = appWith([['/q/<name>/', 'q']]);
    const answer = await call(app, environ('GET', '/q/a\r\nSet-Cookie: admin=1'));
    expect(answer.status, `${answer.request}: the status`).toBe('308 Permanent Redirect');
    expect(answer.header('Location'), `${answer.request}: the Location`).toBe('/q/a%0D%0ASet-Cookie%3A%20admin%3D1/');
    for (const [name, value] of answer.headers) {
      expect(/[\r\n]/.test(name + value), `${answer.request}: the header ${show(`${name}: ${value}`)} should hold no CR or LF`).toBe(false);
    }
  });

  test('PATH_INFO holds bytes: decoded as UTF-8 before matching', {
    rules: ['D1'],
    points: 2,
    hint: 'Each character of PATH_INFO stands for one byte: Buffer.from(text, "latin1") gives the bytes back; decode them as UTF-8, once, before matching. Not decodeURIComponent: the gateway already percent-decoded.',
  }, async () => {
    const calls: Calls = [];
    const app = appWith([['/café', 'cafe'], ['/users/<name>', 'user']], calls);
    const cafe = await call(app, environ('GET', '/caf\xc3\xa9'));
    expect(cafe.status, `${cafe.request}: the status`).toBe('200 OK');
    for (const [pathInfo, name] of [['/users/Zo\xc3\xab \xe2\x82\xac', 'Zoë €'], ['/users/50%', '50%'], ['/users/100%25', '100%25']]) {
      const answer = await call(app, environ('GET', pathInfo!));
      expect(calls.at(-1)?.params, `${answer.request}: the params the view got`).toEqual({ name });
    }
  });

  test('bytes that are not UTF-8 decode to U+FFFD, never an error', {
    rules: ['D1'],
    hint: "Buffer.from(text, 'latin1').toString('utf8') replaces each bad sequence with U+FFFD. A decoder that throws on bad bytes (TextDecoder with fatal: true) lets any client crash the app.",
  }, async () => {
    const calls: Calls = [];
    const app = appWith([['/café', 'cafe'], ['/users/<name>', 'user']], calls);
    for (const [pathInfo, name] of [['/users/\xff', '\uFFFD'], ['/users/a\xe9b', 'a\uFFFDb'], ['/users/\xc3', '\uFFFD']]) {
      const answer = await call(app, environ('GET', pathInfo!));
      expect(answer.status, `${answer.request}: the status`).toBe('200 OK');
      expect(calls.at(-1)?.params, `${answer.request}: the params the view got`).toEqual({ name });
    }
    expectPlain(await call(app, environ('GET', '/caf\xe9')), '404 Not Found');
  });

  test('a Location never starts with "//": no open redirect to another host', {
    rules: ['T7', 'D3'],
    hint: 'A Location "//evil.example/" sends the browser to the host evil.example. The router writes the second slash %2F; the dispatcher puts the mount point, if any, in front.',
  }, async () => {
    const app = appWith([['/<string(minlength=0):lang>/<page>/', 'page']]);
    const evil = await call(app, environ('GET', '//evil.example'));
    expect(evil.status, `${evil.request}: the status`).toBe('308 Permanent Redirect');
    expect(evil.header('Location'), `${evil.request}: the Location`).toBe('/%2Fevil.example/');
    const mounted = await call(app, environ('GET', '//evil.example', 'a=1', '/app'));
    expect(mounted.header('Location'), `${mounted.request}: the Location`).toBe('/app/%2Fevil.example/?a=1');
  });
});
