// Hidden tests for lab 8's middleware, except static files (static-files.test.ts): the access log,
// gzip, the request size limit and ProxyFix. Each is called as a TSGI app with an environ built
// here, and run once more on a real socket through the reference server and gateway.
import { gunzipSync } from 'node:zlib';
import { afterEach, expect } from 'vitest';
import type { Environ, TsgiApp, TsgiBody } from '#contracts/tsgi';
import { accessLog, acceptsGzip, clfDate, gzip, limitRequestSize, proxyFix, RequestTooLarge } from '@lab/production';
import { bounded, milestone, test } from '../../harness/index.ts';
import { callApp, cleanUp, makeEnviron, rawRequest, serveApp, textApp, utf8 } from './helpers.ts';

afterEach(cleanUp);

/** The fields of a Common Log Format line, or null if it is not one. */
function clf(line: string) {
  const match = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-)\n?$/.exec(line);
  if (!match) return null;
  const [, host, ident, user, time, request, status, size] = match;
  return { host, ident, user, time, request, status: Number(status), size };
}

/** `21/Nov/2026:23:59:59 +0000` as milliseconds since 1970, or NaN. */
function clfTime(text: string | undefined): number {
  const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text ?? '');
  if (!match) return NaN;
  const [, d, mon, y, h, mi, s, sign, zh, zm] = match;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(mon!);
  const offset = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  return Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s)) - offset;
}

/** An access log that keeps its lines. */
function logged(): { lines: string[]; middleware: ReturnType<typeof accessLog> } {
  const lines: string[] = [];
  const middleware = bounded('accessLog(write)', () => accessLog((line) => lines.push(line)));
  return { lines, middleware };
}

milestone('access-log', () => {
  test('clfDate writes the Common Log Format time, in UTC', {
    hint: 'Day with two digits, the month as three letters, the year, then hh:mm:ss from the UTC getters, and the zone.',
  }, () => {
    expect(bounded('clfDate()', () => clfDate(new Date(Date.UTC(2026, 10, 21, 23, 59, 59))))).toBe('21/Nov/2026:23:59:59 +0000');
    expect(bounded('clfDate()', () => clfDate(new Date(Date.UTC(2027, 0, 5, 3, 4, 5))))).toBe('05/Jan/2027:03:04:05 +0000');
  });

  test('writes one Common Log Format line per request, and passes the response on unchanged', {
    points: 2,
    hint: 'host ident user [time] "request line" status size: "-" for what you do not know, the request line rebuilt from the environ.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware(textApp('hello world', 'text/plain', [['X-App', 'yes']]));
    const answer = await callApp(app, { path: '/hello?x=1&y=2', remoteAddr: '10.1.2.3' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('hello world');
    expect(answer.header('X-App')).toBe('yes');
    expect(lines, 'exactly one line per request').toHaveLength(1);
    const fields = clf(lines[0]!);
    expect(fields, `a Common Log Format line, got ${JSON.stringify(lines[0])}`).not.toBeNull();
    expect(fields).toMatchObject({ host: '10.1.2.3', ident: '-', user: '-', request: 'GET /hello?x=1&y=2 HTTP/1.1', status: 200, size: '11' });
    const time = clfTime(fields!.time);
    expect(Math.abs(time - Date.now()), `the time [${fields!.time}] is now, as dd/Mon/yyyy:hh:mm:ss +zone`).toBeLessThan(60_000);
  });

  test('logs the status the app chose and "-" for an empty body', {
    hint: 'The status is the first three characters of what the app gave startResponse; a body of 0 bytes is logged as -.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) => {
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return [];
    });
    await callApp(app, { method: 'POST', path: '/missing', body: 'abc' });
    expect(clf(lines[0] ?? ''), JSON.stringify(lines)).toMatchObject({ request: 'POST /missing HTTP/1.1', status: 404, size: '-' });
  });

  test('writes the line when the body is finished, counting every chunk', {
    points: 2,
    hint: 'The size is only known once the last chunk has gone by: count the chunks as the body passes, and write the line in a finally block.',
  }, async () => {
    const { lines, middleware } = logged();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield utf8('first ');
        await gate;
        yield utf8('second');
      })();
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/stream' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value ?? []).toString()).toBe('first ');
    expect(lines, 'no line while the body is still being sent').toEqual([]);
    release();
    while (!(await iterator.next()).done);
    body.close?.();
    expect(lines).toHaveLength(1);
    expect(clf(lines[0]!)?.size).toBe('12');
  });

  test('sees a startResponse that the app calls from inside its body, even after an empty chunk', {
    hint: 'An app may call startResponse as late as its first non-empty chunk: read the body that far before you look at what was recorded.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) =>
      (function* () {
        yield new Uint8Array(0);
        startResponse('201 Created', [['Content-Type', 'text/plain']]);
        yield utf8('made');
      })(),
    );
    const answer = await callApp(app, { method: 'PUT', path: '/thing' });
    expect(answer.status).toBe(201);
    expect(answer.text).toBe('made');
    expect(clf(lines[0] ?? '')).toMatchObject({ status: 201, size: '4' });
  });

  test('follows an app that changes its mind with excInfo before its first chunk', {
    hint: 'Before the head is passed on, a second startResponse call with excInfo replaces the first: pass on the last one, once.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        try {
          throw new Error('the view failed');
        } catch (error) {
          startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
          yield utf8('sorry');
        }
      })(),
    );
    const answer = await callApp(app);
    expect(answer.calls.map(([status]) => status), 'what reached the server').toEqual(['500 Internal Server Error']);
    expect(answer.text).toBe('sorry');
    expect(clf(lines[0] ?? '')).toMatchObject({ status: 500, size: '5' });
  });

  test('logs requests served on a real socket', {
    hint: 'The gateway fills in REMOTE_ADDR, the method, the path, the query and SERVER_PROTOCOL: the line is built from those.',
  }, async () => {
    const { lines, middleware } = logged();
    const { port } = await serveApp(middleware(textApp('page')));
    const reply = await rawRequest(port, ['GET /page?q=tea HTTP/1.1', 'Host: test']);
    expect(reply.status, reply.story).toBe(200);
    expect(reply.body.toString()).toBe('page');
    await rawRequest(port, ['HEAD /page HTTP/1.0', 'Host: test']);
    expect(lines.map((line) => clf(line)?.request)).toEqual(['GET /page?q=tea HTTP/1.1', 'HEAD /page HTTP/1.0']);
    expect(clf(lines[0]!)).toMatchObject({ host: '127.0.0.1', status: 200, size: '4' });
  });
});

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(200);

milestone('gzip', () => {
  test('acceptsGzip reads Accept-Encoding, q-values included', {
    hint: 'Split at commas, then each item at ";". gzip or * counts unless its q= parameter is 0.',
  }, () => {
    const cases: Array<[unknown, boolean]> = [
      ['gzip', true],
      ['gzip, deflate, br', true],
      ['deflate, GZIP;q=0.5', true],
      ['*', true],
      ['br;q=1.0, gzip; q=0.8', true],
      ['identity', false],
      ['br', false],
      ['gzip;q=0', false],
      ['gzip; q=0.000', false],
      ['', false],
      [undefined, false],
    ];
    for (const [header, expected] of cases) {
      expect(bounded('acceptsGzip()', () => acceptsGzip(header)), `acceptsGzip(${JSON.stringify(header)})`).toBe(expected);
    }
  });

  test('compresses text for a client that accepts gzip', {
    points: 2,
    hint: 'Content-Encoding: gzip, no Content-Length from the app (the length changed), and the body through zlib.createGzip.',
  }, async () => {
    const app = bounded('gzip()', () => gzip())(textApp(TEXT));
    const answer = await callApp(app, { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(answer.status).toBe(200);
    expect(answer.header('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(answer.bytes).toString()).toBe(TEXT);
    expect(answer.bytes.length, 'the compressed body is smaller').toBeLessThan(TEXT.length / 4);
    const length = answer.header('Content-Length');
    if (length !== undefined) expect(Number(length), 'a Content-Length must be the compressed length').toBe(answer.bytes.length);
    expect(answer.all('Vary').join(',').toLowerCase()).toContain('accept-encoding');
  });

  test('leaves the body alone for identity, gzip;q=0, or no Accept-Encoding', {
    hint: 'Only a client that says it accepts gzip gets gzip; the app\'s bytes and Content-Length then pass through as they were.',
  }, async () => {
    const app = bounded('gzip()', () => gzip())(textApp(TEXT));
    const variants: Array<Record<string, string>> = [{ 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip;q=0' }, {}];
    for (const headers of variants) {
      const answer = await callApp(app, { headers });
      expect(answer.header('Content-Encoding'), JSON.stringify(headers)).toBeUndefined();
      expect(answer.text, JSON.stringify(headers)).toBe(TEXT);
      expect(answer.header('Content-Length'), JSON.stringify(headers)).toBe(String(utf8(TEXT).length));
    }
  });

  test('says Vary: Accept-Encoding on text it could have compressed, even when it did not', {
    hint: 'A cache keys its copies by the Vary header: a plain copy without Vary would be handed to every client, gzip-capable or not.',
  }, async () => {
    const app = bounded('gzip()', () => gzip())(textApp(TEXT, 'text/html; charset=utf-8', [['Vary', 'Cookie']]));
    const answer = await callApp(app, { headers: { 'Accept-Encoding': 'identity' } });
    const vary = answer.all('Vary').join(',').toLowerCase();
    expect(vary).toContain('accept-encoding');
    expect(vary, 'the app\'s own Vary stays').toContain('cookie');
  });

  test('leaves images, already-encoded bodies, 204 and 304 alone', {
    points: 2,
    hint: 'Compress only text-like types (text/*, JSON, JavaScript, XML, SVG), never a body that has a Content-Encoding, and never a status without a body.',
  }, async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...utf8(TEXT)]);
    const apps: Array<[string, TsgiApp]> = [
      ['an image/png', textApp(png, 'image/png')],
      ['a body already in br', textApp(TEXT, 'text/plain', [['Content-Encoding', 'br']])],
      ['a 204', (_e, startResponse) => (startResponse('204 No Content', [['Content-Type', 'text/plain']]), [])],
      ['a 304', (_e, startResponse) => (startResponse('304 Not Modified', [['Content-Type', 'text/plain'], ['ETag', '"x"']]), [])],
    ];
    for (const [what, inner] of apps) {
      const answer = await callApp(bounded('gzip()', () => gzip())(inner), { headers: { 'Accept-Encoding': 'gzip' } });
      const expected = await callApp(inner);
      expect(answer.statusLine, what).toBe(expected.statusLine);
      expect(answer.all('Content-Encoding'), what).toEqual(expected.all('Content-Encoding'));
      expect(Buffer.compare(answer.bytes, expected.bytes), `${what}: the same bytes`).toBe(0);
    }
  });

  test('on a real socket: gzip that decompresses, framed right, and plain text for others', {
    points: 2,
    hint: 'If the app\'s Content-Length went out with a gzip body, the client would wait for bytes that never come or read too few.',
  }, async () => {
    const { port } = await serveApp(bounded('gzip()', () => gzip())(textApp(TEXT, 'application/json')));
    const zipped = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test', 'Accept-Encoding: gzip']);
    expect(zipped.status, zipped.story).toBe(200);
    expect(zipped.header('content-encoding')).toBe('gzip');
    const sent = zipped.raw.length - zipped.raw.indexOf('\r\n\r\n') - 4;
    if (zipped.framing === 'length') expect(Number(zipped.header('content-length')), `Content-Length is the number of bytes sent; ${zipped.story}`).toBe(sent);
    expect(gunzipSync(zipped.body).toString()).toBe(TEXT);
    const plainReply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(plainReply.header('content-encoding')).toBeUndefined();
    expect(plainReply.body.toString()).toBe(TEXT);
  });
});

/** An app that reads its whole input (with read() or by iterating) and echoes its length. */
function readingApp(how: 'read' | 'iterate', seen?: { error?: unknown }): TsgiApp {
  return async (environ, startResponse) => {
    const input = environ['tsgi.input'];
    let total = 0;
    try {
      if (how === 'read') total = (await input.read()).length;
      else for await (const chunk of input) total += chunk.length;
    } catch (error) {
      if (seen) {
        seen.error = error;
        startResponse('400 Bad Request', [['Content-Type', 'text/plain']]);
        return [utf8('caught')];
      }
      throw error;
    }
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [utf8(`got ${total} bytes`)];
  };
}

milestone('size-limit', () => {
  test('refuses a Content-Length over the limit with 413, without calling the app', {
    points: 2,
    hint: 'CONTENT_LENGTH is known before a byte of the body is read: compare it first, and answer 413 yourself.',
  }, async () => {
    let called = false;
    const app = bounded('limitRequestSize(10)', () => limitRequestSize(10))((environ, startResponse) => {
      called = true;
      return readingApp('read')(environ, startResponse);
    });
    const answer = await callApp(app, { method: 'POST', body: 'x'.repeat(11) });
    expect(answer.status).toBe(413);
    expect(called, 'the app was not called').toBe(false);
  });

  test('lets a body within the limit through, whole', {
    hint: 'Up to maxBytes (inclusive) the app reads its body as if the middleware were not there.',
  }, async () => {
    const app = bounded('limitRequestSize(10)', () => limitRequestSize(10))(readingApp('iterate'));
    const answer = await callApp(app, { method: 'POST', body: 'x'.repeat(10) });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('got 10 bytes');
  });

  test('counts a body without Content-Length as the app reads it, through read() and iteration', {
    points: 2,
    hint: 'A chunked upload has no CONTENT_LENGTH: wrap tsgi.input so that each chunk it hands out is counted, and throw past the limit.',
  }, async () => {
    for (const how of ['read', 'iterate'] as const) {
      const app = bounded('limitRequestSize(10)', () => limitRequestSize(10))(readingApp(how));
      const answer = await callApp(app, { method: 'POST', body: 'x'.repeat(25), noLength: true });
      expect(answer.status, `reading with ${how}`).toBe(413);
    }
  });

  test('does not believe a Content-Length that lies', {
    hint: 'Count what tsgi.input actually hands out, not what CONTENT_LENGTH claims.',
  }, async () => {
    const app = bounded('limitRequestSize(10)', () => limitRequestSize(10))(readingApp('iterate'));
    const environ: Environ = makeEnviron({ method: 'POST', body: 'x'.repeat(40) });
    environ.CONTENT_LENGTH = '4';
    expect((await callApp(app, environ)).status).toBe(413);
  });

  test('the app that catches the error itself sees a RequestTooLarge', {
    hint: 'The wrapped input throws RequestTooLarge (exported, an Error), so an app can tell it from other failures.',
  }, async () => {
    const seen: { error?: unknown } = {};
    const app = bounded('limitRequestSize(10)', () => limitRequestSize(10))(readingApp('iterate', seen));
    const answer = await callApp(app, { method: 'POST', body: 'x'.repeat(30), noLength: true });
    expect(answer.text).toBe('caught');
    expect(seen.error).toBeInstanceOf(RequestTooLarge);
    expect(seen.error).toBeInstanceOf(Error);
  });

  test('on a real socket: 413 for a long body, with or without Content-Length, 200 for a short one', {
    points: 2,
    hint: 'Through the gateway, a chunked request has no CONTENT_LENGTH: only the counting input catches it.',
  }, async () => {
    const { port } = await serveApp(bounded('limitRequestSize(16)', () => limitRequestSize(16))(readingApp('iterate')));
    const long = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Content-Length: 100'], 'y'.repeat(100));
    expect(long.status, long.story).toBe(413);
    const chunked = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Transfer-Encoding: chunked'], '14\r\n' + 'z'.repeat(20) + '\r\n14\r\n' + 'z'.repeat(20) + '\r\n0\r\n\r\n');
    expect(chunked.status, chunked.story).toBe(413);
    const short = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Content-Length: 16'], 's'.repeat(16));
    expect(short.status, short.story).toBe(200);
    expect(short.body.toString()).toBe('got 16 bytes');
  });
});

/** An app that answers with the environ keys ProxyFix may change, as JSON. */
const environApp: TsgiApp = (environ, startResponse) => {
  const keys = ['REMOTE_ADDR', 'HTTP_HOST', 'SERVER_NAME', 'SERVER_PORT', 'tsgi.url_scheme'];
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [utf8(JSON.stringify(Object.fromEntries(keys.map((key) => [key, environ[key]]))))];
};

async function fixed(options: Parameters<typeof proxyFix>[0], headers: Record<string, string>, remoteAddr = '10.0.0.2') {
  const app = bounded('proxyFix()', () => proxyFix(options))(environApp);
  return JSON.parse((await callApp(app, { headers, remoteAddr })).text) as Record<string, string>;
}

milestone('proxy-fix', () => {
  test('takes REMOTE_ADDR from X-Forwarded-For, trusting one proxy by default', {
    points: 2,
    hint: 'Each proxy appends the address it saw to the right. With one proxy of yours, only the rightmost entry is its word; the rest is the client\'s.',
  }, async () => {
    expect((await fixed(undefined, { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' })).REMOTE_ADDR).toBe('203.0.113.7');
    expect((await fixed({}, { 'X-Forwarded-For': '203.0.113.8' })).REMOTE_ADDR).toBe('203.0.113.8');
    expect((await fixed({}, {})).REMOTE_ADDR, 'no header: unchanged').toBe('10.0.0.2');
  });

  test('counts the trusted proxies from the right, and trusts none with 0', {
    points: 2,
    hint: 'xFor: 2 takes the second value from the right; with fewer values than that, or xFor: 0, REMOTE_ADDR stays as it was.',
  }, async () => {
    expect((await fixed({ xFor: 2 }, { 'X-Forwarded-For': '6.6.6.6, 198.51.100.1, 10.0.0.1' })).REMOTE_ADDR).toBe('198.51.100.1');
    expect((await fixed({ xFor: 2 }, { 'X-Forwarded-For': '198.51.100.1' })).REMOTE_ADDR).toBe('10.0.0.2');
    expect((await fixed({ xFor: 0 }, { 'X-Forwarded-For': '198.51.100.1' })).REMOTE_ADDR).toBe('10.0.0.2');
  });

  test('takes the scheme from X-Forwarded-Proto, only http or https', {
    hint: 'tsgi.url_scheme may only be http or https: ignore anything else a header says.',
  }, async () => {
    expect((await fixed({}, { 'X-Forwarded-Proto': 'https' }))['tsgi.url_scheme']).toBe('https');
    expect((await fixed({}, { 'X-Forwarded-Proto': 'javascript' }))['tsgi.url_scheme']).toBe('http');
    expect((await fixed({ xProto: 0 }, { 'X-Forwarded-Proto': 'https' }))['tsgi.url_scheme']).toBe('http');
  });

  test('takes the host from X-Forwarded-Host only when told to', {
    points: 2,
    hint: 'xHost defaults to 0. With it, HTTP_HOST becomes the forwarded host, SERVER_NAME its name, SERVER_PORT its port (or 443/80 by scheme).',
  }, async () => {
    const untouched = await fixed({}, { 'X-Forwarded-Host': 'evil.example' });
    expect(untouched.HTTP_HOST).toBe('localhost:8000');
    const withPort = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'shop.example:8443' });
    expect(withPort).toMatchObject({ HTTP_HOST: 'shop.example:8443', SERVER_NAME: 'shop.example', SERVER_PORT: '8443' });
    const https = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'shop.example', 'X-Forwarded-Proto': 'https' });
    expect(https).toMatchObject({ HTTP_HOST: 'shop.example', SERVER_NAME: 'shop.example', SERVER_PORT: '443', 'tsgi.url_scheme': 'https' });
  });

  test('on a real socket: the rightmost X-Forwarded-For is the client', {
    hint: 'Through the gateway REMOTE_ADDR is the connection\'s address (127.0.0.1): the middleware replaces it.',
  }, async () => {
    const { port } = await serveApp(bounded('proxyFix()', () => proxyFix())(environApp));
    const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test', 'X-Forwarded-For: 6.6.6.6, 192.0.2.44', 'X-Forwarded-Proto: https']);
    expect(reply.status, reply.story).toBe(200);
    expect(JSON.parse(reply.body.toString())).toMatchObject({ REMOTE_ADDR: '192.0.2.44', 'tsgi.url_scheme': 'https' });
    const direct = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(JSON.parse(direct.body.toString()).REMOTE_ADDR).toBe('127.0.0.1');
  });
});
