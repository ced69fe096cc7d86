// Hidden tests for lab 5, the reading side: Headers, query strings, the Request over an environ,
// cookies in both directions, and content negotiation. Environs are plain objects built by hand
// (helpers.ts); every call into the lab goes through `bounded`, and every failure names the call
// or the request (showRequest) that produced it.
import { expect } from 'vitest';
import { bestMatch, Headers, MultiDict, parseCookies, parseQuery, Request, serializeCookie } from '@lab/toolkit';
import type { RequestOptions } from '#contracts/toolkit';
import type { Environ } from '#contracts/tsgi';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { asBytesText, attempt, COOKIE_VALUE, environ, inputOf, readSetCookie, showRequest } from './helpers.ts';

const request = (env: Environ, options?: RequestOptions) => bounded('new Request(environ)', () => new Request(env, options));
const read = <T>(what: string, fn: () => T): T => bounded(what, fn);
/** The attributes of a Set-Cookie other than `allowed`. */
const otherAttributes = (header: string, allowed: string[] = []) => [...readSetCookie(header).attributes.keys()].filter((key) => !allowed.includes(key));
/** A property of a Request over `env`, with the request in every failure message. */
function property<T>(env: Environ, name: string, get: (r: Request) => T, options?: RequestOptions): [T, string] {
  const r = request(env, options);
  return [read(`request.${name}`, () => get(r)), `request.${name} for ${showRequest(env, options)}`];
}
const query = (text: string) => bounded(`parseQuery(${show(text)})`, () => parseQuery(text));
const cookies = (header: string | undefined) => bounded(`parseCookies(${header === undefined ? 'undefined' : show(header)})`, () => parseCookies(header));

milestone('headers', () => {
  test('finds a field whatever the case of its name', {
    rules: ['H1'],
    points: 2,
    hint: 'Field names are case-insensitive (RFC 9110 §5.1): compare them lowercased, in get, getAll, has, set and delete alike.',
  }, () => {
    const fields: Array<[string, string]> = [['Content-Type', 'text/html'], ['X-Request-Id', 'abc'], ['Vary', 'Accept'], ['vary', 'Cookie']];
    const headers = bounded('new Headers(fields)', () => new Headers(fields));
    const made = `new Headers(${JSON.stringify(fields)})`;
    expect(read('headers.get', () => headers.get('content-type')), `${made}.get('content-type')`).toBe('text/html');
    expect(read('headers.get', () => headers.get('CONTENT-TYPE')), `${made}.get('CONTENT-TYPE')`).toBe('text/html');
    expect(read('headers.getAll', () => headers.getAll('VARY')), `${made}.getAll('VARY')`).toEqual(['Accept', 'Cookie']);
    expect(read('headers.has', () => headers.has('x-request-ID')), `${made}.has('x-request-ID')`).toBe(true);
    expect(read('headers.get', () => headers.get('Accept')), `${made}.get('Accept'): no such field`).toBeUndefined();
    expect(read('headers.has', () => headers.has('accept')), `${made}.has('accept'): no such field`).toBe(false);
    bounded('headers.delete', () => headers.delete('X-REQUEST-ID'));
    expect(read('headers.has', () => headers.has('x-request-id')), `has('x-request-id') after delete('X-REQUEST-ID')`).toBe(false);
    bounded('headers.set', () => headers.set('CONTENT-type', 'text/plain'));
    expect(read('headers.getAll', () => headers.getAll('Content-Type')), `getAll('Content-Type') after set('CONTENT-type', 'text/plain')`).toEqual(['text/plain']);
  });

  test('keeps repeated fields separate, in order', {
    rules: ['H2'],
    hint: 'A multi-map: add() appends, get() gives the first value, getAll() every one, in order. Set-Cookie lines must never be merged.',
  }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    bounded('headers.add', () => headers.add('Set-Cookie', 'a=1'));
    bounded('headers.add', () => headers.add('X-Middle', 'm'));
    bounded('headers.add', () => headers.add('Set-Cookie', 'b=2'));
    bounded('headers.add', () => headers.add('Set-Cookie', 'c=3'));
    const added = "after add('Set-Cookie', 'a=1'), add('X-Middle', 'm'), add('Set-Cookie', 'b=2'), add('Set-Cookie', 'c=3')";
    expect(read('headers.getAll', () => headers.getAll('Set-Cookie')), `getAll('Set-Cookie') ${added}`).toEqual(['a=1', 'b=2', 'c=3']);
    expect(read('headers.get', () => headers.get('Set-Cookie')), `get('Set-Cookie') should be the first value, ${added}`).toBe('a=1');
    expect(read('headers.getAll', () => headers.getAll('x-missing')), `getAll of a field that is not there ${added}`).toEqual([]);
    expect(read('headers.get', () => headers.get('x-missing')), `get of a field that is not there ${added}`).toBeUndefined();
  });

  test('entries() lists every field in order, names as given, as a copy', {
    rules: ['H3'],
    hint: 'Keep the names exactly as they were added (only lookups ignore case), and return a new array, not your own list.',
  }, () => {
    const headers = bounded('new Headers()', () => new Headers([['Content-Type', 'text/html']]));
    bounded('headers.add', () => headers.add('Set-Cookie', 'a=1'));
    bounded('headers.add', () => headers.add('X-Request-Id', '7'));
    bounded('headers.add', () => headers.add('set-cookie', 'b=2'));
    const expected = [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['X-Request-Id', '7'], ['set-cookie', 'b=2']];
    const made = "new Headers([['Content-Type', 'text/html']]), then add('Set-Cookie', 'a=1'), add('X-Request-Id', '7'), add('set-cookie', 'b=2')";
    const entries = read('headers.entries', () => headers.entries());
    expect(entries, `entries() of ${made}`).toEqual(expected);
    expect(read('iterating headers', () => [...headers]), `[...headers] of ${made}`).toEqual(expected);
    entries.push(['X-Evil', '1']);
    entries.shift();
    expect(read('headers.entries', () => headers.entries()), 'entries() after changing the array an earlier entries() returned: it should be a copy').toEqual(expected);
    const empty = bounded('new Headers()', () => new Headers());
    expect(read('headers.entries', () => empty.entries()), 'entries() of new Headers(), made without fields').toEqual([]);
  });

  test('set() replaces every value of a field; delete() removes them all', {
    rules: ['H4'],
    hint: 'set(name, value): remove every field of that name, then store the one. delete(name): remove every field of that name, not just the first.',
  }, () => {
    const fields: Array<[string, string]> = [['Vary', 'Accept'], ['X-A', '1'], ['Vary', 'Cookie'], ['X-A', '2']];
    const made = `new Headers(${JSON.stringify(fields)})`;
    const headers = bounded('new Headers(fields)', () => new Headers(fields));
    bounded('headers.set', () => headers.set('Vary', 'Origin'));
    expect(read('headers.getAll', () => headers.getAll('vary')), `getAll('vary') after ${made}.set('Vary', 'Origin')`).toEqual(['Origin']);
    bounded('headers.set', () => headers.set('X-New', 'n'));
    expect(read('headers.getAll', () => headers.getAll('x-new')), "getAll('x-new') after set('X-New', 'n') of a new field").toEqual(['n']);
    bounded('headers.delete', () => headers.delete('X-A'));
    expect(read('headers.getAll', () => headers.getAll('X-A')), `getAll('X-A') after delete('X-A') of ${made}`).toEqual([]);
    expect(read('headers.entries', () => headers.entries()).length, `the number of fields left: Vary and X-New`).toBe(2);
  });

  test('refuses a field name that is not a token, with a TypeError', {
    rules: ['H5'],
    hint: "A name is one or more of letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.1). Throw a TypeError for anything else, the empty name included.",
  }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    for (const good of ['X-Ok', "x!#$%&'*+-.^_`|~9"]) {
      expect(attempt('headers.add', () => headers.add(good, 'v')), `add(${show(good)}, 'v'): a valid token should be accepted`).toEqual({ value: undefined });
    }
    for (const bad of ['X-A\r\nSet-Cookie', 'X-Name:', 'Two Words', '', 'Ünïcode', '(x)', 'a\0b']) {
      expect(() => bounded('headers.add', () => headers.add(bad, 'v')), `add(${show(bad)}, 'v') should throw a TypeError`).toThrow(TypeError);
      expect(() => bounded('headers.set', () => headers.set(bad, 'v')), `set(${show(bad)}, 'v') should throw a TypeError`).toThrow(TypeError);
    }
  });

  test('refuses CR, LF and NUL in a value with a TypeError: no header injection', {
    rules: ['H6'],
    points: 2,
    hint: "A value with CR or LF in it would end its line on the wire and start a header of the sender's choosing; NUL is refused too. Throw a TypeError.",
  }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    bounded('headers.set', () => headers.set('X-Name', 'plain value: with; punctuation=ok'));
    for (const bad of ['a\r\nSet-Cookie: admin=1', 'a\nX-Evil: 1', 'a\rb', 'a\0b', '\n']) {
      expect(() => bounded('headers.set', () => headers.set('X-Name', bad)), `set('X-Name', ${show(bad)}) should throw a TypeError`).toThrow(TypeError);
      expect(() => bounded('headers.add', () => headers.add('X-Name', bad)), `add('X-Name', ${show(bad)}) should throw a TypeError`).toThrow(TypeError);
    }
  });

  test('the constructor, set and add check a field before storing it', {
    rules: ['H7'],
    points: 2,
    hint: 'Run checkField in every way a field gets in (the constructor too), and before changing anything: a refused set() must not delete the old value.',
  }, () => {
    for (const fields of [[['X-A', 'a\r\nSet-Cookie: admin=1']], [['X-Ok', '1'], ['Bad Name', 'v']], [['X-A', 'a\0']]] as Array<Array<[string, string]>>) {
      expect(() => bounded('new Headers(fields)', () => new Headers(fields)), `new Headers(${show(JSON.stringify(fields))}) should throw a TypeError`).toThrow(TypeError);
    }
    const headers = bounded('new Headers(fields)', () => new Headers([['X-Name', 'old']]));
    attempt('headers.set', () => headers.set('X-Name', 'new\r\nSet-Cookie: admin=1'));
    attempt('headers.add', () => headers.add('X-Name', 'second\r\nX-Evil: 1'));
    attempt('headers.add', () => headers.add('Bad Name', 'v'));
    expect(read('headers.entries', () => headers.entries()), "entries() after refused set('X-Name', ...CR LF...), add('X-Name', ...CR LF...) and add('Bad Name', 'v'): unchanged").toEqual([['X-Name', 'old']]);
  });
});

milestone('query', () => {
  test('splits a query string at &, skipping empty pieces', {
    rules: ['Q1'],
    points: 2,
    hint: 'Split at "&" only (not at ";") and skip the empty pieces that "&&", a leading "&" or a trailing "&" make.',
  }, () => {
    for (const [text, expected] of [
      ['name=Ada&lang=en', [['name', 'Ada'], ['lang', 'en']]],
      ['a=1&&b=2&', [['a', '1'], ['b', '2']]],
      ['&&&x=1', [['x', '1']]],
      ['', []],
      ['&', []],
      ['a=1;b=2&c=3', [['a', '1;b=2'], ['c', '3']]],
    ] as Array<[string, Array<[string, string]>]>) {
      expect(read('args.entries', () => query(text).entries()), `parseQuery(${show(text)}).entries()`).toEqual(expected);
    }
  });

  test('splits each piece at its first = only; no = is a blank value', {
    rules: ['Q2'],
    hint: 'indexOf("=") once: the key is before it, the value is everything after it, more "=" included. No "=" at all: the value is "".',
  }, () => {
    const text = 'expr=a=b=c&token=abc==&flag&empty=&=v';
    expect(read('args.entries', () => query(text).entries()), `parseQuery(${show(text)}).entries()`).toEqual([
      ['expr', 'a=b=c'],
      ['token', 'abc=='],
      ['flag', ''],
      ['empty', ''],
      ['', 'v'],
    ]);
  });

  test('+ is a space, in keys and in values', {
    rules: ['Q3'],
    hint: 'Every "+" is a space (replaceAll, not replace, which changes only the first one), in the key as in the value.',
  }, () => {
    const text = 'q=tea+for+two&first+name=Ada&lead=+x+';
    const args = query(text);
    expect(read('args.get', () => args.get('q')), `get('q') of parseQuery(${show(text)})`).toBe('tea for two');
    expect(read('args.get', () => args.get('first name')), `get('first name') of parseQuery(${show(text)})`).toBe('Ada');
    expect(read('args.get', () => args.get('lead')), `get('lead') of parseQuery(${show(text)})`).toBe(' x ');
  });

  test('decodes percent-escapes as bytes, then the bytes as UTF-8', {
    rules: ['Q4'],
    points: 2,
    hint: '%C3%A9 is two bytes of one character: collect the bytes of all escapes first, then decode them together as UTF-8. Hex digits may be lower case.',
  }, () => {
    const text = 'city=S%C3%A3o%20Paulo&face=%F0%9F%98%80&k%3Dy=v&lower=caf%c3%a9&amp=a%26b';
    const args = query(text);
    for (const [key, value] of [['city', 'São Paulo'], ['face', '😀'], ['k=y', 'v'], ['lower', 'café'], ['amp', 'a&b']]) {
      expect(read('args.get', () => args.get(key!)), `get(${show(key!)}) of parseQuery(${show(text)})`).toBe(value);
    }
  });

  test('keeps a malformed percent-escape as it is', {
    rules: ['Q5'],
    hint: 'A % not followed by two hex digits is not an escape: keep it as text, and still decode the escapes around it. One stray % must not fail the request.',
  }, () => {
    const text = 'p=100%&q=%zz&r=%4&s=%%41&t=%zz%41&u=%&v=%g1%31&w=%4z&x=%z4';
    const args = bounded(`parseQuery(${show(text)})`, () => parseQuery(text));
    expect(read('args.entries', () => args.entries()), `parseQuery(${show(text)}).entries()`).toEqual([
      ['p', '100%'],
      ['q', '%zz'],
      ['r', '%4'],
      ['s', '%A'],
      ['t', '%zzA'],
      ['u', '%'],
      ['v', '%g11'],
      ['w', '%4z'],
      ['x', '%z4'],
    ]);
  });

  test('replaces bytes that are not UTF-8 with U+FFFD instead of failing', {
    rules: ['Q6'],
    hint: 'decodeURIComponent throws on %FF. Collect the bytes, then decode them with a TextDecoder, which replaces what is not UTF-8 (no fatal option).',
  }, () => {
    const text = 'a=%FF&b=ok&c=caf%C3&d=%C3%28';
    const args = bounded(`parseQuery(${show(text)})`, () => parseQuery(text));
    expect(read('args.entries', () => args.entries()), `parseQuery(${show(text)}).entries()`).toEqual([
      ['a', '\uFFFD'],
      ['b', 'ok'],
      ['c', 'caf\uFFFD'],
      ['d', '\uFFFD('],
    ]);
  });

  test('decodes every escape exactly once; text that was not escaped stays as it is', {
    rules: ['Q7'],
    points: 2,
    hint: '%2541 is "%41", not "A"; %2B is "+", not a space (spaces for "+" first, escapes after); a raw "é" in the text stays "é" (work on its UTF-8 bytes).',
  }, () => {
    const text = 'twice=%2541&sum=1%2B1&plus=%2B+%2B&raw=café ☕&pct=%252B';
    const args = query(text);
    for (const [key, value] of [['twice', '%41'], ['sum', '1+1'], ['plus', '+ +'], ['raw', 'café ☕'], ['pct', '%2B']]) {
      expect(read('args.get', () => args.get(key!)), `get(${show(key!)}) of parseQuery(${show(text)})`).toBe(value);
    }
  });

  test('MultiDict keeps every pair in order: get, getAll, has, keys, entries', {
    rules: ['Q8'],
    hint: 'get: the first value; getAll: all, [] if none; has: the key is there, even with "" as its only value; keys: each key once, in first-seen order (not sorted).',
  }, () => {
    const pairs: Array<[string, string]> = [['a', '1'], ['b', ''], ['a', '3'], ['c', 'x'], ['b', '2'], ['blank', ''], ['0', 'z']];
    const dict = bounded('new MultiDict(pairs)', () => new MultiDict(pairs));
    const made = `new MultiDict(${JSON.stringify(pairs)})`;
    expect(read('dict.get', () => dict.get('a')), `${made}.get('a'): the first value`).toBe('1');
    expect(read('dict.get', () => dict.get('z')), `${made}.get('z')`).toBeUndefined();
    expect(read('dict.getAll', () => dict.getAll('a')), `${made}.getAll('a')`).toEqual(['1', '3']);
    expect(read('dict.getAll', () => dict.getAll('z')), `${made}.getAll('z')`).toEqual([]);
    expect(read('dict.has', () => dict.has('b')), `${made}.has('b'), whose first value is ''`).toBe(true);
    expect(read('dict.has', () => dict.has('blank')), `${made}.has('blank'), whose only value is ''`).toBe(true);
    expect(read('dict.has', () => dict.has('z')), `${made}.has('z')`).toBe(false);
    expect(read('dict.keys', () => dict.keys()), `${made}.keys(): in the order each first appeared`).toEqual(['a', 'b', 'c', 'blank', '0']);
    expect(read('dict.entries', () => dict.entries()), `${made}.entries()`).toEqual(pairs);
    expect(read('iterating the dict', () => [...dict]), `[...${made}]`).toEqual(pairs);
    const args = query('tag=a&x=1&tag=b');
    expect(read('args.getAll', () => args.getAll('tag')), "parseQuery('tag=a&x=1&tag=b').getAll('tag')").toEqual(['a', 'b']);
  });
});

milestone('request', () => {
  test('creating a Request reads nothing from the environ', {
    rules: ['R1'],
    hint: 'The constructor only stores the environ and the options. Compute every property in its getter, when it is read.',
  }, () => {
    const env = environ({ REQUEST_METHOD: 'PUT', QUERY_STRING: 'a=1', HTTP_COOKIE: 'a=1', CONTENT_LENGTH: '3' }, 'abc');
    const touched: string[] = [];
    const watched = new Proxy(env, {
      get(target, key, receiver) {
        if (typeof key === 'string') touched.push(key);
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === 'string') touched.push(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        touched.push('(every key)');
        return Reflect.ownKeys(target);
      },
    });
    const r = request(watched, { maxBodyBytes: 100 });
    expect(touched, `environ keys read by new Request(environ) for ${showRequest(env)}`).toEqual([]);
    expect(read('request.method', () => r.method), `request.method for ${showRequest(env)}, read after construction`).toBe('PUT');
    expect(inputOf(env).delivered, `bytes taken from tsgi.input by new Request(environ) for ${showRequest(env)}`).toBe(0);
  });

  test('method is REQUEST_METHOD as it is', { rules: ['R2'], points: 2, hint: 'Methods are case-sensitive (RFC 9110 §9.1): return REQUEST_METHOD unchanged.' }, () => {
    for (const method of ['POST', 'PATCH', 'purge']) {
      const [value, label] = property(environ({ REQUEST_METHOD: method }), 'method', (r) => r.method);
      expect(value, label).toBe(method);
    }
  });

  test('path is PATH_INFO decoded as UTF-8, once; an empty PATH_INFO is /', {
    rules: ['R3'],
    points: 2,
    hint: 'Each character of PATH_INFO stands for one byte (latin1): turn them back into bytes and decode those as UTF-8, and nothing more. "" is "/".',
  }, () => {
    for (const [pathInfo, expected] of [
      ['/notes/42', '/notes/42'],
      [asBytesText('/café/€'), '/café/€'],
      ['', '/'],
      ['/100%41/a+b', '/100%41/a+b'],
    ]) {
      const [value, label] = property(environ({ PATH_INFO: pathInfo }), 'path', (r) => r.path);
      expect(value, label).toBe(expected);
    }
  });

  test('scriptRoot is SCRIPT_NAME decoded as UTF-8; at the root it is empty', {
    rules: ['R4'],
    hint: 'SCRIPT_NAME is bytes as text like PATH_INFO: decode it the same way. At the root it is "", not "/".',
  }, () => {
    for (const [scriptName, expected] of [[asBytesText('/bücher'), '/bücher'], ['/app', '/app'], ['', '']]) {
      const [value, label] = property(environ({ SCRIPT_NAME: scriptName, PATH_INFO: '/x' }), 'scriptRoot', (r) => r.scriptRoot);
      expect(value, label).toBe(expected);
    }
  });

  test('headers are the HTTP_ keys plus CONTENT_TYPE and CONTENT_LENGTH, and nothing else', {
    rules: ['R5'],
    hint: 'HTTP_USER_AGENT is the User-Agent header (drop HTTP_, "_" becomes "-"); CONTENT_TYPE and CONTENT_LENGTH come without HTTP_. Other environ keys are not headers.',
  }, () => {
    const env = environ({ HTTP_USER_AGENT: 'curl/8.5', HTTP_X_REQUEST_ID: 'abc', HTTP_X_NAME: asBytesText('café'), CONTENT_TYPE: 'application/json', CONTENT_LENGTH: '2' });
    const [headers, label] = property(env, 'headers', (r) => r.headers);
    for (const [name, value] of [['User-Agent', 'curl/8.5'], ['x-request-id', 'abc'], ['X-Name', asBytesText('café')], ['Content-Type', 'application/json'], ['content-length', '2'], ['Host', 'example.com']]) {
      expect(read('headers.get', () => headers.get(name!)), `${label}: get(${show(name!)})`).toBe(value);
    }
    const names = read('headers.entries', () => headers.entries()).map(([name]) => name.toLowerCase()).sort();
    expect(names, `${label}: the names of its entries()`).toEqual(['content-length', 'content-type', 'host', 'user-agent', 'x-name', 'x-request-id']);
  });

  test('args is QUERY_STRING read as UTF-8, then parsed', {
    rules: ['R6'],
    hint: 'QUERY_STRING is bytes as text like PATH_INFO: turn it back into UTF-8 text (utf8), then parseQuery.',
  }, () => {
    const env = environ({ QUERY_STRING: `q=tea+time&page=2&page=3&name=caf%C3%A9&raw=${asBytesText('thé')}` });
    const [args, label] = property(env, 'args', (r) => r.args);
    expect(read('args.get', () => args.get('q')), `${label}: get('q')`).toBe('tea time');
    expect(read('args.getAll', () => args.getAll('page')), `${label}: getAll('page')`).toEqual(['2', '3']);
    expect(read('args.get', () => args.get('name')), `${label}: get('name')`).toBe('café');
    expect(read('args.get', () => args.get('raw')), `${label}: get('raw'), sent as raw UTF-8`).toBe('thé');
  });

  test('scheme is tsgi.url_scheme', { rules: ['U1'], points: 2, hint: 'Read environ["tsgi.url_scheme"]; do not guess from the port.' }, () => {
    for (const [scheme, port] of [['https', '8443'], ['http', '443'], ['https', '80']]) {
      const [value, label] = property(environ({ 'tsgi.url_scheme': scheme, SERVER_PORT: port }), 'scheme', (r) => r.scheme);
      expect(value, label).toBe(scheme);
    }
  });

  test('host is the Host header as sent, port included', {
    rules: ['U2'],
    hint: 'When the client sent Host, it is the host: keep it whole, port and all (RFC 9110 §7.2).',
  }, () => {
    for (const hostHeader of ['example.com:8080', 'shop.example', '[::1]:8000', 'Example.COM:8080']) {
      const [value, label] = property(environ({ HTTP_HOST: hostHeader, SERVER_NAME: 'internal', SERVER_PORT: '9000' }), 'host', (r) => r.host);
      expect(value, label).toBe(hostHeader);
    }
  });

  test('without Host, host is SERVER_NAME with a port that is not the default', {
    rules: ['U3'],
    hint: 'Without a Host header, or with an empty one, add ":PORT" to SERVER_NAME unless the port is 80 for http or 443 for https: the default port of that scheme only.',
  }, () => {
    for (const [fields, expected] of [
      [{ SERVER_PORT: '80' }, 'example.org'],
      [{ SERVER_PORT: '8000' }, 'example.org:8000'],
      [{ SERVER_PORT: '443', 'tsgi.url_scheme': 'https' }, 'example.org'],
      [{ SERVER_PORT: '80', 'tsgi.url_scheme': 'https' }, 'example.org:80'],
      [{ SERVER_PORT: '443' }, 'example.org:443'],
      [{ HTTP_HOST: '', SERVER_PORT: '8000' }, 'example.org:8000'],
      [{ HTTP_HOST: '', SERVER_PORT: '80' }, 'example.org'],
    ] as Array<[Record<string, string>, string]>) {
      const [value, label] = property(environ({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', ...fields }), 'host', (r) => r.host);
      expect(value, label).toBe(expected);
    }
    // Behind a trusted proxy, the default port is the one of request.scheme, the forwarded scheme.
    for (const [fields, expected] of [
      [{ SERVER_PORT: '443', HTTP_X_FORWARDED_PROTO: 'https' }, 'https://example.org/'],
      [{ SERVER_PORT: '80', HTTP_X_FORWARDED_PROTO: 'https' }, 'https://example.org:80/'],
      [{ SERVER_PORT: '443', HTTP_X_FORWARDED_PROTO: 'http', 'tsgi.url_scheme': 'https' }, 'http://example.org:443/'],
    ] as Array<[Record<string, string>, string]>) {
      const env = environ({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', ...fields });
      const r = request(env, { trustedProxies: 1 });
      expect(read('request.url', () => r.url), `request.url for ${showRequest(env, { trustedProxies: 1 })}: the port is compared with the forwarded scheme's default`).toBe(expected);
    }
  });

  test('url is scheme, host, script root, path, and the query if there is one', {
    rules: ['U4'],
    hint: 'scheme://host + scriptRoot + path, then "?" and QUERY_STRING as it came, only when QUERY_STRING is not empty.',
  }, () => {
    const fields = { 'tsgi.url_scheme': 'https', HTTP_HOST: 'example.com:8443', SCRIPT_NAME: '/app', PATH_INFO: '/notes' };
    for (const [queryString, expected] of [
      ['a=1&b=%20+', 'https://example.com:8443/app/notes?a=1&b=%20+'],
      ['', 'https://example.com:8443/app/notes'],
    ]) {
      const [value, label] = property(environ({ ...fields, QUERY_STRING: queryString }), 'url', (r) => r.url);
      expect(value, label).toBe(expected);
    }
    const [root, label] = property(environ({ PATH_INFO: '' }), 'url', (r) => r.url);
    expect(root, label).toBe('http://example.com/');
  });

  test('url percent-encodes the path again, ? and # included', {
    rules: ['U5'],
    points: 2,
    hint: 'The path is decoded text; a URL needs it encoded again. encodeURI leaves ? and # alone, and in a path they are data: encode them too.',
  }, () => {
    const env = environ({ SCRIPT_NAME: asBytesText('/bü'), PATH_INFO: asBytesText('/café menu/a?b#c/100%'), QUERY_STRING: 'x=1' });
    const [url, label] = property(env, 'url', (r) => r.url);
    expect(url, `${label}: a URL is visible ASCII only`).toMatch(/^[\x21-\x7e]+$/);
    const parsed = new URL(url);
    expect(parsed.pathname.split('/').map(decodeURIComponent), `${label}: the path segments, decoded`).toEqual(['', 'bü', 'café menu', 'a?b#c', '100%']);
    expect(parsed.search, `${label}: the query`).toBe('?x=1');
    expect(parsed.hash, `${label}: the fragment`).toBe('');
  });

  test('ignores X-Forwarded-* unless proxies are trusted', {
    rules: ['U6'],
    points: 2,
    hint: 'Any client can send X-Forwarded-For. With trustedProxies 0 (the default) believe only the environ: REMOTE_ADDR, tsgi.url_scheme, Host.',
  }, () => {
    const env = environ({
      REMOTE_ADDR: '198.51.100.7',
      HTTP_X_FORWARDED_FOR: '10.0.0.1',
      HTTP_X_FORWARDED_PROTO: 'https',
      HTTP_X_FORWARDED_HOST: 'bank.example',
    });
    for (const options of [undefined, { trustedProxies: 0 }]) {
      const r = request(env, options);
      const where = `for ${showRequest(env, options)}`;
      expect(read('request.remoteAddr', () => r.remoteAddr), `request.remoteAddr ${where}`).toBe('198.51.100.7');
      expect(read('request.scheme', () => r.scheme), `request.scheme ${where}`).toBe('http');
      expect(read('request.host', () => r.host), `request.host ${where}`).toBe('example.com');
      expect(read('request.url', () => r.url), `request.url ${where}`).toBe('http://example.com/');
    }
    const [remote, remoteLabel] = property(environ({ REMOTE_ADDR: undefined }), 'remoteAddr', (r) => r.remoteAddr);
    expect(remote, `${remoteLabel}: no REMOTE_ADDR`).toBe('');
  });

  test('with N trusted proxies, believes the Nth value from the end of each X-Forwarded-* header', {
    rules: ['U7'],
    points: 2,
    hint: 'Each proxy appends to the list. With N trusted proxies, split at commas, trim, and take the Nth value from the end; fewer than N values: use the environ.',
  }, () => {
    const one = environ({
      REMOTE_ADDR: '10.0.0.2',
      HTTP_X_FORWARDED_FOR: '6.6.6.6, 198.51.100.7',
      HTTP_X_FORWARDED_PROTO: 'https',
      HTTP_X_FORWARDED_HOST: 'shop.example',
      PATH_INFO: '/cart',
    });
    const r = request(one, { trustedProxies: 1 });
    const where = `for ${showRequest(one, { trustedProxies: 1 })}`;
    expect(read('request.remoteAddr', () => r.remoteAddr), `request.remoteAddr ${where}`).toBe('198.51.100.7');
    expect(read('request.scheme', () => r.scheme), `request.scheme ${where}`).toBe('https');
    expect(read('request.host', () => r.host), `request.host ${where}`).toBe('shop.example');
    expect(read('request.url', () => r.url), `request.url ${where}`).toBe('https://shop.example/cart');
    const two = environ({
      REMOTE_ADDR: '10.0.0.2',
      HTTP_X_FORWARDED_FOR: '6.6.6.6,198.51.100.7 , 10.0.0.1',
      HTTP_X_FORWARDED_PROTO: 'http, https',
      HTTP_X_FORWARDED_HOST: 'evil.example, shop.example, 10.0.0.1',
    });
    const r2 = request(two, { trustedProxies: 2 });
    const where2 = `for ${showRequest(two, { trustedProxies: 2 })}`;
    expect(read('request.remoteAddr', () => r2.remoteAddr), `request.remoteAddr ${where2}`).toBe('198.51.100.7');
    expect(read('request.scheme', () => r2.scheme), `request.scheme ${where2}`).toBe('http');
    expect(read('request.host', () => r2.host), `request.host ${where2}`).toBe('shop.example');
    const few = environ({ REMOTE_ADDR: '10.0.0.2', HTTP_X_FORWARDED_FOR: '198.51.100.7', HTTP_X_FORWARDED_PROTO: 'https', HTTP_X_FORWARDED_HOST: 'evil.example' });
    const r3 = request(few, { trustedProxies: 2 });
    const where3 = `for ${showRequest(few, { trustedProxies: 2 })}: fewer values than trusted proxies`;
    expect(read('request.remoteAddr', () => r3.remoteAddr), `request.remoteAddr ${where3}`).toBe('10.0.0.2');
    expect(read('request.scheme', () => r3.scheme), `request.scheme ${where3}`).toBe('http');
    expect(read('request.host', () => r3.host), `request.host ${where3}`).toBe('example.com');
    const none = environ({ REMOTE_ADDR: '10.0.0.2', PATH_INFO: '/cart' });
    const r4 = request(none, { trustedProxies: 1 });
    const where4 = `for ${showRequest(none, { trustedProxies: 1 })}: no X-Forwarded header at all`;
    expect(read('request.remoteAddr', () => r4.remoteAddr), `request.remoteAddr ${where4}`).toBe('10.0.0.2');
    expect(read('request.scheme', () => r4.scheme), `request.scheme ${where4}`).toBe('http');
    expect(read('request.host', () => r4.host), `request.host ${where4}`).toBe('example.com');
    expect(read('request.url', () => r4.url), `request.url ${where4}`).toBe('http://example.com/cart');
  });
});

milestone('cookies', () => {
  test('parses a Cookie header: split at ; and the first =, trimmed, pieces without = skipped', {
    rules: ['C1'],
    points: 2,
    hint: 'Split at ";", then each piece at its first "=" (values may hold "="), trim both halves, and skip a piece that has no "=" or no name.',
  }, () => {
    for (const [header, expected] of [
      ['session=abc123; theme=dark', { session: 'abc123', theme: 'dark' }],
      [undefined, {}],
      [' a = 1 ;b=2;  c =3  ', { a: '1', b: '2', c: '3' }],
      ['junk; a=1; ;  ; token=abc==', { a: '1', token: 'abc==' }],
      ['list=1,2; b=3', { list: '1,2', b: '3' }],
      ['=x; a=1; =; b=2', { a: '1', b: '2' }],
    ] as Array<[string | undefined, Record<string, string>]>) {
      expect(cookies(header), `parseCookies(${header === undefined ? 'undefined' : show(header)})`).toEqual(expected);
    }
  });

  test('drops the pair of double quotes around a value, not a lone quote', { rules: ['C2'], hint: 'b="two" is the value two: strip one quote from each end when the value starts and ends with one, and is at least two characters long.' }, () => {
    const header = 'b="two"; c=plain; e=""; f="open; g=shut"; h="';
    expect(cookies(header), `parseCookies(${show(header)})`).toEqual({ b: 'two', c: 'plain', e: '', f: '"open', g: 'shut"', h: '"' });
  });

  test('percent-decodes values, and keeps a broken encoding as it came', {
    rules: ['C3'],
    hint: 'decodeURIComponent decodes the value; it throws on a broken escape: catch that and keep the value as it came.',
  }, () => {
    const header = 'c=caf%C3%A9; d=a%20b; junk=%E0%A4%A; pct=100%; plus=a+b';
    expect(cookies(header), `parseCookies(${show(header)})`).toEqual({ c: 'café', d: 'a b', junk: '%E0%A4%A', pct: '100%', plus: 'a+b' });
  });

  test('keeps the first of two cookies with the same name', {
    rules: ['C4'],
    hint: 'RFC 6265 §5.4: the browser sends the cookie with the longest path first, so the first one is the most specific.',
  }, () => {
    const header = 'id=inner; other=1; id=outer';
    expect(cookies(header), `parseCookies(${show(header)})`).toEqual({ id: 'inner', other: '1' });
  });

  test('a cookie may be named like a property every object has', {
    rules: ['C5'],
    hint: 'A plain {} already has `constructor` and `toString` through its prototype, so `name in cookies` is true for them. Use a Map, or Object.hasOwn.',
  }, () => {
    const header = 'constructor=1; toString=2; hasOwnProperty=3; a=4';
    expect(cookies(header), `parseCookies(${show(header)})`).toEqual({ constructor: '1', toString: '2', hasOwnProperty: '3', a: '4' });
  });

  test('request.cookies is the Cookie header read as UTF-8', {
    rules: ['C6'],
    hint: 'HTTP_COOKIE is bytes as text: turn it into UTF-8 text (utf8) before parseCookies. No Cookie header: {}.',
  }, () => {
    for (const [cookie, expected] of [
      ['lang=fr; session=xyz', { lang: 'fr', session: 'xyz' }],
      [asBytesText('name=café; city=S%C3%A3o'), { name: 'café', city: 'São' }],
      [undefined, {}],
    ] as Array<[string | undefined, Record<string, string>]>) {
      const [value, label] = property(environ({ HTTP_COOKIE: cookie }), 'cookies', (r) => r.cookies);
      expect(value, label).toEqual(expected);
    }
  });

  test('writes a Set-Cookie value with every attribute asked for', {
    rules: ['C7'],
    points: 2,
    hint: 'name=value, then "; Attribute=value" for each option given (RFC 6265 §4.1.1). Max-Age is whole seconds and 0 counts; Expires is Date.toUTCString().',
  }, () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const options = { maxAge: 3600, expires, path: '/app', domain: 'example.com', sameSite: 'Strict' } as const;
    const header = bounded('serializeCookie', () => serializeCookie('session', 'abc', options));
    const cookie = readSetCookie(header);
    const label = `serializeCookie('session', 'abc', ${JSON.stringify(options)}) gave ${show(header)}`;
    expect([cookie.name, cookie.raw], `${label}: name and value`).toEqual(['session', 'abc']);
    expect(cookie.attributes.get('max-age'), `${label}: Max-Age`).toBe('3600');
    expect(cookie.attributes.get('expires'), `${label}: Expires`).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    expect(cookie.attributes.get('path'), `${label}: Path`).toBe('/app');
    expect(cookie.attributes.get('domain'), `${label}: Domain`).toBe('example.com');
    expect(String(cookie.attributes.get('samesite')).toLowerCase(), `${label}: SameSite`).toBe('strict');
    for (const [maxAge, written] of [[0, '0'], [90.7, '90'], [31536000, '31536000']] as const) {
      const h = bounded('serializeCookie', () => serializeCookie('a', '1', { maxAge }));
      expect(readSetCookie(h).attributes.get('max-age'), `Max-Age of serializeCookie('a', '1', { maxAge: ${maxAge} }), which gave ${show(h)}`).toBe(written);
    }
    const lax = bounded('serializeCookie', () => serializeCookie('a', '1', { sameSite: 'Lax', secure: true, httpOnly: true }));
    const flags = readSetCookie(lax).attributes;
    const laxLabel = `serializeCookie('a', '1', { sameSite: 'Lax', secure: true, httpOnly: true }) gave ${show(lax)}`;
    expect([String(flags.get('samesite')).toLowerCase(), flags.get('secure'), flags.get('httponly')], `${laxLabel}: SameSite, Secure, HttpOnly`).toEqual(['lax', true, true]);
    for (const [written, what] of [[header, label], [lax, laxLabel]]) {
      expect(written.split(';').slice(1).every((item) => item.startsWith(' ') && !item.startsWith('  ')), `${what}: each attribute follows "; ", a semicolon and one space (RFC 6265 §4.1.1)`).toBe(true);
    }
  });

  test('writes no attribute that was not asked for; false flags write nothing', {
    rules: ['C8'],
    hint: 'Write Secure and HttpOnly only when the option is true, and each other attribute only when its option is given.',
  }, () => {
    for (const options of [{}, { secure: false, httpOnly: false }, { httpOnly: true }]) {
      const header = bounded('serializeCookie', () => serializeCookie('a', '1', options));
      const cookie = readSetCookie(header);
      const label = `serializeCookie('a', '1', ${JSON.stringify(options)}) gave ${show(header)}`;
      expect([cookie.name, cookie.raw], `${label}: name and value`).toEqual(['a', '1']);
      expect(otherAttributes(header, options.httpOnly ? ['httponly'] : []), `${label}: attributes that were not asked for`).toEqual([]);
    }
  });

  test('SameSite=None comes with Secure', { rules: ['C9'], hint: 'Browsers drop a SameSite=None cookie that is not also Secure: add Secure whenever sameSite is None.' }, () => {
    const header = bounded('serializeCookie', () => serializeCookie('a', '1', { sameSite: 'None' }));
    const cookie = readSetCookie(header);
    const label = `serializeCookie('a', '1', { sameSite: 'None' }) gave ${show(header)}`;
    expect(String(cookie.attributes.get('samesite')).toLowerCase(), `${label}: SameSite`).toBe('none');
    expect(cookie.attributes.get('secure'), `${label}: Secure`).toBe(true);
  });

  test('encodes the value so ; , spaces, quotes and non-ASCII survive the round trip', {
    rules: ['C10'],
    points: 2,
    hint: 'A cookie value may hold only a few ASCII characters (RFC 6265 §4.1.1): encodeURIComponent when writing (encodeURI leaves ; and , alone), decode when reading.',
  }, () => {
    for (const value of ['a b', 'x;y=z', 'say "hi"', 'a,b', 'back\\slash', 'café ☕', '50%', '', 'x\r\nSet-Cookie: admin=1', 'x; Domain=evil.example']) {
      const header = bounded('serializeCookie', () => serializeCookie('v', value));
      const cookie = readSetCookie(header);
      const label = `serializeCookie('v', ${show(value)}) gave ${show(header)}`;
      expect(cookie.raw, `${label}: the value part has characters a cookie value may not hold`).toMatch(COOKIE_VALUE);
      expect(otherAttributes(header), `${label}: attributes that were not asked for`).toEqual([]);
      expect(cookies(`v=${cookie.raw}`).v, `${label}: parseCookies should give the value back`).toBe(value);
    }
  });

  test('refuses a cookie name that is not a token, with a TypeError', {
    rules: ['C11'],
    hint: 'Names cannot be encoded the way values are: throw a TypeError for anything but a token (the same characters as a header name).',
  }, () => {
    bounded('serializeCookie', () => serializeCookie('ok_name-1', '1'));
    for (const name of ['a b', 'a;b', 'a=b', 'a\r\nSet-Cookie: x', '', 'é', 'a,b']) {
      expect(() => bounded('serializeCookie', () => serializeCookie(name, '1')), `serializeCookie(${show(name)}, '1') should throw a TypeError`).toThrow(TypeError);
    }
  });

  test('refuses ; CR LF and NUL in Path and Domain, with a TypeError', {
    rules: ['C12'],
    points: 2,
    hint: 'Path and Domain are written as they are: a ";" would start an attribute, CR or LF a header line. Throw a TypeError for ; CR LF and NUL in either.',
  }, () => {
    bounded('serializeCookie', () => serializeCookie('s', '1', { path: '/a/b', domain: 'example.com' }));
    for (const bad of ['/; Domain=evil.example', '/\r\nSet-Cookie: admin=1', '/x\ry', '/x\ny', '/x\0y']) {
      for (const options of [{ path: bad }, { domain: `example.com${bad.slice(1)}` }]) {
        expect(() => bounded('serializeCookie', () => serializeCookie('s', '1', options)), `serializeCookie('s', '1', ${show(JSON.stringify(options))}) should throw a TypeError`).toThrow(TypeError);
      }
    }
  });
});

milestone('negotiation', () => {
  const best = (header: string | undefined, offered: string[]) => {
    const label = `bestMatch(${header === undefined ? 'undefined' : show(header)}, ${JSON.stringify(offered)})`;
    return [bounded(label, () => bestMatch(header, offered)), label] as const;
  };

  test('without an Accept header, the first offer', {
    rules: ['N1'],
    hint: 'No Accept header (undefined, or blank) means anything is acceptable (RFC 9110 §12.5.1): the first offer, or null if nothing is offered.',
  }, () => {
    for (const [header, offered, expected] of [
      [undefined, ['text/html', 'application/json'], 'text/html'],
      [undefined, ['application/json', 'text/html'], 'application/json'],
      ['', ['application/json', 'text/html'], 'application/json'],
      ['  ', ['image/png'], 'image/png'],
      [undefined, [], null],
    ] as Array<[string | undefined, string[], string | null]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test('the most specific range that covers an offer decides its q', {
    rules: ['N2'],
    points: 2,
    hint: 'text/html gets its q from a text/html range if there is one, else from text/*, else from */*, whatever their q; no covering range: q 0.',
  }, () => {
    for (const [header, offered, expected] of [
      ['text/*', ['application/json', 'text/plain'], 'text/plain'],
      ['*/*;q=0.1, text/html', ['application/json', 'text/html'], 'text/html'],
      ['text/*;q=0.9, text/html;q=0.2', ['text/html', 'text/plain'], 'text/plain'],
      ['text/html;q=0.2, text/*;q=0.9', ['text/html', 'text/plain'], 'text/plain'],
      ['*/*;q=0.8, text/*;q=0.1', ['text/plain', 'image/png'], 'image/png'],
      ['application/json', ['text/html', 'application/json'], 'application/json'],
    ] as Array<[string, string[], string]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test('a range without q has q=1', { rules: ['N3'], hint: 'q is a weight from 0 to 1 (RFC 9110 §12.4.2); a range without a q parameter has q=1.' }, () => {
    for (const [header, offered, expected] of [
      ['text/html;q=0.5, application/json', ['text/html', 'application/json'], 'application/json'],
      ['text/plain;level=1, application/json;q=0.9', ['application/json', 'text/plain'], 'text/plain'],
      ['text/html;level=0.1, application/json;q=0.5', ['text/html', 'application/json'], 'text/html'],
      ['text/html;charset=utf-8;level=0, application/json;q=0.5', ['application/json', 'text/html'], 'text/html'],
    ] as Array<[string, string[], string]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test('the highest q wins; q=0 never wins, and then the answer is null', {
    rules: ['N4'],
    points: 2,
    hint: 'Keep the offer with the highest q above 0. When every offer has q 0 (or no range covers it), return null: the framework may answer 406.',
  }, () => {
    for (const [header, offered, expected] of [
      ['application/json; q=0.1, text/html; q=0.9', ['application/json', 'text/html'], 'text/html'],
      ['application/json;q=0, */*', ['application/json', 'text/html'], 'text/html'],
      ['application/json;q=0, */*', ['application/json'], null],
      ['text/html;q=0', ['text/html'], null],
      ['image/png', ['text/html', 'application/json'], null],
    ] as Array<[string, string[], string | null]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test("a tie goes to the server's order", { rules: ['N5'], hint: 'On equal q, keep the earlier offer: the server lists its preference first.' }, () => {
    for (const [header, offered, expected] of [
      ['text/html, application/json', ['application/json', 'text/html'], 'application/json'],
      ['*/*', ['text/csv', 'text/html'], 'text/csv'],
      ['text/html;q=0.5, application/json;q=0.5', ['text/html', 'application/json'], 'text/html'],
    ] as Array<[string, string[], string]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test('compares media types without regard to case', { rules: ['N6'], hint: 'Lowercase the ranges and the offers before comparing them; return the offer as it was given.' }, () => {
    for (const [header, offered, expected] of [
      ['TEXT/HTML', ['text/html'], 'text/html'],
      ['text/html', ['Text/HTML'], 'Text/HTML'],
      ['Application/*;q=0.5, text/plain;q=0.1', ['text/plain', 'application/json'], 'application/json'],
    ] as Array<[string, string[], string]>) {
      const [value, label] = best(header, offered);
      expect(value, label).toBe(expected);
    }
  });

  test('skips malformed ranges, q outside 0 to 1 included', {
    rules: ['N7'],
    points: 2,
    hint: 'A range without "/" or with a q that is not a number from 0 to 1 is skipped, as if it were not there; the other ranges still count.',
  }, () => {
    for (const [header, offered, expected] of [
      ['nonsense, application/json', ['text/html', 'application/json'], 'application/json'],
      ['text/html;q=2, application/json;q=0.5', ['text/html', 'application/json'], 'application/json'],
      ['text/html;q=-1, */*;q=0.1', ['text/html'], 'text/html'],
      ['text/html;q=high, */*;q=0.5', ['text/html'], 'text/html'],
      ['text/html;q=1.5', ['text/html'], null],
      ['text/html;q=high, application/json;q=0.5', ['text/html', 'application/json'], 'application/json'],
      ['text/html;q=0.9x, application/json;q=0.5', ['text/html', 'application/json'], 'application/json'],
      ['text/html;q=, */*;q=0.5', ['text/html'], 'text/html'],
      ['text/html;q=0x1, application/json;q=0.5', ['text/html', 'application/json'], 'application/json'],
      ['text/html;q=1, application/json;q=0.5', ['text/html', 'application/json'], 'text/html'],
      ['application/json;q=0.5, text/html;q=1.000', ['application/json', 'text/html'], 'text/html'],
    ] as Array<[string, string[], string | null]>) {
      const outcome = attempt('bestMatch', () => bestMatch(header, offered));
      const label = `bestMatch(${show(header)}, ${JSON.stringify(offered)})`;
      expect(outcome, `${label} should skip only the malformed ranges (q=1 and q=0 are fine)`).toEqual({ value: expected });
    }
  });

  test('request.accepts() negotiates with the Accept header', {
    rules: ['N8'],
    hint: 'accepts(offered) is bestMatch(HTTP_ACCEPT, offered); without the header, the first offer.',
  }, () => {
    for (const [accept, expected] of [['text/plain;q=0.3, application/json;q=0.8', 'application/json'], [undefined, 'text/plain'], ['image/png', null]] as const) {
      const [value, label] = property(environ({ HTTP_ACCEPT: accept }), "accepts(['text/plain', 'application/json'])", (r) => r.accepts(['text/plain', 'application/json']));
      expect(value, label).toBe(expected);
    }
  });
});
