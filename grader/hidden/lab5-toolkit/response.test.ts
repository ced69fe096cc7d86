// Hidden tests for lab 5, the writing side: Response as a TSGI app (string, bytes and iterable
// bodies), json(), redirect(), cookies on a response, and HttpException pages. What the app sends
// is read back loosely: header names in any case, Set-Cookie attributes in any order, and the
// error page's text, not its layout. Every failure shows what the app sent (showResponse).
import { STATUS_CODES } from 'node:http';
import { expect } from 'vitest';
import {
  BadRequest,
  escapeHtml,
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
import type { Environ, TsgiBody, TsgiHeaders } from '#contracts/tsgi';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { caught, environ, field, htmlText, multipart, post, readSetCookie, run, showRequest, showResponse, stream, utf8Bytes, utf8Text, values } from './helpers.ts';

const make = (what: string, fn: () => Response) => bounded(what, fn);
const sent = (response: Response) => run(bounded('response.app', () => response.app));

milestone('response', () => {
  test('status and headers come from the init: pairs or a record', {
    rules: ['W1'],
    points: 2,
    hint: 'status defaults to 200, the body to \'\'. init.headers may be [name, value] pairs (repeats kept) or a record { name: value } (Object.entries); without it there are no headers but the Content-Type.',
  }, async () => {
    const plain = make("new Response('x')", () => new Response('x'));
    expect(plain.status, "new Response('x').status").toBe(200);
    const bare = await sent(make('new Response()', () => new Response()));
    expect(bare.body.length, `the bytes of the body new Response() sent: ${showResponse(bare)}`).toBe(0);
    expect(bare.headers.map(([name]) => name.toLowerCase()), `the fields new Response() sent, without init.headers: ${showResponse(bare)}`).toEqual(['content-type']);
    const what = "new Response('gone', { status: 410, headers: [['X-A', '1'], ['X-A', '2']] })";
    const out = await sent(make(what, () => new Response('gone', { status: 410, headers: [['X-A', '1'], ['X-A', '2']] })));
    expect(out.status, `the status ${what} sent: ${showResponse(out)}`).toBe('410 Gone');
    expect(values(out.headers, 'x-a'), `the X-A fields ${what} sent: ${showResponse(out)}`).toEqual(['1', '2']);
    const recordWhat = "new Response('x', { headers: { 'Cache-Control': 'no-store', 'X-B': 'b' } })";
    const record = await sent(make(recordWhat, () => new Response('x', { headers: { 'Cache-Control': 'no-store', 'X-B': 'b' } })));
    expect([values(record.headers, 'cache-control'), values(record.headers, 'x-b')], `the fields ${recordWhat} sent: ${showResponse(record)}`).toEqual([['no-store'], ['b']]);
  });

  test('a Content-Type is always there, once: the headers one, else contentType, else HTML', {
    rules: ['W2'],
    hint: 'If no Content-Type is among the headers (any case), set init.contentType, or "text/html; charset=utf-8". One that is among them wins.',
  }, async () => {
    for (const [what, build, expected] of [
      ["new Response('x')", () => new Response('x'), 'text/html; charset=utf-8'],
      ["new Response('x', { contentType: 'text/plain; charset=utf-8' })", () => new Response('x', { contentType: 'text/plain; charset=utf-8' }), 'text/plain; charset=utf-8'],
      ["new Response('x', { headers: { 'Content-Type': 'text/csv' } })", () => new Response('x', { headers: { 'Content-Type': 'text/csv' } }), 'text/csv'],
      ["new Response('x', { headers: [['content-type', 'image/png']], contentType: 'text/plain' })", () => new Response('x', { headers: [['content-type', 'image/png']], contentType: 'text/plain' }), 'image/png'],
    ] as Array<[string, () => Response, string]>) {
      const out = await sent(make(what, build));
      expect(values(out.headers, 'content-type'), `the Content-Type fields ${what} sent: ${showResponse(out)}`).toEqual([expected]);
    }
  });

  test('a string is sent as UTF-8, bytes and iterables as they are', {
    rules: ['W3'],
    points: 2,
    hint: 'A string: [new TextEncoder().encode(body)]. A Uint8Array: [body] (it is iterable too, but of numbers). An iterable or async iterable of chunks is a TSGI body already.',
  }, async () => {
    const text = await sent(make("new Response('<p>héllo ☕</p>')", () => new Response('<p>héllo ☕</p>')));
    expect(show(text.body), `the body of new Response('<p>héllo ☕</p>'): ${showResponse(text)}`).toBe(show(utf8Bytes('<p>héllo ☕</p>')));
    expect(text.chunks, `the number of chunks the body of new Response('<p>héllo ☕</p>') came in: ${showResponse(text)}`).toBe(1);
    const binary = await sent(make('new Response(Uint8Array.of(0, 1, 255))', () => new Response(Uint8Array.of(0, 1, 255))));
    expect([...binary.body], `the body of new Response(Uint8Array.of(0, 1, 255)): ${showResponse(binary)}`).toEqual([0, 1, 255]);
    expect(binary.chunks, `the number of chunks the body of new Response(Uint8Array.of(0, 1, 255)) came in: ${showResponse(binary)}`).toBe(1);
    function* chunks() {
      yield utf8Bytes('one, ');
      yield utf8Bytes('two');
    }
    const sync = await sent(make('new Response(a generator of two chunks)', () => new Response(chunks())));
    expect(utf8Text(sync.body), `the body of new Response(a generator of 'one, ' and 'two'): ${showResponse(sync)}`).toBe('one, two');
    async function* later() {
      yield utf8Bytes('async ');
      yield utf8Bytes('chunks');
    }
    const asyncOut = await sent(make('new Response(an async generator)', () => new Response(later())));
    expect(utf8Text(asyncOut.body), `the body of new Response(an async generator of 'async ' and 'chunks'): ${showResponse(asyncOut)}`).toBe('async chunks');
  });

  test('app calls startResponse once with the status and its reason phrase', {
    rules: ['W4'],
    points: 2,
    hint: 'TSGI wants "404 Not Found": the code, a space, the standard reason (STATUS_CODES of node:http), and the headers, in one call.',
  }, async () => {
    for (const [status, line] of [[200, '200 OK'], [201, '201 Created'], [404, '404 Not Found'], [503, '503 Service Unavailable']] as const) {
      const what = `new Response('', { status: ${status} })`;
      const out = await sent(make(what, () => new Response('', { status, headers: [['X-Id', '7']] })));
      expect(out.startResponseCalls, `calls of startResponse by ${what}.app`).toBe(1);
      expect(out.status, `the status line ${what} sent: ${showResponse(out)}`).toBe(line);
      expect(values(out.headers, 'x-id'), `the X-Id field ${what} sent: ${showResponse(out)}`).toEqual(['7']);
    }
  });

  test('status, headers and body are read when the app runs', {
    rules: ['W5'],
    hint: 'Read this.status, this.headers and this.body inside the function app returns, not in the getter or the constructor.',
  }, async () => {
    const response = make("new Response('draft')", () => new Response('draft'));
    const app = bounded('response.app', () => response.app);
    response.status = 201;
    bounded('response.headers.set', () => response.headers.set('X-Id', '7'));
    response.body = 'final';
    const out = await run(app);
    const label = `what app, taken before setting status 201, X-Id and body 'final', sent: ${showResponse(out)}`;
    expect(out.status, label).toMatch(/^201 /);
    expect(values(out.headers, 'x-id'), label).toEqual(['7']);
    expect(utf8Text(out.body), label).toBe('final');
  });

  test('an iterable body is handed over unread, with its close()', {
    rules: ['W6'],
    points: 2,
    hint: 'Return the iterable itself: wrapping it in a generator loses its close() (the file it holds stays open), and spreading it into an array reads it before the server asks.',
  }, async () => {
    for (const kind of ['sync', 'async'] as const) {
      let pulled = 0;
      let closed = 0;
      const chunks = [utf8Bytes('a'), utf8Bytes('b')];
      const body = kind === 'sync'
        ? { *[Symbol.iterator]() { for (const c of chunks) { pulled++; yield c; } }, close() { closed++; } }
        : { async *[Symbol.asyncIterator]() { for (const c of chunks) { pulled++; yield c; } }, close() { closed++; } };
      const response = make(`new Response(a ${kind} iterable with close())`, () => new Response(body));
      const headers: TsgiHeaders[] = [];
      const given = (await bounded('calling response.app', () => response.app(environ(), (_s, h) => void headers.push(h)))) as TsgiBody;
      expect(pulled, `chunks pulled from a ${kind} iterable body before the server asked for one`).toBe(0);
      expect(typeof given.close, `the close of the body app returned, for a ${kind} iterable with close()`).toBe('function');
      const out: Uint8Array[] = [];
      if (Symbol.asyncIterator in given) for await (const c of given as AsyncIterable<Uint8Array>) out.push(c);
      else for (const c of given as Iterable<Uint8Array>) out.push(c);
      bounded('body.close()', () => given.close!());
      expect(utf8Text(Buffer.concat(out)), `the chunks of a ${kind} iterable body`).toBe('ab');
      expect(closed, `calls that reached the close() of a ${kind} iterable body, after the server called close() once`).toBe(1);
    }
  });

  test('Response.json() sends JSON with the status and headers of the init', {
    rules: ['W7'],
    points: 2,
    hint: 'new Response(JSON.stringify(data), ...) with Content-Type application/json, keeping init.status and init.headers.',
  }, async () => {
    const what = "Response.json({ ok: true, items: [1, 'é'] }, { status: 201, headers: [['X-A', '1']] })";
    const out = await sent(make(what, () => Response.json({ ok: true, items: [1, 'é'] }, { status: 201, headers: [['X-A', '1']] })));
    const label = `what ${what} sent: ${showResponse(out)}`;
    expect(out.status, label).toMatch(/^201 /);
    expect(values(out.headers, 'content-type').map((v) => v.split(';')[0]!.trim().toLowerCase()), label).toEqual(['application/json']);
    expect(values(out.headers, 'x-a'), label).toEqual(['1']);
    expect(JSON.parse(utf8Text(out.body)), label).toEqual({ ok: true, items: [1, 'é'] });
  });

  test('redirect() sends 302, or the status given, and Location as given', {
    rules: ['W8'],
    points: 2,
    hint: 'Response.redirect(location, status = 302): that status, and a Location header holding the location unchanged (no encoding).',
  }, async () => {
    for (const [location, status] of [['/login?next=%2Fnotes&x=caf%C3%A9', undefined], ['https://example.com/', 301], ['/a', 303], ['/b', 307], ['/c', 308]] as const) {
      const what = `Response.redirect(${show(location)}${status ? `, ${status}` : ''})`;
      const out = await sent(make(what, () => Response.redirect(location, status)));
      const label = `what ${what} sent: ${showResponse(out)}`;
      expect(out.status, label).toMatch(new RegExp(`^${status ?? 302} `));
      expect(values(out.headers, 'location'), label).toEqual([location]);
    }
  });

  test('redirect() refuses CR, LF and NUL in the location with a TypeError', {
    rules: ['W9'],
    points: 2,
    hint: "Redirect targets often come from the query (?next=...). A CR LF in one would end the Location line and start a header of the attacker's choosing: throw a TypeError (checkField).",
  }, () => {
    bounded('Response.redirect', () => Response.redirect('/fine'));
    for (const target of ['/x\r\nSet-Cookie: admin=1', '/x\nLocation: http://evil.example', '/x\r', '/x\0']) {
      expect(() => bounded('Response.redirect', () => Response.redirect(target)), `Response.redirect(${show(target)}) should throw a TypeError`).toThrow(TypeError);
    }
  });

  test('the redirect page escapes the location', {
    rules: ['W10'],
    points: 2,
    hint: 'The location is the client\'s text: put it into the page (the link and its href) through escapeHtml, or the page runs the client\'s script.',
  }, async () => {
    for (const location of ['/x"><script>alert(1)</script>', "/a?b=1&c='2'", '/ok']) {
      const what = `Response.redirect(${show(location)})`;
      const out = await sent(make(what, () => Response.redirect(location)));
      const page = utf8Text(out.body);
      const label = `the page ${what} sent: ${showResponse(out)}`;
      if (/[<>"'&]/.test(location)) expect(page, `${label}: the location should not be in it unescaped`).not.toContain(location);
      expect(page, label).not.toContain('<script');
      expect(htmlText(page), `${label}: the link, its text unescaped`).toContain(location);
    }
  });

  test('setCookie adds one Set-Cookie field per cookie, never replaced or joined', {
    rules: ['C13'],
    points: 2,
    hint: 'Set-Cookie is the one field that cannot be joined with commas (RFC 9110 §5.3): headers.add a field per cookie, never set.',
  }, async () => {
    const response = make("new Response('ok', { headers: [['Set-Cookie', 'first=0']] })", () => new Response('ok', { headers: [['Set-Cookie', 'first=0']] }));
    bounded('response.setCookie', () => response.setCookie('a', '1'));
    bounded('response.setCookie', () => response.setCookie('b', 'two words', { httpOnly: true, path: '/' }));
    const out = await sent(response);
    const label = `what the response sent after setCookie('a', '1') and setCookie('b', 'two words', { httpOnly: true, path: '/' }): ${showResponse(out)}`;
    const cookies = values(out.headers, 'set-cookie').map(readSetCookie);
    expect(cookies.map((c) => c.name), `${label}: the names of the Set-Cookie fields`).toEqual(['first', 'a', 'b']);
    expect([cookies[2]?.attributes.get('httponly'), cookies[2]?.attributes.get('path')], `${label}: HttpOnly and Path of b`).toEqual([true, '/']);
  });

  test('deleteCookie sends an empty, expired cookie with the path and domain given', {
    rules: ['C14'],
    points: 2,
    hint: 'An empty value, Max-Age=0 and Expires in the past (new Date(0)), and the same Path and Domain: a cookie is named by all three (RFC 6265 §5.3).',
  }, async () => {
    for (const options of [{ path: '/app', domain: 'example.com' }, {}]) {
      const response = make("new Response('bye')", () => new Response('bye'));
      bounded('response.deleteCookie', () => response.deleteCookie('session', options));
      const out = await sent(response);
      const [header = '', ...rest] = values(out.headers, 'set-cookie');
      const label = `deleteCookie('session', ${JSON.stringify(options)}) sent ${showResponse(out)}`;
      expect(rest, `${label}: one Set-Cookie field`).toEqual([]);
      const cookie = readSetCookie(header);
      expect([cookie.name, cookie.raw], `${label}: name and value`).toEqual(['session', '']);
      expect(cookie.attributes.get('max-age'), `${label}: Max-Age`).toBe('0');
      const expires = cookie.attributes.get('expires');
      expect(typeof expires === 'string' && Date.parse(expires) < Date.now() - 86_400_000, `${label}: Expires should be a date in the past`).toBe(true);
      expect(cookie.attributes.get('path'), `${label}: Path`).toBe('path' in options ? options.path : undefined);
      expect(cookie.attributes.get('domain'), `${label}: Domain`).toBe('domain' in options ? options.domain : undefined);
    }
  });
});

milestone('errors', () => {
  test('an HttpException renders itself as a page with its status and description', {
    rules: ['E1'],
    points: 2,
    hint: 'toResponse() builds a Response: the error\'s status, an HTML page (text/html) with the description; error.app serves it.',
  }, async () => {
    const cases: Array<[HttpException, number]> = [
      [new BadRequest(), 400],
      [new Unauthorized(), 401],
      [new Forbidden(), 403],
      [new NotFound('No note called 42.'), 404],
      [new MethodNotAllowed(['GET']), 405],
      [new PayloadTooLarge(), 413],
      [new UnsupportedMediaType(), 415],
      [new InternalServerError(), 500],
      [new HttpException(429, 'Slow down, please.'), 429],
    ];
    for (const [error, status] of cases) {
      const what = `new ${error.name}(${show(error.description)})`;
      const response = bounded('error.toResponse()', () => error.toResponse());
      expect(response.status, `${what}.toResponse().status`).toBe(status);
      const out = await sent(response);
      const label = `what ${what}.toResponse() sent: ${showResponse(out)}`;
      expect(out.status, label).toMatch(new RegExp(`^${status} `));
      expect(values(out.headers, 'content-type')[0], label).toMatch(/^text\/html/i);
      expect(htmlText(utf8Text(out.body)), `${label}: the page should show the description`).toContain(error.description);
      const served = await run(bounded('error.app', () => error.app));
      const servedLabel = `what ${what}.app sent: ${showResponse(served)}`;
      expect(served.status, servedLabel).toMatch(new RegExp(`^${status} `));
      expect(values(served.headers, 'content-type'), `${servedLabel}: the Content-Type of the page toResponse() sent`).toEqual(values(out.headers, 'content-type'));
      expect(utf8Text(served.body), `${servedLabel}: the page toResponse() sent`).toBe(utf8Text(out.body));
    }
  });

  test('the description is escaped in the page, and escapeHtml escapes & < > " \'', {
    rules: ['E2'],
    points: 2,
    hint: 'A description may echo what the client sent. Put it through escapeHtml, which turns each of & < > " \' into a character reference.',
  }, async () => {
    const description = `<script>alert("x")</script> & <img src=x onerror='y'>`;
    const out = await sent(bounded('error.toResponse()', () => new BadRequest(description).toResponse()));
    const page = utf8Text(out.body);
    const label = `the page of new BadRequest(${show(description)}): ${showResponse(out)}`;
    expect(page, label).not.toContain('<script');
    expect(page, label).not.toContain('<img');
    expect(htmlText(page), `${label}: the description, unescaped`).toContain(description);
    for (const text of ['&', '<', '>', '"', "'", '&lt;', `a & b <c d="e" f='g'>`]) {
      const escaped = bounded('escapeHtml', () => escapeHtml(text));
      expect(escaped, `escapeHtml(${show(text)}) should hold no < > " ' and no & that does not start a reference`).not.toMatch(/[<>"']|&(?!#?\w+;)/);
      expect(htmlText(escaped), `escapeHtml(${show(text)}) gave ${show(escaped)}, which should read back as the text`).toBe(text);
    }
  });

  test('the page\'s title is the status code and its reason phrase', {
    rules: ['E5'],
    hint: 'The <title> of the page is the status line\'s code and phrase, "404 Not Found" (STATUS_CODES of node:http).',
  }, async () => {
    for (const error of [new NotFound('No note called 42.'), new MethodNotAllowed(['GET']), new PayloadTooLarge(), new HttpException(429, 'Slow down, please.')]) {
      const what = `new ${error.name}(${show(error.description)})`;
      const out = await sent(bounded('error.toResponse()', () => error.toResponse()));
      const title = /<title>([^<]*)<\/title>/i.exec(utf8Text(out.body))?.[1];
      expect(title?.trim(), `the <title> of the page ${what}.toResponse() sent: ${showResponse(out)}`).toBe(`${error.status} ${STATUS_CODES[error.status]}`);
    }
  });

  test('every error has a default description, on its page and in its message', {
    rules: ['E6', 'E7'],
    hint: 'The subclasses of the starter give each a default description: keep them, show the description on the page, and let the HttpException constructor write "404 Not Found: description" as the message.',
  }, async () => {
    const cases: Array<[() => HttpException, string]> = [
      [() => new BadRequest(), 'new BadRequest()'],
      [() => new Unauthorized(), 'new Unauthorized()'],
      [() => new Forbidden(), 'new Forbidden()'],
      [() => new NotFound(), 'new NotFound()'],
      [() => new MethodNotAllowed(['GET']), "new MethodNotAllowed(['GET'])"],
      [() => new PayloadTooLarge(), 'new PayloadTooLarge()'],
      [() => new UnsupportedMediaType(), 'new UnsupportedMediaType()'],
      [() => new InternalServerError(), 'new InternalServerError()'],
    ];
    for (const [build, what] of cases) {
      const error = bounded(what, build);
      expect(error.description.trim(), `${what}.description should be a sentence, not empty`).not.toBe('');
      expect(error.description.trim().toLowerCase(), `${what}.description should be a sentence that says what went wrong, not the reason phrase`).not.toBe(String(STATUS_CODES[error.status]).toLowerCase());
      expect(error.description.trim(), `${what}.description ${show(error.description)} should be a sentence, ending with a full stop`).toMatch(/[.!?]$/);
      const out = await sent(bounded('error.toResponse()', () => error.toResponse()));
      expect(htmlText(utf8Text(out.body)), `the page ${what}.toResponse() sent should show its description ${show(error.description)}: ${showResponse(out)}`).toContain(error.description);
      const line = `${error.status} ${STATUS_CODES[error.status]}`;
      expect(error.message, `${what}.message should hold ${show(line)} and the description ${show(error.description)}`).toContain(line);
      expect(error.message, `${what}.message should hold ${show(line)} and the description ${show(error.description)}`).toContain(error.description);
    }
  });

  test('MethodNotAllowed lists the allowed methods in Allow', {
    rules: ['E3'],
    hint: 'RFC 9110 §15.5.6: a 405 must carry an Allow header with the methods the resource supports, joined by commas ("GET, HEAD").',
  }, async () => {
    for (const allowed of [['GET', 'HEAD'], ['POST']]) {
      const out = await sent(bounded('error.toResponse()', () => new MethodNotAllowed(allowed).toResponse()));
      const label = `what new MethodNotAllowed(${JSON.stringify(allowed)}).toResponse() sent: ${showResponse(out)}`;
      expect(out.status, label).toMatch(/^405 /);
      expect(values(out.headers, 'allow').flatMap((v) => v.split(',')).map((m) => m.trim()), `${label}: the methods in Allow`).toEqual(allowed);
    }
  });

  test('the body readers refuse with BadRequest, PayloadTooLarge and UnsupportedMediaType', {
    rules: ['E4'],
    points: 2,
    hint: 'Throw the classes of errors.ts (an Error with a status property is not an HttpException): then the framework can send error.toResponse().',
  }, async () => {
    const cases: Array<[Environ, (r: Request) => Promise<unknown>, string, abstract new (...args: never[]) => HttpException, number, { maxBodyBytes?: number; maxParts?: number }?]> = [
      [post('application/json', '{oops'), (r) => r.json(), 'request.json()', BadRequest, 400],
      [post('text/plain; charset=klingon', 'x'), (r) => r.text(), 'request.text()', BadRequest, 400],
      [environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '99' }), (r) => r.bytes(), 'request.bytes()', PayloadTooLarge, 413, { maxBodyBytes: 10 }],
      [environ({ REQUEST_METHOD: 'POST' }, stream(10, 10)), (r) => r.bytes(), 'request.bytes()', PayloadTooLarge, 413, { maxBodyBytes: 50 }],
      [post('application/json', '{}'), (r) => r.form(), 'request.form()', UnsupportedMediaType, 415],
      [post('multipart/form-data; boundary=XyZ', 'no delimiter'), (r) => r.form(), 'request.form()', BadRequest, 400],
      [post('multipart/form-data; boundary=XyZ', multipart('XyZ', [field('a', '1'), field('b', '2')])), (r) => r.form(), 'request.form()', PayloadTooLarge, 413, { maxParts: 1 }],
    ];
    for (const [env, reader, what, kind, status, options] of cases) {
      const r = bounded('new Request(environ)', () => new Request(env, options));
      const outcome = await caught(what, () => reader(r));
      const label = `${what} for ${showRequest(env, options)}`;
      if (!('error' in outcome)) expect.fail(`${label} should throw a ${kind.name}, but it resolved`);
      expect(outcome.error, `${label} should throw a ${kind.name}`).toBeInstanceOf(kind);
      const out = await sent(bounded('error.toResponse()', () => (outcome.error as HttpException).toResponse()));
      expect(out.status, `${label}: the page of the error it threw: ${showResponse(out)}`).toMatch(new RegExp(`^${status} `));
    }
  });
});

