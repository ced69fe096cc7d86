// Hidden tests for lab 4, the other direction and the edges: building URLs with urlFor, groups of
// rules under a prefix, and the errors a bad rule or a failed build raise. Errors are checked by
// class, position and the name they mention, never by wording.
import { expect } from 'vitest';
import { BuildError, RuleError, type ConverterFactory } from '#contracts/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import { endpointOf, errorOf, matchOn, messageOf, routerWith, ruleErrorOf, type RuleSpec } from './helpers.ts';

const UUID = '123e4567-e89b-12d3-a456-426614174000';

const hex: ConverterFactory = () => ({
  pattern: '[0-9a-f]+',
  toValue: (text) => parseInt(text, 16),
  toUrl: (value) => Number(value).toString(16),
});

/** The URL of an endpoint, bounded. */
function urlFor(router: ReturnType<typeof routerWith>, endpoint: string, values?: Record<string, unknown>): string {
  return bounded(`router.urlFor(${JSON.stringify(endpoint)})`, () => router.urlFor(endpoint, values));
}

/** What a server would hand the router for this URL: the path before '?' or '#', percent-decoded. */
function pathOf(url: string): string {
  return decodeURIComponent(url.split(/[?#]/)[0]!);
}

milestone('building', () => {
  test('builds the URL of a static rule, trailing slash included', { points: 2 }, () => {
    const router = routerWith([['/', 'index'], ['/about', 'about'], ['/docs/', 'docs']]);
    expect(urlFor(router, 'index')).toBe('/');
    expect(urlFor(router, 'about')).toBe('/about');
    expect(urlFor(router, 'docs')).toBe('/docs/');
  });

  test('fills the variables through their converters', { points: 2 }, () => {
    const router = routerWith([
      ['/users/<int:id>', 'user'],
      ['/price/<float:x>', 'price'],
      ['/orders/<uuid:id>', 'order'],
      ['/<int:year>/<slug>/', 'post'],
    ]);
    expect(urlFor(router, 'user', { id: 42 })).toBe('/users/42');
    expect(urlFor(router, 'price', { x: 2 })).toBe('/price/2.0');
    expect(urlFor(router, 'order', { id: UUID.toUpperCase() })).toBe(`/orders/${UUID}`);
    expect(urlFor(router, 'post', { year: 2024, slug: 'hello' })).toBe('/2024/hello/');
  });

  test('percent-encodes values; a path value keeps its slashes', {
    hint: 'A space, "?" or "é" in a value must not end up raw in the URL, and the slashes of a path value must stay slashes.',
  }, () => {
    const router = routerWith([['/users/<name>', 'user'], ['/files/<path:p>', 'file'], ['/café/menü', 'menu']]);
    const menu = urlFor(router, 'menu');
    expect(menu).toMatch(/^[\x21-\x7e]+$/);
    expect(pathOf(menu)).toBe('/café/menü');
    const user = urlFor(router, 'user', { name: 'Zoë & Co?' });
    expect(user).toMatch(/^[\x21-\x7e]+$/);
    expect(user).not.toContain('?');
    expect(pathOf(user)).toBe('/users/Zoë & Co?');
    const file = urlFor(router, 'file', { p: 'my docs/ü.txt' });
    expect(file).toMatch(/^\/files\/[^/]+\/[^/]+$/);
    expect(pathOf(file)).toBe('/files/my docs/ü.txt');
  });

  test('values that are not variables go to the query string', {
    hint: 'URLSearchParams does the encoding; an array gives the key once per item; undefined and null are left out.',
  }, () => {
    const router = routerWith([['/users/<int:id>', 'user'], ['/search', 'search']]);
    const url = new URL(urlFor(router, 'search', { q: 'a b&c=d', page: 2, tag: ['x', 'y'], skip: undefined, none: null }), 'http://h');
    expect(url.pathname).toBe('/search');
    expect(url.searchParams.get('q')).toBe('a b&c=d');
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.getAll('tag')).toEqual(['x', 'y']);
    expect(url.searchParams.has('skip') || url.searchParams.has('none')).toBe(false);
    const user = new URL(urlFor(router, 'user', { id: 5, tab: 'posts' }), 'http://h');
    expect(user.pathname).toBe('/users/5');
    expect([...user.searchParams]).toEqual([['tab', 'posts']]);
  });

  test('build, then match: every converter gives back the values it was given', { points: 3 }, () => {
    const cases: Array<[rule: string, values: Record<string, unknown>]> = [
      ['/s/<name>', { name: 'Ada Lovelace' }],
      ['/s2/<name>', { name: 'café & crème?#%' }],
      ['/l/<string(length=2):code>', { code: 'en' }],
      ['/i/<int:id>', { id: 42 }],
      ['/si/<int(signed=true):n>', { n: -7 }],
      ['/f/<float:x>', { x: 3.25 }],
      ['/f2/<float:x>', { x: 2 }],
      ['/sf/<float(signed=true):x>', { x: -0.5 }],
      ['/u/<uuid:id>', { id: UUID }],
      ['/a/<any(about, help):page>', { page: 'help' }],
      ['/p/<path:rest>', { rest: 'a b/c/ü.txt' }],
      ['/p2/<path:rest>/raw', { rest: 'x/y' }],
      ['/h/<hex:c>', { c: 255 }],
      ['/m/<int:y>/<slug>/', { y: 2024, slug: 'hi there' }],
    ];
    const router = routerWith(cases.map(([rule], i): RuleSpec => [rule, `e${i}`]), { hex });
    cases.forEach(([rule, values], i) => {
      const url = urlFor(router, `e${i}`, values);
      expect(matchOn(router, pathOf(url)), `${rule}: urlFor gave ${url}`).toMatchObject({
        kind: 'match',
        endpoint: `e${i}`,
        params: values,
      });
    });
  });

  test('an unknown endpoint is a BuildError that names it, and suggests a close one', {
    hint: 'editDistance is given: suggest the known endpoint with the smallest distance, if it is close enough.',
  }, () => {
    const router = routerWith([['/', 'index'], ['/me', 'profile']]);
    const close = errorOf('router.urlFor("profle")', () => router.urlFor('profle'));
    expect(close).toBeInstanceOf(BuildError);
    expect(messageOf(close)).toContain('profle');
    expect(messageOf(close)).toContain('profile');
    const far = errorOf('router.urlFor("checkout")', () => router.urlFor('checkout'));
    expect(far).toBeInstanceOf(BuildError);
    expect(messageOf(far)).toContain('checkout');
    expect(messageOf(far)).not.toContain('profile');
  });

  test('a missing variable is a BuildError that names it', {}, () => {
    const router = routerWith([['/users/<int:user_id>/posts/<int:post_id>', 'post']]);
    for (const values of [{ user_id: 1 }, { user_id: 1, post_id: null }, { user_id: 1, post_id: undefined }]) {
      const error = errorOf('router.urlFor("post")', () => router.urlFor('post', values));
      expect(error, JSON.stringify(values)).toBeInstanceOf(BuildError);
      expect(messageOf(error)).toContain('post_id');
    }
  });

  test('a value its converter cannot write is a BuildError, not a URL that never matches', {
    hint: "Check the converter's text against the segment's regex before using it.",
  }, () => {
    const router = routerWith([
      ['/items/<int:item_id>', 'item'],
      ['/<any(about, help):page_name>', 'page'],
      ['/users/<user_name>', 'user'],
    ]);
    const attempts: Array<[string, Record<string, unknown>, string]> = [
      ['item', { item_id: 'abc' }, 'item_id'],
      ['item', { item_id: -1 }, 'item_id'],
      ['page', { page_name: 'other' }, 'page_name'],
      ['user', { user_name: 'a/b' }, 'user_name'],
      ['user', { user_name: '' }, 'user_name'],
    ];
    for (const [endpoint, values, name] of attempts) {
      const error = errorOf(`router.urlFor(${JSON.stringify(endpoint)})`, () => router.urlFor(endpoint, values));
      expect(error, JSON.stringify(values)).toBeInstanceOf(BuildError);
      expect(messageOf(error)).toContain(name);
    }
  });
});

milestone('groups-and-errors', () => {
  test('a group puts its prefix before its rules and its name before their endpoints', { points: 2, lesson: '04-routing.md#groups' }, () => {
    const router = routerWith([['/', 'index']]);
    const api = bounded("router.group('/api', 'api')", () => router.group('/api', 'api'));
    bounded('api.add()', () => api.add('/users/<int:id>', { endpoint: 'user' }));
    bounded('api.add()', () => api.add('/users', { endpoint: 'users', methods: ['GET', 'POST'] }));
    expect(matchOn(router, '/api/users/3')).toEqual({ kind: 'match', endpoint: 'api.user', params: { id: 3 }, rule: '/api/users/<int:id>' });
    expect(endpointOf(router, '/api/users', 'POST')).toBe('api.users');
    expect(endpointOf(router, '/users')).toBe('(not-found)');
    expect(urlFor(router, 'api.user', { id: 3 })).toBe('/api/users/3');
  });

  test("a group's '/' is the prefix with a slash; without a name, endpoints stay as they are", { lesson: '04-routing.md#groups' }, () => {
    const router = routerWith([]);
    const admin = bounded("router.group('/admin')", () => router.group('/admin'));
    bounded('admin.add()', () => admin.add('/', { endpoint: 'dashboard' }));
    expect(endpointOf(router, '/admin/')).toBe('dashboard');
    expect(matchOn(router, '/admin')).toEqual({ kind: 'redirect', status: 308, location: '/admin/' });
    expect(urlFor(router, 'dashboard')).toBe('/admin/');
  });

  test('two groups may use the same endpoint names; a prefix may hold a variable', { lesson: '04-routing.md#groups' }, () => {
    const router = routerWith([]);
    const v1 = bounded("router.group('/v1', 'v1')", () => router.group('/v1', 'v1'));
    const v2 = bounded("router.group('/v2', 'v2')", () => router.group('/v2', 'v2'));
    bounded('v1.add()', () => v1.add('/items', { endpoint: 'list' }));
    bounded('v2.add()', () => v2.add('/items', { endpoint: 'list' }));
    expect(endpointOf(router, '/v1/items')).toBe('v1.list');
    expect(endpointOf(router, '/v2/items')).toBe('v2.list');
    const site = bounded("router.group('/<any(en, fr):lang>', 'site')", () => router.group('/<any(en, fr):lang>', 'site'));
    bounded('site.add()', () => site.add('/about', { endpoint: 'about' }));
    expect(matchOn(router, '/fr/about')).toMatchObject({ kind: 'match', endpoint: 'site.about', params: { lang: 'fr' } });
  });

  test('a prefix must start with "/" and not end with it (RuleError)', { lesson: '04-routing.md#groups' }, () => {
    const router = routerWith([]);
    for (const prefix of ['api', '/api/', '/']) {
      const error = errorOf(`router.group(${JSON.stringify(prefix)})`, () => router.group(prefix, 'x'));
      expect(error, prefix).toBeInstanceOf(RuleError);
    }
  });

  test('a rule must start with "/": RuleError at position 0', { lesson: '04-routing.md#rule-errors' }, () => {
    const error = ruleErrorOf('about');
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).position).toBe(0);
  });

  test('an empty segment is a RuleError at the second slash', { lesson: '04-routing.md#rule-errors' }, () => {
    for (const [rule, position] of [['/a//b', 3], ['//', 1], ['/a/b//', 5]] as const) {
      const error = ruleErrorOf(rule);
      expect(error, rule).toBeInstanceOf(RuleError);
      expect((error as RuleError).position, rule).toBe(position);
    }
  });

  test('an unknown converter is a RuleError that names it, at its name', {
    lesson: '04-routing.md#rule-errors',
    hint: 'The position is the index in the rule text where the converter name starts, just after "<".',
  }, () => {
    const error = ruleErrorOf('/a/<integer:id>');
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).position).toBe(4);
    expect(messageOf(error)).toContain('integer');
  });

  test('a variable name used twice, or a second path variable, is a RuleError at the second one', { lesson: '04-routing.md#rule-errors' }, () => {
    const twice = ruleErrorOf('/<slug>/x/<int:slug>');
    expect(twice).toBeInstanceOf(RuleError);
    expect((twice as RuleError).position).toBe(10);
    expect(messageOf(twice)).toContain('slug');
    const paths = ruleErrorOf('/<path:a>/<path:b>');
    expect(paths).toBeInstanceOf(RuleError);
    expect((paths as RuleError).position).toBe(10);
    expect(messageOf(paths)).toContain('path');
  });

  test('a variable that is not a whole segment, or has a bad name, is a RuleError inside that segment', { lesson: '04-routing.md#rule-errors' }, () => {
    const cases: Array<[rule: string, from: number, to: number]> = [
      ['/a<b>', 1, 5],
      ['/x/<name', 3, 8],
      ['/x/<a>b', 3, 7],
      ['/<int:2x>', 1, 8],
      ['/<>', 1, 3],
    ];
    for (const [rule, from, to] of cases) {
      const error = ruleErrorOf(rule);
      expect(error, rule).toBeInstanceOf(RuleError);
      const position = (error as RuleError).position;
      expect(position !== null && position >= from && position <= to, `${rule}: position ${position}`).toBe(true);
    }
    expect(messageOf(ruleErrorOf('/<int:2x>'))).toContain('2x');
  });

  test('the message shows the rule with a caret under the position', {
    lesson: '04-routing.md#rule-errors',
    hint: 'Put the rule text on a line of its own, and "^" on the next line, indented the same plus `position` spaces.',
  }, () => {
    for (const rule of ['about', '/a//b', '/files/<nope:x>', '/<slug>/x/<int:slug>']) {
      const error = ruleErrorOf(rule);
      expect(error, rule).toBeInstanceOf(RuleError);
      const lines = messageOf(error).split('\n');
      const caret = lines.findIndex((line) => line.trim() === '^');
      expect(caret, `${rule}: a line of the message holds only a caret`).toBeGreaterThan(0);
      const ruleLine = lines[caret - 1]!;
      expect(ruleLine.trimEnd().endsWith(rule), `${rule}: the line above the caret holds the rule`).toBe(true);
      expect(lines[caret]!.indexOf('^'), rule).toBe(ruleLine.lastIndexOf(rule) + (error as RuleError).position!);
    }
  });

  test('one endpoint for two different rules is a RuleError that names the endpoint', { lesson: '04-routing.md#rule-errors' }, () => {
    const router = routerWith([['/home', 'home']]);
    const error = errorOf('router.add("/start")', () => router.add('/start', { endpoint: 'home' }));
    expect(error).toBeInstanceOf(RuleError);
    expect(messageOf(error)).toContain('home');
  });

  test('a rule that fails leaves the router as it was', { lesson: '04-routing.md#rule-errors' }, () => {
    const router = routerWith([['/ok', 'ok']]);
    expect(errorOf('router.add("/bad/<nope:x>")', () => router.add('/bad/<nope:x>', { endpoint: 'bad' }))).toBeInstanceOf(RuleError);
    expect(endpointOf(router, '/ok')).toBe('ok');
    expect(endpointOf(router, '/bad/x')).toBe('(not-found)');
    expect(errorOf('router.urlFor("bad")', () => router.urlFor('bad'))).toBeInstanceOf(BuildError);
    bounded('router.add("/bad/<x>")', () => router.add('/bad/<x>', { endpoint: 'bad' }));
    expect(endpointOf(router, '/bad/x')).toBe('bad');
  });
});
