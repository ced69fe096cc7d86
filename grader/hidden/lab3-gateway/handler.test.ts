// Hidden tests for lab 3: the handler and startResponse (milestone 3), the response body
// (milestone 4), errors and close() (milestone 5). Most run the lab's tsgiHandler on a fake
// request and read what it hands the server; the ones about the wire run it on the reference
// server (lab 2) over a real socket. Every expectation says which app (or request) it is about.
import { afterEach, expect } from 'vitest';
import { HttpError } from '#contracts/http';
import { HOP_BY_HOP_HEADERS, type Environ, type StartResponse, type TsgiApp, type TsgiHeaders } from '#contracts/tsgi';
import { bounded, bytes, milestone, show, test, text } from '../../harness/index.ts';
import {
  cleanup,
  connect,
  errorLog,
  exchange,
  gate,
  headerValues,
  iteratorOf,
  listen,
  readBody,
  readChunks,
  readResponse,
  respond,
  serveOnFreePort,
  source,
  waitFor,
  withClose,
} from './support.ts';

afterEach(cleanup);

const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
const HEAD = 'HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** An app that answers `status` with `headers` and the given chunks. */
function answering(status: string, headers: TsgiHeaders, chunks: unknown[]): TsgiApp {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return chunks as Uint8Array[];
  };
}

/** A readable description of an `answering` app, for failure messages. */
function answeringText(status: string, headers: TsgiHeaders, chunks: unknown[]): string {
  return `an app that calls startResponse(${show(status)}, ${JSON.stringify(headers)}) and returns [${chunks.map(describeValue).join(', ')}]`;
}

/** The response headers as [name, value] pairs, for comparisons. */
const pairs = (headers: Array<[string, string]>) => headers.map(([name, value]) => [name, value]);

/**
 * Calls startResponse with the given arguments inside an app and reports whether that call threw
 * (the app passes the error on, as an app should), and what the server was handed.
 */
async function attempt(...args: Parameters<StartResponse>): Promise<{ threw: boolean; status: number }> {
  let threw = false;
  const response = await respond((_environ, startResponse) => {
    try {
      startResponse(...args);
    } catch (error) {
      threw = true;
      throw error;
    }
    return [bytes('body')];
  });
  return { threw, status: response.status };
}

/** startResponse's arguments, for failure messages. */
const call = (status: unknown, headers: unknown) =>
  `startResponse(${typeof status === 'string' ? show(status) : String(JSON.stringify(status))}, ${typeof headers === 'string' ? show(headers) : JSON.stringify(headers, boxed)})`;

/** JSON.stringify shows a String object as a plain string: show it as what it is. */
function boxed(_key: string, value: unknown): unknown {
  return value instanceof String ? `new String(${JSON.stringify(String(value))})` : value;
}

milestone('start-response', () => {
  test('tsgiHandler calls the app and hands its status, headers and body to the server', {
    rules: ['H1', 'H3', 'H5'],
    points: 3,
    hint: 'Build the environ, call app(environ, startResponse), and resolve with { status, reason, headers, body } for lab 2\'s server (rule H1).',
    lesson: '03-gateway.md#the-handler',
  }, async () => {
    const app: TsgiApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Path', String(environ.PATH_INFO)]]);
      return [bytes('hello')];
    };
    const response = await respond(app, { target: '/greeting' });
    const what = "for GET /greeting, an app that answers '200 OK' with Content-Type and X-Path: PATH_INFO, body 'hello'";
    expect(response.status, `status ${what}`).toBe(200);
    expect(pairs(response.headers), `headers ${what}`).toEqual([['Content-Type', 'text/plain'], ['X-Path', '/greeting']]);
    expect(text(await readBody(response.body)), `body ${what}`).toBe('hello');
  });

  test('tsgiHandler builds each environ with its options', {
    rules: ['H1'],
    hint: 'Pass the options given to tsgiHandler on to buildEnviron for every request (rule H1).',
  }, async () => {
    const seen: Environ[] = [];
    const app: TsgiApp = (environ, startResponse) => {
      seen.push(environ);
      startResponse('200 OK', []);
      return [bytes('x')];
    };
    const options = { scriptName: '/app', serverName: 'notes.example', urlScheme: 'https', multiprocess: true } as const;
    await respond(app, { target: '/app/x' }, options);
    expect(seen.length, `calls of the app for GET /app/x with ${JSON.stringify(options)}`).toBe(1);
    const env = seen[0]!;
    expect([env.SCRIPT_NAME, env.PATH_INFO, env.SERVER_NAME, env['tsgi.url_scheme'], env['tsgi.multiprocess']],
      `[SCRIPT_NAME, PATH_INFO, SERVER_NAME, tsgi.url_scheme, tsgi.multiprocess] the app saw for GET /app/x with ${JSON.stringify(options)}`)
      .toEqual(['/app', '/x', 'notes.example', 'https', true]);
  });

  test('the app is called once per request, with the environ and startResponse', {
    rules: ['A1'],
    hint: 'One call per request: app(environ, startResponse), then work with the body it returned (rule A1).',
    lesson: '03-gateway.md#the-application',
  }, async () => {
    const calls: unknown[][] = [];
    const app: TsgiApp = (...args) => {
      calls.push(args);
      const [, startResponse] = args;
      startResponse('200 OK', []);
      return [bytes('once')];
    };
    const response = await respond(app, { target: '/once?n=1' });
    expect(text(await readBody(response.body)), 'body of an app that answers "once"').toBe('once');
    expect(calls.length, 'how many times the app was called for one request (GET /once?n=1)').toBe(1);
    const [environ, startResponse, ...rest] = calls[0]!;
    expect((environ as Environ | undefined)?.QUERY_STRING, "the first argument's QUERY_STRING for GET /once?n=1").toBe('n=1');
    expect(typeof startResponse, 'the type of the second argument').toBe('function');
    expect(rest.length, 'arguments after startResponse').toBe(0);
  });

  test('the status code is the number at the start of the status string', {
    rules: ['H3'],
    hint: 'The status is the three digits before the first space, as a number (rule H3).',
  }, async () => {
    for (const [status, code] of [['404 Not Found', 404], ['201 Created', 201], ['599 Odd', 599], ['302 Found', 302], ['100 Continue', 100]] as const) {
      expect((await respond(answering(status, [], [bytes('x')]))).status, `status for ${answeringText(status, [], [bytes('x')])}`).toBe(code);
    }
  });

  test('the reason phrase is the text after the first space, as the app wrote it', {
    rules: ['H4'],
    hint: 'Pass the text after the first space on as the response\'s reason, spaces and all (rule H4).',
  }, async () => {
    for (const [status, reason] of [['404 Not Found', 'Not Found'], ['200 Froody', 'Froody'], ['418 I am a teapot', 'I am a teapot'], ['200 ', ''], ['200 OK ', 'OK '], ['200  Spaced\t', ' Spaced\t']]) {
      const response = await respond(answering(status!, [], [bytes('x')]));
      expect(response.reason, `reason for ${answeringText(status!, [], [bytes('x')])}`).toBe(reason);
    }
    const port = await listen(answering('200 Froody', [['Content-Type', 'text/plain']], [bytes('ok')]));
    const { raw } = await exchange(port, GET);
    expect(show(raw.split('\r\n')[0] ?? ''), `status line sent by lab 2 for ${answeringText('200 Froody', [['Content-Type', 'text/plain']], [bytes('ok')])}`).toBe(show('HTTP/1.1 200 Froody'));
  });

  test('headers go to the server as the app gave them: in order, repeats included', {
    rules: ['H5'],
    hint: 'Hand the server the app\'s list itself (or a copy): an object or a Map would merge the two Set-Cookie headers (rule H5).',
  }, async () => {
    const headers: TsgiHeaders = [['Set-Cookie', 'a=1'], ['X-Middle', 'm'], ['Set-Cookie', 'b=2'], ['x-lower', 'v'], ['X-Empty', '']];
    const response = await respond(answering('200 OK', headers, [bytes('x')]));
    expect(pairs(response.headers), `headers for ${answeringText('200 OK', headers, [bytes('x')])}`).toEqual(headers);
  });

  test('a path outside the mount point gets 404 without calling the app', {
    rules: ['E12'],
    points: 2,
    hint: 'When buildEnviron returns null, answer 404 at once: the app must not see a request that is not its own (rule E12).',
  }, async () => {
    let called = false;
    const app: TsgiApp = (_environ, startResponse) => {
      called = true;
      startResponse('200 OK', []);
      return [bytes('app')];
    };
    const response = await respond(app, { target: '/apple' }, { scriptName: '/app' });
    expect(response.status, 'status for GET /apple with scriptName /app').toBe(404);
    expect(called, 'the app was called for GET /apple with scriptName /app').toBe(false);
    expect((await respond(app, { target: '/app/x' }, { scriptName: '/app' })).status, 'status for GET /app/x with scriptName /app').toBe(200);
  });

  test('the gateway reads nothing of the request body for an app that does not ask', {
    rules: ['I5'],
    hint: 'The handler hands the body to the app through tsgi.input and never reads it itself (rule I5).',
    lesson: '03-gateway.md#the-input-stream-tsgiinput',
  }, async () => {
    const unread = source(['never read']);
    const response = await respond(answering('200 OK', [], [bytes('ok')]), { method: 'POST', body: unread });
    await readBody(response.body);
    expect(response.status, "status for POST / to an app that answers '200 OK' without reading its input").toBe(200);
    expect(unread.started, 'the gateway read the request body of an app that never asked for it').toBe(false);
  });

  test('a malformed status throws at the call, and the client gets a 500', {
    rules: ['S1', 'S2'],
    points: 2,
    hint: 'A string (check typeof first: a pattern\'s test() turns any value into a string), of three digits from 100 to 599, one space, a reason without control characters. Throw from startResponse itself, so the app sees the error where it made it (rules S1, S2).',
    lesson: '03-gateway.md#the-status',
  }, async () => {
    const bad: unknown[] = ['200', 'OK', '200OK', '2000 OK', ' 200 OK', '600 Nope', '099 Low', '200 OK\r\n', '200 OK\r\nX-Evil: 1', '200 A\x00B', '200 \u20ac', 200, null, ['200 OK']];
    for (const status of bad) {
      expect(await attempt(status as string, []), `{ threw, status } for ${call(status, [])}`).toEqual({ threw: true, status: 500 });
    }
    for (const status of ['200 ', '200 OK', '404 Not \tFound', '200 caf\xe9', '100 Continue', '599 Last']) {
      expect(await attempt(status, []), `{ threw, status } for ${call(status, [])}`).toEqual({ threw: false, status: Number(status.slice(0, 3)) });
    }
  });

  test('header names must be tokens and values free of control characters', {
    rules: ['S4', 'S1'],
    points: 2,
    hint: 'A value holding "\\r\\n" would let whoever controls it add headers of their own (response splitting). Refuse controls and characters above \\xff (rule S4).',
    lesson: '03-gateway.md#the-response-headers',
  }, async () => {
    for (const name of ['Bad Name', 'X:Y', '', 'X\r\nY', 'Caf\xe9', 'X(1)']) {
      expect(await attempt('200 OK', [[name, 'v']]), `{ threw, status } for ${call('200 OK', [[name, 'v']])}`).toEqual({ threw: true, status: 500 });
    }
    for (const value of ['a\r\nSet-Cookie: admin=1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7fb', 'a\x1bb', '\u20ac']) {
      expect(await attempt('200 OK', [['X-Echo', value]]), `{ threw, status } for ${call('200 OK', [['X-Echo', value]])}`).toEqual({ threw: true, status: 500 });
    }
    for (const header of [['X-Ok', 'caf\xe9 \t!'], ["!#$%&'*+-.^_`|~09az", 'token'], ['X-Empty', '']] as Array<[string, string]>) {
      expect(await attempt('200 OK', [header]), `{ threw, status } for ${call('200 OK', [header])}`).toEqual({ threw: false, status: 200 });
    }
  });

  test('headers must be an array of [name, value] pairs of strings', {
    rules: ['S3', 'S1'],
    hint: 'Check that headers is an array and that every item is an array of exactly two strings, with typeof: a pattern\'s test() accepts a number or a String object as a name (rule S3).',
    lesson: '03-gateway.md#the-response-headers',
  }, async () => {
    for (const headers of ['Content-Type: text/plain', [['X']], [['X', 'a', 'b']], [['X', 1]], [[1, 'a']], [[new String('X-A'), 'a']], [{ name: 'X', value: 'a' }], null, { 'X-A': 'b' }, [{ 0: 'X-A', 1: 'a', length: 2 }], [new String('Xa')]]) {
      expect(await attempt('200 OK', headers as TsgiHeaders), `{ threw, status } for ${call('200 OK', headers)}`).toEqual({ threw: true, status: 500 });
    }
    expect(await attempt('200 OK', []), `{ threw, status } for ${call('200 OK', [])}`).toEqual({ threw: false, status: 200 });
  });

  test('hop-by-hop headers are refused, whatever their case', {
    rules: ['S5', 'S1'],
    points: 2,
    hint: 'Connection, Keep-Alive, Transfer-Encoding and the others in HOP_BY_HOP_HEADERS describe the connection: only the server sets them. Compare names lowercased (rule S5).',
  }, async () => {
    for (const lower of HOP_BY_HOP_HEADERS) {
      for (const name of [lower, lower.toUpperCase(), lower.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase())]) {
        expect(await attempt('200 OK', [[name, 'x']]), `{ threw, status } for ${call('200 OK', [[name, 'x']])}`).toEqual({ threw: true, status: 500 });
      }
    }
    expect(await attempt('200 OK', [['Connection-Id', 'x']]), `{ threw, status } for ${call('200 OK', [['Connection-Id', 'x']])}`).toEqual({ threw: false, status: 200 });
  });

  test('a second call without excInfo is an error, even after a refused first call', {
    rules: ['S6'],
    hint: 'Remember that startResponse was called, even by a call you refused; a later call must bring excInfo (rule S6).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const secondCall = async (first: Parameters<StartResponse>) => {
      let second = 'did not throw';
      const response = await respond((_environ, startResponse) => {
        try {
          startResponse(...first);
        } catch {
          // the first call was refused: the app swallows that and tries again
        }
        try {
          startResponse('201 Created', []);
        } catch (error) {
          second = 'threw';
          throw error;
        }
        return [bytes('x')];
      });
      return { second, status: response.status };
    };
    expect(await secondCall(['200 OK', []]), `{ second, status } after ${call('200 OK', [])} then ${call('201 Created', [])}`).toEqual({ second: 'threw', status: 500 });
    expect(await secondCall(['200 OK\r\n', []]), `{ second, status } after a refused ${call('200 OK\r\n', [])} then ${call('201 Created', [])}`).toEqual({ second: 'threw', status: 500 });
  });

  test('a second call with excInfo, before the body starts, replaces status and headers', {
    rules: ['S7'],
    points: 2,
    hint: 'Before the head is sent, a call with excInfo starts over: its status and only its headers (rule S7).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/html'], ['X-Draft', '1']]);
      startResponse('503 Try Later', [['Content-Type', 'text/plain']], new Error('the database is down'));
      return [bytes('sorry')];
    });
    const what = "for an app that calls startResponse('200 OK', [Content-Type, X-Draft]), then startResponse('503 Try Later', [Content-Type], error)";
    expect([response.status, response.reason], `[status, reason] ${what}`).toEqual([503, 'Try Later']);
    expect(pairs(response.headers), `headers ${what}`).toEqual([['Content-Type', 'text/plain']]);
    expect(text(await readBody(response.body)), `body ${what}`).toBe('sorry');
  });

  test('a refused call sets nothing: an app that swallows the error gets a 500, or its earlier choice', {
    rules: ['S9'],
    hint: 'Check everything before you store anything. A status and headers that were refused must never be sent (rule S9).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const swallowed = await respond((_environ, startResponse) => {
      try {
        startResponse('200 OK', [['Content-Type', 'text/plain'], ['Connection', 'close']]);
      } catch {
        // an app should not do this; the gateway must still not send what was refused
      }
      return [bytes('body')];
    });
    expect(swallowed.status, "status for an app that swallows the error of startResponse('200 OK', [Content-Type, Connection: close])").toBe(500);
    const kept = await respond((_environ, startResponse) => {
      startResponse('200 OK', [['X-First', '1']]);
      try {
        startResponse('503 Busy', [['X-Second', 'a\r\nb']], new Error('failed'));
      } catch {
        // refused: the first call's choice stands
      }
      return [bytes('body')];
    });
    const what = "for an app that calls startResponse('200 OK', [X-First]), then a refused startResponse('503 Busy', [X-Second with CRLF], error)";
    expect([kept.status, pairs(kept.headers)], `[status, headers] ${what}`).toEqual([200, [['X-First', '1']]]);
    const keptStatus = await respond((_environ, startResponse) => {
      startResponse('200 OK', [['X-First', '1']]);
      try {
        startResponse('503', [['X-Second', 'b']], new Error('failed'));
      } catch {
        // refused: the first call's choice stands
      }
      return [bytes('body')];
    });
    const whatStatus = "for an app that calls startResponse('200 OK', [X-First]), then a refused startResponse('503', [X-Second], error)";
    expect([keptStatus.status, keptStatus.reason, pairs(keptStatus.headers)], `[status, reason, headers] ${whatStatus}`).toEqual([200, 'OK', [['X-First', '1']]]);
  });
});

milestone('body', () => {
  test('a list, a generator and an async generator, from sync and async apps', {
    rules: ['B3'],
    points: 2,
    hint: 'Take [Symbol.asyncIterator] if the body has one, else [Symbol.iterator], and await every step (rule B3).',
  }, async () => {
    const bodies: Array<[string, () => unknown]> = [
      ['a list', () => [bytes('one '), bytes('two '), bytes('three')]],
      ['a generator', () => (function* () {
        for (const word of ['one ', 'two ', 'three']) yield bytes(word);
      })()],
      ['an async generator', () => (async function* () {
        for (const word of ['one ', 'two ', 'three']) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield bytes(word);
        }
      })()],
    ];
    for (const [kind, make] of bodies) {
      for (const isAsync of [false, true]) {
        const app = ((_environ: Environ, startResponse: StartResponse) => {
          startResponse('200 OK', []);
          return isAsync ? Promise.resolve(make()) : make();
        }) as TsgiApp;
        const response = await respond(app);
        expect(text(await readBody(response.body)), `body of ${isAsync ? 'an async' : 'a sync'} app that returns ${kind} of 'one ', 'two ', 'three'`).toBe('one two three');
      }
    }
  });

  test('an async app that reads its input before answering', {
    rules: ['A2'],
    points: 2,
    hint: 'The app may return a promise of its body: await it (rule A2).',
  }, async () => {
    const app: TsgiApp = async (environ, startResponse) => {
      const input = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [bytes('got '), input];
    };
    const response = await respond(app, { method: 'POST', headers: [['host', 'x'], ['content-length', '5']], body: ['he', 'llo'] });
    const what = "for POST / with the body 'hello', an async app that reads its input, then answers 'got ' + input";
    expect(response.status, `status ${what}`).toBe(200);
    expect(text(await readBody(response.body)), `body ${what}`).toBe('got hello');
  });

  test('any iterable or async iterable of chunks is a body', {
    rules: ['A4'],
    hint: 'A body is anything with [Symbol.iterator] or [Symbol.asyncIterator]: not only arrays and generators (rule A4).',
  }, async () => {
    const handmade = {
      [Symbol.iterator]() {
        let i = 0;
        return { next: () => (i < 2 ? { done: false, value: bytes(['ab', 'cd'][i++]!) } : { done: true, value: undefined }) };
      },
    };
    const handmadeAsync = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return { next: async () => (i < 2 ? { done: false, value: bytes(['ab', 'cd'][i++]!) } : { done: true, value: undefined }) };
      },
    };
    const bodies: Array<[string, unknown]> = [
      ['a Set', new Set([bytes('ab'), bytes('cd')])],
      ['an object with [Symbol.iterator]', handmade],
      ['an object with [Symbol.asyncIterator]', handmadeAsync],
      ['a list of Buffers', [Buffer.from('ab'), Buffer.from('cd')]],
    ];
    for (const [kind, body] of bodies) {
      const app: TsgiApp = (_environ, startResponse) => {
        startResponse('200 OK', []);
        return body as Iterable<Uint8Array>;
      };
      const response = await respond(app);
      expect(response.status, `status for an app whose body is ${kind} of 'ab', 'cd'`).toBe(200);
      expect(text(await readBody(response.body)), `body for an app whose body is ${kind} of 'ab', 'cd'`).toBe('abcd');
    }
  });

  test('startResponse may be called during the first iteration of the body', {
    rules: ['A3'],
    hint: 'Read the body up to its first non-empty chunk before you look at the status: a generator runs only when it is iterated (rule A3).',
  }, async () => {
    const lazy: TsgiApp = (_environ, startResponse) =>
      (function* () {
        startResponse('202 Accepted', [['X-Lazy', 'yes']]);
        yield bytes('later');
      })();
    const response = await respond(lazy);
    const what = "for an app returning a generator that calls startResponse('202 Accepted', [X-Lazy]) then yields 'later'";
    expect(response.status, `status ${what}`).toBe(202);
    expect(headerValues(response.headers, 'x-lazy'), `X-Lazy ${what}`).toEqual(['yes']);
    expect(text(await readBody(response.body)), `body ${what}`).toBe('later');

    const afterEmpty: TsgiApp = (_environ, startResponse) =>
      (async function* () {
        yield new Uint8Array(0);
        startResponse('201 Created', []);
        yield bytes('made');
      })();
    const late = await respond(afterEmpty);
    const what2 = "for an app returning a generator that yields an empty chunk, then calls startResponse('201 Created', []), then yields 'made'";
    expect(late.status, `status ${what2}`).toBe(201);
    expect(text(await readBody(late.body)), `body ${what2}`).toBe('made');
  });

  test('the head is handed to the server only with the first non-empty chunk', {
    rules: ['B5'],
    points: 3,
    hint: 'The server writes the status line as soon as your handler resolves. Resolve only once the body has produced a non-empty chunk (or ended; rule B5).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    const go = gate();
    let waiting = false;
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield new Uint8Array(0);
        waiting = true;
        await go.promise;
        yield bytes('now');
      })();
    };
    let resolved = false;
    let failed: unknown = null;
    const pending = respond(app).then(
      (response) => {
        resolved = true;
        return response;
      },
      (error: unknown) => {
        failed = error;
        throw error;
      },
    );
    pending.catch(() => {}); // awaited below; a failure must not also surface as unhandled
    await waitFor('the gateway to read past the empty chunk', () => waiting || failed !== null || resolved);
    if (failed !== null) throw failed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved, 'the handler resolved while the app\'s body had yielded only an empty chunk and was still working on the next').toBe(false);
    go.open();
    const response = await pending;
    expect(text(await readBody(response.body)), 'body of an app that yields an empty chunk, waits, then yields "now"').toBe('now');
  });

  test('empty chunks neither send the head nor end the body', {
    rules: ['B6'],
    hint: 'An empty chunk is not the end: keep reading until the body says it is done (rule B6).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    const empty = new Uint8Array(0);
    const chunks = [empty, bytes('a'), empty, empty, bytes('b'), empty];
    const response = await respond(answering('200 OK', [], chunks));
    expect(text(await readBody(response.body)), `body for ${answeringText('200 OK', [], chunks)}`).toBe('ab');
  });

  test('the server is never handed an empty chunk', {
    rules: ['B6'],
    hint: 'After the head too, read past empty chunks to the next non-empty one (or the end) before you hand the server anything (rule B6).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    const empty = new Uint8Array(0);
    const chunks = [bytes('a'), empty, bytes('b'), empty, empty];
    const response = await respond(answering('200 OK', [], chunks));
    const given = (await readChunks(response.body)).map((chunk) => text(chunk));
    expect(given, `chunks the server got for ${answeringText('200 OK', [], chunks)}`).toEqual(['a', 'b']);
  });

  test('a body with no bytes at all still sends its status and headers', {
    rules: ['B7'],
    hint: 'When the body ends before any non-empty chunk, resolve with the app\'s status and headers and an empty body (rule B7).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    for (const [status, code, chunks] of [['204 No Content', 204, []], ['204 No Content', 204, [new Uint8Array(0), new Uint8Array(0)]], ['200 OK', 200, []], ['302 Found', 302, [new Uint8Array(0)]]] as const) {
      const what = answeringText(status, [['X-Done', 'yes']], [...chunks]);
      const response = await respond(answering(status, [['X-Done', 'yes']], [...chunks]));
      expect(response.status, `status for ${what}`).toBe(code);
      expect(headerValues(response.headers, 'x-done'), `X-Done for ${what}`).toEqual(['yes']);
      expect((await readBody(response.body)).length, `body length for ${what}`).toBe(0);
    }
  });

  test('a chunk that is not a Uint8Array (a string) gets a 500', {
    rules: ['B2', 'R2'],
    points: 2,
    hint: 'Strings are not bytes: check every chunk with instanceof Uint8Array. A bad first chunk is caught before the head goes out, so it can still be a 500 (rule B2).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    for (const chunk of ['hello', 42, null, [104, 105], { length: 0 }]) {
      const response = await respond(answering('200 OK', [], [chunk]));
      expect(response.status, `status for ${answeringText('200 OK', [], [chunk])}`).toBe(500);
    }
  });

  test('a chunk that is not a Uint8Array after the head makes the server\'s body throw', {
    rules: ['B2', 'R4'],
    hint: 'Every chunk is checked, not only the first: a bad later chunk must reach the server as an error (rule B2).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    const chunks = [bytes('fine'), 'a string'];
    const response = await respond(answering('200 OK', [], chunks));
    let outcome = 'the body ended normally';
    const iterator = iteratorOf(response.body);
    try {
      for (let step = await bounded('the body iterator', () => iterator.next()); !step.done; ) {
        if (!(step.value instanceof Uint8Array)) {
          outcome = `the server was handed ${describeValue(step.value)}`;
          break;
        }
        step = await bounded('the body iterator', () => iterator.next());
      }
    } catch {
      outcome = 'the body threw';
    }
    expect(outcome, `reading the body for ${answeringText('200 OK', [], chunks)}`).toBe('the body threw');
  });

  test('a body that is not an iterable of chunks gets a 500', {
    rules: ['B1', 'R2'],
    points: 2,
    hint: 'A string is iterable (by characters) and a Uint8Array by numbers: neither is a body. Refuse them, empty ones too, and anything that is not iterable (rule B1).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    const bodies: unknown[] = ['Hello', '', bytes('Hello'), new Uint8Array(0), Buffer.from(''), null, undefined, 42, { chunks: [] }];
    for (const body of bodies) {
      const app: TsgiApp = (_environ, startResponse) => {
        startResponse('200 OK', []);
        return body as Uint8Array[];
      };
      expect((await respond(app)).status, `status for an app that calls startResponse('200 OK', []) and returns ${describeValue(body)}`).toBe(500);
    }
  });

  test('chunks go out as the app produces them, not all at the end', {
    rules: ['B4'],
    points: 2,
    hint: 'Hand the server an iterable that pulls from the app\'s body one chunk at a time; never collect the body first (rule B4).',
  }, async () => {
    const go = gate();
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield bytes('first;');
        await go.promise;
        yield bytes('second');
      })();
    };
    const port = await listen(app);
    const socket = await connect(port);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(GET);
    await waitFor(`the first chunk "first;" to reach the client while the app was still working (received so far: ${show(received)})`, () => received.includes('first;'));
    go.open();
    await waitFor('the rest of the body', () => received.endsWith('0\r\n\r\n'));
    expect(readResponse(received).body, `body received for ${show(GET)}`).toBe('first;second');
  });

  test('a Content-Length set by the app is kept, and the body goes out unchunked', {
    rules: ['B8'],
    points: 2,
    hint: 'Pass the app\'s Content-Length on with the other headers: lab 2 then frames the body by it (rule B8).',
  }, async () => {
    const headers: TsgiHeaders = [['Content-Type', 'text/plain'], ['Content-Length', '5']];
    const port = await listen(answering('200 OK', headers, [bytes('hel'), bytes('lo')]));
    const { raw } = await exchange(port, GET);
    const response = readResponse(raw);
    const what = `the response ${show(raw)} to ${answeringText('200 OK', headers, [bytes('hel'), bytes('lo')])}`;
    expect(headerValues(response.headers, 'content-length'), `Content-Length in ${what}`).toEqual(['5']);
    expect(headerValues(response.headers, 'transfer-encoding'), `Transfer-Encoding in ${what}`).toEqual([]);
    expect(response.body, `body of ${what}`).toBe('hello');
  });
});

milestone('errors-and-close', () => {
  test('an app that throws gets a 500, and the error goes to tsgi.errors', {
    rules: ['R1', 'R2'],
    points: 2,
    hint: 'Catch what the app throws, write it (with its message) to environ["tsgi.errors"], flush, and answer 500 (rules R1, R2).',
  }, async () => {
    const errors = errorLog();
    const response = await respond(() => {
      throw new Error('kaboom-17');
    }, {}, { errors });
    expect(response.status, "status for an app that throws new Error('kaboom-17')").toBe(500);
    expect(errors.text, "what tsgi.errors received for an app that throws new Error('kaboom-17')").toContain('kaboom-17');
    expect(errors.flushes, 'tsgi.errors.flush() calls after the failure').toBeGreaterThan(0);
  });

  test('a thrown value that is not an Error is written to tsgi.errors too', {
    rules: ['R1'],
    hint: 'Not everything thrown is an Error: write String(value) when there is no stack (rule R1).',
  }, async () => {
    const errors = errorLog();
    const response = await respond(() => {
      throw 'plain-string-99';
    }, {}, { errors });
    expect(response.status, "status for an app that throws the string 'plain-string-99'").toBe(500);
    expect(errors.text, "what tsgi.errors received for an app that throws the string 'plain-string-99'").toContain('plain-string-99');
  });

  test('an app that fails before the head gets a 500, whatever it chose', {
    rules: ['R2'],
    points: 2,
    hint: 'Until the first non-empty chunk, nothing has gone out: whatever went wrong, answer 500 instead (rule R2).',
  }, async () => {
    const apps: Array<[string, TsgiApp]> = [
      ['an async app that rejects', async () => {
        await Promise.resolve();
        throw new Error('rejected-23');
      }],
      ["an app that calls startResponse('201 Created', []) and returns a generator that yields an empty chunk, then throws", (_environ, startResponse) => {
        startResponse('201 Created', []);
        return (function* () {
          yield new Uint8Array(0);
          throw new Error('early-31');
        })();
      }],
      ["an app that returns ['no head'] without calling startResponse", () => [bytes('no head')]],
      ['an app that returns [] without calling startResponse', () => []],
      ["an app that calls startResponse('302 Found', [Location]) and then throws", (_environ, startResponse) => {
        startResponse('302 Found', [['Location', '/elsewhere']]);
        throw new Error('after-start');
      }],
    ];
    for (const [what, app] of apps) {
      const errors = errorLog();
      const response = await respond(app, {}, { errors });
      expect(response.status, `status for ${what}`).toBe(500);
    }
  });

  test('an Error is written to tsgi.errors with its stack', {
    rules: ['R1'],
    hint: 'For an Error, write error.stack (it starts with the message and goes on with the lines that say where it was thrown), not only error.message (rule R1).',
  }, async () => {
    const errors = errorLog();
    const thrown = new Error('stacked-57');
    await respond(() => {
      throw thrown;
    }, {}, { errors });
    const frame = (thrown.stack ?? '').split('\n').map((line) => line.trim()).find((line) => line.startsWith('at ')) ?? 'at ';
    expect(errors.text, `what tsgi.errors received for an app that throws new Error('stacked-57'): it should hold the stack line ${show(frame)}`).toContain(frame);
  });

  test('the gateway\'s own responses are short plain text', {
    rules: ['H6', 'E12', 'R2', 'R5'],
    hint: 'Answer the 404, the 500 and an HttpError\'s status with Content-Type text/plain; charset=utf-8 and a short body, such as the status line\'s text: `${status} ${STATUS_CODES[status]}` (rule H6).',
  }, async () => {
    const tooLarge = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        yield bytes('0123456789');
        throw new HttpError(413, 'the request body is larger than the server allows');
      },
    };
    const reading: TsgiApp = async (environ, startResponse) => {
      const data = await environ['tsgi.input'].read();
      startResponse('200 OK', []);
      return [data];
    };
    const cases: Array<[string, () => ReturnType<typeof respond>]> = [
      ['the 404 for GET /apple with scriptName /app', () => respond(answering('200 OK', [], [bytes('app')]), { target: '/apple' }, { scriptName: '/app' })],
      ["the 500 for an app that throws new Error('kaboom')", () => respond(() => {
        throw new Error('kaboom');
      })],
      ['the 413 for an app whose tsgi.input read throws HttpError(413)', () => respond(reading, { method: 'POST', body: tooLarge })],
    ];
    for (const [what, answer] of cases) {
      const response = await answer();
      const types = headerValues(response.headers, 'content-type');
      expect(types.map((type) => type.split(';')[0]!.trim().toLowerCase()), `the media type of the Content-Type headers of ${what}`).toEqual(['text/plain']);
      const body = text(await readBody(response.body));
      expect(body.trim().length > 0, `the body of ${what} should be a short text, got ${show(body)}`).toBe(true);
    }
  });

  test('a failure once the client has gone writes no stack trace to tsgi.errors', {
    rules: ['R6'],
    points: 2,
    hint: 'When request.signal is aborted, the client went away: that failure is not the app\'s. Check request.signal.aborted before you write to tsgi.errors, and write nothing, or one short line (rule R6).',
  }, async () => {
    /** A request body that, like lab 2's, fails once the client has gone, after aborting the request's signal. */
    const leaving = () => {
      const controller = new AbortController();
      const gone = new Error('the client disconnected');
      const body = {
        async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
          yield bytes('part of the upload');
          controller.abort(gone);
          throw gone;
        },
      };
      return { signal: controller.signal, body, gone };
    };
    const before: TsgiApp = async (environ, startResponse) => {
      const data = await environ['tsgi.input'].read();
      startResponse('200 OK', []);
      return [data];
    };
    const after: TsgiApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield bytes('reading your upload...');
        yield await environ['tsgi.input'].read();
      })();
    };
    const apps: Array<[string, TsgiApp]> = [
      ['an app that reads tsgi.input before it calls startResponse', before],
      ['an app whose body yields a chunk, then reads tsgi.input', after],
    ];
    for (const [what, app] of apps) {
      const { signal, body, gone } = leaving();
      const errors = errorLog();
      const response = await respond(app, { method: 'POST', body, signal }, { errors });
      await readBody(response.body).catch(() => {});
      const story = `for ${what}, whose client went away while it was read (request.signal aborted, the body failing with new Error('the client disconnected')): tsgi.errors received ${show(errors.text)}`;
      const frame = (gone.stack ?? '').split('\n').map((line) => line.trim()).find((line) => line.startsWith('at ')) ?? 'at ';
      expect(errors.text.includes(frame) || /\n\s+at /.test(errors.text), `a stack trace in tsgi.errors ${story}`).toBe(false);
      expect(errors.text.split('\n').filter((line) => line.trim() !== '').length, `lines written to tsgi.errors ${story}`).toBeLessThanOrEqual(1);
    }
  });

  test('the 500 carries none of the headers the app chose', {
    rules: ['R3'],
    hint: 'The error response is the gateway\'s own: a Content-Length or Set-Cookie meant for the page that failed must not go with it (rule R3).',
  }, async () => {
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', [['Set-Cookie', 'session=admin'], ['Content-Length', '999'], ['X-Page', 'home']]);
      return (function* () {
        throw new Error('render failed');
      })();
    };
    const response = await respond(app);
    const what = "for an app that calls startResponse('200 OK', [Set-Cookie, Content-Length: 999, X-Page]) and whose body throws at once";
    expect(response.status, `status ${what}`).toBe(500);
    const chosen = ['set-cookie: session=admin', 'content-length: 999', 'x-page: home'];
    const leaked = response.headers.filter(([name, value]) => chosen.includes(`${name.toLowerCase()}: ${value}`));
    expect(pairs(leaked), `the app's headers on the 500 ${what}`).toEqual([]);
  });

  test('the handler resolves, never rejects, whatever the app does', {
    rules: ['H2'],
    hint: 'Catch every failure of the app in the handler and answer it yourself: lab 2 knows nothing of tsgi.errors or of the app\'s body (rule H2).',
  }, async () => {
    const apps: Array<[string, TsgiApp]> = [
      ['an app that throws', () => {
        throw new Error('thrown');
      }],
      ['an async app that rejects', async () => {
        throw new Error('rejected');
      }],
      ['an app that returns 42', (_environ, startResponse) => {
        startResponse('200 OK', []);
        return 42 as unknown as Uint8Array[];
      }],
      ['an app whose body throws at once', (_environ, startResponse) => {
        startResponse('200 OK', []);
        return (async function* () {
          throw new Error('body');
        })();
      }],
      ["an app that calls startResponse('200', [])", (_environ, startResponse) => {
        startResponse('200', []);
        return [bytes('x')];
      }],
    ];
    for (const [what, app] of apps) {
      // respond() fails the test, naming rule H2, if the handler rejects.
      const response = await respond(app);
      expect(response.status, `status for ${what}`).toBe(500);
    }
  });

  test('a failure after the head went out aborts the connection: the body never ends', {
    rules: ['R4'],
    points: 3,
    hint: 'Too late for a 500: let the error escape from the body iterator you gave the server. Lab 2 then cuts the connection, so the client knows the body is incomplete (rule R4).',
  }, async () => {
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield bytes('partial ');
        throw new Error('late-41');
      })();
    });
    const { raw, closed } = await exchange(port, GET);
    const what = "an app whose async generator yields 'partial ' then throws";
    expect(closed, `the connection should be closed after ${what}; received ${show(raw)}`).toBe(true);
    const response = readResponse(raw);
    expect(show(response.statusLine), `status line for ${what}`).toBe(show('HTTP/1.1 200 OK'));
    expect(response.body, `body received for ${what}`).toBe('partial ');
    expect(response.complete, `the body should look incomplete after ${what}; received ${show(raw)}`).toBe(false);
  });

  test('a failure after the head went out is still written to tsgi.errors', {
    rules: ['R1', 'R4'],
    hint: 'The body iterator you hand the server logs the app\'s error to tsgi.errors before it throws it on (rules R1, R4).',
  }, async () => {
    const errors = errorLog();
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield bytes('partial');
        throw new Error('late-43');
      })();
    }, {}, { errors });
    let failed = false;
    await readBody(response.body).catch(() => (failed = true));
    const what = "an app whose async generator yields 'partial' then throws new Error('late-43')";
    expect(failed, `the body iterator handed to the server should throw for ${what}`).toBe(true);
    expect(errors.text, `what tsgi.errors received for ${what}`).toContain('late-43');
    expect(errors.flushes, `tsgi.errors.flush() calls for ${what}`).toBeGreaterThan(0);
  });

  test('excInfo after the head went out is thrown back at the app', {
    rules: ['S8'],
    points: 2,
    hint: 'Once the first chunk is on its way, startResponse(status, headers, excInfo) must throw excInfo itself (rule S8).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const original = new Error('failed-mid-page');
    let thrown: unknown = 'nothing was thrown';
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield bytes('<p>half a page');
        try {
          startResponse('500 Internal Server Error', [], original);
        } catch (error) {
          thrown = error;
          throw error;
        }
        yield bytes('error page');
      })();
    });
    await readBody(response.body).catch(() => {});
    expect(thrown, "what startResponse('500 Internal Server Error', [], original) threw, called by the app's generator after it yielded '<p>half a page'").toBe(original);
  });

  test('an HttpError from reading tsgi.input gets its own status, not 500', {
    rules: ['R5'],
    points: 2,
    hint: 'A body over the server\'s limit is the client\'s fault: when the failure is an HttpError, answer with error.status (rule R5).',
  }, async () => {
    const tooLarge = {
      started: false,
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        yield bytes('0123456789');
        throw new HttpError(413, 'the request body is larger than the server allows');
      },
    };
    const app: TsgiApp = async (environ, startResponse) => {
      const data = await environ['tsgi.input'].read();
      startResponse('200 OK', []);
      return [data];
    };
    const response = await respond(app, { method: 'POST', body: tooLarge });
    expect(response.status, 'status for an app that reads tsgi.input, whose reading throws HttpError(413)').toBe(413);
  });

  test('a body over the server\'s limit gets 413 through serve()', {
    rules: ['R5', 'N2'],
    hint: 'serve() hands limits to lab 2; reading the oversized body then throws an HttpError, which the gateway answers with its status (rule R5).',
  }, async () => {
    const app: TsgiApp = async (environ, startResponse) => {
      const data = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [data];
    };
    let called = false;
    const reading: TsgiApp = (environ, startResponse) => {
      called = true;
      return app(environ, startResponse);
    };
    const port = await serveOnFreePort(reading, { limits: { maxBodyBytes: 16 } });
    const head = 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    const body = '14\r\n01234567890123456789\r\n14\r\n01234567890123456789\r\n0\r\n\r\n';
    const socket = await connect(port);
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    // The head first, so that the limit is passed while the app reads its input (not before it runs).
    socket.write(head);
    await waitFor('the app to be called for the head of a chunked POST', () => called);
    socket.write(body);
    await waitFor(`a status line in response to ${show(head + body)} (received so far: ${show(received)})`, () => received.includes('\r\n'));
    const statusLine = received.split('\r\n')[0] ?? '';
    expect(show(statusLine.slice(0, 13)), `start of the status line for ${show(head + body)} with limits.maxBodyBytes 16, to an app that reads its input; received ${show(received)}`).toBe(show('HTTP/1.1 413 '));
  });

  test('close() is called once when the body has been read to its end', {
    rules: ['C1'],
    points: 2,
    hint: 'PEP 3333: if the body has a close() method, the server must call it when it is done with the body. Exactly once, and not before (rule C1).',
  }, async () => {
    const list = withClose([bytes('a'), bytes('b')]);
    const generator = withClose((function* () {
      yield bytes('c');
    })());
    for (const [what, { body, closes }] of [['a list with close()', list], ['a generator with close()', generator]] as const) {
      const response = await respond((_environ, startResponse) => {
        startResponse('200 OK', []);
        return body;
      });
      expect(closes(), `close() calls for ${what} before the server read the body`).toBe(0);
      const iterator = iteratorOf(response.body);
      for (let step = await bounded('the body iterator', () => iterator.next()); !step.done; ) {
        step = await bounded('the body iterator', () => iterator.next());
      }
      await waitFor(`close() to be called for ${what} read to its end`, () => closes() > 0, 500);
      // A server may also call return() once it is done: the body is still closed only once.
      await bounded('the body iterator\'s return()', () => iterator.return?.());
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(closes(), `close() calls for ${what} read to its end, then return()`).toBe(1);
    }
  });

  test('close() is called once when the body fails, before or after the head', {
    rules: ['C1'],
    points: 2,
  }, async () => {
    for (const first of [new Uint8Array(0), bytes('x')]) {
      const what = `a generator with close() that yields ${first.length === 0 ? 'an empty chunk' : "'x'"}, then throws`;
      const { body, closes } = withClose((function* () {
        yield first;
        throw new Error('broken');
      })());
      const response = await respond((_environ, startResponse) => {
        startResponse('200 OK', []);
        return body;
      });
      await readBody(response.body).catch(() => {});
      await waitFor(`close() to be called for ${what}`, () => closes() > 0, 500);
      expect(closes(), `close() calls for ${what}`).toBe(1);
    }
  });

  test('close() is called once when a chunk is refused or startResponse was never called', {
    rules: ['C1'],
  }, async () => {
    const refused = withClose(['not bytes'] as unknown as Uint8Array[]);
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return refused.body;
    });
    expect(response.status, "status for a list with close() holding the string 'not bytes'").toBe(500);
    await waitFor('close() to be called for a refused chunk', () => refused.closes() > 0, 500);
    expect(refused.closes(), "close() calls for a list with close() holding the string 'not bytes'").toBe(1);
    const headless = withClose([bytes('x')]);
    expect((await respond(() => headless.body)).status, 'status for a list with close() returned without startResponse').toBe(500);
    await waitFor('close() to be called when startResponse was never called', () => headless.closes() > 0, 500);
    expect(headless.closes(), 'close() calls for a list with close() returned without startResponse').toBe(1);
  });

  test('close() is called once when the server stops reading early (return())', {
    rules: ['C2', 'C1'],
    points: 2,
    hint: 'For HEAD, or when the client leaves, the server calls return() on the body iterator you gave it. That must close the app\'s body too, even before any next(), and resolve with { done: true, value: undefined } (rule C2).',
  }, async () => {
    const { body, closes } = withClose((function* () {
      yield bytes('one');
      yield bytes('two');
      yield bytes('three');
    })());
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    const iterator = iteratorOf(response.body);
    const step = await bounded('the body iterator', () => iterator.next());
    expect(step.done, 'the first next() of the body handed to the server').toBe(false);
    expect(typeof iterator.return, 'the type of return on the body iterator handed to the server').toBe('function');
    const returned = await bounded('the body iterator\'s return()', () => iterator.return!());
    expect(returned, 'what return() on the body iterator handed to the server resolved with, after one next()').toEqual({ done: true, value: undefined });
    await waitFor('close() to be called after one next() and return()', () => closes() > 0, 500);
    expect(closes(), 'close() calls after one next() and return()').toBe(1);

    // A HEAD request: the server calls return() without ever calling next().
    const unread = withClose((function* () {
      yield bytes('never read by the server');
    })());
    const untouched = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return unread.body;
    });
    const fresh = iteratorOf(untouched.body);
    const early = await bounded('the body iterator\'s return()', () => fresh.return?.());
    expect(early, 'what return() on the body iterator handed to the server resolved with, before any next()').toEqual({ done: true, value: undefined });
    await waitFor('close() to be called when return() comes before any next()', () => unread.closes() > 0, 500);
    expect(unread.closes(), 'close() calls when return() comes before any next()').toBe(1);
  });

  test('close() is called once for a HEAD request, whose body is never sent', {
    rules: ['C1', 'C2'],
    points: 2,
  }, async () => {
    const { body, closes } = withClose((function* () {
      yield bytes('not for HEAD');
      yield bytes('nor this');
    })());
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const { raw } = await exchange(port, HEAD);
    expect(show(raw.split('\r\n')[0] ?? ''), `status line for ${show(HEAD)}`).toBe(show('HTTP/1.1 200 OK'));
    await waitFor('close() to be called for a HEAD request', () => closes() > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes(), 'close() calls for a HEAD request').toBe(1);
  });

  test('close() is called once when the client disconnects in the middle of the body', {
    rules: ['C1', 'C2'],
    points: 3,
    hint: 'When the client leaves, lab 2 stops reading and calls return() on your body iterator: pass that on as close() (rule C2).',
  }, async () => {
    let produced = 0;
    const { body, closes } = withClose((async function* () {
      while (produced < 2000) {
        produced += 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield bytes('x'.repeat(1024));
      }
    })());
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const socket = await connect(port);
    socket.on('error', () => {});
    socket.once('data', () => socket.destroy());
    socket.write(GET);
    await waitFor('close() to be called after the client went away', () => closes() > 0, 3000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes(), 'close() calls after the client went away mid-body').toBe(1);
  });

  test('a HEAD request, or a client that leaves, runs the generator\'s finally', {
    rules: ['C3'],
    points: 2,
    hint: 'Before close(), call the return() of the app\'s own iterator: a generator stopped at a yield runs its finally blocks only then (rule C3).',
  }, async () => {
    let finished = 0;
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          for (let i = 0; i < 2000; i++) {
            await new Promise((resolve) => setTimeout(resolve, 2));
            yield bytes('y'.repeat(512));
          }
        } finally {
          finished += 1;
        }
      })();
    };
    const port = await listen(app);
    const { raw } = await exchange(port, HEAD);
    expect(show(raw.split('\r\n')[0] ?? ''), `status line for ${show(HEAD)}`).toBe(show('HTTP/1.1 200 OK'));
    await waitFor('the finally block of the app\'s generator to run after a HEAD request', () => finished > 0, 2000);

    const socket = await connect(port);
    socket.on('error', () => {});
    socket.once('data', () => socket.destroy());
    socket.write(GET);
    await waitFor('the finally block of the app\'s generator to run after the client went away', () => finished > 1, 3000);
    expect(finished, 'finally blocks run: one for HEAD, one for the client that left').toBe(2);
  });

  test('close() is called even when the iterator\'s return() throws', {
    rules: ['C3'],
    hint: 'Call close() in a finally around the iterator\'s return(): a generator whose cleanup fails must still be closed (rule C3).',
  }, async () => {
    const { body, closes } = withClose((function* () {
      try {
        yield bytes('one');
        yield bytes('two');
      } finally {
        throw new Error('cleanup failed');
      }
    })());
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    const iterator = iteratorOf(response.body);
    await bounded('the body iterator', () => iterator.next());
    await Promise.resolve(bounded('the body iterator\'s return()', () => iterator.return?.())).catch(() => {});
    await waitFor('close() to be called after return() threw', () => closes() > 0, 500);
    expect(closes(), 'close() calls for a generator whose finally throws, after one next() and return()').toBe(1);
  });

  test('a value that is not a body but has close() is closed before the 500', {
    rules: ['C1', 'B1'],
    hint: 'A value refused as a body may still hold a resource: if it has a close() method, call it before you answer 500 (rule C1).',
    lesson: '03-gateway.md#closing-the-body',
  }, async () => {
    for (const [what, value] of [['an object with only a close()', {}], ['a Uint8Array with a close()', bytes('x')]] as const) {
      const { body, closes } = withClose(value);
      const response = await respond((_environ, startResponse) => {
        startResponse('200 OK', []);
        return body as unknown as Uint8Array[];
      });
      expect(response.status, `status for an app that returns ${what}`).toBe(500);
      expect(closes(), `close() calls for an app that returns ${what}, once the handler resolved`).toBe(1);
    }
  });

  test('return() of the app\'s iterator runs before close()', {
    rules: ['C3'],
    hint: 'First the iterator\'s return() (the generator\'s finally), then, in a finally, the body\'s close() (rule C3).',
    lesson: '03-gateway.md#closing-the-body',
  }, async () => {
    const events: string[] = [];
    const generator = (function* () {
      try {
        yield bytes('one');
        yield bytes('two');
      } finally {
        events.push('finally');
      }
    })();
    const body = Object.assign(generator, { close: () => void events.push('close()') });
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    const iterator = iteratorOf(response.body);
    await bounded('the body iterator', () => iterator.next());
    await bounded('the body iterator\'s return()', () => iterator.return?.());
    await waitFor('close() to be called after return()', () => events.includes('close()'), 500);
    expect(events, "what ran, in order, for a generator with close() stopped by return() after one next()").toEqual(['finally', 'close()']);
  });

  test('a close() that throws before the head still gets the 500, and is logged', {
    rules: ['H2', 'R1'],
    hint: 'Catch what close() throws: it is one more failure of the app to log, and the 500 must still go out (rules H2, R1).',
    lesson: '03-gateway.md#before-the-head-after-the-head',
  }, async () => {
    const throwing = () => {
      throw new Error('close failed');
    };
    const cases: Array<[string, TsgiApp]> = [
      ['a list with a throwing close() holding the string \'x\'', (_environ, startResponse) => {
        startResponse('200 OK', []);
        return Object.assign(['x'] as unknown as Uint8Array[], { close: throwing });
      }],
      ['a list with a throwing close(), returned without startResponse', () => Object.assign([bytes('x')], { close: throwing })],
      ['an object with only a throwing close()', (_environ, startResponse) => {
        startResponse('200 OK', []);
        return { close: throwing } as unknown as Uint8Array[];
      }],
    ];
    for (const [what, app] of cases) {
      const log = errorLog();
      const response = await respond(app, {}, { errors: log });
      expect(response.status, `status for an app that returns ${what}`).toBe(500);
      expect(log.text, `what tsgi.errors received for an app that returns ${what}`).toContain('close failed');
    }
  });

  test('a thrown value that String() cannot convert is still logged and answered', {
    rules: ['H2', 'R1'],
    hint: 'String(Object.create(null)) throws: describe such a value another way (Object.prototype.toString), and still answer 500 (rules H2, R1).',
    lesson: '03-gateway.md#before-the-head-after-the-head',
  }, async () => {
    const log = errorLog();
    const response = await respond(() => {
      throw Object.create(null);
    }, {}, { errors: log });
    expect(response.status, 'status for an app that throws Object.create(null)').toBe(500);
    expect(log.text.length > 0 && log.flushes > 0, `tsgi.errors written and flushed for an app that throws Object.create(null) (written: ${show(log.text)}, flushes: ${log.flushes})`).toBe(true);
  });
});

function describeValue(value: unknown): string {
  if (value instanceof Uint8Array) return value.length === 0 ? 'an empty Uint8Array' : `the bytes ${show(value)}`;
  if (typeof value === 'string') return `the string ${show(value)}`;
  return String(JSON.stringify(value) ?? value);
}
