// Hidden tests for lab 3: the validator (milestone 6). It sits between a server and an app and
// reports every broken TSGI rule as a TsgiViolation naming the rule. Most tests drive it directly,
// with a hand-built environ and a startResponse that accepts anything, so that only the
// validator's own checks are seen; the last one puts it between the lab's gateway and real traffic.
// Every expectation names the environ change or the app that produced it.
import { afterEach, expect } from 'vitest';
import { TsgiViolation, type Environ, type TsgiApp, type TsgiBody, type TsgiHeaders, type TsgiRule } from '#contracts/tsgi';
import { validator } from '@lab/gateway';
import { bounded, bytes, milestone, show, test, text } from '../../harness/index.ts';
import { cleanup, exchange, handmadeEnviron, recorder, serveOnFreePort, withClose } from './support.ts';

afterEach(cleanup);

const hello: TsgiApp = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return [bytes('hel'), bytes('lo')];
};
const HELLO = "an app that answers startResponse('200 OK', [Content-Type, Content-Length: 5]) and ['hel', 'lo']";

/** One way to call the validated app: what to change in the environ, which app, how the "server" behaves. */
interface Case {
  /** What this case is, for failure messages. */
  what: string;
  /** Keys to set in (or, with the value `undefined`, remove from) the hand-made environ. */
  environ?: Record<string, unknown>;
  /** The app to validate (hello if not given). */
  app?: TsgiApp;
  /** Call close() on the body before reading it, or twice after. */
  closeFirst?: boolean;
  closeTwice?: boolean;
}

/** A case's environ: the hand-made one with the case's changes. */
function environOf(change: Record<string, unknown> = {}): Environ {
  const environ = handmadeEnviron(change);
  for (const [key, value] of Object.entries(change)) if (value === undefined) delete environ[key];
  return environ;
}

/** The environ change of a case, as text. */
function describeChange(change: Record<string, unknown> = {}): string {
  const parts = Object.entries(change).map(([key, value]) =>
    value === undefined ? `no ${key}` : `${key}: ${typeof value === 'string' ? show(value) : describeValue(value)}`,
  );
  return parts.length === 0 ? 'a valid environ' : `an environ with ${parts.join(', ')}`;
}

function describeValue(value: unknown): string {
  if (value instanceof Uint8Array) return `the bytes ${show(value)}`;
  if (typeof value === 'string') return show(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') {
    const keys = [...Object.keys(value), ...Object.getOwnPropertySymbols(value).map(String)];
    return Array.isArray(value) ? JSON.stringify(value) : `an object with ${keys.join(', ') || 'nothing'}`;
  }
  return String(value);
}

/**
 * Plays the server: calls the validated app with an environ and a startResponse that accepts
 * anything, reads the body to its end, closes it. Returns the rules the validator reported.
 */
async function drive(app: TsgiApp, options: Omit<Case, 'what' | 'app'> = {}): Promise<TsgiRule[]> {
  const rules: TsgiRule[] = [];
  const onViolation = (violation: TsgiViolation) => {
    expect(violation, 'onViolation must receive a TsgiViolation').toBeInstanceOf(TsgiViolation);
    rules.push(violation.rule);
  };
  const checked = bounded('validator(app, { onViolation })', () => validator(app, { onViolation }));
  const { startResponse } = recorder();
  const body = (await bounded('the validated app', () => checked(environOf(options.environ), startResponse))) as TsgiBody | unknown;
  if (body === null || typeof body !== 'object' || !(Symbol.iterator in body || Symbol.asyncIterator in body)) return rules;
  const iterable = body as TsgiBody;
  if (options.closeFirst) iterable.close?.();
  const iterator = Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
  for (let step = await bounded('the validated body', () => iterator.next()); !step.done; ) {
    step = await bounded('the validated body', () => iterator.next());
  }
  if (!options.closeFirst) iterable.close?.();
  if (options.closeTwice) iterable.close?.();
  return rules;
}

/** Runs a case; returns the rules reported. */
const run = (c: Case) => drive(c.app ?? hello, c);

/** An app that calls startResponse(status, headers) and returns the chunks. */
const appWith = (status: unknown, headers: unknown, chunks: unknown[] = [bytes('ok')]): TsgiApp =>
  (_environ, startResponse) => {
    startResponse(status as string, headers as TsgiHeaders);
    return chunks as Uint8Array[];
  };
const appText = (status: unknown, headers: unknown, chunks: unknown[] = [bytes('ok')]) =>
  `an app that calls startResponse(${typeof status === 'string' ? show(status) : String(JSON.stringify(status))}, ${typeof headers === 'string' ? show(headers) : JSON.stringify(headers)}) and returns [${chunks.map(describeValue).join(', ')}]`;
/** A case for an app that calls startResponse(status, headers) and returns the chunks. */
const withApp = (status: unknown, headers: unknown, chunks?: unknown[], environ?: Record<string, unknown>): Case => ({
  what: appText(status, headers, chunks) + (environ ? `, for ${describeChange(environ)}` : ''),
  app: appWith(status, headers, chunks),
  environ,
});
/** A case for an environ change, with hello as the app. */
const withEnviron = (environ: Record<string, unknown>): Case => ({ what: `${HELLO}, for ${describeChange(environ)}`, environ });

const REQUIRED = ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL'];
const TSGI_KEYS = ['tsgi.version', 'tsgi.url_scheme', 'tsgi.input', 'tsgi.errors', 'tsgi.multithread', 'tsgi.multiprocess', 'tsgi.run_once'];

interface Row {
  rule: string;
  violation: TsgiRule;
  /** Cases that must report the violation. */
  bad: Case[];
  /** Cases of correct traffic near the rule's edge: they must report nothing at all. */
  good: Case[];
  hint: string;
  points?: number;
}

const lazyAfterEmpty: Case = {
  what: "an app returning a generator that yields an empty chunk, then calls startResponse('200 OK', []), then yields 'ok'",
  app: (_environ, startResponse) =>
    (function* () {
      yield new Uint8Array(0);
      startResponse('200 OK', []);
      yield bytes('ok');
    })(),
};

const rows: Row[] = [
  {
    rule: 'V6',
    violation: 'environ.missing-key',
    bad: [...REQUIRED, ...TSGI_KEYS].map((key) => withEnviron({ [key]: undefined })),
    good: [withEnviron({ REMOTE_ADDR: undefined, REMOTE_PORT: undefined, HTTP_HOST: undefined })],
    hint: 'Check the seven CGI keys and the seven tsgi keys with `in`; the other keys are optional (rule V6).',
  },
  {
    rule: 'V7',
    violation: 'environ.not-a-string',
    bad: [
      withEnviron({ SERVER_PORT: 8000 }),
      withEnviron({ QUERY_STRING: null }),
      withEnviron({ REMOTE_PORT: 51234 }),
      withEnviron({ REMOTE_ADDR: 2130706433 }),
      withEnviron({ CONTENT_LENGTH: 12 }),
      withEnviron({ CONTENT_TYPE: ['text/plain'] }),
      withEnviron({ HTTP_X_COUNT: 3 }),
    ],
    good: [withEnviron({ 'myserver.extra': 7, 'myserver.flag': null, CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '3' })],
    hint: 'The CGI keys, CONTENT_*, REMOTE_* and every HTTP_ key hold strings; extension keys with a dot may hold anything (rule V7).',
  },
  {
    rule: 'V8',
    violation: 'environ.version',
    bad: [withEnviron({ 'tsgi.version': [1, 1] }), withEnviron({ 'tsgi.version': '1.0' }), withEnviron({ 'tsgi.version': [1, 0, 0] }), withEnviron({ 'tsgi.version': '1,0' }), withEnviron({ 'tsgi.version': [0, 1] }), withEnviron({ 'tsgi.version': [2, 0] })],
    good: [withEnviron({ 'tsgi.version': [1, 0] })],
    hint: 'tsgi.version is an array of exactly two items, 1 then 0 (rule V8).',
  },
  {
    rule: 'V9',
    violation: 'environ.url-scheme',
    bad: [withEnviron({ 'tsgi.url_scheme': 'ftp' }), withEnviron({ 'tsgi.url_scheme': 'HTTP' }), withEnviron({ 'tsgi.url_scheme': '' })],
    good: [withEnviron({ 'tsgi.url_scheme': 'https' })],
    hint: "Exactly 'http' or 'https', lowercase (rule V9).",
  },
  {
    rule: 'V10',
    violation: 'environ.method',
    bad: [withEnviron({ REQUEST_METHOD: '' })],
    good: [withEnviron({ REQUEST_METHOD: 'M-SEARCH' }), withEnviron({ REQUEST_METHOD: 'patch' })],
    hint: 'Only an empty REQUEST_METHOD is refused: no list of methods, no case rule (rule V10).',
  },
  {
    rule: 'V11',
    violation: 'environ.script-name',
    bad: [withEnviron({ SCRIPT_NAME: '/app/' }), withEnviron({ SCRIPT_NAME: 'app' }), withEnviron({ SCRIPT_NAME: '/' })],
    good: [withEnviron({ SCRIPT_NAME: '/app' }), withEnviron({ SCRIPT_NAME: '/a/b', PATH_INFO: '' })],
    hint: "SCRIPT_NAME is '' or starts with '/' and does not end with it: '/' itself is refused (rule V11).",
  },
  {
    rule: 'V12',
    violation: 'environ.path-info',
    bad: [withEnviron({ PATH_INFO: 'index.html' }), withEnviron({ PATH_INFO: 'a/b' })],
    good: [withEnviron({ PATH_INFO: '' }), withEnviron({ PATH_INFO: '/x/' })],
    hint: "PATH_INFO is '' or starts with '/' (rule V12).",
  },
  {
    rule: 'V13',
    violation: 'environ.content-length',
    bad: ['ten', '-1', '', '1.5', ' 12', '12 '].map((value) => withEnviron({ CONTENT_LENGTH: value })),
    good: ['0', '12', '1048576'].map((value) => withEnviron({ CONTENT_LENGTH: value })),
    hint: 'One or more decimal digits, nothing else: anchor the pattern at both ends, and allow more than one digit (rule V13).',
  },
  {
    rule: 'V14',
    violation: 'environ.content-header',
    bad: [withEnviron({ HTTP_CONTENT_TYPE: 'text/plain' }), withEnviron({ HTTP_CONTENT_LENGTH: '3' })],
    good: [withEnviron({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '3' })],
    hint: 'Both HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH are refused (rule V14).',
  },
  {
    rule: 'V15',
    violation: 'environ.input',
    bad: [
      withEnviron({ 'tsgi.input': { [Symbol.asyncIterator]: async function* () {} } }),
      withEnviron({ 'tsgi.input': { read: async () => new Uint8Array(0) } }),
      withEnviron({ 'tsgi.input': null }),
      withEnviron({ 'tsgi.input': 'body' }),
    ],
    good: [withEnviron({ 'tsgi.input': { read: async () => new Uint8Array(0), [Symbol.asyncIterator]: async function* () {} } })],
    hint: 'tsgi.input needs both a read method and a [Symbol.asyncIterator] method (rule V15).',
  },
  {
    rule: 'V16',
    violation: 'environ.errors',
    bad: [withEnviron({ 'tsgi.errors': { write() {} } }), withEnviron({ 'tsgi.errors': { flush() {} } }), withEnviron({ 'tsgi.errors': null })],
    good: [withEnviron({ 'tsgi.errors': { write() {}, flush() {} } })],
    hint: 'tsgi.errors needs both write and flush (rule V16).',
  },
  {
    rule: 'V17',
    violation: 'start-response.status',
    bad: [200, ['200 OK'], '200', 'OK 200', '200OK', '2000 OK', ' 200 OK', 'HTTP/1.1 200 OK', '600 Nope', '099 Low', '200 OK\r\n', '200 A\x00B', '200 \u20ac'].map((status) => withApp(status, [])),
    good: ['200 ', '404 Not Found', '200 caf\xe9', '100 Continue', '599 Odd'].map((status) => withApp(status, [])),
    hint: 'The same check as the gateway\'s (rule S2): a string, a code from 100 to 599, a space, a reason of header-value characters, possibly empty (rule V17).',
  },
  {
    rule: 'V18',
    violation: 'start-response.headers',
    bad: [
      withApp('200 OK', { 'Content-Type': 'text/plain' }),
      withApp('200 OK', null),
      withApp('200 OK', [['X', 'a', 'b']]),
      withApp('200 OK', [['X']]),
      withApp('200 OK', [['X-Count', 3]]),
      withApp('200 OK', [[7, 'x']]),
      withApp('200 OK', ['X: a']),
    ],
    good: [withApp('200 OK', []), withApp('200 OK', [['X-A', 'b']])],
    hint: 'An array whose every item is an array of exactly two strings (rule V18).',
  },
  {
    rule: 'V19',
    violation: 'start-response.header-name',
    bad: ['Bad Name', 'X:Y', '', 'Caf\xe9', 'X\r\nY'].map((name) => withApp('200 OK', [[name, 'x']])),
    good: [withApp('200 OK', [["!#$%&'*+-.^_`|~09az", 'x']])],
    hint: "A name is a token: letters, digits and !#$%&'*+-.^_`|~, at least one (rule V19).",
  },
  {
    rule: 'V20',
    violation: 'start-response.header-value',
    bad: ['a\r\nSet-Cookie: x=1', 'a\x00b', 'a\x7fb', 'a\x1bb', '\u20ac'].map((value) => withApp('200 OK', [['X-Echo', value]])),
    good: [withApp('200 OK', [['X-Echo', 'caf\xe9 \t!']]), withApp('200 OK', [['X-Empty', '']])],
    hint: 'Every control character is refused (not only CR and LF), and so is any character above \\xff (rule V20).',
  },
  {
    rule: 'V21',
    violation: 'start-response.hop-by-hop',
    bad: ['Connection', 'keep-alive', 'PROXY-AUTHENTICATE', 'Proxy-Authorization', 'te', 'Trailer', 'trailers', 'Transfer-Encoding', 'UPGRADE'].map((name) => withApp('200 OK', [[name, 'x']])),
    good: [withApp('200 OK', [['Connection-Id', 'x']])],
    hint: 'Compare the lowercased name with HOP_BY_HOP_HEADERS (rule V21).',
  },
  {
    rule: 'V22',
    violation: 'start-response.twice',
    bad: [{
      what: "an app that calls startResponse('200 OK', []) twice",
      app: (_environ, startResponse) => {
        startResponse('200 OK', []);
        startResponse('200 OK', []);
        return [bytes('x')];
      },
    }],
    good: [{
      what: "an app that calls startResponse('200 OK', []), then startResponse('500 Internal Server Error', [], error)",
      app: (_environ, startResponse) => {
        startResponse('200 OK', []);
        startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('recovered'));
        return [bytes('error page')];
      },
    }],
    hint: 'A second call is a violation only without excInfo (rule V22).',
  },
  {
    rule: 'V23',
    violation: 'start-response.missing',
    bad: [
      { what: "an app that returns ['no head'] without calling startResponse", app: () => [bytes('no head')] },
      { what: 'an app that returns [] without calling startResponse', app: () => [] },
      { what: "an app that returns ['a string'] without calling startResponse", app: () => ['a string'] as unknown as Uint8Array[] },
      {
        what: "an app returning a generator that yields 'early', then calls startResponse('200 OK', []), then yields 'late'",
        app: (_environ, startResponse) =>
          (function* () {
            yield bytes('early');
            startResponse('200 OK', []);
            yield bytes('late');
          })(),
      },
    ],
    good: [lazyAfterEmpty],
    hint: 'A non-empty chunk, or the end, before any startResponse call is the violation; empty chunks before it are fine (rule V23).',
  },
  {
    rule: 'V24',
    violation: 'body.type',
    bad: ['Hello', '', bytes('Hello'), new Uint8Array(0), null, 42, { chunks: [] }].map((body) => ({
      what: `an app that calls startResponse('200 OK', []) and returns ${describeValue(body)}`,
      app: appWith('200 OK', [], body as unknown as unknown[]),
    })),
    good: [withApp('200 OK', [], [bytes('list')]), {
      what: "an app that returns a Set of 'ab'",
      app: (_environ, startResponse) => {
        startResponse('200 OK', []);
        return new Set([bytes('ab')]);
      },
    }],
    hint: 'Not an object, not iterable, a string or a Uint8Array: each is body.type (rule V24).',
  },
  {
    rule: 'V25',
    violation: 'body.chunk',
    bad: [withApp('200 OK', [], ['a string chunk']), withApp('200 OK', [], [bytes('ok'), 7]), withApp('200 OK', [], [null]), withApp('200 OK', [], [[104, 105]])],
    good: [withApp('200 OK', [], [Buffer.from('buffer'), new Uint8Array(0)])],
    hint: 'Every chunk must be a Uint8Array: check with instanceof (rule V25).',
  },
  {
    rule: 'V26',
    violation: 'body.length',
    bad: [
      withApp('200 OK', [['Content-Length', '5']], [bytes('abc')]),
      withApp('200 OK', [['content-length', '2']], [bytes('abc')]),
      withApp('200 OK', [['Content-Length', '12']], [bytes('hello world')]),
      withApp('200 OK', [['Content-Length', '10']], [bytes('hello '), bytes('world')]),
    ],
    good: [
      withApp('200 OK', [['Content-Length', '3']], [bytes('a'), bytes('bc')]),
      withApp('200 OK', [['Content-Length', '12']], [bytes('hello world!')]),
      {
        what: "an app that calls startResponse('200 OK', [Content-Length: 100]), then startResponse('500 Oops', [], error), and returns ['short']",
        app: (_environ, startResponse) => {
          startResponse('200 OK', [['Content-Length', '100']]);
          startResponse('500 Oops', [], new Error('failed'));
          return [bytes('short')];
        },
      },
    ],
    hint: 'Compare the bytes the body yields with the Content-Length of the last startResponse call (any case, one or more digits): more as soon as it passes, fewer at the end (rule V26).',
  },
  {
    rule: 'V27',
    violation: 'body.length',
    bad: [withApp('201 Created', [['Content-Length', '5']], []), withApp('200 Top 100 list', [['Content-Length', '5']], [])],
    good: [
      withApp('200 OK', [['Content-Length', '5']], [], { REQUEST_METHOD: 'HEAD' }),
      withApp('304 Not Modified', [['Content-Length', '5']], []),
      withApp('204 No Content', [['Content-Length', '5']], []),
      withApp('103 Early Hints', [['Content-Length', '5']], []),
    ],
    hint: 'A HEAD request, and a 1xx, 204 or 304 status, announce a length without a body: skip the check for them, and only for them (rule V27).',
  },
  {
    rule: 'V28',
    violation: 'body.close',
    bad: [
      { what: `${HELLO}, closed twice`, closeTwice: true },
      { what: `${HELLO}, closed before it is read`, closeFirst: true },
    ],
    good: [{ what: `${HELLO}, read and closed once` }],
    hint: 'Remember that close() was called: a second close() and any next() after it are violations, even for an array body that has no close() of its own (rule V28).',
  },
];

milestone('validator', () => {
  test('valid traffic produces no violation', {
    rules: ['V3'],
    points: 3,
    hint: 'Check what the rules say and nothing more: a correct environ and a correct app must pass in silence.',
  }, async () => {
    const streaming: Case = {
      what: "an app returning an async generator that calls startResponse('200 OK', [Content-Type]), yields an empty chunk, then 'streamed'",
      app: (_environ, startResponse) =>
        (async function* () {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          yield new Uint8Array(0);
          yield bytes('streamed');
        })(),
    };
    const cases: Case[] = [
      { what: HELLO },
      streaming,
      lazyAfterEmpty,
      withEnviron({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '0', SCRIPT_NAME: '/app', PATH_INFO: '', 'myserver.extra': 7 }),
      withEnviron({ REQUEST_METHOD: 'patch', CONTENT_LENGTH: '1048576' }),
      withApp('200 ', [['Content-Length', '12']], [bytes('twelve bytes')]),
      withApp('200 OK', [['Content-Length', '5']], [], { REQUEST_METHOD: 'HEAD' }),
    ];
    for (const c of cases) expect(await run(c), `violations for ${c.what}`).toEqual([]);
  });

  test('the validator passes everything through unchanged', {
    rules: ['V4'],
    points: 2,
    hint: 'The checked app must call the real startResponse with the same arguments, and its body must yield the same chunks and close the app\'s body, once.',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const { body: inner, closes } = withClose([bytes('a'), bytes('b')]);
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('201 Created', [['Location', '/notes/1']]);
      return inner;
    };
    const { startResponse, calls } = recorder();
    const checked = bounded('validator(app)', () => validator(app));
    const environ = handmadeEnviron();
    const body = await bounded('the validated app', () => checked(environ, startResponse));
    const chunks: string[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(text(chunk));
    body.close?.();
    const what = "for an app that calls startResponse('201 Created', [Location: /notes/1]) and returns ['a', 'b'] with a close()";
    expect(calls.map(([status, headers]) => [status, headers]), `the calls the real startResponse received ${what}`).toEqual([['201 Created', [['Location', '/notes/1']]]]);
    expect(chunks, `the chunks the server read ${what}`).toEqual(['a', 'b']);
    expect(closes(), `calls of the app's close() after the server closed the validated body once, ${what}`).toBe(1);
  });

  test('the validator passes on the errors of the real startResponse, and return() and close() to the app\'s body', {
    rules: ['V4'],
    hint: 'Let the real startResponse throw through your checked one, pass the server\'s return() to the app\'s iterator, and close the app\'s body once however often the server closes yours.',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const refusing = () => {
      throw new TypeError('the server refused this call');
    };
    let seen: unknown = 'nothing was thrown';
    const app: TsgiApp = (_environ, startResponse) => {
      try {
        startResponse('200 OK', []);
      } catch (error) {
        seen = error;
      }
      return [bytes('x')];
    };
    await bounded('the validated app', () => validator(app)(handmadeEnviron(), refusing));
    expect(String(seen), 'what the app caught when the real startResponse threw TypeError("the server refused this call")').toBe('TypeError: the server refused this call');

    let finished = 0;
    const generating: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        try {
          yield bytes('one');
          yield bytes('two');
        } finally {
          finished += 1;
        }
      })();
    };
    const { startResponse } = recorder();
    const rules: TsgiRule[] = [];
    const body = await bounded('the validated app', () => validator(generating, { onViolation: (v) => rules.push(v.rule) })(handmadeEnviron(), startResponse));
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await bounded('the validated body', () => iterator.next());
    await bounded('the validated body\'s return()', () => iterator.return?.());
    expect(finished, "finally blocks run in the app's generator after the server read one chunk and called return() on the validated body").toBe(1);

    const { body: inner, closes } = withClose([bytes('a')]);
    const closing: TsgiApp = (_environ, sr) => {
      sr('200 OK', []);
      return inner;
    };
    const validated = await bounded('the validated app', () => validator(closing, { onViolation: () => {} })(handmadeEnviron(), recorder().startResponse));
    validated.close?.();
    validated.close?.();
    expect(closes(), "calls of the app's close() when the server closes the validated body twice").toBe(1);
  });

  test('by default a violation is thrown, as a TsgiViolation naming its rule', {
    rules: ['V1'],
    points: 2,
    hint: 'Without onViolation, throw new TsgiViolation(rule, message) from the contract; with it, call it and carry on (rule V1).',
  }, async () => {
    const { SERVER_NAME: _, ...withoutName } = handmadeEnviron();
    const { startResponse } = recorder();
    const checked = bounded('validator(hello)', () => validator(hello));
    let caught: unknown = 'nothing was thrown';
    try {
      await bounded('the validated app', () => checked(withoutName as Environ, startResponse));
    } catch (error) {
      caught = error;
    }
    expect(caught, `what validator(hello) threw for ${describeChange({ SERVER_NAME: undefined })}`).toBeInstanceOf(TsgiViolation);
    expect((caught as TsgiViolation).rule, `the rule of the violation thrown for ${describeChange({ SERVER_NAME: undefined })}`).toBe('environ.missing-key');
    const checkedStatus = bounded('validator(app)', () => validator(appWith('200', [])));
    let fromStart: unknown = 'nothing was thrown';
    try {
      await bounded('the validated app', () => checkedStatus(handmadeEnviron(), startResponse));
    } catch (error) {
      fromStart = error;
    }
    expect((fromStart as TsgiViolation | null)?.rule, `the rule of the violation thrown for ${appText('200', [])}`).toBe('start-response.status');

    let called = false;
    const reported: TsgiRule[] = [];
    const app: TsgiApp = (environ, sr) => {
      called = true;
      return hello(environ, sr);
    };
    const body = await bounded('the validated app', () => validator(app, { onViolation: (v) => reported.push(v.rule) })(withoutName as Environ, startResponse));
    const chunks: string[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(text(chunk));
    expect([reported, called, chunks.join('')], `[violations, app called, body] with onViolation, for ${HELLO} and ${describeChange({ SERVER_NAME: undefined })}`)
      .toEqual([['environ.missing-key'], true, 'hello']);
  });

  test('each check runs where the lesson says: environ first, startResponse at the call, the body as it is read', {
    rules: ['V2'],
    hint: 'Check the environ before calling the app, the arguments inside the checked startResponse, and each chunk in the next() of the body you return (rule V2).',
  }, async () => {
    let called = false;
    const app: TsgiApp = (environ, sr) => {
      called = true;
      return hello(environ, sr);
    };
    const checked = bounded('validator(app)', () => validator(app));
    await Promise.resolve(bounded('the validated app', () => checked(environOf({ PATH_INFO: 'x' }), recorder().startResponse))).catch(() => {});
    expect(called, `the app was called although the environ check failed (without onViolation, for ${describeChange({ PATH_INFO: 'x' })})`).toBe(false);

    let caughtInApp: unknown = 'nothing reached the app';
    const careful: TsgiApp = (_environ, startResponse) => {
      try {
        startResponse('200', []);
      } catch (error) {
        caughtInApp = error;
        startResponse('500 Internal Server Error', [], error);
      }
      return [bytes('x')];
    };
    const checkedCareful = bounded('validator(app)', () => validator(careful));
    await Promise.resolve(bounded('the validated app', () => checkedCareful(handmadeEnviron(), recorder().startResponse))).catch(() => {});
    expect((caughtInApp as TsgiViolation | null)?.rule, "what the app caught around its call startResponse('200', []), without onViolation").toBe('start-response.status');

    const checkedChunks = bounded('validator(app)', () => validator(appWith('200 OK', [], [bytes('fine'), 'bad'])));
    let body: TsgiBody | undefined;
    let returned = 'the validated app threw';
    try {
      body = await bounded('the validated app', () => checkedChunks(handmadeEnviron(), recorder().startResponse));
      returned = 'returned';
    } catch {
      // checked below
    }
    expect(returned, `the validated app for ${appText('200 OK', [], [bytes('fine'), 'bad'])}: the chunks are checked as the server reads them, not before`).toBe('returned');
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = await bounded('the validated body', () => iterator.next());
    expect(text(first.value as Uint8Array), 'the first chunk read').toBe('fine');
    let thrown: unknown = 'nothing was thrown';
    await Promise.resolve(bounded('the validated body', () => iterator.next())).catch((error: unknown) => (thrown = error));
    expect((thrown as TsgiViolation | null)?.rule, "what the second next() threw, for the chunk 'bad'").toBe('body.chunk');
  });

  test('every violation is reported, once per key, header, chunk or call', {
    rules: ['V5'],
    points: 2,
    hint: 'Report each offending key, header and chunk; judge a key by one rule only (missing, or not a string); start-response.missing and body.length once per response (rule V5).',
  }, async () => {
    const cases: Array<[Case, TsgiRule[]]> = [
      [withEnviron({ SERVER_PORT: 8000, REMOTE_PORT: 51234 }), ['environ.not-a-string', 'environ.not-a-string']],
      [withEnviron({ 'tsgi.url_scheme': 'ftp', REQUEST_METHOD: '' }), ['environ.method', 'environ.url-scheme']],
      [withEnviron({ 'tsgi.version': undefined }), ['environ.missing-key']],
      [withEnviron({ 'tsgi.input': undefined, 'tsgi.errors': undefined, 'tsgi.url_scheme': undefined }), ['environ.missing-key', 'environ.missing-key', 'environ.missing-key']],
      [withEnviron({ SCRIPT_NAME: 5, CONTENT_LENGTH: null }), ['environ.not-a-string', 'environ.not-a-string']],
      [withApp('200 OK', [['Bad Name', 'a\r\nb'], ['Other Bad', 'x'], ['Connection', 'close']]), ['start-response.header-name', 'start-response.header-name', 'start-response.header-value', 'start-response.hop-by-hop']],
      [withApp('200 OK', [], ['a', 1, null]), ['body.chunk', 'body.chunk', 'body.chunk']],
      [{ what: "an app that returns ['a', 'b', 'c'] without calling startResponse", app: () => [bytes('a'), bytes('b'), bytes('c')] }, ['start-response.missing']],
      [withApp('200 OK', [['Content-Length', '2']], [bytes('abc'), bytes('def'), bytes('ghi')]), ['body.length']],
    ];
    for (const [c, expected] of cases) {
      expect((await run(c)).sort(), `violations for ${c.what}, sorted`).toEqual(expected);
    }
  });

  for (const row of rows) {
    test(`${row.violation}: reported when its rule is broken, and only then`, {
      rules: [row.rule],
      points: row.points ?? 1,
      hint: row.hint,
      lesson: '03-gateway.md#the-validator',
    }, async () => {
      for (const c of row.bad) expect(await run(c), `violations for ${c.what} should include ${row.violation}`).toContain(row.violation);
      for (const c of row.good) expect(await run(c), `violations for ${c.what} (correct traffic)`).toEqual([]);
    });
  }

  test('the validator returns a value that is not a body as it is', {
    rules: ['V24'],
    hint: 'Report body.type, then hand the server exactly what the app returned (rule V24).',
  }, async () => {
    for (const value of ['Hello', 42, null]) {
      const result = await bounded('the validated app', () => validator(appWith('200 OK', [], value as unknown as unknown[]), { onViolation: () => {} })(handmadeEnviron(), recorder().startResponse));
      expect(result as unknown, `what the validated app returned for an app that returns ${describeValue(value)}`).toBe(value);
    }
  });

  test('body.length is checked against a Content-Length of decimal digits only', {
    rules: ['V26'],
    hint: 'Take the length from the Content-Length header alone (any case), and only when its value is one or more digits: Number() of \'\', \'-1\' or \'1e3\' is a number too (rule V26).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const cases: Case[] = [
      withApp('200 OK', [['Content-Length', '']], [bytes('ok')]),
      withApp('200 OK', [['Content-Length', '-1']], [bytes('ok')]),
      withApp('200 OK', [['Content-Length', '1e3']], [bytes('ok')]),
      withApp('200 OK', [['Content-Length', '0x2']], [bytes('abc')]),
      withApp('200 OK', [['X-Count', '3']], [bytes('ok')]),
      withApp('200 OK', [['Content-Length', '5'], ['X-Request-Id', '12']], [bytes('hello')]),
    ];
    for (const c of cases) expect(await run(c), `violations for ${c.what}`).toEqual([]);
  });

  test('the body\'s return() works for every body and resolves with done', {
    rules: ['V4'],
    hint: 'Call the app\'s iterator\'s return() only if it has one (an array\'s has none: return?.()), and resolve with { done: true, value: undefined } (rules V4, C2).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const bodies: Array<[string, TsgiApp]> = [
      ["['a', 'b'] (an array: its iterator has no return())", hello],
      ["a generator yielding 'a', 'b'", (_environ, startResponse) => {
        startResponse('200 OK', []);
        return (function* () {
          yield bytes('a');
          yield bytes('b');
        })();
      }],
    ];
    for (const [what, app] of bodies) {
      const body = await bounded('the validated app', () => validator(app, { onViolation: () => {} })(handmadeEnviron(), recorder().startResponse));
      const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      await bounded('the validated body', () => iterator.next());
      let result: unknown;
      try {
        result = await bounded('the validated body\'s return()', () => iterator.return!());
      } catch (error) {
        result = `it threw ${String(error)}`;
      }
      expect(result, `what return() on the validated body resolved with, after one next(), for an app whose body is ${what}`).toEqual({ done: true, value: undefined });
    }
  });

  test('the app gets the environ itself, and the server every chunk, empty ones included', {
    rules: ['V4'],
    hint: 'Hand the app the environ you were given (not a copy), and yield every chunk of the app\'s body as it comes, empty ones too: skipping them is the gateway\'s job, not the validator\'s (rule V4).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    let seen: unknown = 'the app was not called';
    const chunks = [new Uint8Array(0), bytes('a'), new Uint8Array(0), bytes('b')];
    const app: TsgiApp = (environ, startResponse) => {
      seen = environ;
      startResponse('200 OK', []);
      return chunks;
    };
    const environ = handmadeEnviron();
    const body = await bounded('the validated app', () => validator(app, { onViolation: () => {} })(environ, recorder().startResponse));
    expect(seen === environ, 'the app received the very environ object the validated app was called with').toBe(true);
    const read: string[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) read.push(show(chunk));
    expect(read, "the chunks the server read, for an app that returns ['', 'a', '', 'b']").toEqual(chunks.map((chunk) => show(chunk)));
  });

  test('the body\'s return() resolves with its own result, whatever the app\'s return() gave', {
    rules: ['V4'],
    hint: 'Await the app\'s iterator\'s return(), then resolve with { done: true, value: undefined } yourself (rule V4).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      const iterator = {
        next: () => ({ done: false as const, value: bytes('x') }),
        return: () => ({ done: true as const, value: 'the app\'s own value' }),
        [Symbol.iterator]: () => iterator,
      };
      return iterator as unknown as Iterable<Uint8Array>;
    };
    const body = await bounded('the validated app', () => validator(app, { onViolation: () => {} })(handmadeEnviron(), recorder().startResponse));
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await bounded('the validated body', () => iterator.next());
    const result = await bounded('the validated body\'s return()', () => iterator.return!());
    expect(result, "what return() on the validated body resolved with, for an app whose iterator's return() gives { done: true, value: \"the app's own value\" }").toEqual({ done: true, value: undefined });
  });

  test('a startResponse call that breaks a rule is not passed on when the violation is thrown', {
    rules: ['V2'],
    hint: 'Check the arguments first; without onViolation the violation is thrown before you call the real startResponse (rule V2).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const { startResponse, calls } = recorder();
    let caught: unknown = 'nothing reached the app';
    const app: TsgiApp = (_environ, sr) => {
      try {
        sr('200', [['X-A', '1']]);
      } catch (error) {
        caught = error;
      }
      return [bytes('x')];
    };
    await bounded('the validated app', () => validator(app)(handmadeEnviron(), startResponse));
    expect((caught as TsgiViolation | null)?.rule, "what the app caught around its call startResponse('200', [X-A]), without onViolation").toBe('start-response.status');
    expect(calls.length, "calls the real startResponse received for that refused call, without onViolation").toBe(0);
  });

  test('every bad header pair is reported, not only the first', {
    rules: ['V18', 'V5'],
    hint: 'Report a bad pair and go on to the next one: each item that is not a pair of two strings is one violation (rules V18, V5).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const c = withApp('200 OK', [['X'], ['Y', 1], ['Z-Ok', 'z'], [new String('W'), 'w']]);
    expect(await run(c), `violations for ${c.what}`).toEqual(['start-response.headers', 'start-response.headers', 'start-response.headers']);
  });

  test('start-response.missing: once, for any chunk but an empty Uint8Array, and never after a call that broke a rule', {
    rules: ['V23', 'V5'],
    hint: 'A chunk that is not bytes comes before any call just as much as bytes do; a call that broke a rule is still a call; and missing is reported once per response (rules V23, V5).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const stringFirst: Case = {
      what: "an app returning a generator that yields 'a string', then calls startResponse('200 OK', []), then yields 'ok'",
      app: (_environ, startResponse) =>
        (function* () {
          yield 'a string' as unknown as Uint8Array;
          startResponse('200 OK', []);
          yield bytes('ok');
        })(),
    };
    expect((await run(stringFirst)).sort(), `violations for ${stringFirst.what}, sorted`).toEqual(['body.chunk', 'start-response.missing']);
    const many: Case = { what: "an app that returns ['a', 'b', 'c'] without calling startResponse", app: () => [bytes('a'), bytes('b'), bytes('c')] };
    expect(await run(many), `violations for ${many.what}`).toEqual(['start-response.missing']);
    for (const status of [200, '200', null]) {
      const c = withApp(status, [], [bytes('ok')]);
      expect(await run(c), `violations for ${c.what} (a startResponse that accepts it)`).toEqual(['start-response.status']);
    }
  });

  test('body.length uses the last Content-Length of decimal digits in the call', {
    rules: ['V26'],
    hint: 'With several Content-Length headers in one call, the last one of digits counts (rule V26).',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const headers = [['Content-Length', '5'], ['Content-Length', '3'], ['Content-Length', 'x']];
    expect(await run(withApp('200 OK', headers, [bytes('abc')])), `violations for ${appText('200 OK', headers, [bytes('abc')])}`).toEqual([]);
    expect(await run(withApp('200 OK', headers, [bytes('abcde')])), `violations for ${appText('200 OK', headers, [bytes('abcde')])}`).toEqual(['body.length']);
  });

  test('real traffic through your gateway produces no violation', {
    rules: ['V3', 'V27'],
    points: 3,
    hint: 'If this fails while the other validator tests pass, your gateway and your validator disagree: the violation names the rule to look at.',
  }, async () => {
    const rules: Array<[string, TsgiRule]> = [];
    let current = '';
    const echo: TsgiApp = async (environ, startResponse) => {
      const body = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(body.length + 4)]]);
      return [bytes('got '), body];
    };
    const port = await serveOnFreePort(validator(echo, { onViolation: (v) => rules.push([current, v.rule]) }));
    const requests = [
      'GET /a/b?c=d HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n',
      'POST /caf%C3%A9 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
      'POST /twice HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\nConnection: close\r\n\r\nhello',
      'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      'GET http://example.com HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
    ];
    for (const request of requests) {
      current = show(request);
      const { raw } = await exchange(port, request);
      expect(raw.split('\r\n')[0], `status line for ${show(request)}`).toBe('HTTP/1.1 200 OK');
    }
    expect(rules, 'violations reported, with the request that caused each').toEqual([]);
  });
});
