// Hidden tests for lab 4, the matching side: static rules, variables and converters, methods,
// which rule wins, trailing slashes. Every call into the lab is bounded (see helpers.ts).
import { expect } from 'vitest';
import type { ConverterFactory } from '#contracts/routing';
import { builtInConverters } from '@lab/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import { endpointOf, matchOn, paramsOf, routerWith, type RuleSpec } from './helpers.ts';

const UUID = '123e4567-e89b-12d3-a456-426614174000';

milestone('static-rules', () => {
  test('matches a static rule: its endpoint, no params, and the rule', { points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    expect(matchOn(router, '/about')).toEqual({ kind: 'match', endpoint: 'about', params: {}, rule: '/about' });
  });

  test('the rule "/" matches "/" and the empty path', {
    hint: 'PATH_INFO may be empty when an application is mounted at a prefix: the empty path means "/".',
  }, () => {
    const router = routerWith([['/', 'index'], ['/about', 'about']]);
    expect(endpointOf(router, '/')).toBe('index');
    expect(endpointOf(router, '')).toBe('index');
  });

  test('several rules, each path to its own endpoint', { points: 2 }, () => {
    const router = routerWith([
      ['/', 'index'],
      ['/about', 'about'],
      ['/blog/archive', 'archive'],
      ['/static/site.css', 'css'],
      ['/a-b/c_d/e~f', 'odd'],
    ]);
    expect(endpointOf(router, '/about')).toBe('about');
    expect(endpointOf(router, '/blog/archive')).toBe('archive');
    expect(endpointOf(router, '/static/site.css')).toBe('css');
    expect(endpointOf(router, '/a-b/c_d/e~f')).toBe('odd');
    expect(endpointOf(router, '/')).toBe('index');
  });

  test('a path no rule matches is not found: not a prefix, not an extension', {
    hint: 'A rule matches the whole path, segment for segment: /blog does not match /blog/archive, and /blog/archive does not match /blog.',
  }, () => {
    const router = routerWith([['/blog', 'blog'], ['/blog/archive', 'archive']]);
    for (const path of ['/blo', '/blogs', '/blog/arch', '/blog/archive/2024', '/archive', '/x/blog']) {
      expect(matchOn(router, path), path).toEqual({ kind: 'not-found' });
    }
  });

  test('static text is compared exactly: case, empty segments, dots', {
    hint: 'Compare each segment with ===. If you build a regular expression from static text, escape it first: "." is not "any character" in a URL.',
  }, () => {
    const router = routerWith([['/a/b', 'ab'], ['/site.css', 'css'], ['/(x)+', 'parens']]);
    expect(endpointOf(router, '/A/b')).toBe('(not-found)');
    expect(endpointOf(router, '/a//b')).toBe('(not-found)');
    expect(endpointOf(router, '/siteXcss')).toBe('(not-found)');
    expect(endpointOf(router, '/(x)+')).toBe('parens');
    expect(endpointOf(router, '/xx')).toBe('(not-found)');
  });

  test('matches text that is not ASCII, as the decoded path has it', {}, () => {
    const router = routerWith([['/café/menü', 'menu']]);
    expect(endpointOf(router, '/café/menü')).toBe('menu');
  });
});

milestone('converters', () => {
  test('<name> matches one segment and gives its text', { points: 2 }, () => {
    const router = routerWith([['/users/<name>', 'user']]);
    expect(matchOn(router, '/users/ada')).toEqual({
      kind: 'match',
      endpoint: 'user',
      params: { name: 'ada' },
      rule: '/users/<name>',
    });
    for (const name of ['a b', 'café', '50%', 'x.y', '<b>', 'a?b']) {
      expect(paramsOf(router, `/users/${name}`), name).toEqual({ name });
    }
  });

  test('a string variable never spans a slash and is never empty', {
    hint: 'A string variable matches [^/] characters, at least one: /users/ and /users/a/b are not /users/<name>.',
  }, () => {
    const router = routerWith([['/users/<name>', 'user'], ['/<a>/<b>/<c>', 'three']]);
    expect(endpointOf(router, '/users/a/b')).toBe('three');
    expect(endpointOf(router, '/users/')).toBe('(not-found)');
    expect(endpointOf(router, '/users')).toBe('(not-found)');
    expect(endpointOf(router, '/users//x')).toBe('(not-found)');
  });

  test('string takes length, minlength and maxlength', {}, () => {
    const router = routerWith([
      ['/lang/<string(length=2):code>', 'lang'],
      ['/tag/<string(minlength=3, maxlength=5):tag>', 'tag'],
    ]);
    expect(paramsOf(router, '/lang/en')).toEqual({ code: 'en' });
    expect(paramsOf(router, '/lang/eng')).toBeNull();
    expect(paramsOf(router, '/lang/e')).toBeNull();
    expect(paramsOf(router, '/tag/abc')).toEqual({ tag: 'abc' });
    expect(paramsOf(router, '/tag/abcde')).toEqual({ tag: 'abcde' });
    expect(paramsOf(router, '/tag/ab')).toBeNull();
    expect(paramsOf(router, '/tag/abcdef')).toBeNull();
  });

  test('int matches decimal digits and gives a number', { points: 2 }, () => {
    const router = routerWith([['/items/<int:id>', 'item']]);
    expect(paramsOf(router, '/items/42')).toEqual({ id: 42 });
    expect(paramsOf(router, '/items/0')).toEqual({ id: 0 });
    for (const text of ['-1', '1.5', 'x1', '1x', '', '+1', ' 1', '0x1f']) {
      expect(paramsOf(router, `/items/${text}`), text).toBeNull();
    }
  });

  test('int takes signed, min and max', {
    hint: 'min and max are checked on the value, after the pattern matched: a converter refuses by throwing in toValue, and the rule does not match.',
  }, () => {
    const router = routerWith([
      ['/temp/<int(signed=true):t>', 'temp'],
      ['/page/<int(min=1, max=99):n>', 'page'],
    ]);
    expect(paramsOf(router, '/temp/-5')).toEqual({ t: -5 });
    expect(paramsOf(router, '/temp/7')).toEqual({ t: 7 });
    expect(paramsOf(router, '/page/1')).toEqual({ n: 1 });
    expect(paramsOf(router, '/page/99')).toEqual({ n: 99 });
    expect(paramsOf(router, '/page/0')).toBeNull();
    expect(paramsOf(router, '/page/100')).toBeNull();
    expect(paramsOf(router, '/page/-1')).toBeNull();
  });

  test('float needs digits, a dot and digits; signed allows a minus', {}, () => {
    const router = routerWith([['/price/<float:x>', 'price'], ['/delta/<float(signed=true):d>', 'delta']]);
    expect(paramsOf(router, '/price/1.5')).toEqual({ x: 1.5 });
    expect(paramsOf(router, '/price/10.25')).toEqual({ x: 10.25 });
    for (const text of ['1', '.5', '1.', '-1.5', '1e3', '1.5.2']) {
      expect(paramsOf(router, `/price/${text}`), text).toBeNull();
    }
    expect(paramsOf(router, '/delta/-0.5')).toEqual({ d: -0.5 });
  });

  test('uuid matches the 8-4-4-4-12 form in any case and gives it lowercased', {}, () => {
    const router = routerWith([['/orders/<uuid:id>', 'order']]);
    expect(paramsOf(router, `/orders/${UUID}`)).toEqual({ id: UUID });
    expect(paramsOf(router, `/orders/${UUID.toUpperCase()}`)).toEqual({ id: UUID });
    for (const text of [UUID.replaceAll('-', ''), UUID.slice(1), `${UUID}0`, UUID.replace('a', 'g')]) {
      expect(paramsOf(router, `/orders/${text}`), text).toBeNull();
    }
  });

  test('any matches one of its words, and only whole words', {
    hint: 'Anchoring an alternation needs a group around it: ^about|help$ means "starts with about, or ends with help".',
  }, () => {
    const router = routerWith([['/<any(about, help, a.b):page>', 'page']]);
    expect(paramsOf(router, '/about')).toEqual({ page: 'about' });
    expect(paramsOf(router, '/help')).toEqual({ page: 'help' });
    expect(paramsOf(router, '/a.b')).toEqual({ page: 'a.b' });
    for (const text of ['abouts', 'xhelp', 'aXb', 'ab', 'Help']) {
      expect(paramsOf(router, `/${text}`), text).toBeNull();
    }
  });

  test('path takes the rest of the path, slashes included, but not nothing', { points: 2 }, () => {
    const router = routerWith([['/files/<path:p>', 'file'], ['/wiki/<path:page>/edit', 'edit']]);
    expect(paramsOf(router, '/files/a')).toEqual({ p: 'a' });
    expect(paramsOf(router, '/files/a/b/c.txt')).toEqual({ p: 'a/b/c.txt' });
    expect(paramsOf(router, '/files')).toBeNull();
    expect(paramsOf(router, '/files/')).toBeNull();
    expect(paramsOf(router, '/wiki/Main/Sub/edit')).toEqual({ page: 'Main/Sub' });
    expect(paramsOf(router, '/wiki/edit')).toBeNull();
  });

  test('a rule with several variables gives them all', {}, () => {
    const router = routerWith([['/<int:year>/<int:month>/<slug>', 'post']]);
    expect(paramsOf(router, '/2024/05/hello-world')).toEqual({ year: 2024, month: 5, slug: 'hello-world' });
  });

  test('builtInConverters: each factory gives a pattern, toValue and toUrl', {}, () => {
    const make = (name: string, args: Record<string, unknown> = {}) =>
      bounded(`builtInConverters.${name}()`, () => builtInConverters[name]!({ _: [], ...args } as never));
    const int = make('int');
    expect(new RegExp(`^(?:${int.pattern})$`).test('123')).toBe(true);
    expect(new RegExp(`^(?:${int.pattern})$`).test('12a')).toBe(false);
    expect(int.toValue('123')).toBe(123);
    expect(int.toUrl(123)).toBe('123');
    expect(make('uuid').toUrl(UUID.toUpperCase())).toBe(UUID);
    expect(make('float').toUrl(2)).toBe('2.0');
    expect(make('string').toValue('x')).toBe('x');
    expect(Object.keys(builtInConverters).sort()).toEqual(['any', 'float', 'int', 'path', 'string', 'uuid']);
  });

  test('a custom converter: its pattern, its value, and the arguments written in the rule', { points: 2 }, () => {
    const seen: unknown[] = [];
    const hex: ConverterFactory = (args) => {
      seen.push(args);
      return { pattern: '[0-9a-f]+', toValue: (text) => parseInt(text, 16), toUrl: (value) => Number(value).toString(16) };
    };
    const router = routerWith([['/color/<hex(rgb, 2, true, width=6, strict=false, note=x):c>', 'color']], { hex });
    expect(paramsOf(router, '/color/ff00ff')).toEqual({ c: 0xff00ff });
    expect(paramsOf(router, '/color/zz')).toBeNull();
    expect(seen).toContainEqual({ _: ['rgb', 2, true], width: 6, strict: false, note: 'x' });
  });

  test('a converter that throws in toValue refuses the match; other rules still get their turn', {}, () => {
    const even: ConverterFactory = () => ({
      pattern: '\\d+',
      toValue: (text) => {
        if (Number(text) % 2 !== 0) throw new Error('odd');
        return Number(text);
      },
      toUrl: (value) => String(value),
    });
    const router = routerWith([['/n/<even:n>', 'even'], ['/n/<name>', 'other']], { even });
    expect(matchOn(router, '/n/4')).toMatchObject({ kind: 'match', endpoint: 'even', params: { n: 4 } });
    expect(matchOn(router, '/n/3')).toMatchObject({ kind: 'match', endpoint: 'other', params: { name: '3' } });
  });

  const longRules: RuleSpec[] = [
    ['/<path:p>/<a>/<b>/end', 'deep'],
    ['/files/<path:p>', 'file'],
    ['/<name>', 'one'],
  ];

  test('answers a path of 10,000 characters', {
    lesson: '04-routing.md#matching-segment-by-segment',
    hint: 'Match segment by segment, each with its own anchored pattern. One regular expression over the whole path can backtrack for a very long time.',
  }, () => {
    const router = routerWith(longRules);
    const long = 'a'.repeat(10_000);
    const one = matchOn(router, `/${long}`, 'GET', undefined, 2000);
    expect(one.kind === 'match' && one.endpoint).toBe('one');
    expect(one.kind === 'match' && one.params.name).toBe(long);
    const file = matchOn(router, `/files/${long}`, 'GET', undefined, 2000);
    expect(file.kind === 'match' && file.endpoint).toBe('file');
    expect(matchOn(router, `/${long}/x/y/nope`, 'GET', undefined, 2000)).toEqual({ kind: 'not-found' });
  });

  test('answers a path of 5,000 segments', {
    lesson: '04-routing.md#matching-segment-by-segment',
    hint: 'Count segments first: a rule with n segments (and no path variable) fits only paths of n segments. A path variable takes what the other segments leave.',
  }, () => {
    const router = routerWith(longRules);
    const many = Array.from({ length: 5000 }, (_, i) => `s${i % 10}`).join('/');
    const file = matchOn(router, `/files/${many}`, 'GET', undefined, 2000);
    expect(file.kind === 'match' && file.params.p).toBe(many);
    const deep = matchOn(router, `/${many}/end`, 'GET', undefined, 2000);
    expect(deep.kind === 'match' && deep.endpoint).toBe('deep');
    expect(deep.kind === 'match' && deep.params.b).toBe('s9');
    expect(matchOn(router, `/${many}`, 'GET', undefined, 2000)).toEqual({ kind: 'not-found' });
    expect(matchOn(router, `/${many}/end/`, 'GET', undefined, 2000)).toEqual({ kind: 'not-found' });
  });
});

milestone('methods', () => {
  test('a rule answers GET by default, and HEAD with it', { points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    expect(endpointOf(router, '/about', 'GET')).toBe('about');
    expect(endpointOf(router, '/about', 'HEAD')).toBe('about');
  });

  test('another method on a known path is 405, with the methods that are allowed', { points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    const result = matchOn(router, '/about', 'POST');
    expect(result.kind).toBe('method-not-allowed');
    expect(result.kind === 'method-not-allowed' && [...result.allowed].sort()).toEqual(['GET', 'HEAD']);
  });

  test('the methods option: a POST-only rule refuses GET and HEAD', {}, () => {
    const router = routerWith([['/upload', { endpoint: 'upload', methods: ['POST'] }]]);
    expect(endpointOf(router, '/upload', 'POST')).toBe('upload');
    for (const method of ['GET', 'HEAD', 'PUT']) {
      const result = matchOn(router, '/upload', method);
      expect(result.kind === 'method-not-allowed' && [...result.allowed].sort(), method).toEqual(['POST']);
    }
  });

  test('one path, several rules: each method to its endpoint, Allow lists them all', {
    hint: 'Keep trying rules after one fits the path but not the method; collect the methods of every rule that fits the path.',
  }, () => {
    const router = routerWith([
      ['/notes', { endpoint: 'list', methods: ['GET'] }],
      ['/notes', { endpoint: 'create', methods: ['POST'] }],
      ['/notes', { endpoint: 'replace', methods: ['PUT', 'PATCH'] }],
    ]);
    expect(endpointOf(router, '/notes', 'GET')).toBe('list');
    expect(endpointOf(router, '/notes', 'POST')).toBe('create');
    expect(endpointOf(router, '/notes', 'PATCH')).toBe('replace');
    const result = matchOn(router, '/notes', 'DELETE');
    expect(result.kind === 'method-not-allowed' && [...result.allowed].sort()).toEqual(['GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  test('404, not 405, when no rule matches the path, whatever the method', {}, () => {
    const router = routerWith([['/about', { endpoint: 'about', methods: ['GET', 'POST'] }]]);
    for (const method of ['GET', 'POST', 'DELETE']) {
      expect(matchOn(router, '/nowhere', method), method).toEqual({ kind: 'not-found' });
    }
  });

  test('a rule that fits the path but not the method does not hide a later one that fits both', {
    hint: 'A 405 is the answer only when no rule fits both the path and the method.',
  }, () => {
    const router = routerWith([
      ['/wiki/<path:page>/edit', { endpoint: 'save', methods: ['POST'] }],
      ['/wiki/<path:page>', 'show'],
    ]);
    expect(matchOn(router, '/wiki/Main/edit', 'GET')).toMatchObject({ kind: 'match', endpoint: 'show', params: { page: 'Main/edit' } });
    expect(matchOn(router, '/wiki/Main/edit', 'POST')).toMatchObject({ kind: 'match', endpoint: 'save', params: { page: 'Main' } });
  });

  test('the same endpoint added again with its own rule gains methods', {}, () => {
    const router = routerWith([
      ['/login', { endpoint: 'login', methods: ['GET'] }],
      ['/login', { endpoint: 'login', methods: ['POST'] }],
    ]);
    expect(endpointOf(router, '/login', 'GET')).toBe('login');
    expect(endpointOf(router, '/login', 'POST')).toBe('login');
  });
});

milestone('ordering', () => {
  /** Adds the rules in both orders and checks that each path finds the same endpoint. */
  function inBothOrders(rules: RuleSpec[], expected: Record<string, string>): void {
    for (const order of [rules, [...rules].reverse()]) {
      const router = routerWith(order);
      const got = Object.fromEntries(Object.keys(expected).map((path) => [path, endpointOf(router, path)]));
      expect(got, `rules added as ${order.map(([rule]) => rule).join(', ')}`).toEqual(expected);
    }
  }

  test('static text beats a variable, whatever the order the rules were added in', { points: 2 }, () => {
    inBothOrders([['/users/new', 'new'], ['/users/<name>', 'user']], { '/users/new': 'new', '/users/ada': 'user' });
  });

  test('narrower converters win: any, then uuid, then int, then string', {
    hint: 'Weights: static 0, any 1, uuid 2, int and float 3, string and custom 4, path 5. Lower is tried first.',
  }, () => {
    inBothOrders(
      [['/<name>', 'string'], ['/<int:id>', 'int'], ['/<uuid:id>', 'uuid'], ['/<any(1, new):which>', 'any']],
      { '/1': 'any', '/new': 'any', '/2': 'int', [`/${UUID}`]: 'uuid', '/ada': 'string' },
    );
  });

  test('weights are compared left to right: the first segment that differs decides', {}, () => {
    inBothOrders(
      [['/<section>/edit', 'edit-any'], ['/page/<name>', 'page']],
      { '/page/edit': 'page', '/page/x': 'page', '/other/edit': 'edit-any' },
    );
    inBothOrders(
      [['/<int:a>/<name>', 'int-first'], ['/<name>/<int:b>', 'string-first']],
      { '/1/2': 'int-first', '/x/2': 'string-first', '/1/x': 'int-first' },
    );
  });

  test('path is the last resort', {}, () => {
    inBothOrders([['/<path:p>', 'path'], ['/<a>/<b>', 'two'], ['/<int:n>', 'int']], {
      '/x/y': 'two',
      '/x/y/z': 'path',
      '/5': 'int',
      '/x': 'path',
    });
  });

  test('equal weights as far as the shorter goes: the longer rule first', {
    hint: 'After comparing weights segment by segment, a rule with more segments comes before its shorter look-alike.',
  }, () => {
    inBothOrders([['/files/<path:p>', 'file'], ['/files/<path:p>/raw', 'raw']], {
      '/files/a/b/raw': 'raw',
      '/files/a/b': 'file',
    });
  });

  test('still equal: the rule added first wins', {}, () => {
    const slug: ConverterFactory = () => ({ pattern: '[a-z-]+', toValue: (t) => t, toUrl: (v) => String(v) });
    const first = routerWith([['/<a>', 'first'], ['/<b>', 'second']]);
    expect(endpointOf(first, '/x')).toBe('first');
    const custom = routerWith([['/<slug:s>', 'slug'], ['/<name>', 'name']], { slug });
    expect(endpointOf(custom, '/abc')).toBe('slug');
    const reversed = routerWith([['/<name>', 'name'], ['/<slug:s>', 'slug']], { slug });
    expect(endpointOf(reversed, '/abc')).toBe('name');
  });
});

milestone('slashes', () => {
  test('a rule ending in "/" redirects the path without it: 308', { points: 2 }, () => {
    const router = routerWith([['/docs/', 'docs']]);
    expect(matchOn(router, '/docs/')).toMatchObject({ kind: 'match', endpoint: 'docs' });
    expect(matchOn(router, '/docs')).toEqual({ kind: 'redirect', status: 308, location: '/docs/' });
  });

  test('the redirect keeps the query string', {
    hint: 'match() gets the query string as its third argument: put it back after the "/", with its "?".',
  }, () => {
    const router = routerWith([['/docs/', 'docs']]);
    expect(matchOn(router, '/docs', 'GET', 'page=2&q=a%20b')).toEqual({
      kind: 'redirect',
      status: 308,
      location: '/docs/?page=2&q=a%20b',
    });
  });

  test('a rule without a final "/" does not match a path with one', {
    hint: 'Only the missing slash is redirected. /about/ is another resource than /about: not found.',
  }, () => {
    const router = routerWith([['/about', 'about']]);
    expect(matchOn(router, '/about/')).toEqual({ kind: 'not-found' });
  });

  test('the redirect works for rules with variables, and for POST (that is why 308)', {}, () => {
    const router = routerWith([['/users/<int:id>/', 'user'], ['/upload/', { endpoint: 'upload', methods: ['POST'] }]]);
    expect(matchOn(router, '/users/5')).toEqual({ kind: 'redirect', status: 308, location: '/users/5/' });
    expect(matchOn(router, '/upload', 'POST')).toEqual({ kind: 'redirect', status: 308, location: '/upload/' });
    expect(matchOn(router, '/users/x')).toEqual({ kind: 'not-found' });
  });

  test('when both /a and /a/ are rules, each path matches its own', {
    hint: 'A rule that fits exactly beats a redirect: remember the redirect, keep trying, and redirect only if nothing else matched.',
  }, () => {
    for (const rules of [[['/a/', 'slash'], ['/a', 'bare']], [['/a', 'bare'], ['/a/', 'slash']]] as RuleSpec[][]) {
      const router = routerWith(rules);
      expect(endpointOf(router, '/a')).toBe('bare');
      expect(endpointOf(router, '/a/')).toBe('slash');
    }
  });

  test('strictSlashes: false matches both forms, without a redirect', {}, () => {
    const router = routerWith([
      ['/docs/', { endpoint: 'docs', strictSlashes: false }],
      ['/about', { endpoint: 'about', strictSlashes: false }],
    ]);
    expect(endpointOf(router, '/docs')).toBe('docs');
    expect(endpointOf(router, '/docs/')).toBe('docs');
    expect(endpointOf(router, '/about')).toBe('about');
    expect(endpointOf(router, '/about/')).toBe('about');
  });

  test('a path variable at the end of a rule keeps the final slash of the request', {}, () => {
    const router = routerWith([['/files/<path:p>', 'file'], ['/dirs/<path:d>/', 'dir']]);
    expect(paramsOf(router, '/files/a/b/')).toEqual({ p: 'a/b/' });
    expect(paramsOf(router, '/dirs/a/b/')).toEqual({ d: 'a/b' });
    expect(matchOn(router, '/dirs/a/b')).toEqual({ kind: 'redirect', status: 308, location: '/dirs/a/b/' });
  });
});
