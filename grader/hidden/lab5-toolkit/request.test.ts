// Hidden tests for lab 5, the reading side: Headers, query strings, the Request over an environ,
// cookies in both directions, and content negotiation. Environs are plain objects built by hand
// (helpers.ts); every call into the lab goes through `bounded`.
import { expect } from 'vitest';
import { bestMatch, Headers, MultiDict, parseCookies, parseQuery, Request, serializeCookie } from '@lab/toolkit';
import type { RequestOptions } from '#contracts/toolkit';
import type { Environ } from '#contracts/tsgi';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { asBytesText, attempt, COOKIE_VALUE, environ, readSetCookie } from './helpers.ts';

const request = (env: Environ, options?: RequestOptions) => bounded('new Request(environ)', () => new Request(env, options));
const read = <T>(what: string, fn: () => T): T => bounded(what, fn);
/** The attributes of a Set-Cookie other than Path (which a toolkit may add by default) and `allowed`. */
const otherAttributes = (header: string, allowed: string[] = []) =>
  [...readSetCookie(header).attributes.keys()].filter((key) => key !== 'path' && !allowed.includes(key));

milestone('headers', () => {
  test('finds a field whatever the case of its name', { points: 2, hint: 'Field names are case-insensitive (RFC 9110 §5.1): compare them lowercased.' }, () => {
    const headers = bounded('new Headers(fields)', () => new Headers([['Content-Type', 'text/html'], ['X-Request-Id', 'abc']]));
    expect(read('headers.get', () => headers.get('content-type'))).toBe('text/html');
    expect(read('headers.get', () => headers.get('CONTENT-TYPE'))).toBe('text/html');
    expect(read('headers.get', () => headers.get('x-request-id'))).toBe('abc');
    expect(read('headers.has', () => headers.has('Content-type'))).toBe(true);
    expect(read('headers.get', () => headers.get('Accept'))).toBeUndefined();
    expect(read('headers.has', () => headers.has('accept'))).toBe(false);
  });

  test('keeps repeated fields separate, in order, names as given', { hint: 'A multi-map: add() appends, get() gives the first value, getAll() every one. Set-Cookie lines must never be merged.' }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    bounded('headers.add', () => headers.add('Set-Cookie', 'a=1'));
    bounded('headers.add', () => headers.add('X-Middle', 'm'));
    bounded('headers.add', () => headers.add('set-cookie', 'b=2'));
    expect(read('headers.getAll', () => headers.getAll('SET-COOKIE'))).toEqual(['a=1', 'b=2']);
    expect(read('headers.get', () => headers.get('set-cookie'))).toBe('a=1');
    expect(read('headers.getAll', () => headers.getAll('x-missing'))).toEqual([]);
    const expected = [['Set-Cookie', 'a=1'], ['X-Middle', 'm'], ['set-cookie', 'b=2']];
    expect(read('headers.entries', () => headers.entries())).toEqual(expected);
    expect(read('iterating headers', () => [...headers])).toEqual(expected);
  });

  test('set() replaces every value of a field; delete() removes them all', {}, () => {
    const headers = bounded('new Headers(fields)', () => new Headers([['Vary', 'Accept'], ['X-A', '1'], ['vary', 'Cookie']]));
    bounded('headers.set', () => headers.set('VARY', 'Origin'));
    expect(read('headers.getAll', () => headers.getAll('vary'))).toEqual(['Origin']);
    expect(read('headers.get', () => headers.get('x-a'))).toBe('1');
    bounded('headers.set', () => headers.set('X-New', 'n'));
    expect(read('headers.get', () => headers.get('x-new'))).toBe('n');
    bounded('headers.delete', () => headers.delete('x-A'));
    expect(read('headers.has', () => headers.has('X-A'))).toBe(false);
    expect(read('headers.entries', () => headers.entries()).length).toBe(2);
  });

  test('refuses CR, LF and NUL in a value: no header injection', {
    points: 2,
    hint: 'A value with CR LF in it would end its line on the wire and start a header of the sender\'s choosing. Throw before storing it.',
  }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    bounded('headers.set', () => headers.set('X-Name', 'plain value'));
    for (const bad of ['a\r\nSet-Cookie: admin=1', 'a\nX-Evil: 1', 'a\rb', 'a\0b']) {
      expect(() => bounded('headers.set', () => headers.set('X-Name', bad)), show(bad)).toThrow();
      expect(() => bounded('headers.add', () => headers.add('X-Name', bad)), show(bad)).toThrow();
    }
    expect(read('headers.entries', () => headers.entries())).toEqual([['X-Name', 'plain value']]);
  });

  test('refuses a field name that is not a token', { hint: 'Names are tokens (RFC 9110 §5.1): a colon, a space, CR or LF in a name would change how the line is read.' }, () => {
    const headers = bounded('new Headers()', () => new Headers());
    bounded('headers.add', () => headers.add('X-Ok', '1'));
    for (const bad of ['X-A\r\nSet-Cookie', 'X-Name:', 'Two Words', '']) {
      expect(() => bounded('headers.add', () => headers.add(bad, 'v')), show(bad)).toThrow();
    }
    expect(read('headers.entries', () => headers.entries())).toEqual([['X-Ok', '1']]);
  });
});

milestone('query', () => {
  test('splits a query string into keys and values', { points: 2 }, () => {
    const args = bounded('parseQuery', () => parseQuery('name=Ada&lang=en'));
    expect(read('args.get', () => args.get('name'))).toBe('Ada');
    expect(read('args.get', () => args.get('lang'))).toBe('en');
    expect(read('args.get', () => args.get('missing'))).toBeUndefined();
    expect(read('args.has', () => args.has('lang'))).toBe(true);
  });

  test('keeps every value of a repeated key, in order', { hint: 'Repeated keys are normal (?tag=a&tag=b). Keep the pairs in a list, not in an object keyed by name.' }, () => {
    const args = bounded('parseQuery', () => parseQuery('tag=a&x=1&tag=b&tag=c'));
    expect(read('args.getAll', () => args.getAll('tag'))).toEqual(['a', 'b', 'c']);
    expect(read('args.get', () => args.get('tag'))).toBe('a');
    expect(read('args.keys', () => args.keys())).toEqual(['tag', 'x']);
    expect(read('args.entries', () => args.entries())).toEqual([['tag', 'a'], ['x', '1'], ['tag', 'b'], ['tag', 'c']]);
  });

  test('decodes + as a space and percent-escapes as UTF-8 bytes', { points: 2, hint: 'In a query, + is a space, %2B is a plus, and %C3%A9 is two bytes that make one é in UTF-8.' }, () => {
    const args = bounded('parseQuery', () => parseQuery('q=hello+world&city=S%C3%A3o%20Paulo&sum=1%2B1&face=%F0%9F%98%80&k%3Dy=v'));
    expect(read('args.get', () => args.get('q'))).toBe('hello world');
    expect(read('args.get', () => args.get('city'))).toBe('São Paulo');
    expect(read('args.get', () => args.get('sum'))).toBe('1+1');
    expect(read('args.get', () => args.get('face'))).toBe('😀');
    expect(read('args.get', () => args.get('k=y'))).toBe('v');
  });

  test('keeps blank values and keys without =, and skips empty pieces', {}, () => {
    const args = bounded('parseQuery', () => parseQuery('a=&b&&c=3&'));
    expect(read('args.entries', () => args.entries())).toEqual([['a', ''], ['b', ''], ['c', '3']]);
  });

  test('splits a pair at its first = only', {}, () => {
    const args = bounded('parseQuery', () => parseQuery('expr=a=b=c&token=abc=='));
    expect(read('args.get', () => args.get('expr'))).toBe('a=b=c');
    expect(read('args.get', () => args.get('token'))).toBe('abc==');
  });

  test('keeps a malformed percent-escape as it is instead of failing', {
    hint: 'A % not followed by two hex digits is not an escape: keep it as text. One stray % must not make the whole request fail.',
  }, () => {
    const args = bounded('parseQuery', () => parseQuery('p=100%&q=%zz&r=%4&s=%%41&t=ok'));
    expect(read('args.entries', () => args.entries())).toEqual([['p', '100%'], ['q', '%zz'], ['r', '%4'], ['s', '%A'], ['t', 'ok']]);
  });

  test('replaces bytes that are not UTF-8 with U+FFFD instead of failing', {
    hint: 'decodeURIComponent throws on %FF. Collect the bytes, then decode them with a TextDecoder, which replaces what is not UTF-8.',
  }, () => {
    const args = bounded('parseQuery', () => parseQuery('a=%FF&b=ok&c=caf%C3'));
    expect(read('args.get', () => args.get('a'))).toBe('\uFFFD');
    expect(read('args.get', () => args.get('b'))).toBe('ok');
    expect(read('args.get', () => args.get('c'))).toBe('caf\uFFFD');
  });

  test('MultiDict: get, getAll, has, keys, entries and iteration', {}, () => {
    const dict = bounded('new MultiDict(pairs)', () => new MultiDict([['a', '1'], ['b', '2'], ['a', '3']]));
    expect(read('dict.get', () => dict.get('a'))).toBe('1');
    expect(read('dict.getAll', () => dict.getAll('a'))).toEqual(['1', '3']);
    expect(read('dict.getAll', () => dict.getAll('z'))).toEqual([]);
    expect(read('dict.has', () => [dict.has('b'), dict.has('z')])).toEqual([true, false]);
    expect(read('dict.keys', () => dict.keys())).toEqual(['a', 'b']);
    expect(read('dict.entries', () => dict.entries())).toEqual([['a', '1'], ['b', '2'], ['a', '3']]);
    expect(read('iterating the dict', () => [...dict])).toEqual([['a', '1'], ['b', '2'], ['a', '3']]);
  });
});

milestone('request', () => {
  test('reads the method and the path', { points: 2 }, () => {
    const r = request(environ({ REQUEST_METHOD: 'POST', PATH_INFO: '/notes/42' }));
    expect(read('request.method', () => r.method)).toBe('POST');
    expect(read('request.path', () => r.path)).toBe('/notes/42');
  });

  test('decodes PATH_INFO and SCRIPT_NAME, bytes as text, as UTF-8', {
    hint: 'Each character of PATH_INFO stands for one byte (latin1). Turn the characters back into bytes, then decode those as UTF-8.',
  }, () => {
    const r = request(environ({ SCRIPT_NAME: asBytesText('/bücher'), PATH_INFO: asBytesText('/café/€') }));
    expect(read('request.path', () => r.path)).toBe('/café/€');
    expect(read('request.scriptRoot', () => r.scriptRoot)).toBe('/bücher');
  });

  test('an empty PATH_INFO is the path /', {}, () => {
    const r = request(environ({ SCRIPT_NAME: '/app', PATH_INFO: '' }));
    expect(read('request.path', () => r.path)).toBe('/');
    expect(read('request.scriptRoot', () => r.scriptRoot)).toBe('/app');
  });

  test('gives the CGI headers as a case-insensitive Headers', {
    hint: 'HTTP_USER_AGENT is the User-Agent header; CONTENT_TYPE and CONTENT_LENGTH come without HTTP_. Other environ keys are not headers.',
  }, () => {
    const r = request(environ({ HTTP_USER_AGENT: 'curl/8.5', HTTP_X_REQUEST_ID: 'abc', CONTENT_TYPE: 'application/json', CONTENT_LENGTH: '2' }));
    const headers = read('request.headers', () => r.headers);
    expect(read('headers.get', () => headers.get('User-Agent'))).toBe('curl/8.5');
    expect(read('headers.get', () => headers.get('x-request-id'))).toBe('abc');
    expect(read('headers.get', () => headers.get('Content-Type'))).toBe('application/json');
    expect(read('headers.get', () => headers.get('content-length'))).toBe('2');
    expect(read('headers.get', () => headers.get('Host'))).toBe('example.com');
    expect(read('headers.has', () => headers.has('request-method'))).toBe(false);
    expect(read('headers.has', () => headers.has('server-name'))).toBe(false);
  });

  test('parses the query string into args', {}, () => {
    const r = request(environ({ QUERY_STRING: 'q=tea+time&page=2&page=3&name=caf%C3%A9' }));
    const args = read('request.args', () => r.args);
    expect(read('args.get', () => args.get('q'))).toBe('tea time');
    expect(read('args.getAll', () => args.getAll('page'))).toEqual(['2', '3']);
    expect(read('args.get', () => args.get('name'))).toBe('café');
  });

  test('scheme and remoteAddr come from the environ', { lesson: '05-toolkit.md#host-scheme-url-and-proxies' }, () => {
    const r = request(environ({ 'tsgi.url_scheme': 'https', REMOTE_ADDR: '203.0.113.9' }));
    expect(read('request.scheme', () => r.scheme)).toBe('https');
    expect(read('request.remoteAddr', () => r.remoteAddr)).toBe('203.0.113.9');
  });

  test('host comes from Host, else from SERVER_NAME with a port that is not the default', {
    lesson: '05-toolkit.md#host-scheme-url-and-proxies',
    hint: 'Host wins when the client sent it. Without it, add :PORT to SERVER_NAME unless the port is 80 for http or 443 for https.',
  }, () => {
    const host = (fields: Record<string, unknown>) => read('request.host', () => request(environ(fields)).host);
    expect(host({ HTTP_HOST: 'example.com:8080' })).toBe('example.com:8080');
    expect(host({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', SERVER_PORT: '80' })).toBe('example.org');
    expect(host({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', SERVER_PORT: '8000' })).toBe('example.org:8000');
    expect(host({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', SERVER_PORT: '443', 'tsgi.url_scheme': 'https' })).toBe('example.org');
    expect(host({ HTTP_HOST: undefined, SERVER_NAME: 'example.org', SERVER_PORT: '80', 'tsgi.url_scheme': 'https' })).toBe('example.org:80');
  });

  test('builds the full URL from scheme, host, script root, path and query', { lesson: '05-toolkit.md#host-scheme-url-and-proxies' }, () => {
    const fields = { 'tsgi.url_scheme': 'https', HTTP_HOST: 'example.com', SCRIPT_NAME: '/app', PATH_INFO: '/notes' };
    expect(read('request.url', () => request(environ({ ...fields, QUERY_STRING: 'a=1&b=2' })).url)).toBe('https://example.com/app/notes?a=1&b=2');
    expect(read('request.url', () => request(environ(fields)).url)).toBe('https://example.com/app/notes');
  });

  test('percent-encodes the path in the URL, ? and # included', {
    lesson: '05-toolkit.md#host-scheme-url-and-proxies',
    hint: 'The path is decoded text; a URL needs it encoded again. encodeURI leaves ? and # alone, and in a path they are data.',
  }, () => {
    const r = request(environ({ PATH_INFO: asBytesText('/café menu/a?b#c'), QUERY_STRING: 'x=1' }));
    const url = read('request.url', () => r.url);
    expect(url, 'a URL is visible ASCII only').toMatch(/^[\x21-\x7e]+$/);
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.pathname)).toBe('/café menu/a?b#c');
    expect(parsed.search).toBe('?x=1');
    expect(parsed.hash).toBe('');
  });

  test('ignores X-Forwarded-* unless proxies are trusted', {
    points: 2,
    lesson: '05-toolkit.md#host-scheme-url-and-proxies',
    hint: 'Any client can send X-Forwarded-For. With trustedProxies 0 (the default) believe only the environ: REMOTE_ADDR, tsgi.url_scheme, Host.',
  }, () => {
    const r = request(environ({
      REMOTE_ADDR: '198.51.100.7',
      HTTP_X_FORWARDED_FOR: '10.0.0.1',
      HTTP_X_FORWARDED_PROTO: 'https',
      HTTP_X_FORWARDED_HOST: 'bank.example',
    }));
    expect(read('request.remoteAddr', () => r.remoteAddr)).toBe('198.51.100.7');
    expect(read('request.scheme', () => r.scheme)).toBe('http');
    expect(read('request.host', () => r.host)).toBe('example.com');
    expect(read('request.url', () => r.url)).toBe('http://example.com/');
  });

  test('with one trusted proxy, believes only the value that proxy added', {
    points: 2,
    lesson: '05-toolkit.md#host-scheme-url-and-proxies',
    hint: 'Each proxy appends to X-Forwarded-For. With N trusted proxies, the Nth value from the end is the last one a trusted proxy wrote; the ones before it came from the client.',
  }, () => {
    const r = request(environ({
      REMOTE_ADDR: '10.0.0.2',
      HTTP_X_FORWARDED_FOR: '6.6.6.6, 198.51.100.7',
      HTTP_X_FORWARDED_PROTO: 'https',
      HTTP_X_FORWARDED_HOST: 'shop.example',
      PATH_INFO: '/cart',
    }), { trustedProxies: 1 });
    expect(read('request.remoteAddr', () => r.remoteAddr)).toBe('198.51.100.7');
    expect(read('request.scheme', () => r.scheme)).toBe('https');
    expect(read('request.host', () => r.host)).toBe('shop.example');
    expect(read('request.url', () => r.url)).toBe('https://shop.example/cart');
  });

  test('with two trusted proxies, counts from the right; too few values: REMOTE_ADDR', { lesson: '05-toolkit.md#host-scheme-url-and-proxies' }, () => {
    const forwardedFor = (xff: string) =>
      read('request.remoteAddr', () => request(environ({ REMOTE_ADDR: '10.0.0.2', HTTP_X_FORWARDED_FOR: xff }), { trustedProxies: 2 }).remoteAddr);
    expect(forwardedFor('6.6.6.6, 198.51.100.7, 10.0.0.1')).toBe('198.51.100.7');
    expect(forwardedFor('198.51.100.7')).toBe('10.0.0.2');
  });
});

milestone('cookies', () => {
  test('parses a Cookie header into names and values', { points: 2 }, () => {
    expect(bounded('parseCookies', () => parseCookies('session=abc123; theme=dark'))).toEqual({ session: 'abc123', theme: 'dark' });
    expect(bounded('parseCookies', () => parseCookies(undefined))).toEqual({});
    const r = request(environ({ HTTP_COOKIE: 'lang=fr; session=xyz' }));
    expect(read('request.cookies', () => r.cookies)).toEqual({ lang: 'fr', session: 'xyz' });
    expect(read('request.cookies', () => request(environ()).cookies)).toEqual({});
  });

  test('trims spaces, unquotes a quoted value and percent-decodes', {}, () => {
    expect(bounded('parseCookies', () => parseCookies(' a = 1 ;b="two";c=caf%C3%A9'))).toEqual({ a: '1', b: 'two', c: 'café' });
  });

  test('keeps the first of two cookies with the same name', {
    hint: 'RFC 6265 §5.4: the browser sends the cookie with the longest path first, so the first one is the most specific.',
  }, () => {
    expect(bounded('parseCookies', () => parseCookies('id=inner; id=outer'))).toEqual({ id: 'inner' });
  });

  test('skips pieces without = and keeps malformed escapes as they are', {
    hint: 'decodeURIComponent throws on a broken escape: catch that and keep the value as it came.',
  }, () => {
    expect(bounded('parseCookies', () => parseCookies('junk; a=1; b=%E0%A4%A; c=100%'))).toEqual({ a: '1', b: '%E0%A4%A', c: '100%' });
  });

  test('a cookie may be named like a property every object has', {
    hint: "A plain {} already has `constructor` and `toString` through its prototype, so `name in cookies` is true for them. Use a Map, or Object.hasOwn.",
  }, () => {
    expect(bounded('parseCookies', () => parseCookies('constructor=1; toString=2; a=3'))).toEqual({ constructor: '1', toString: '2', a: '3' });
  });

  test('writes a Set-Cookie value with every attribute', {
    points: 2,
    hint: 'name=value, then "; Attribute=value" or "; Flag" for each option given (RFC 6265 §4.1.1). Expires is an HTTP date in GMT, as Date.toUTCString() writes it.',
  }, () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const header = bounded('serializeCookie', () =>
      serializeCookie('session', 'abc', { maxAge: 3600, expires, path: '/app', domain: 'example.com', secure: true, httpOnly: true, sameSite: 'Lax' }),
    );
    const cookie = readSetCookie(header);
    expect([cookie.name, cookie.raw]).toEqual(['session', 'abc']);
    const a = cookie.attributes;
    expect(a.get('max-age'), show(header)).toBe('3600');
    const date = String(a.get('expires'));
    expect(date, 'an RFC 1123 date: Wed, 02 Jan 2030 03:04:05 GMT').toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(date)).toBe(expires.getTime());
    expect(a.get('path')).toBe('/app');
    expect(a.get('domain')).toBe('example.com');
    expect(a.get('secure'), show(header)).toBe(true);
    expect(a.get('httponly'), show(header)).toBe(true);
    expect(String(a.get('samesite')).toLowerCase()).toBe('lax');
  });

  test('leaves out the attributes that were not asked for', {}, () => {
    for (const options of [{}, { secure: false, httpOnly: false }]) {
      const header = bounded('serializeCookie', () => serializeCookie('a', '1', options));
      const cookie = readSetCookie(header);
      expect([cookie.name, cookie.raw]).toEqual(['a', '1']);
      for (const name of ['max-age', 'expires', 'domain', 'secure', 'httponly', 'samesite']) {
        expect(cookie.attributes.has(name), `${name} in ${show(header)}`).toBe(false);
      }
    }
  });

  test('SameSite=None comes with Secure', { hint: 'Browsers drop a SameSite=None cookie that is not also Secure.' }, () => {
    const cookie = readSetCookie(bounded('serializeCookie', () => serializeCookie('a', '1', { sameSite: 'None' })));
    expect(String(cookie.attributes.get('samesite')).toLowerCase()).toBe('none');
    expect(cookie.attributes.get('secure')).toBe(true);
  });

  test('encodes the value so ; , spaces, quotes and non-ASCII survive the round trip', {
    points: 2,
    hint: 'A cookie value may hold only a few ASCII characters (RFC 6265 §4.1.1): percent-encode the rest when writing, and decode when reading.',
  }, () => {
    for (const value of ['a b', 'x;y=z', 'say "hi"', 'a,b', 'back\\slash', 'café ☕', '50%', '']) {
      const header = bounded('serializeCookie', () => serializeCookie('v', value));
      const cookie = readSetCookie(header);
      expect(cookie.raw, `the value part of ${show(header)} has characters a cookie value may not hold`).toMatch(COOKIE_VALUE);
      expect(otherAttributes(header), show(header)).toEqual([]);
      expect(bounded('parseCookies', () => parseCookies(`v=${cookie.raw}`)).v, show(header)).toBe(value);
    }
  });

  test('a value cannot add a header line or an attribute', {
    points: 2,
    hint: 'Encode the value (or refuse it): a CR LF would start a new header, a ; a new attribute.',
  }, () => {
    bounded('serializeCookie', () => serializeCookie('s', 'ok'));
    for (const value of ['x\r\nSet-Cookie: admin=1', 'x\nLocation: /evil', 'x; Domain=evil.example', 'x\0y']) {
      const outcome = attempt('serializeCookie', () => serializeCookie('s', value));
      if ('threw' in outcome) continue;
      expect(outcome.value, show(outcome.value)).not.toMatch(/[\r\n\0]/);
      expect(otherAttributes(outcome.value), show(outcome.value)).toEqual([]);
    }
  });

  test('Path and Domain cannot add a header line or an attribute', {
    hint: 'Path and Domain are written as they are: refuse ; CR LF in them rather than let them end the attribute.',
  }, () => {
    bounded('serializeCookie', () => serializeCookie('s', '1', { path: '/a', domain: 'example.com' }));
    const cases = [
      { path: '/; Domain=evil.example' },
      { path: '/\r\nSet-Cookie: admin=1' },
      { domain: 'example.com; Max-Age=99999999' },
      { domain: 'example.com\nX-Evil: 1' },
    ];
    for (const options of cases) {
      const outcome = attempt('serializeCookie', () => serializeCookie('s', '1', options));
      if ('threw' in outcome) continue;
      const header = outcome.value;
      expect(header, show(header)).not.toMatch(/[\r\n\0]/);
      expect(otherAttributes(header, ['domain']), show(header)).toEqual([]);
      if ('path' in options) expect(readSetCookie(header).attributes.has('domain'), show(header)).toBe(false);
    }
  });

  test('refuses a cookie name that is not a token', { hint: 'Names cannot be encoded the way values are: refuse anything but a token.' }, () => {
    bounded('serializeCookie', () => serializeCookie('ok_name', '1'));
    for (const name of ['a b', 'a;b', 'a=b', 'a\r\nSet-Cookie: x', '']) {
      expect(() => bounded('serializeCookie', () => serializeCookie(name, '1')), show(name)).toThrow();
    }
  });
});

milestone('negotiation', () => {
  test('without an Accept header, the first offer', {}, () => {
    expect(bounded('bestMatch', () => bestMatch(undefined, ['text/html', 'application/json']))).toBe('text/html');
    expect(bounded('bestMatch', () => bestMatch(undefined, ['application/json', 'text/html']))).toBe('application/json');
    expect(bounded('request.accepts', () => request(environ()).accepts(['text/plain']))).toBe('text/plain');
  });

  test('picks the offer with the highest q', { points: 2, hint: 'q is a weight from 0 to 1 (RFC 9110 §12.4.2); a range without q has q=1.' }, () => {
    expect(bounded('bestMatch', () => bestMatch('text/html;q=0.5, application/json', ['text/html', 'application/json']))).toBe('application/json');
    expect(bounded('bestMatch', () => bestMatch('application/json; q=0.1, text/html; q=0.9', ['application/json', 'text/html']))).toBe('text/html');
    const r = request(environ({ HTTP_ACCEPT: 'text/plain;q=0.3, application/json;q=0.8' }));
    expect(bounded('request.accepts', () => r.accepts(['text/plain', 'application/json']))).toBe('application/json');
  });

  test("a tie goes to the server's order", {}, () => {
    expect(bounded('bestMatch', () => bestMatch('text/html, application/json', ['application/json', 'text/html']))).toBe('application/json');
  });

  test('type/* and */* match; the most specific range decides', {
    hint: 'text/html gets its q from a text/html range if there is one, else from text/*, else from */*.',
  }, () => {
    expect(bounded('bestMatch', () => bestMatch('text/*', ['application/json', 'text/plain']))).toBe('text/plain');
    expect(bounded('bestMatch', () => bestMatch('*/*;q=0.1, text/html', ['application/json', 'text/html']))).toBe('text/html');
    expect(bounded('bestMatch', () => bestMatch('text/*;q=0.9, text/html;q=0.2', ['text/html', 'text/plain']))).toBe('text/plain');
  });

  test('q=0 means "not this"', {}, () => {
    expect(bounded('bestMatch', () => bestMatch('application/json;q=0, */*', ['application/json', 'text/html']))).toBe('text/html');
    expect(bounded('bestMatch', () => bestMatch('application/json;q=0, */*', ['application/json']))).toBeNull();
  });

  test('nothing acceptable: null', { hint: 'When no range covers any offer, return null; the framework can answer 406.' }, () => {
    expect(bounded('bestMatch', () => bestMatch('image/png', ['text/html', 'application/json']))).toBeNull();
  });

  test('compares media types case-insensitively and skips malformed ranges', {}, () => {
    expect(bounded('bestMatch', () => bestMatch('TEXT/HTML', ['text/html']))).toBe('text/html');
    expect(bounded('bestMatch', () => bestMatch('nonsense, application/json', ['text/html', 'application/json']))).toBe('application/json');
  });
});
