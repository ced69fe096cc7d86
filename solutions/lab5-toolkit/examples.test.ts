// Visible examples for lab 5: run them with `npm run examples lab5`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab5`) check much
// more. Add your own tests here freely.
import { expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { Environ, TsgiApp, TsgiHeaders, TsgiInput } from '#contracts/tsgi';
import {
  Headers,
  MethodNotAllowed,
  NotFound,
  Request,
  Response,
  bestMatch,
  parseCookies,
  parseQuery,
  serializeCookie,
} from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A tsgi.input over these pieces of text; `taken` counts the pieces a reader took. */
function input(...pieces: string[]): TsgiInput & { taken: number } {
  const chunks = pieces.map(encode);
  const result = {
    taken: 0,
    async read() {
      const all = chunks.splice(0);
      result.taken += all.length;
      return new Uint8Array(Buffer.concat(all));
    },
    async *[Symbol.asyncIterator]() {
      while (chunks.length > 0) {
        result.taken++;
        yield chunks.shift()!;
      }
    },
  };
  return result;
}

/** The environ a gateway (lab 3) would build for `GET /` on localhost:8000, with these changes. */
function environ(changes: Partial<Environ> = {}): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: 'localhost:8000',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': input(),
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    ...changes,
  };
}

/** A POST with this Content-Type and body. */
function post(contentType: string, ...body: string[]): Environ {
  const length = body.reduce((n, piece) => n + encode(piece).length, 0);
  return environ({ REQUEST_METHOD: 'POST', CONTENT_TYPE: contentType, CONTENT_LENGTH: String(length), 'tsgi.input': input(...body) });
}

/** Runs a TSGI app and collects what it sent: the status line, the headers and the body as text. */
async function run(app: TsgiApp) {
  let status = '';
  let headers: TsgiHeaders = [];
  const body = await app(environ(), (s, h) => {
    status = s;
    headers = h;
  });
  let text = '';
  for await (const chunk of body) text += decode(chunk);
  return { status, headers, text };
}

milestone('headers', () => {
  test('finds fields whatever the case of their names, repeats kept in order', {
    rules: ['H1', 'H2'],
    hint: 'Store [name, value] pairs in a list; compare names lowercased.',
  }, () => {
    const headers = new Headers([['X-Trace', 'a1']]);
    headers.add('Vary', 'Accept');
    headers.add('vary', 'Cookie');
    expect(headers.get('x-trace')).toBe('a1');
    expect(headers.getAll('VARY')).toEqual(['Accept', 'Cookie']);
    expect(headers.has('x-missing')).toBe(false);
  });

  test('set replaces every value, delete removes them, and CR LF is refused', {
    rules: ['H4', 'H6'],
    hint: 'set is delete then add; check every value before storing it, so nobody can inject a header line.',
  }, () => {
    const headers = new Headers([['Vary', 'Accept'], ['Vary', 'Cookie'], ['X-Note', 'hi']]);
    headers.set('Vary', 'Origin');
    expect(headers.getAll('vary')).toEqual(['Origin']);
    headers.delete('x-note');
    expect(headers.entries()).toEqual([['Vary', 'Origin']]);
    expect(() => headers.set('X-Note', 'a\r\nInjected: yes')).toThrow(TypeError);
  });
});

milestone('query', () => {
  test('decodes a query string, repeated keys included', {
    rules: ['Q3', 'Q4', 'Q8'],
    hint: '+ is a space; %XX escapes are bytes, decoded together as UTF-8. Keep every pair in a MultiDict.',
  }, () => {
    const args = parseQuery('city=S%C3%A3o+Paulo&stop=1&stop=2');
    expect(args.get('city')).toBe('São Paulo');
    expect(args.getAll('stop')).toEqual(['1', '2']);
    expect(args.keys()).toEqual(['city', 'stop']);
  });

  test('splits a piece at its first = only, and keeps a malformed % as it is', {
    rules: ['Q2', 'Q5'],
    hint: 'Use indexOf("=") rather than split("="); decode only % followed by two hex digits.',
  }, () => {
    const args = parseQuery('formula=a%3Db=c&discount=100%');
    expect(args.get('formula')).toBe('a=b=c');
    expect(args.get('discount')).toBe('100%');
  });
});

milestone('request', () => {
  test('method, path, args and url come from the environ', {
    rules: ['R2', 'R3', 'R6', 'U4', 'U5'],
    hint: 'PATH_INFO holds bytes, one character each: turn it back into bytes and decode them as UTF-8.',
  }, () => {
    const request = new Request(environ({ PATH_INFO: '/caf\xc3\xa9/menu', QUERY_STRING: 'lang=fr', HTTP_HOST: 'bistro.test:8080' }));
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/café/menu');
    expect(request.args.get('lang')).toBe('fr');
    expect(request.url).toBe('http://bistro.test:8080/caf%C3%A9/menu?lang=fr');
  });

  test('host falls back on SERVER_NAME; headers come from the HTTP_ keys and CONTENT_TYPE', {
    rules: ['R5', 'U2', 'U3'],
    hint: 'Without a Host header, use SERVER_NAME, with :SERVER_PORT unless it is 80 for http (443 for https).',
  }, () => {
    const noHost = (changes: Partial<Environ>) => {
      const env = environ(changes);
      delete env.HTTP_HOST; // as if the client sent no Host header
      return env;
    };
    const request = new Request(noHost({ SERVER_NAME: 'bistro.test', SERVER_PORT: '80', CONTENT_TYPE: 'text/plain', HTTP_X_TABLE: '7' }));
    expect(request.host).toBe('bistro.test');
    expect(new Request(noHost({ SERVER_NAME: 'bistro.test', SERVER_PORT: '8443' })).host).toBe('bistro.test:8443');
    expect(request.headers.get('Content-Type')).toBe('text/plain');
    expect(request.headers.get('x-table')).toBe('7');
  });
});

milestone('cookies', () => {
  test('parseCookies reads a Cookie header', {
    rules: ['C1', 'C2', 'C3'],
    hint: 'Split at ";" then at the first "="; trim; drop the quotes around a value; percent-decode it.',
  }, () => {
    expect(parseCookies('theme=dark; lang="en";  note=caf%C3%A9')).toEqual({ theme: 'dark', lang: 'en', note: 'café' });
  });

  test('serializeCookie writes the attributes asked for, and encodes the value', {
    rules: ['C7', 'C8', 'C10'],
    hint: 'name=value, then "; " and each attribute asked for (in any order). Percent-encode the value.',
  }, () => {
    const cookie = serializeCookie('cart', 'tea; cake', { path: '/shop', httpOnly: true, maxAge: 3600 });
    const [pair, ...attributes] = cookie.split('; ');
    expect(parseCookies(pair)).toEqual({ cart: 'tea; cake' }); // the value survives the round trip
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=3600', 'Path=/shop']);
  });
});

milestone('negotiation', () => {
  test('bestMatch picks the offer with the highest q', {
    rules: ['N1', 'N3', 'N4'],
    hint: 'A range without q has q=1; with no Accept header at all, the first offer wins.',
  }, () => {
    expect(bestMatch('text/html;q=0.8, application/json', ['text/html', 'application/json'])).toBe('application/json');
    expect(bestMatch(undefined, ['text/plain', 'text/html'])).toBe('text/plain');
    expect(bestMatch('text/csv;q=0', ['text/csv'])).toBeNull();
  });

  test('the most specific range decides; request.accepts reads the Accept header', {
    rules: ['N2', 'N8'],
    hint: 'For each offer, find the ranges that cover it (type/subtype, type/*, */*) and take the q of the most specific.',
  }, () => {
    const accept = 'image/*;q=0.5, image/webp;q=0, */*;q=0.1';
    expect(bestMatch(accept, ['image/webp', 'image/png', 'text/plain'])).toBe('image/png');
    const request = new Request(environ({ HTTP_ACCEPT: accept }));
    expect(request.accepts(['text/plain', 'image/webp'])).toBe('text/plain');
  });
});

milestone('bodies', () => {
  test('text() and json() read the whole body, however it is cut', {
    rules: ['B1', 'B7', 'B9'],
    hint: 'Collect every chunk of tsgi.input, then decode (UTF-8 unless the Content-Type names a charset).',
  }, async () => {
    expect(await new Request(post('text/plain', 'hello ', 'wor', 'ld')).text()).toBe('hello world');
    expect(await new Request(post('application/json', '{"dish": "soup", ', '"bowls": 2}')).json()).toEqual({ dish: 'soup', bowls: 2 });
  });

  test('a Content-Length over maxBodyBytes is 413, before a byte is read', {
    rules: ['B4'],
    hint: 'Compare CONTENT_LENGTH with maxBodyBytes before you touch tsgi.input; throw PayloadTooLarge.',
  }, async () => {
    const body = input('x'.repeat(50));
    const request = new Request(environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '50', 'tsgi.input': body }), { maxBodyBytes: 20 });
    await expect(request.bytes()).rejects.toMatchObject({ status: 413 });
    expect(body.taken).toBe(0);
  });
});

milestone('forms', () => {
  test('reads an url-encoded form; refuses a body that is not a form with 415', {
    rules: ['F1', 'F2', 'F3'],
    hint: 'Choose by the media type before any ";": url-encoded bodies are parsed like a query string.',
  }, async () => {
    const { fields, files } = await new Request(post('application/x-www-form-urlencoded; charset=utf-8', 'dish=Pad+Thai&spice=3&spice=4')).form();
    expect(fields.get('dish')).toBe('Pad Thai');
    expect(fields.getAll('spice')).toEqual(['3', '4']);
    expect(files.keys()).toEqual([]);
    await expect(new Request(post('text/csv', 'a,b')).form()).rejects.toMatchObject({ status: 415 });
  });

  test('reads a multipart form: text fields and files', {
    rules: ['M2', 'M6', 'M7'],
    hint: 'Cut the body at "--" + boundary; each part is headers, an empty line, then data. A part with a filename is a file.',
  }, async () => {
    const body = [
      '--XyZ\r\n',
      'Content-Disposition: form-data; name="title"\r\n\r\n',
      'Holiday\r\n',
      '--XyZ\r\n',
      'Content-Disposition: form-data; name="photo"; filename="beach.jpg"\r\n',
      'Content-Type: image/jpeg\r\n\r\n',
      'JPEG...\r\n',
      '--XyZ--\r\n',
    ].join('');
    const { fields, files } = await new Request(post('multipart/form-data; boundary=XyZ', body)).form();
    expect(fields.get('title')).toBe('Holiday');
    const photo = files.get('photo')!;
    expect([photo.name, photo.filename, photo.contentType]).toEqual(['photo', 'beach.jpg', 'image/jpeg']);
    expect(decode(photo.data)).toBe('JPEG...');
  });
});

milestone('response', () => {
  test('a Response is a TSGI app: status with its reason, headers, body', {
    rules: ['W1', 'W2', 'W4', 'C13'],
    hint: 'response.app calls startResponse("202 Accepted", headers) once and returns the body as bytes.',
  }, async () => {
    const response = new Response('Gone fishing', { status: 202, contentType: 'text/plain' });
    response.setCookie('seen', 'yes');
    response.setCookie('lang', 'fr');
    const sent = await run(response.app);
    expect(sent.status).toBe('202 Accepted');
    expect(sent.headers).toContainEqual(['Content-Type', 'text/plain']);
    expect(sent.headers.filter(([name]) => name === 'Set-Cookie')).toHaveLength(2);
    expect(sent.text).toBe('Gone fishing');
  });

  test('Response.json and Response.redirect', {
    rules: ['W7', 'W8'],
    hint: 'json: JSON.stringify with Content-Type application/json; redirect: 302 unless told, with Location as given.',
  }, async () => {
    const json = await run(Response.json({ ok: true, id: 9 }, { status: 201 }).app);
    expect(json.status).toBe('201 Created');
    expect(JSON.parse(json.text)).toEqual({ ok: true, id: 9 });
    const redirect = Response.redirect('/login?next=%2Fcart');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/login?next=%2Fcart');
  });
});

milestone('errors', () => {
  test('an HttpException renders itself as a page, its description escaped', {
    rules: ['E1', 'E2'],
    hint: 'toResponse() builds a Response with the status and an HTML page; escape the description with escapeHtml.',
  }, async () => {
    const page = await run(new NotFound('No recipe called <script>alert(1)</script>').app);
    expect(page.status).toBe('404 Not Found');
    expect(page.text).toContain('No recipe called');
    expect(page.text).not.toContain('<script>');
  });

  test('a 405 lists the allowed methods in Allow', {
    rules: ['E3'],
    hint: 'Take the page of super.toResponse() and set Allow to the methods joined by ", ".',
  }, () => {
    const response = new MethodNotAllowed(['GET', 'PUT']).toResponse();
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, PUT');
  });
});
