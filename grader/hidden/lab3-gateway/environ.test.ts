// Hidden tests for lab 3: building the environ (milestone 1) and tsgi.input (milestone 2).
// Requests are object literals that satisfy lab 2's ServerRequest, so no socket is involved.
import { expect } from 'vitest';
import type { Environ } from '#contracts/tsgi';
import { buildEnviron, decodePath, Input, splitTarget, type GatewayOptions } from '@lab/gateway';
import { bounded, concatBytes, milestone, show, test, text } from '../../harness/index.ts';
import { delay, fakeRequest, quiet, source, type FakeRequestInit } from './support.ts';

/** The environ for a fake request; fails the test if buildEnviron says "not this app's". */
function environ(init: FakeRequestInit = {}, options: GatewayOptions = {}): Environ {
  const built = bounded('buildEnviron', () => buildEnviron(fakeRequest(init), { errors: quiet, ...options }));
  expect(built, `buildEnviron returned null for ${init.target ?? '/'}`).not.toBeNull();
  return built!;
}

const path = (target: string, options?: GatewayOptions) => environ({ target }, options).PATH_INFO;

milestone('environ', () => {
  test('REQUEST_METHOD and SERVER_PROTOCOL come from the request as sent', {}, () => {
    const env = environ({ method: 'PATCH', version: 'HTTP/1.0' });
    expect(env.REQUEST_METHOD).toBe('PATCH');
    expect(env.SERVER_PROTOCOL).toBe('HTTP/1.0');
    expect(environ({ method: 'M-SEARCH' }).REQUEST_METHOD).toBe('M-SEARCH');
  });

  test('at the root, SCRIPT_NAME is empty and PATH_INFO is the whole path', { points: 2 }, () => {
    const env = environ({ target: '/notes/42' });
    expect(env.SCRIPT_NAME).toBe('');
    expect(env.PATH_INFO).toBe('/notes/42');
    expect(path('/')).toBe('/');
  });

  test('QUERY_STRING is what follows the first ?, not decoded', {
    rules: ['E7'],
    points: 2,
    hint: 'Split the target at its first "?" and pass the rest on untouched: the app decodes the query, not the gateway (rule E7).',
  }, () => {
    const env = environ({ target: '/search?q=caf%C3%A9&tag=a+b&next=/x?y' });
    expect(env.PATH_INFO).toBe('/search');
    expect(env.QUERY_STRING).toBe('q=caf%C3%A9&tag=a+b&next=/x?y');
    expect(environ({ target: '/plain' }).QUERY_STRING).toBe('');
    expect(environ({ target: '/plain?' }).QUERY_STRING).toBe('');
  });

  test('PATH_INFO is percent-decoded into bytes as text: %C3%A9 is two characters', {
    points: 3,
    hint: 'Each %XX becomes the one character whose code is 0xXX, as String.fromCharCode does. Do not decode the bytes as UTF-8: that is the app\'s job (rule E8).',
    lesson: '03-gateway.md#bytes-as-text',
  }, () => {
    expect(show(path('/caf%C3%A9'))).toBe(show('/caf\xc3\xa9'));
    expect(path('/caf%C3%A9')).toHaveLength(6);
    expect(show(path('/%e2%82%ac'))).toBe(show('/\xe2\x82\xac'));
    expect(path('/a%20b')).toBe('/a b');
    expect(path('/a+b')).toBe('/a+b');
    expect(path('/a%2Fb')).toBe('/a/b');
  });

  test('a % that does not start a two-digit hex escape is kept as it is', {}, () => {
    expect(path('/100%')).toBe('/100%');
    expect(path('/a%zzb')).toBe('/a%zzb');
    expect(path('/%4')).toBe('/%4');
    expect(path('/%%41')).toBe('/%A');
  });

  test('decodePath and splitTarget do their part on their own', {
    lesson: '03-gateway.md#the-path-and-the-query',
  }, () => {
    expect(show(bounded('decodePath', () => decodePath('/caf%C3%A9/%41')))).toBe(show('/caf\xc3\xa9/A'));
    expect(bounded('splitTarget', () => splitTarget('/a/b?x=1&y=%20'))).toEqual({ path: '/a/b', query: 'x=1&y=%20' });
    expect(bounded('splitTarget', () => splitTarget('/a'))).toEqual({ path: '/a', query: '' });
    expect(bounded('splitTarget', () => splitTarget('http://example.com:8080/a?b'))).toEqual({ path: '/a', query: 'b' });
  });

  test('an absolute-form target loses its scheme and authority', {
    hint: 'A client talking to a proxy sends GET http://host/path HTTP/1.1. Drop "scheme://authority"; what is left is the path (or "/" if nothing is left; rule E5).',
    lesson: '03-gateway.md#the-path-and-the-query',
  }, () => {
    const env = environ({ target: 'http://example.com:8080/a/b?x=1' });
    expect(env.PATH_INFO).toBe('/a/b');
    expect(env.QUERY_STRING).toBe('x=1');
    expect(path('http://example.com')).toBe('/');
  });

  test('under a mount point, SCRIPT_NAME is the mount and PATH_INFO the rest', {
    points: 3,
    lesson: '03-gateway.md#paths-script_name-and-path_info',
  }, () => {
    const app = { scriptName: '/app' };
    const split = (target: string) => {
      const env = environ({ target }, app);
      return [env.SCRIPT_NAME, env.PATH_INFO];
    };
    expect(split('/app/notes')).toEqual(['/app', '/notes']);
    expect(split('/app')).toEqual(['/app', '']);
    expect(split('/app/')).toEqual(['/app', '/']);
    expect(split('/app/a/b?x=1')).toEqual(['/app', '/a/b']);
    expect(split('/%61pp/x')).toEqual(['/app', '/x']);
  });

  test('a path outside the mount point is not the app\'s: buildEnviron returns null', {
    points: 2,
    hint: 'Inside means: the decoded path equals SCRIPT_NAME, or starts with SCRIPT_NAME followed by "/". "/apple" is not inside "/app" (rules E11, E12).',
    lesson: '03-gateway.md#paths-script_name-and-path_info',
  }, () => {
    for (const target of ['/apple', '/', '/ap', '/other/app', '/APP/x']) {
      const built = bounded('buildEnviron', () => buildEnviron(fakeRequest({ target }), { scriptName: '/app', errors: quiet }));
      expect(built, `${target} with scriptName /app`).toBeNull();
    }
  });

  test('Content-Type and Content-Length become CONTENT_TYPE and CONTENT_LENGTH, without HTTP_', {
    points: 2,
    hint: 'These two are the CGI exceptions: no HTTP_ prefix, and never also as HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH (rule E13).',
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    const env = environ({
      method: 'POST',
      headers: [['host', 'example.com'], ['content-type', 'application/json; charset=utf-8'], ['content-length', '17']],
    });
    expect(env.CONTENT_TYPE).toBe('application/json; charset=utf-8');
    expect(env.CONTENT_LENGTH).toBe('17');
    expect('HTTP_CONTENT_TYPE' in env).toBe(false);
    expect('HTTP_CONTENT_LENGTH' in env).toBe(false);
  });

  test('CONTENT_TYPE and CONTENT_LENGTH are absent (not empty) when the request has none', {
    hint: 'Leave the keys out of the environ entirely: "CONTENT_TYPE" in environ must be false (rule E3).',
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    const env = environ({ headers: [['host', 'example.com']] });
    expect('CONTENT_TYPE' in env).toBe(false);
    expect('CONTENT_LENGTH' in env).toBe(false);
  });

  test('a Content-Length repeated as a list (12, 12) gives CONTENT_LENGTH 12', {
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    const env = environ({ method: 'POST', headers: [['host', 'x'], ['content-length', '12, 12']] });
    expect(env.CONTENT_LENGTH).toBe('12');
  });

  test('every other header becomes HTTP_ + its name in capitals, - as _', {
    points: 3,
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    const env = environ({
      headers: [
        ['host', 'example.com:8080'],
        ['user-agent', 'curl/8.5.0'],
        ['accept-language', 'fr-CH, fr;q=0.9'],
        ['x-request-id', 'abc-123'],
        ['dnt', '1'],
        ['x-name', 'Jos\xc3\xa9'],
      ],
    });
    expect(env.HTTP_HOST).toBe('example.com:8080');
    expect(env.HTTP_USER_AGENT).toBe('curl/8.5.0');
    expect(env.HTTP_ACCEPT_LANGUAGE).toBe('fr-CH, fr;q=0.9');
    expect(env.HTTP_X_REQUEST_ID).toBe('abc-123');
    expect(env.HTTP_DNT).toBe('1');
    expect(show(String(env.HTTP_X_NAME))).toBe(show('Jos\xc3\xa9'));
  });

  test('header names that contain _ are dropped', {
    points: 2,
    hint: 'X_Forwarded_For and X-Forwarded-For would both become HTTP_X_FORWARDED_FOR. Skip any header whose name contains "_" (rule E14).',
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    for (const headers of [
      [['host', 'x'], ['x_forwarded_for', '6.6.6.6'], ['x-forwarded-for', '10.0.0.1']],
      [['host', 'x'], ['x-forwarded-for', '10.0.0.1'], ['x_forwarded_for', '6.6.6.6']],
    ] as Array<Array<[string, string]>>) {
      expect(environ({ headers }).HTTP_X_FORWARDED_FOR).toBe('10.0.0.1');
    }
    const env = environ({ headers: [['host', 'x'], ['x_secret', 'letmein']] });
    const leaked = Object.entries(env).filter(([, value]) => value === 'letmein').map(([key]) => key);
    expect(leaked).toEqual([]);
  });

  test('repeated headers are joined with ", ", cookies with "; "', {
    points: 2,
    hint: 'RFC 9110 §5.3 allows joining repeated fields with a comma; the Cookie header is joined with "; " (RFC 6265 §5.4; rule E16).',
    lesson: '03-gateway.md#headers-content_type-content_length-and-http_',
  }, () => {
    const env = environ({
      headers: [
        ['host', 'x'],
        ['accept', 'text/html'],
        ['cookie', 'a=1'],
        ['accept', 'application/json'],
        ['cookie', 'b=2; c=3'],
        ['accept', '*/*'],
      ],
    });
    expect(env.HTTP_ACCEPT).toBe('text/html, application/json, */*');
    expect(env.HTTP_COOKIE).toBe('a=1; b=2; c=3');
  });

  test('SERVER_NAME, SERVER_PORT, REMOTE_ADDR and REMOTE_PORT describe the connection', {
    points: 2,
    lesson: '03-gateway.md#the-connection-keys',
  }, () => {
    const init = { localAddress: '192.0.2.1', localPort: 8080, remoteAddress: '198.51.100.7', remotePort: 61000 };
    const env = environ(init);
    expect([env.SERVER_NAME, env.SERVER_PORT, env.REMOTE_ADDR, env.REMOTE_PORT]).toEqual(['192.0.2.1', '8080', '198.51.100.7', '61000']);
    expect(environ(init, { serverName: 'notes.example' }).SERVER_NAME).toBe('notes.example');
  });

  test('the tsgi.* keys have their default values', {
    points: 2,
    lesson: '03-gateway.md#the-tsgi-keys',
  }, () => {
    const env = bounded('buildEnviron', () => buildEnviron(fakeRequest()));
    expect(env).not.toBeNull();
    expect(env!['tsgi.version']).toEqual([1, 0]);
    expect(env!['tsgi.url_scheme']).toBe('http');
    expect([env!['tsgi.multithread'], env!['tsgi.multiprocess'], env!['tsgi.run_once']]).toEqual([false, false, false]);
    const errors = env!['tsgi.errors'];
    expect(typeof errors?.write, 'tsgi.errors.write').toBe('function');
    expect(typeof errors?.flush, 'tsgi.errors.flush').toBe('function');
    const input = env!['tsgi.input'];
    expect(typeof input?.read, 'tsgi.input.read').toBe('function');
    expect(typeof input?.[Symbol.asyncIterator], 'tsgi.input[Symbol.asyncIterator]').toBe('function');
  });

  test('the options set tsgi.url_scheme, tsgi.errors and tsgi.multiprocess', {
    lesson: '03-gateway.md#the-tsgi-keys',
  }, () => {
    const errors = { write() {}, flush() {} };
    const env = environ({}, { urlScheme: 'https', errors, multiprocess: true });
    expect(env['tsgi.url_scheme']).toBe('https');
    expect(env['tsgi.errors']).toBe(errors);
    expect(env['tsgi.multiprocess']).toBe(true);
  });

  test('every CGI value is a string', {
    hint: 'Ports too: SERVER_PORT is "8000", not 8000. Only the tsgi.* keys (and extension keys with a dot) hold other types (rule E1).',
    lesson: '03-gateway.md#the-environ',
  }, () => {
    const env = environ({ method: 'POST', headers: [['host', 'x'], ['content-length', '3'], ['x-n', '1']] });
    const wrong = Object.entries(env)
      .filter(([key, value]) => !key.includes('.') && typeof value !== 'string')
      .map(([key, value]) => `${key}: ${typeof value}`);
    expect(wrong).toEqual([]);
  });
});

milestone('input', () => {
  const input = (chunks: Array<string | Uint8Array>, pauseMs = 0) => bounded('new Input(body)', () => new Input(source(chunks, pauseMs)));
  const read = async (stream: Input, size?: number) =>
    text(await bounded('input.read()', () => (size === undefined ? stream.read() : stream.read(size))));

  test('read() returns the whole body, then empty arrays', { points: 2 }, async () => {
    const stream = input(['name=', 'Ada', '&x=1']);
    expect(await read(stream)).toBe('name=Ada&x=1');
    expect(await read(stream)).toBe('');
    expect(await read(stream, 10)).toBe('');
  });

  test('read(size) returns exactly size bytes while the body lasts, across chunks', {
    points: 3,
    hint: 'Keep the bytes of a chunk you did not hand out yet; take more chunks, from one iterator kept across reads, until you have size bytes or the body ends (rules I1, I5).',
  }, async () => {
    const stream = input(['he', 'llo wo', 'rld']);
    expect(await read(stream, 4)).toBe('hell');
    expect(await read(stream, 4)).toBe('o wo');
    expect(await read(stream, 4)).toBe('rld');
    expect(await read(stream, 4)).toBe('');
  });

  test('read(size) waits for bytes that have not arrived yet', {}, async () => {
    const stream = input(['ab', 'cd', 'ef', 'gh'], 5);
    expect(await read(stream, 5)).toBe('abcde');
    expect(await read(stream)).toBe('fgh');
  });

  test('iterating yields every byte, in order', { points: 2 }, async () => {
    const stream = input(['one ', 'two ', 'three']);
    const parts: Uint8Array[] = [];
    for await (const chunk of stream) parts.push(chunk);
    expect(text(concatBytes(parts))).toBe('one two three');
  });

  test('read and iteration share one position in the body', {}, async () => {
    const stream = input(['abcdef', 'ghi']);
    expect(await read(stream, 3)).toBe('abc');
    const parts: Uint8Array[] = [];
    for await (const chunk of stream) parts.push(chunk);
    expect(text(concatBytes(parts))).toBe('defghi');
    expect(await read(stream)).toBe('');
  });

  test('an empty body reads as nothing', {}, async () => {
    expect(await read(input([]))).toBe('');
    let bytes = 0;
    for await (const chunk of input([])) bytes += chunk.length;
    expect(bytes).toBe(0);
  });

  test('nothing is read from the request until the app asks', {
    hint: 'Reading the body is what sends "100 Continue" to a client that waits for it: neither buildEnviron nor new Input may start iterating it (rule I5).',
    lesson: '03-gateway.md#the-input-stream-tsgiinput',
  }, async () => {
    const body = source(['payload']);
    const env = bounded('buildEnviron', () => buildEnviron(fakeRequest({ method: 'POST', body }), { errors: quiet }));
    await delay(5);
    expect(body.started, 'the body was read before the app asked').toBe(false);
    expect(text(await bounded("environ['tsgi.input'].read()", () => env!['tsgi.input'].read()))).toBe('payload');
    expect(body.started).toBe(true);
  });
});
