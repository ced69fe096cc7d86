// Hidden tests for lab 5, the writing side: Response as a TSGI app (string, bytes and iterable
// bodies), json(), redirect(), cookies on a response, and HttpException pages. What the app sends
// is read back loosely: header names in any case, Set-Cookie attributes in any order, and the
// error page's text, not its layout.
import { expect } from 'vitest';
import {
  BadRequest,
  Forbidden,
  HttpException,
  InternalServerError,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  Request,
  Response,
  Unauthorized,
  UnsupportedMediaType,
} from '@lab/toolkit';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { attempt, environ, htmlText, post, readSetCookie, run, utf8Bytes, utf8Text, values } from './helpers.ts';

const make = (fn: () => Response) => bounded('new Response(...)', fn);
const sent = (response: Response) => run(bounded('response.app', () => response.app));

/** No header line the app sent holds CR, LF or NUL: none can end early and start another. */
function expectNoInjection(headers: Array<[string, string]>): void {
  for (const [name, value] of headers) expect(`${name}: ${value}`, show(`${name}: ${value}`)).not.toMatch(/[\r\n\0]/);
}

milestone('response', () => {
  test('a string body is sent as UTF-8 HTML, status 200', { points: 2, hint: 'Response.app calls startResponse("200 OK", headers) and returns the body as byte chunks: encode strings as UTF-8.' }, async () => {
    const response = make(() => new Response('<p>héllo</p>'));
    expect(response.status).toBe(200);
    const out = await sent(response);
    expect(out.startResponseCalls).toBe(1);
    expect(out.status).toMatch(/^200 /);
    expect(values(out.headers, 'content-type')).toHaveLength(1);
    expect(values(out.headers, 'content-type')[0]).toMatch(/^text\/html/i);
    expect([...out.body]).toEqual([...utf8Bytes('<p>héllo</p>')]);
  });

  test('status, headers and content type come from the init', {}, async () => {
    const out = await sent(make(() => new Response('gone', {
      status: 410,
      headers: [['X-A', '1'], ['X-A', '2']],
      contentType: 'text/plain; charset=utf-8',
    })));
    expect(out.status).toMatch(/^410 /);
    expect(values(out.headers, 'x-a')).toEqual(['1', '2']);
    expect(values(out.headers, 'content-type')).toEqual(['text/plain; charset=utf-8']);
    const record = await sent(make(() => new Response('x', { headers: { 'Cache-Control': 'no-store', 'Content-Type': 'text/csv' } })));
    expect(values(record.headers, 'cache-control')).toEqual(['no-store']);
    expect(values(record.headers, 'content-type'), 'a Content-Type in the headers wins over the default').toEqual(['text/csv']);
  });

  test('bytes and iterable bodies are sent as they are', { hint: 'A Uint8Array is one chunk; an iterable or async iterable of chunks is already a TSGI body.' }, async () => {
    const binary = await sent(make(() => new Response(Uint8Array.of(0, 1, 255))));
    expect([...binary.body]).toEqual([0, 1, 255]);
    function* chunks() {
      yield utf8Bytes('one, ');
      yield utf8Bytes('two');
    }
    expect(utf8Text((await sent(make(() => new Response(chunks())))).body)).toBe('one, two');
    async function* later() {
      yield utf8Bytes('async ');
      yield utf8Bytes('chunks');
    }
    expect(utf8Text((await sent(make(() => new Response(later())))).body)).toBe('async chunks');
  });

  test('the status line carries the standard reason phrase', { hint: 'TSGI wants "404 Not Found": three digits, a space, the reason. node:http\'s STATUS_CODES has the phrases.' }, async () => {
    expect((await sent(make(() => new Response('', { status: 404 })))).status).toBe('404 Not Found');
    expect((await sent(make(() => new Response('', { status: 201 })))).status).toBe('201 Created');
  });

  test('status, headers and body can change until the response is sent', {}, async () => {
    const response = make(() => new Response('draft'));
    response.status = 201;
    bounded('response.headers.set', () => response.headers.set('X-Id', '7'));
    response.body = 'final';
    const out = await sent(response);
    expect(out.status).toMatch(/^201 /);
    expect(values(out.headers, 'x-id')).toEqual(['7']);
    expect(utf8Text(out.body)).toBe('final');
  });

  test('Response.json() sends JSON', { points: 2 }, async () => {
    const out = await sent(bounded('Response.json', () => Response.json({ ok: true, items: [1, 'é'] }, { status: 201 })));
    expect(out.status).toMatch(/^201 /);
    expect(values(out.headers, 'content-type')).toHaveLength(1);
    expect(values(out.headers, 'content-type')[0]).toMatch(/^application\/json/i);
    expect(JSON.parse(utf8Text(out.body))).toEqual({ ok: true, items: [1, 'é'] });
  });

  test('redirect() sends 302 and a Location', { points: 2 }, async () => {
    const out = await sent(bounded('Response.redirect', () => Response.redirect('/login?next=%2Fnotes')));
    expect(out.status).toMatch(/^302 /);
    expect(values(out.headers, 'location')).toEqual(['/login?next=%2Fnotes']);
    for (const status of [301, 303, 307, 308]) {
      const other = await sent(bounded('Response.redirect', () => Response.redirect('https://example.com/', status)));
      expect(other.status).toMatch(new RegExp(`^${status} `));
      expect(values(other.headers, 'location')).toEqual(['https://example.com/']);
    }
  });

  test('redirect() cannot be made to add a header', {
    points: 2,
    hint: 'Redirect targets often come from the query (?next=...). A CR LF in one would end the Location line and start a header of the attacker\'s choosing.',
  }, async () => {
    bounded('Response.redirect', () => Response.redirect('/fine'));
    for (const target of ['/x\r\nSet-Cookie: admin=1', '/x\nLocation: http://evil.example', '/x\r', '/x\0']) {
      const outcome = attempt('Response.redirect', () => Response.redirect(target));
      if ('threw' in outcome) continue;
      const out = await sent(outcome.value);
      expectNoInjection(out.headers);
      expect(values(out.headers, 'location'), show(target)).toHaveLength(1);
      expect(values(out.headers, 'set-cookie'), show(target)).toEqual([]);
    }
  });

  test('setCookie adds one Set-Cookie field per cookie, never joined', {
    lesson: '05-toolkit.md#cookies',
    hint: 'Set-Cookie is the one field that cannot be joined with commas (RFC 9110 §5.3): add a field per cookie.',
  }, async () => {
    const response = make(() => new Response('ok'));
    bounded('response.setCookie', () => response.setCookie('a', '1'));
    bounded('response.setCookie', () => response.setCookie('b', 'two words', { httpOnly: true, path: '/' }));
    const out = await sent(response);
    const cookies = values(out.headers, 'set-cookie').map(readSetCookie);
    expect(cookies.map((c) => c.name)).toEqual(['a', 'b']);
    expect(cookies[1]?.attributes.get('httponly')).toBe(true);
    expect(cookies[1]?.attributes.get('path')).toBe('/');
  });

  test('deleteCookie expires the cookie, with the path and domain it was set with', {
    lesson: '05-toolkit.md#cookies',
    hint: 'A browser drops a cookie when a Set-Cookie for the same name, path and domain has Max-Age=0 or an Expires in the past.',
  }, async () => {
    const response = make(() => new Response('bye'));
    bounded('response.deleteCookie', () => response.deleteCookie('session', { path: '/app', domain: 'example.com' }));
    const [header, ...rest] = values((await sent(response)).headers, 'set-cookie');
    expect(rest).toEqual([]);
    const cookie = readSetCookie(header ?? '');
    expect(cookie.name).toBe('session');
    const maxAge = cookie.attributes.get('max-age');
    const expires = cookie.attributes.get('expires');
    const expired = (typeof maxAge === 'string' && Number(maxAge) <= 0) || (typeof expires === 'string' && Date.parse(expires) < Date.now());
    expect(expired, `Max-Age <= 0 or Expires in the past: ${show(header ?? '')}`).toBe(true);
    expect(cookie.attributes.get('path')).toBe('/app');
    expect(cookie.attributes.get('domain')).toBe('example.com');
  });

  test('a cookie value cannot add a header to the response', { lesson: '05-toolkit.md#cookies' }, async () => {
    const response = make(() => new Response('ok'));
    bounded('response.setCookie', () => response.setCookie('fine', '1'));
    attempt('response.setCookie', () => response.setCookie('s', 'x\r\nLocation: http://evil.example'));
    const out = await sent(response);
    expectNoInjection(out.headers);
    expect(values(out.headers, 'location')).toEqual([]);
  });
});

milestone('errors', () => {
  test('an HttpException renders itself as a page with its status', {
    points: 2,
    hint: 'toResponse() builds a Response: the status, an HTML page with the description, text/html.',
  }, async () => {
    const error = new NotFound();
    expect(error).toBeInstanceOf(HttpException);
    expect(error).toBeInstanceOf(Error);
    const response = bounded('error.toResponse()', () => error.toResponse());
    expect(response.status).toBe(404);
    const out = await sent(response);
    expect(out.status).toMatch(/^404 /);
    expect(values(out.headers, 'content-type')[0]).toMatch(/^text\/html/i);
    expect(htmlText(utf8Text(out.body))).toContain(error.description);
  });

  test('every subclass answers with its own status', {}, async () => {
    const cases: Array<[HttpException, number]> = [
      [new BadRequest(), 400],
      [new Unauthorized(), 401],
      [new Forbidden(), 403],
      [new NotFound(), 404],
      [new MethodNotAllowed(['GET']), 405],
      [new PayloadTooLarge(), 413],
      [new UnsupportedMediaType(), 415],
      [new InternalServerError(), 500],
    ];
    for (const [error, status] of cases) {
      expect(bounded('error.toResponse()', () => error.toResponse()).status, error.name).toBe(status);
      expect((await run(bounded('error.app', () => error.app))).status, error.name).toMatch(new RegExp(`^${status} `));
    }
  });

  test('the description is escaped in the page', {
    points: 2,
    hint: 'A description may echo what the client sent. Escape & < > " \' before putting it into HTML (escapeHtml is there for it).',
  }, async () => {
    const description = `<script>alert("x")</script> & <img src=x onerror='y'>`;
    const page = utf8Text((await sent(bounded('error.toResponse()', () => new BadRequest(description).toResponse()))).body);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(htmlText(page)).toContain(description);
  });

  test('MethodNotAllowed lists the allowed methods in Allow', { hint: 'RFC 9110 §15.5.6: a 405 must carry an Allow header with the methods the resource supports.' }, async () => {
    const out = await sent(bounded('error.toResponse()', () => new MethodNotAllowed(['GET', 'HEAD']).toResponse()));
    expect(out.status).toMatch(/^405 /);
    const allow = values(out.headers, 'allow').flatMap((v) => v.split(',')).map((m) => m.trim());
    expect(allow).toEqual(['GET', 'HEAD']);
  });

  test('a custom status and description', {}, async () => {
    const out = await sent(bounded('error.toResponse()', () => new HttpException(429, 'Slow down, please.').toResponse()));
    expect(out.status).toMatch(/^429 /);
    expect(htmlText(utf8Text(out.body))).toContain('Slow down, please.');
  });

  test('the errors of the request readers render as pages too', {
    hint: 'json(), bytes() and form() throw HttpExceptions (BadRequest, PayloadTooLarge, ...), so a framework can send them with toResponse().',
  }, async () => {
    const bad = bounded('new Request(environ)', () => new Request(post('application/json', '{oops')));
    const big = bounded('new Request(environ)', () => new Request(environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '99' }), { maxBodyBytes: 10 }));
    for (const [reader, status] of [[() => bad.json(), 400], [() => big.bytes(), 413]] as const) {
      const error = await bounded('reading the body', reader).then(() => null, (e: unknown) => e);
      if ((error as Error | null)?.message?.startsWith('TODO(')) throw error;
      expect(error, `the reader should throw an HttpException (${status})`).toBeInstanceOf(HttpException);
      const out = await sent(bounded('error.toResponse()', () => (error as HttpException).toResponse()));
      expect(out.status).toMatch(new RegExp(`^${status} `));
    }
  });
});
