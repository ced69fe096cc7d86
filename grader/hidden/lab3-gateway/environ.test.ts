// Hidden tests for lab 3: building the environ (milestone 1) and tsgi.input (milestone 2).
// Requests are object literals that satisfy lab 2's ServerRequest, so no socket is involved.
// Every expectation names the request (or the chunks of the body) that produced it.
import { expect } from 'vitest';
import type { Environ } from '#contracts/tsgi';
import { buildEnviron, decodePath, Input, splitTarget, type GatewayOptions } from '@lab/gateway';
import { bounded, concatBytes, milestone, show, test, text } from '../../harness/index.ts';
import { delay, describeRequest, fakeRequest, quiet, source, type FakeRequestInit } from './support.ts';

/** The environ for a fake request; fails the test if buildEnviron says "not this app's". */
function environ(init: FakeRequestInit = {}, options: GatewayOptions = {}): Environ {
  const built = bounded('buildEnviron', () => buildEnviron(fakeRequest(init), { errors: quiet, ...options }));
  expect(built, `buildEnviron(${describeRequest(init)}, ${JSON.stringify(options)}) should be an environ, not null`).not.toBeNull();
  return built!;
}

/** PATH_INFO for a target, shown with its bytes escaped. */
const path = (target: string, options?: GatewayOptions) => show(environ({ target }, options).PATH_INFO);

/** The keys of an environ, for a failure message. */
const keysOf = (env: Environ) => Object.keys(env).sort().join(', ');

milestone('environ', () => {
  test('REQUEST_METHOD and SERVER_PROTOCOL come from the request as sent', {
    rules: ['E2'],
    hint: 'Copy request.method and request.version as they are: no uppercasing, no list of known methods (rule E2).',
  }, () => {
    for (const method of ['PATCH', 'M-SEARCH', 'patch', 'Get']) {
      expect(environ({ method }).REQUEST_METHOD, `REQUEST_METHOD for the method ${method}`).toBe(method);
    }
    for (const version of ['HTTP/1.0', 'HTTP/1.1'] as const) {
      expect(environ({ version }).SERVER_PROTOCOL, `SERVER_PROTOCOL for a ${version} request`).toBe(version);
    }
  });

  test('SCRIPT_NAME is the scriptName option, and empty without it', {
    rules: ['E10'],
    hint: 'SCRIPT_NAME is always there: options.scriptName, or \'\' when the option is not given (rule E10).',
  }, () => {
    const env = environ({ target: '/notes/42' });
    expect('SCRIPT_NAME' in env, `SCRIPT_NAME should be in the environ of GET /notes/42; its keys: ${keysOf(env)}`).toBe(true);
    expect(env.SCRIPT_NAME, 'SCRIPT_NAME without a scriptName option').toBe('');
    expect(environ({ target: '/app/x' }, { scriptName: '/app' }).SCRIPT_NAME, 'SCRIPT_NAME for GET /app/x with scriptName /app').toBe('/app');
  });

  test('at the root, PATH_INFO is the whole path', {
    rules: ['E11'],
    points: 2,
  }, () => {
    expect(path('/notes/42'), 'PATH_INFO for GET /notes/42 at the root').toBe(show('/notes/42'));
    expect(path('/'), 'PATH_INFO for GET / at the root').toBe(show('/'));
  });

  test('QUERY_STRING is what follows the first ?, not decoded', {
    rules: ['E7', 'E4'],
    points: 2,
    hint: 'Split the target at its first "?" and pass the rest on untouched: the app decodes the query, not the gateway (rule E7).',
  }, () => {
    const target = '/search?q=caf%C3%A9&tag=a+b&next=/x?y';
    const env = environ({ target });
    expect(env.PATH_INFO, `PATH_INFO for GET ${target}`).toBe('/search');
    expect(env.QUERY_STRING, `QUERY_STRING for GET ${target}`).toBe('q=caf%C3%A9&tag=a+b&next=/x?y');
  });

  test('splitTarget splits an origin-form target at its first ?', {
    rules: ['E4'],
    hint: 'The path is everything before the first "?", the query everything after it, "" when there is none. A URL inside an origin-form target is no absolute-form: that form starts at the very beginning (rule E4).',
  }, () => {
    const cases: Array<[string, { path: string; query: string }]> = [
      ['/a/b?x=1&y=%20', { path: '/a/b', query: 'x=1&y=%20' }],
      ['/a', { path: '/a', query: '' }],
      ['/p?next=/x?y', { path: '/p', query: 'next=/x?y' }],
      ['/plain?', { path: '/plain', query: '' }],
      ['/?', { path: '/', query: '' }],
      ['/go/http://example.com/x', { path: '/go/http://example.com/x', query: '' }],
      ['/r?to=https://example.com/a', { path: '/r', query: 'to=https://example.com/a' }],
    ];
    for (const [target, expected] of cases) {
      expect(bounded('splitTarget', () => splitTarget(target)), `splitTarget(${show(target)})`).toEqual(expected);
    }
    expect(environ({ target: '/plain' }).QUERY_STRING, 'QUERY_STRING for GET /plain').toBe('');
  });

  test('an absolute-form target loses its scheme and authority', {
    rules: ['E5'],
    hint: 'A client talking to a proxy sends GET http://host/path HTTP/1.1. Drop "scheme://" and the authority up to the next "/", "?" or "#"; what is left is split as usual, and an empty path is "/" (rule E5).',
  }, () => {
    const cases: Array<[string, { path: string; query: string }]> = [
      ['http://example.com:8080/a?b', { path: '/a', query: 'b' }],
      ['http://example.com:8080/a/b?x=1', { path: '/a/b', query: 'x=1' }],
      ['http://example.com', { path: '/', query: '' }],
      ['http://example.com?x=1', { path: '/', query: 'x=1' }],
      ['https://user@example.com/p', { path: '/p', query: '' }],
    ];
    for (const [target, expected] of cases) {
      expect(bounded('splitTarget', () => splitTarget(target)), `splitTarget(${show(target)})`).toEqual(expected);
    }
    const env = environ({ target: 'http://example.com:8080/a/b?x=1' });
    expect([env.PATH_INFO, env.QUERY_STRING], 'PATH_INFO and QUERY_STRING for GET http://example.com:8080/a/b?x=1').toEqual(['/a/b', 'x=1']);
  });

  test('a #fragment is cut off before the target is split', {
    rules: ['E6'],
    hint: 'Cut "#" and everything after it first, then split at "?": a "?" after the "#" belongs to the fragment (rule E6).',
    lesson: '03-gateway.md#the-path-and-the-query',
  }, () => {
    const cases: Array<[string, { path: string; query: string }]> = [
      ['/a?b#c', { path: '/a', query: 'b' }],
      ['/a#b?c', { path: '/a', query: '' }],
      ['/page#top', { path: '/page', query: '' }],
      ['http://example.com#frag', { path: '/', query: '' }],
    ];
    for (const [target, expected] of cases) {
      expect(bounded('splitTarget', () => splitTarget(target)), `splitTarget(${show(target)})`).toEqual(expected);
    }
    expect(path('/doc#s?x'), 'PATH_INFO for GET /doc#s?x').toBe(show('/doc'));
  });

  test('PATH_INFO is percent-decoded into bytes as text: %C3%A9 is two characters', {
    rules: ['E8'],
    points: 3,
    hint: 'Each %XX becomes the one character whose code is 0xXX, as String.fromCharCode does. Do not decode the bytes as UTF-8: that is the app\'s job (rule E8).',
  }, () => {
    const cases: Array<[string, string]> = [
      ['/caf%C3%A9', '/caf\xc3\xa9'],
      ['/%e2%82%ac', '/\xe2\x82\xac'],
      ['/%Ff%00', '/\xff\x00'],
      ['/a%20b', '/a b'],
      ['/a+b', '/a+b'],
      ['/a%2Fb', '/a/b'],
    ];
    for (const [target, expected] of cases) expect(path(target), `PATH_INFO for GET ${target}`).toBe(show(expected));
    expect(bounded('decodePath', () => decodePath('/caf%C3%A9/%41')), "decodePath('/caf%C3%A9/%41')").toBe('/caf\xc3\xa9/A');
  });

  test('a % that does not start a two-digit hex escape is kept as it is', {
    rules: ['E8'],
    hint: 'Only "%" followed by two hex digits is an escape; any other "%" stays. decodeURIComponent throws on these (rule E8).',
    lesson: '03-gateway.md#bytes-as-text',
  }, () => {
    for (const [target, expected] of [['/100%', '/100%'], ['/a%zzb', '/a%zzb'], ['/%4', '/%4'], ['/%%41', '/%A'], ['/%g1', '/%g1']]) {
      expect(path(target!), `PATH_INFO for GET ${target}`).toBe(show(expected!));
    }
  });

  test('header values are passed on unchanged, bytes as text', {
    rules: ['E9'],
    hint: 'Lab 1 already read the value one character per byte: copy it as it is, without decoding or trimming (rule E9).',
    lesson: '03-gateway.md#bytes-as-text',
  }, () => {
    const headers: Array<[string, string]> = [['host', 'example.com'], ['x-name', 'Jos\xc3\xa9'], ['x-raw', 'a\tb \xff,  c']];
    const env = environ({ headers });
    expect(show(String(env.HTTP_X_NAME)), `HTTP_X_NAME for ${describeRequest({ headers })}`).toBe(show('Jos\xc3\xa9'));
    expect(show(String(env.HTTP_X_RAW)), `HTTP_X_RAW for ${describeRequest({ headers })}`).toBe(show('a\tb \xff,  c'));
  });

  test('under a mount point, SCRIPT_NAME is the mount and PATH_INFO the rest', {
    rules: ['E11', 'E10'],
    points: 3,
    hint: 'Compare the decoded path with the mount point; PATH_INFO is what follows it, "" when the path is the mount point itself (rule E11).',
  }, () => {
    const cases: Array<[string, [string, string]]> = [
      ['/app/notes', ['/app', '/notes']],
      ['/app', ['/app', '']],
      ['/app/', ['/app', '/']],
      ['/app/a/b?x=1', ['/app', '/a/b']],
      ['/%61pp/x', ['/app', '/x']],
      ['/app/caf%C3%A9', ['/app', '/caf\xc3\xa9']],
    ];
    for (const [target, expected] of cases) {
      const env = environ({ target }, { scriptName: '/app' });
      expect([env.SCRIPT_NAME, show(env.PATH_INFO)], `[SCRIPT_NAME, PATH_INFO] for GET ${target} with scriptName /app`).toEqual([expected[0], show(expected[1])]);
    }
    const deep = environ({ target: '/a/b/c' }, { scriptName: '/a/b' });
    expect([deep.SCRIPT_NAME, deep.PATH_INFO], '[SCRIPT_NAME, PATH_INFO] for GET /a/b/c with scriptName /a/b').toEqual(['/a/b', '/c']);
  });

  test('a path outside the mount point is not the app\'s: buildEnviron returns null', {
    rules: ['E12', 'E11'],
    points: 2,
    hint: 'Inside means: the decoded path equals SCRIPT_NAME, or starts with SCRIPT_NAME followed by "/". "/apple" is not inside "/app", and case matters (rules E11, E12).',
  }, () => {
    for (const target of ['/apple', '/', '/ap', '/other/app', '/APP/x', '/app%2e']) {
      const built = bounded('buildEnviron', () => buildEnviron(fakeRequest({ target }), { scriptName: '/app', errors: quiet }));
      expect(built, `buildEnviron for GET ${target} with scriptName /app should be null`).toBeNull();
    }
  });

  test('Content-Type and Content-Length become CONTENT_TYPE and CONTENT_LENGTH, without HTTP_', {
    rules: ['E13'],
    points: 2,
    hint: 'These two are the CGI exceptions: no HTTP_ prefix, and never also as HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH (rule E13).',
  }, () => {
    const init: FakeRequestInit = {
      method: 'POST',
      headers: [['host', 'example.com'], ['content-type', 'application/json; charset=utf-8'], ['content-length', '17']],
    };
    const env = environ(init);
    const request = describeRequest(init);
    expect(env.CONTENT_TYPE, `CONTENT_TYPE for ${request}`).toBe('application/json; charset=utf-8');
    expect(env.CONTENT_LENGTH, `CONTENT_LENGTH for ${request}`).toBe('17');
    expect('HTTP_CONTENT_TYPE' in env, `HTTP_CONTENT_TYPE should not be in the environ of ${request}`).toBe(false);
    expect('HTTP_CONTENT_LENGTH' in env, `HTTP_CONTENT_LENGTH should not be in the environ of ${request}`).toBe(false);
  });

  test('a Content-Length repeated as a list (12, 12) gives CONTENT_LENGTH 12', {
    rules: ['E13'],
    hint: 'Lab 1 lets equal copies through as one list: take the part before the first comma, trimmed (rule E13).',
  }, () => {
    for (const value of ['12, 12', '12,12', '12 , 12, 12']) {
      const init: FakeRequestInit = { method: 'POST', headers: [['host', 'x'], ['content-length', value]] };
      expect(environ(init).CONTENT_LENGTH, `CONTENT_LENGTH for ${describeRequest(init)}`).toBe('12');
    }
  });

  test('a header the request does not have has no key at all, not an empty one', {
    rules: ['E3'],
    hint: 'Leave the keys out of the environ entirely: "CONTENT_TYPE" in environ must be false (rule E3).',
  }, () => {
    const init: FakeRequestInit = { headers: [['host', 'example.com']] };
    const env = environ(init);
    const request = describeRequest(init);
    expect('CONTENT_TYPE' in env, `CONTENT_TYPE should not be in the environ of ${request}; its keys: ${keysOf(env)}`).toBe(false);
    expect('CONTENT_LENGTH' in env, `CONTENT_LENGTH should not be in the environ of ${request}; its keys: ${keysOf(env)}`).toBe(false);
    const httpKeys = Object.keys(env).filter((key) => key.startsWith('HTTP_'));
    expect(httpKeys, `the HTTP_ keys of the environ of ${request}`).toEqual(['HTTP_HOST']);
    const hostless: FakeRequestInit = { version: 'HTTP/1.0', headers: [['accept', '*/*']] };
    const hostlessEnv = environ(hostless);
    expect('HTTP_HOST' in hostlessEnv, `HTTP_HOST should not be in the environ of ${describeRequest(hostless)}; its keys: ${keysOf(hostlessEnv)}`).toBe(false);
  });

  test('every other header becomes HTTP_ + its name in capitals, - as _', {
    rules: ['E15'],
    points: 3,
    hint: 'HTTP_, then the name in capitals with every "-" (not only the first) as "_" (rule E15).',
  }, () => {
    const headers: Array<[string, string]> = [
      ['host', 'example.com:8080'],
      ['user-agent', 'curl/8.5.0'],
      ['accept-language', 'fr-CH, fr;q=0.9'],
      ['x-request-id', 'abc-123'],
      ['dnt', '1'],
      ['x-a-b-c', 'deep'],
    ];
    const env = environ({ headers });
    const request = describeRequest({ headers });
    const expected: Record<string, string> = {
      HTTP_HOST: 'example.com:8080',
      HTTP_USER_AGENT: 'curl/8.5.0',
      HTTP_ACCEPT_LANGUAGE: 'fr-CH, fr;q=0.9',
      HTTP_X_REQUEST_ID: 'abc-123',
      HTTP_DNT: '1',
      HTTP_X_A_B_C: 'deep',
    };
    const httpKeys = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith('HTTP_')));
    expect(httpKeys, `the HTTP_ keys of the environ of ${request}`).toEqual(expected);
  });

  test('header names that contain _ are dropped', {
    rules: ['E14'],
    points: 2,
    hint: 'X_Forwarded_For and X-Forwarded-For would both become HTTP_X_FORWARDED_FOR. Skip any header whose name contains "_" (rule E14).',
  }, () => {
    for (const headers of [
      [['host', 'x'], ['x_forwarded_for', '6.6.6.6'], ['x-forwarded-for', '10.0.0.1']],
      [['host', 'x'], ['x-forwarded-for', '10.0.0.1'], ['x_forwarded_for', '6.6.6.6']],
    ] as Array<Array<[string, string]>>) {
      expect(environ({ headers }).HTTP_X_FORWARDED_FOR, `HTTP_X_FORWARDED_FOR for ${describeRequest({ headers })}`).toBe('10.0.0.1');
    }
    const headers: Array<[string, string]> = [['host', 'x'], ['x_secret', 'letmein']];
    const env = environ({ headers });
    const leaked = Object.entries(env).filter(([, value]) => value === 'letmein').map(([key]) => key);
    expect(leaked, `keys holding the value of x_secret, for ${describeRequest({ headers })}`).toEqual([]);
  });

  test('repeated headers are joined with ", ", cookies with "; "', {
    rules: ['E16'],
    points: 2,
    hint: 'RFC 9110 §5.3 allows joining repeated fields with a comma, in the order they came; the Cookie header is joined with "; " (RFC 6265 §5.4; rule E16).',
  }, () => {
    const headers: Array<[string, string]> = [
      ['host', 'x'],
      ['accept', 'text/html'],
      ['cookie', 'a=1'],
      ['accept', 'application/json'],
      ['cookie', 'b=2; c=3'],
      ['accept', '*/*'],
    ];
    const env = environ({ headers });
    const request = describeRequest({ headers });
    expect(env.HTTP_ACCEPT, `HTTP_ACCEPT for ${request}`).toBe('text/html, application/json, */*');
    expect(env.HTTP_COOKIE, `HTTP_COOKIE for ${request}`).toBe('a=1; b=2; c=3');
  });

  test('SERVER_NAME, SERVER_PORT, REMOTE_ADDR and REMOTE_PORT describe the connection', {
    rules: ['E17'],
    points: 2,
    hint: 'SERVER_* is the server\'s side (localAddress, localPort; serverName wins if given), REMOTE_* the client\'s (rule E17).',
  }, () => {
    const init = { localAddress: '192.0.2.1', localPort: 8080, remoteAddress: '198.51.100.7', remotePort: 61000 };
    const env = environ(init);
    expect([env.SERVER_NAME, env.SERVER_PORT, env.REMOTE_ADDR, env.REMOTE_PORT], `[SERVER_NAME, SERVER_PORT, REMOTE_ADDR, REMOTE_PORT] for a request from ${JSON.stringify(init)}`)
      .toEqual(['192.0.2.1', '8080', '198.51.100.7', '61000']);
    expect(environ(init, { serverName: 'notes.example' }).SERVER_NAME, "SERVER_NAME with the option serverName: 'notes.example'").toBe('notes.example');
  });

  test('every environ has the seven tsgi keys', {
    rules: ['E18'],
    points: 2,
    lesson: '03-gateway.md#the-tsgi-keys',
  }, () => {
    for (const init of [{}, { method: 'POST', target: '/x?y', body: ['data'] }] as FakeRequestInit[]) {
      const env = environ(init);
      const keys = ['tsgi.version', 'tsgi.url_scheme', 'tsgi.input', 'tsgi.errors', 'tsgi.multithread', 'tsgi.multiprocess', 'tsgi.run_once'];
      expect(keys.filter((key) => !(key in env)), `tsgi keys missing from the environ of ${describeRequest(init)}`).toEqual([]);
    }
  });

  test('tsgi.version is [1, 0]', { rules: ['E19'] }, () => {
    expect(environ()['tsgi.version'], "environ['tsgi.version']").toEqual([1, 0]);
  });

  test('tsgi.url_scheme is http, or the urlScheme option', { rules: ['E20'] }, () => {
    expect(environ()['tsgi.url_scheme'], "environ['tsgi.url_scheme'] without options").toBe('http');
    expect(environ({}, { urlScheme: 'https' })['tsgi.url_scheme'], "environ['tsgi.url_scheme'] with urlScheme: 'https'").toBe('https');
  });

  test('tsgi.errors is the errors option itself, or an object with write and flush', {
    rules: ['E21'],
    hint: 'Use options.errors as it is (the same object, not a copy); without it, an object with write(text) and flush() (rule E21).',
  }, () => {
    const errors = { write() {}, flush() {} };
    expect(environ({}, { errors })['tsgi.errors'] === errors, "environ['tsgi.errors'] should be the very object given as options.errors").toBe(true);
    const env = bounded('buildEnviron', () => buildEnviron(fakeRequest()));
    expect(env, 'buildEnviron(GET /) without options should be an environ').not.toBeNull();
    const fallback = env!['tsgi.errors'];
    expect(typeof fallback?.write, "typeof environ['tsgi.errors'].write without the errors option").toBe('function');
    expect(typeof fallback?.flush, "typeof environ['tsgi.errors'].flush without the errors option").toBe('function');
    bounded("environ['tsgi.errors'].flush()", () => fallback.flush());
  });

  test('the default tsgi.errors writes to standard error', {
    rules: ['E21'],
    hint: 'Without the errors option, tsgi.errors.write(text) must reach standard error: process.stderr.write(text) (rule E21).',
  }, () => {
    const env = bounded('buildEnviron', () => buildEnviron(fakeRequest()));
    expect(env, 'buildEnviron(GET /) without options should be an environ').not.toBeNull();
    const marker = 'tsgi-errors-marker-61\n';
    const seen: string[] = [];
    const stderr = process.stderr.write;
    const { error, warn } = console;
    process.stderr.write = ((chunk: unknown) => {
      seen.push(chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
      return true;
    }) as typeof process.stderr.write;
    console.error = console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(' '));
    try {
      bounded("environ['tsgi.errors'].write(text)", () => env!['tsgi.errors'].write(marker));
      bounded("environ['tsgi.errors'].flush()", () => env!['tsgi.errors'].flush());
    } finally {
      process.stderr.write = stderr;
      Object.assign(console, { error, warn });
    }
    expect(seen.join(''), `what reached standard error after environ['tsgi.errors'].write(${show(marker)}), without the errors option`).toContain('tsgi-errors-marker-61');
  });

  test('tsgi.multithread and tsgi.run_once are false', { rules: ['E22'] }, () => {
    const env = environ({}, { multiprocess: true });
    expect([env['tsgi.multithread'], env['tsgi.run_once']], "[environ['tsgi.multithread'], environ['tsgi.run_once']]").toEqual([false, false]);
  });

  test('tsgi.multiprocess is false, or the multiprocess option', { rules: ['E23'] }, () => {
    expect(environ()['tsgi.multiprocess'], "environ['tsgi.multiprocess'] without options").toBe(false);
    expect(environ({}, { multiprocess: true })['tsgi.multiprocess'], "environ['tsgi.multiprocess'] with multiprocess: true").toBe(true);
  });

  test('every CGI value is a string', {
    rules: ['E1'],
    hint: 'Ports too: SERVER_PORT is "8000", not 8000. Only the tsgi.* keys (and extension keys with a dot) hold other types (rule E1).',
  }, () => {
    const init: FakeRequestInit = { method: 'POST', headers: [['host', 'x'], ['content-length', '3'], ['x-n', '1']] };
    const env = environ(init);
    const wrong = Object.entries(env)
      .filter(([key, value]) => !key.includes('.') && typeof value !== 'string')
      .map(([key, value]) => `${key}: ${typeof value}`);
    expect(wrong, `environ keys that are not strings, for ${describeRequest(init)}`).toEqual([]);
  });
});

milestone('input', () => {
  const input = (chunks: Array<string | Uint8Array>, pauseMs = 0) => bounded('new Input(body)', () => new Input(source(chunks, pauseMs)));
  const read = async (stream: Input, size?: number) =>
    text(await bounded(`input.read(${size ?? ''})`, () => (size === undefined ? stream.read() : stream.read(size))));
  /** The chunks of a request body, for failure messages. */
  const body = (chunks: string[]) => `the body ${chunks.map((c) => show(c)).join(' + ') || '(empty)'}`;
  /** Iterates an Input to its end; returns the bytes as text. */
  const iterate = async (stream: Input) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of stream) parts.push(chunk);
    return text(concatBytes(parts));
  };

  test('read() returns the whole body, however many chunks it takes', {
    rules: ['I2'],
    points: 2,
    hint: 'Without a size, read until the body ends and hand over everything (rule I2).',
  }, async () => {
    const chunks = ['name=', 'Ada', '&x=1'];
    expect(await read(input(chunks)), `read() of ${body(chunks)}`).toBe('name=Ada&x=1');
    const large = ['a'.repeat(40_000), 'b'.repeat(40_000), 'c'.repeat(40_000)];
    const all = await read(input(large));
    expect(all.length, 'read() of a body of three chunks of 40000 bytes: the length').toBe(120_000);
    expect(all === large.join(''), 'read() of a body of three chunks of 40000 bytes: the bytes, in order').toBe(true);
  });

  test('read(size) returns exactly size bytes while the body lasts, across chunks', {
    rules: ['I1'],
    points: 3,
    hint: 'Keep the bytes of a chunk you did not hand out yet; take more chunks, from one iterator kept across reads, until you have size bytes or the body ends (rules I1, I5).',
  }, async () => {
    const chunks = ['he', 'llo wo', 'rld'];
    const stream = input(chunks);
    const reads = [await read(stream, 4), await read(stream, 4), await read(stream, 4), await read(stream, 4)];
    expect(reads, `four read(4) of ${body(chunks)}`).toEqual(['hell', 'o wo', 'rld', '']);
    const one = ['abcdefgh'];
    const single = input(one);
    expect([await read(single, 3), await read(single, 3), await read(single, 3)], `three read(3) of ${body(one)}`).toEqual(['abc', 'def', 'gh']);
    const short = ['abc'];
    expect(await read(input(short), 100), `read(100) of ${body(short)}`).toBe('abc');
  });

  test('read(size) waits for bytes that have not arrived yet', {
    rules: ['I1'],
    hint: 'A chunk that has not arrived is no reason to return early: await the next one (rule I1).',
  }, async () => {
    const chunks = ['ab', 'cd', 'ef', 'gh'];
    const stream = input(chunks, 5);
    expect(await read(stream, 5), `read(5) of ${body(chunks)}, arriving 5 ms apart`).toBe('abcde');
    expect(await read(stream), 'then read()').toBe('fgh');
  });

  test('at the end, every read gives an empty array', {
    rules: ['I3'],
    hint: 'Once the body has ended, read() and read(size) resolve with an empty Uint8Array, as often as they are called (rule I3).',
  }, async () => {
    const chunks = ['abc'];
    const stream = input(chunks);
    await read(stream);
    const after = [await read(stream), await read(stream, 10), await read(stream), await read(stream, 1)];
    expect(after, `four reads after read() of ${body(chunks)}`).toEqual(['', '', '', '']);
    expect(await read(input([])), 'read() of an empty body').toBe('');
    expect(await read(input([]), 5), 'read(5) of an empty body').toBe('');
    const iterated = input(['xyz']);
    await iterate(iterated);
    expect([await read(iterated), await read(iterated, 2)], `reads after iterating ${body(['xyz'])} to its end`).toEqual(['', '']);
    const result = await bounded('input.read()', () => iterated.read());
    expect(result, 'what read() resolves with at the end').toBeInstanceOf(Uint8Array);
  });

  test('once the request body has ended, Input never asks it for more', {
    rules: ['I3'],
    hint: 'Remember that the body reported its end, and answer every later read or iteration with nothing, without calling next() again (rule I3).',
  }, async () => {
    let asksAfterEnd = 0;
    const strict: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        let given = false;
        let ended = false;
        return {
          async next(): Promise<IteratorResult<Uint8Array>> {
            if (ended) {
              asksAfterEnd += 1;
              return { done: false, value: new TextEncoder().encode('asked again after its end') };
            }
            if (!given) {
              given = true;
              return { done: false, value: new TextEncoder().encode('abc') };
            }
            ended = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const stream = bounded('new Input(body)', () => new Input(strict));
    const first = await read(stream);
    const after = [await read(stream), await read(stream, 3), await iterate(stream), await read(stream)];
    const what = "a request body that gives 'abc', then its end, and would give more if asked again";
    expect([first, ...after], `read(), then read(), read(3), a for await and read(), for ${what}`).toEqual(['abc', '', '', '', '']);
    expect(asksAfterEnd, `next() calls on the request body after it reported its end, for ${what}`).toBe(0);
  });

  test('iterating yields every byte, in order', {
    rules: ['I4'],
    points: 2,
  }, async () => {
    const chunks = ['one ', 'two ', 'three'];
    expect(await iterate(input(chunks)), `for await over ${body(chunks)}`).toBe('one two three');
    expect(await iterate(input([])), `for await over ${body([])}`).toBe('');
  });

  test('read and iteration share one position in the body', {
    rules: ['I4'],
    hint: 'Iterating starts with the bytes a read(size) left over; a break out of the loop leaves the rest for the next read (rule I4).',
  }, async () => {
    const chunks = ['abcdef', 'ghi'];
    const stream = input(chunks);
    expect(await read(stream, 3), `read(3) of ${body(chunks)}`).toBe('abc');
    expect(await iterate(stream), 'then for await over the rest').toBe('defghi');
    expect(await read(stream), 'then read()').toBe('');

    const three = ['one', 'two', 'three'];
    const broken = input(three);
    let first = '';
    for await (const chunk of broken) {
      first = text(chunk);
      break;
    }
    expect(first, `the first chunk of for await over ${body(three)}`).toBe('one');
    expect(await read(broken), 'read() after a break out of the first for await').toBe('twothree');
  });

  test('nothing is read from the request until the app asks', {
    rules: ['I5'],
    hint: 'Reading the body is what sends "100 Continue" to a client that waits for it: neither buildEnviron nor new Input may start iterating it (rule I5).',
  }, async () => {
    const body = source(['payload']);
    const env = bounded('buildEnviron', () => buildEnviron(fakeRequest({ method: 'POST', body }), { errors: quiet }));
    await delay(5);
    expect(body.started, 'buildEnviron for POST / started reading the request body before the app asked').toBe(false);
    expect(text(await bounded("environ['tsgi.input'].read()", () => env!['tsgi.input'].read())), "environ['tsgi.input'].read()").toBe('payload');
    expect(body.started, 'the request body should have been read by read()').toBe(true);

    const direct = source(['x']);
    bounded('new Input(body)', () => new Input(direct));
    await delay(5);
    expect(direct.started, 'new Input(body) started reading the body before anyone called read()').toBe(false);
  });

  test('read(0) gives an empty array at once and reads nothing', {
    rules: ['I6'],
    hint: 'A size of 0 is not "no size": `size || Infinity` turns it into everything. read(0) resolves empty without touching the body (rule I6).',
  }, async () => {
    const body = source(['abc', 'def']);
    const stream = bounded('new Input(body)', () => new Input(body));
    expect(await read(stream, 0), 'read(0) of a body not read yet').toBe('');
    await delay(5);
    expect(body.started, 'read(0) started reading the request body').toBe(false);
    expect(await read(stream, 2), 'then read(2)').toBe('ab');
    expect(await read(stream, 0), 'then read(0)').toBe('');
    expect(await read(stream), 'then read()').toBe('cdef');
  });
});
