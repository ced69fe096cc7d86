// Hidden tests for lab 4, the other direction and the edges: building URLs with urlFor, groups of
// rules under a prefix, and the errors a bad rule or a failed build raise. Errors are checked by
// class, position and the name they mention, never by wording. Every expectation names the call
// and the rule table it was made against.
import { expect } from 'vitest';
import { RuleError, type ConverterFactory } from '#contracts/routing';
import { milestone, test } from '../../harness/index.ts';
import {
  addRule,
  errorOf,
  expectBuildError,
  expectMatch,
  expectNotAllowed,
  expectNotFound,
  expectRedirect,
  expectRuleErrorAt,
  expectUrl,
  groupOn,
  matchCall,
  matchOn,
  messageOf,
  routerWith,
  ruleErrorOf,
  rulesOf,
  showValue,
  urlForCall,
  urlForOn,
  type RuleSpec,
} from './helpers.ts';

const UUID = '123e4567-e89b-12d3-a456-426614174000';

const hex: ConverterFactory = () => ({
  pattern: '[0-9a-f]+',
  toValue: (text) => parseInt(text, 16),
  toUrl: (value) => Number(value).toString(16),
});

/** What a server would hand the router for this URL: the path before '?' or '#', percent-decoded. */
function pathOf(url: string): string {
  return decodeURIComponent(url.split(/[?#]/)[0]!);
}

milestone('building', () => {
  test('builds the URL of a static rule, trailing slash included', { rules: ['B1'], points: 2 }, () => {
    const router = routerWith([['/', 'index'], ['/about', 'about'], ['/docs/', 'docs'], ['/a/b/c/', 'abc']]);
    expectUrl(router, 'index', undefined, '/');
    expectUrl(router, 'about', undefined, '/about');
    expectUrl(router, 'docs', undefined, '/docs/');
    expectUrl(router, 'abc', {}, '/a/b/c/');
  });

  test('fills the variables through their converters', { rules: ['B1', 'C5', 'C6'], points: 2 }, () => {
    const router = routerWith([
      ['/users/<int:id>', 'user'],
      ['/price/<float:x>', 'price'],
      ['/orders/<uuid:id>', 'order'],
      ['/<int:year>/<slug>/', 'post'],
      ['/<any(about, help):page>', 'page'],
    ]);
    expectUrl(router, 'user', { id: 42 }, '/users/42');
    expectUrl(router, 'price', { x: 2 }, '/price/2.0');
    expectUrl(router, 'price', { x: 2.5 }, '/price/2.5');
    const signed = routerWith([['/t/<float(signed=true):x>', 't']]);
    expectUrl(signed, 't', { x: -2 }, '/t/-2.0');
    expectUrl(signed, 't', { x: -0.5 }, '/t/-0.5');
    expectUrl(router, 'order', { id: UUID.toUpperCase() }, `/orders/${UUID}`);
    expectUrl(router, 'post', { year: 2024, slug: 'hello' }, '/2024/hello/');
    expectUrl(router, 'page', { page: 'help' }, '/help');
  });

  test('percent-encodes every segment; a path value keeps its slashes', {
    rules: ['B6'],
    hint: 'encodeURIComponent each segment, fixed text too; split a path value at "/" and encode each piece, so its slashes stay slashes.',
  }, () => {
    const router = routerWith([['/users/<name>', 'user'], ['/files/<path:p>', 'file'], ['/café/menü', 'menu']]);
    expectUrl(router, 'menu', undefined, '/caf%C3%A9/men%C3%BC');
    expectUrl(router, 'user', { name: 'Zoë & Co?' }, '/users/Zo%C3%AB%20%26%20Co%3F');
    expectUrl(router, 'user', { name: '50%#x' }, '/users/50%25%23x');
    expectUrl(router, 'file', { p: 'my docs/ü.txt' }, '/files/my%20docs/%C3%BC.txt');
    expectUrl(router, 'file', { p: 'a?b/c#d' }, '/files/a%3Fb/c%23d');
  });

  test('values that are not variables go to the query string', {
    rules: ['B7'],
    hint: 'URLSearchParams does the encoding; an array gives the key once per item; undefined and null are left out; the rule\'s own variables never go there.',
  }, () => {
    const router = routerWith([['/users/<int:id>', 'user'], ['/search', 'search']]);
    const values = { q: 'a b&c=d', page: 2, tag: ['x', 'y'], skip: undefined, none: null };
    const call = urlForCall(router, 'search', values);
    const url = new URL(urlForOn(router, 'search', values), 'http://h');
    expect(url.pathname, `the path of ${call}`).toBe('/search');
    expect([...url.searchParams].sort(), `the query of ${call}, decoded, sorted`).toEqual([['page', '2'], ['q', 'a b&c=d'], ['tag', 'x'], ['tag', 'y']]);
    expectUrl(router, 'user', { id: 5, tab: 'posts' }, '/users/5?tab=posts');
    expectUrl(router, 'user', { id: 5, tab: undefined, x: null }, '/users/5');
    expectUrl(router, 'search', { tag: ['a', null, 'b', undefined] }, '/search?tag=a&tag=b');
  });

  test('build, then match: every converter gives back the values it was given', { rules: ['B1', 'B6', 'C5', 'C6', 'C8'], points: 3 }, () => {
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
      ['/p3/<path:rest>', { rest: 'line\nbreak/x\r\ny\u2028' }],
      ['/s3/<name>', { name: 'a\nb' }],
    ];
    const router = routerWith(cases.map(([rule], i): RuleSpec => [rule, `e${i}`]), { hex });
    cases.forEach(([rule, values], i) => {
      const url = urlForOn(router, `e${i}`, values);
      const result = matchOn(router, pathOf(url));
      expect(
        result.kind === 'match' ? { endpoint: result.endpoint, params: result.params } : result,
        `${rule} with ${showValue(values)}: urlFor gave ${url}, and ${matchCall(pathOf(url))} should give back the endpoint e${i} and the values`,
      ).toEqual({ endpoint: `e${i}`, params: values });
    });
  });

  test('an unknown endpoint is a BuildError that names it, and suggests a close one', {
    rules: ['B2'],
    hint: 'Suggest the known endpoint with the smallest edit distance (Levenshtein: the fewest one-character insertions, deletions and substitutions), if it is close enough, and name no other.',
  }, () => {
    const router = routerWith([['/', 'index'], ['/me', 'profile']]);
    expectBuildError(router, 'profle', undefined, ['profle', 'profile']);
    expectBuildError(router, 'checkout', undefined, ['checkout'], ['profile', 'index']);
  });

  test('a suggestion is at most max(2, ⌊n / 3⌋) edits away, and the closest one', {
    rules: ['B2'],
    hint: 'n is the length of the name asked for: 4 characters allow 2 edits, 12 allow 4 and not 5. Among candidates, keep the one with the smallest distance.',
  }, () => {
    const router = routerWith([['/h', 'home'], ['/s', 'settings_pag'], ['/a', 'abcdefghijkl'], ['/b', 'abcdefghijxx']]);
    expectBuildError(router, 'hoem', undefined, ['hoem', 'home']); // 4 characters, 2 edits: max(2, 1) = 2
    expectBuildError(router, 'settings_xyz', undefined, ['settings_pag']); // 12 characters, 3 edits
    expectBuildError(router, 'abcdefghzzxx', undefined, ['abcdefghijxx'], ['abcdefghijkl']); // 2 edits beat 4
    expectBuildError(router, 'abcdefgvwxyq', undefined, ['abcdefgvwxyq'], ['abcdefghijkl', 'abcdefghijxx']); // 5 edits: too far
    expectBuildError(router, 'abcdefgzzzzl', undefined, ['abcdefghijkl']); // 4 edits: close enough
    const longer = routerWith([['/m', 'abcdefghvwxyz'], ['/n', 'abcdefghijvwxyz']]);
    const both = ['abcdefghvwxyz', 'abcdefghijvwxyz'];
    expectBuildError(longer, 'abcdefghijklm', undefined, ['abcdefghijklm'], both); // 13 characters, 5 edits from both: ⌊13 / 3⌋ = 4
    expectBuildError(longer, 'abcdefghijklmn', undefined, ['abcdefghijklmn'], both); // 14 characters, 5 edits at best: ⌊14 / 3⌋ = 4
    expectBuildError(longer, 'abcdefghijvklm', undefined, ['abcdefghijvwxyz']); // 14 characters, 4 edits: close enough
  });

  test('of two endpoints as close, the suggestion is the one whose rule was added first', {
    rules: ['B2'],
    hint: 'Keep the endpoints in the order they were added (a Map does), and replace the best candidate only when another is strictly closer.',
  }, () => {
    const router = routerWith([['/<name>', 'users_b'], ['/a', 'users_a'], ['/c/d', 'users_d']]);
    expectBuildError(router, 'users_c', undefined, ['users_b'], ['users_a', 'users_d']);
  });

  test('a missing variable is a BuildError that names it: undefined and null count as missing', {
    rules: ['B3'],
    hint: 'Check every variable of the rule before writing any: a value that is undefined or null is missing. String(undefined) would build /users/undefined.',
  }, () => {
    const router = routerWith([['/users/<int:user_id>/posts/<int:post_id>', 'post'], ['/u/<name>', 'user'], ['/f/<path:p>', 'file']]);
    for (const values of [{ user_id: 1 }, { user_id: 1, post_id: null }, { user_id: 1, post_id: undefined }]) {
      expectBuildError(router, 'post', values, ['post_id']);
    }
    for (const values of [{}, { name: null }, { name: undefined }]) expectBuildError(router, 'user', values, ['name']);
    expectBuildError(router, 'user', undefined, ['name']);
    expectBuildError(router, 'file', { p: null }, ['p']);
    expectUrl(router, 'post', { user_id: 0, post_id: 0 }, '/users/0/posts/0');
  });

  test('only the own keys of values count: a variable named constructor is missing from {}', {
    rules: ['B3'],
    hint: 'values.constructor on {} is Object, inherited from Object.prototype: read a value only if Object.hasOwn(values, name).',
  }, () => {
    const router = routerWith([['/c/<constructor>', 'c'], ['/t/<toString>/<int:valueOf>', 't']]);
    expectBuildError(router, 'c', {}, ['constructor']);
    expectBuildError(router, 't', { toString: 'x' }, ['valueOf']);
    expectUrl(router, 'c', { constructor: 'x' }, '/c/x');
    expectUrl(router, 't', { toString: 'a', valueOf: 3 }, '/t/a/3');
  });

  test('a value its converter cannot write is a BuildError, not a URL that never matches', {
    rules: ['B4'],
    hint: "Check the converter's text against the segment's anchored regex before using it.",
  }, () => {
    const router = routerWith([
      ['/items/<int:item_id>', 'item'],
      ['/<any(about, help):page_name>', 'page'],
      ['/users/<user_name>', 'user'],
    ]);
    const attempts: Array<[string, Record<string, unknown>, string]> = [
      ['item', { item_id: 'abc' }, 'item_id'],
      ['item', { item_id: -1 }, 'item_id'],
      ['item', { item_id: 1.5 }, 'item_id'],
      ['page', { page_name: 'other' }, 'page_name'],
      ['user', { user_name: 'a/b' }, 'user_name'],
      ['user', { user_name: '' }, 'user_name'],
    ];
    for (const [endpoint, values, name] of attempts) expectBuildError(router, endpoint, values, [name]);
  });

  test('a value its converter would refuse when matching is a BuildError: int min and max', {
    rules: ['B4'],
    hint: "Read the text back as match would: after the pattern, call the converter's toValue on it; if it throws, the URL could never match.",
  }, () => {
    const odd: ConverterFactory = () => ({
      pattern: '\\d+',
      toValue: (text) => {
        if (Number(text) % 2 === 0) throw new RangeError('even');
        return Number(text);
      },
      toUrl: (value) => String(value),
    });
    const router = routerWith([['/pg/<int(min=1, max=99):page_no>', 'page'], ['/o/<odd:odd_no>', 'odd'], ['/i/<int:item_id>', 'item']], { odd });
    expectUrl(router, 'page', { page_no: 1 }, '/pg/1');
    expectUrl(router, 'page', { page_no: 99 }, '/pg/99');
    expectBuildError(router, 'page', { page_no: 0 }, ['page_no']);
    expectBuildError(router, 'page', { page_no: 100 }, ['page_no']);
    expectUrl(router, 'odd', { odd_no: 3 }, '/o/3');
    expectBuildError(router, 'odd', { odd_no: 4 }, ['odd_no']);
    expectBuildError(router, 'item', { item_id: 2 ** 60 }, ['item_id']);
  });

  test("a converter whose toUrl throws: urlFor throws a BuildError that names the variable", {
    rules: ['B5'],
    hint: "Call the converter's toUrl inside try/catch, and throw a BuildError naming the variable instead.",
  }, () => {
    const strict: ConverterFactory = () => ({
      pattern: '[a-z]+',
      toValue: (text) => text,
      toUrl: (value) => {
        if (typeof value !== 'string') throw new TypeError('not a string');
        return value;
      },
    });
    const router = routerWith([['/t/<strict:tag_name>', 'tag']], { strict });
    expectUrl(router, 'tag', { tag_name: 'ok' }, '/t/ok');
    expectBuildError(router, 'tag', { tag_name: 42 }, ['tag_name']);
  });

  test('text that cannot be percent-encoded (a lone surrogate) is a BuildError, not a URIError', {
    rules: ['B5'],
    hint: 'encodeURIComponent throws a URIError on a lone surrogate like "\\uD800": encode inside the try, and throw a BuildError naming the variable.',
  }, () => {
    const router = routerWith([['/u/<user_name>', 'user'], ['/f/<path:file_path>', 'file']]);
    expectBuildError(router, 'user', { user_name: 'a\uD800' }, ['user_name']);
    expectBuildError(router, 'file', { file_path: 'x/\uDC00y' }, ['file_path']);
    expectUrl(router, 'user', { user_name: '\u{1F600}' }, '/u/%F0%9F%98%80');
  });

  test('a URL never starts with "//": the second slash is written %2F', {
    rules: ['B8'],
    hint: 'A URL "//evil.example" is another host (protocol-relative). When the built URL starts with "//", write "/%2F" and the rest: it matches the same rule once the gateway has decoded it.',
  }, () => {
    const router = routerWith([['/<string(minlength=0):lang>/<page>', 'page'], ['/<string(minlength=0):lang>/<page>/', 'folder']]);
    expectUrl(router, 'page', { lang: '', page: 'evil.example' }, '/%2Fevil.example');
    expectUrl(router, 'folder', { lang: '', page: 'evil.example' }, '/%2Fevil.example/');
    expectUrl(router, 'page', { lang: 'en', page: 'about' }, '/en/about');
    const url = urlForOn(router, 'page', { lang: '', page: 'x' });
    const result = matchOn(router, pathOf(url));
    expect(
      result.kind === 'match' ? { endpoint: result.endpoint, params: result.params } : result,
      `urlFor gave ${url}, and ${matchCall(pathOf(url))} should give back the endpoint and the values`,
    ).toEqual({ endpoint: 'page', params: { lang: '', page: 'x' } });
  });
});

milestone('groups-and-errors', () => {
  test('a group puts its prefix before its rules and its name before their endpoints', { rules: ['G1'], points: 2 }, () => {
    const router = routerWith([['/', 'index']]);
    const api = groupOn(router, '/api', 'api');
    api.add('/users/<int:id>', 'user');
    api.add('/users', { endpoint: 'users', methods: ['GET', 'POST'] });
    expect(matchOn(router, '/api/users/3'), `${matchCall('/api/users/3')} with ${rulesOf(router)} should be this match`).toEqual({
      kind: 'match',
      endpoint: 'api.user',
      params: { id: 3 },
      rule: '/api/users/<int:id>',
    });
    expectMatch(router, '/api/users', 'api.users', {}, { method: 'POST' });
    expectNotFound(router, '/users');
    expectUrl(router, 'api.user', { id: 3 }, '/api/users/3');
  });

  test('without a name, endpoints stay as they are; two groups may use the same names; a prefix may hold a variable', { rules: ['G1'] }, () => {
    const router = routerWith([]);
    groupOn(router, '/admin').add('/users', 'users');
    expectMatch(router, '/admin/users', 'users', {});
    groupOn(router, '/v1', 'v1').add('/items', 'list');
    groupOn(router, '/v2', 'v2').add('/items', 'list');
    expectMatch(router, '/v1/items', 'v1.list');
    expectMatch(router, '/v2/items', 'v2.list');
    groupOn(router, '/<any(en, fr):lang>', 'site').add('/about', 'about');
    expectMatch(router, '/fr/about', 'site.about', { lang: 'fr' });
  });

  test("a group's '/' is the prefix with a slash", { rules: ['G3'] }, () => {
    const router = routerWith([]);
    groupOn(router, '/admin').add('/', 'dashboard');
    expectMatch(router, '/admin/', 'dashboard', {});
    expectRedirect(router, '/admin', '/admin/');
    expectUrl(router, 'dashboard', undefined, '/admin/');
  });

  test("a group's rule must start with \"/\": RuleError at 0, never /apiusers", {
    rules: ['G4'],
    hint: "Check the group's rule before gluing it to the prefix: 'users' glued to '/api' is '/apiusers', a valid rule nobody meant.",
  }, () => {
    const router = routerWith([]);
    const api = groupOn(router, '/api', 'api');
    for (const rule of ['users', '<int:id>']) {
      const call = `router.group("/api", "api").add(${JSON.stringify(rule)}, { endpoint: "x" })`;
      const error = errorOf(call, () => api.add(rule, 'x'));
      expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
      expect((error as RuleError).position, `the position of the RuleError of ${call}`).toBe(0);
    }
    expectNotFound(router, '/apiusers');
    expectBuildError(router, 'api.x', undefined, ['api.x']);
  });

  test('a prefix must start with "/" and not end with it (RuleError)', { rules: ['G2'] }, () => {
    const router = routerWith([]);
    for (const prefix of ['api', '/api/', '/']) {
      const call = `router.group(${JSON.stringify(prefix)}, "x")`;
      expect(errorOf(call, () => router.group(prefix, 'x')), `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
    }
  });

  /** Expects `router.add(rule)` on a fresh router to throw a RuleError at `position` (or in [from, to]). */
  test('a rule must start with "/": RuleError at position 0', { rules: ['E2'] }, () => {
    expectRuleErrorAt('about', 0);
    expectRuleErrorAt('about/', 0);
  });

  test('an empty segment is a RuleError at the second slash', { rules: ['E3'] }, () => {
    expectRuleErrorAt('/a//b', 3);
    expectRuleErrorAt('//', 1);
    expectRuleErrorAt('/a/b//', 5);
    expectRuleErrorAt('/a//b//c', 3);
  });

  test('an unknown converter is a RuleError at its name', {
    rules: ['E4'],
    hint: 'The position is the index in the rule text where the converter name starts, just after "<".',
  }, () => {
    expectRuleErrorAt('/a/<integer:id>', 4);
    expectRuleErrorAt('/<nope(x=1):id>', 2);
  });

  test('a converter is known only as an own key: toString and constructor are unknown', {
    rules: ['E4'],
    hint: "converters['toString'] is a function every object inherits: look the converter up with Object.hasOwn(converters, name).",
  }, () => {
    expectRuleErrorAt('/<toString:x>', 2);
    expectRuleErrorAt('/a/<constructor:x>', 4);
    expectRuleErrorAt('/<__proto__:x>', 2);
    expectRuleErrorAt('/<hasOwnProperty(1):x>', 2);
  });

  test('a variable name used twice is a RuleError at the second one', { rules: ['E5'] }, () => {
    expectRuleErrorAt('/<slug>/x/<int:slug>', 10);
    expectRuleErrorAt('/<a>/<b>/<a>/', 9);
  });

  test('a second path variable is a RuleError at the second one', { rules: ['E6'] }, () => {
    expectRuleErrorAt('/<path:a>/<path:b>', 10);
    expectRuleErrorAt('/<path:a>/x/<path:b>/', 12);
    for (const rule of ['/<lang>/<path:p>', '/<int:n>/x/<path:p>/<a>']) {
      expect(ruleErrorOf(rule), `router.add(${JSON.stringify(rule)}): one path variable after or before others is fine`).toBe('no error');
    }
  });

  test('a "<" that opens no well-formed variable is a RuleError inside its segment; a lone ">" is text', { rules: ['E12'] }, () => {
    expectRuleErrorAt('/x/<name', [3, 8]);
    expectRuleErrorAt('/a<b', [1, 4]);
    expectRuleErrorAt('/x/<<a>', [3, 7]);
    expectRuleErrorAt('/x/<a:b:c>', [3, 10]);
    expectRuleErrorAt('/x/<name/y', [3, 8]);
    const router = routerWith([['/x/a>', 'arrow']]);
    expectMatch(router, '/x/a>', 'arrow', {});
  });

  test('a variable name that is not an identifier is a RuleError at the name', { rules: ['E8'] }, () => {
    expectRuleErrorAt('/<int:2x>', 6);
    expectRuleErrorAt('/<2x>', 2);
    expectRuleErrorAt('/<a-b>', 2);
    expectRuleErrorAt('/<>', [1, 3]);
    expectRuleErrorAt('/<__proto__>', 2);
    expectRuleErrorAt('/x/<int:__proto__>', 8);
  });

  test('a converter that cannot be made is a RuleError at its name', {
    rules: ['E11', 'C13'],
    hint: "Call the factory and compile its pattern inside a try; in the catch, throw a RuleError at the converter's first letter. A built-in factory throws for a length, minlength, maxlength, min or max that is not a number.",
  }, () => {
    const picky: ConverterFactory = (args) => {
      if (args._.length === 0) throw new Error('picky needs a word');
      return { pattern: '[a-z]+', toValue: (t) => t, toUrl: (v) => String(v) };
    };
    const broken: ConverterFactory = () => ({ pattern: '[a-z', toValue: (t) => t, toUrl: (v) => String(v) });
    const converters = { picky, broken };
    for (const [rule, position] of [
      ['/a/<picky:x>', 4],
      ['/<broken:x>', 2],
      ['/a/<string(length=two):x>', 4],
      ['/<string(minlength=true):x>', 2],
      ['/<string(maxlength=x):x>', 2],
      ['/<int(min=one):n>', 2],
      ['/<float(max=false):n>', 2],
    ] as Array<[string, number]>) {
      const error = ruleErrorOf(rule, converters);
      const call = `router.add(${JSON.stringify(rule)}) with the converters picky (throws without arguments) and broken (pattern "[a-z")`;
      expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
      expect((error as RuleError).position, `the position of the RuleError of ${call}`).toBe(position);
    }
    expect(ruleErrorOf('/a/<picky(w):x>', converters), 'router.add("/a/<picky(w):x>") should add the rule').toBe('no error');
  });

  test('the message shows the rule with a caret under the position', {
    rules: ['E1'],
    hint: 'Put the rule text on a line of its own, and "^" on the next line, indented the same plus `position` spaces.',
  }, () => {
    for (const rule of ['about', '/a//b', '/files/<nope:x>', '/<slug>/x/<int:slug>']) {
      const error = ruleErrorOf(rule);
      const call = `router.add(${JSON.stringify(rule)})`;
      expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
      const lines = messageOf(error).split('\n');
      const caret = lines.findIndex((line) => line.trim() === '^');
      expect(caret, `${call}: a line of the message ${JSON.stringify(messageOf(error))} should hold only a caret`).toBeGreaterThan(0);
      const ruleLine = lines[caret - 1]!;
      expect(ruleLine.trimEnd().endsWith(rule), `${call}: the line above the caret should hold the rule`).toBe(true);
      expect(lines[caret]!.indexOf('^'), `${call}: the caret should stand under the character at position ${(error as RuleError).position}`).toBe(
        ruleLine.lastIndexOf(rule) + (error as RuleError).position!,
      );
    }
  });

  test('a rule that fails leaves the router as it was', {
    rules: ['E10'],
    hint: 'Parse the rule and check its endpoint before storing anything: a failed add must leave no rule that matches and no endpoint that urlFor builds.',
  }, () => {
    const router = routerWith([['/ok', 'ok']]);
    const bad = `router.add("/bad/<nope:x>", { endpoint: "bad" }) with ${rulesOf(router)}`;
    expect(errorOf(bad, () => router.add('/bad/<nope:x>', { endpoint: 'bad' })), `${bad} should throw a RuleError`).toBeInstanceOf(RuleError);
    expectMatch(router, '/ok', 'ok');
    expectNotFound(router, '/bad/x');
    expectBuildError(router, 'bad', {}, ['bad']);
    addRule(router, '/bad/<x>', 'bad');
    expectMatch(router, '/bad/x', 'bad', { x: 'x' });

    // N7: a default that names the rule's own variable, for an endpoint that exists
    const clash = `router.add("/start/<x>", { endpoint: "ok", defaults: { x: "a" } }) with ${rulesOf(router)}`;
    expect(errorOf(clash, () => router.add('/start/<x>', { endpoint: 'ok', defaults: { x: 'a' } })), `${clash} should throw a RuleError`).toBeInstanceOf(RuleError);
    expectNotFound(router, '/start/a');
    expectUrl(router, 'ok', undefined, '/ok');
    expectUrl(router, 'ok', { x: 'a' }, '/ok?x=a');
  });

  test('a re-add with other defaults adds no methods to the existing rule', {
    rules: ['E10', 'M6'],
    hint: 'Compare the defaults (and strictSlashes) before you merge methods: a refused add must not leave POST on the rule.',
  }, () => {
    const router = routerWith([['/a', { endpoint: 'x', defaults: { k: 1 } }]]);
    const clash = `router.add("/a", { endpoint: "x", methods: ["POST"], defaults: { k: 2 } }) with ${rulesOf(router)}`;
    expect(errorOf(clash, () => router.add('/a', { endpoint: 'x', methods: ['POST'], defaults: { k: 2 } })), `${clash} should throw a RuleError`).toBeInstanceOf(RuleError);
    expectNotAllowed(router, '/a', 'POST', ['GET', 'HEAD']);
    expectMatch(router, '/a', 'x', { k: 1 });
  });
});
