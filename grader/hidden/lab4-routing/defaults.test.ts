// Hidden tests for lab 4: int's fixed_digits and the arguments a converter refuses (milestone
// converters), and several rules for one endpoint with defaults (milestone defaults), Flask's
// pagination idiom. The expected answers are Werkzeug's, as werkzeug-corpus.json records them.
import { expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import {
  expectBuildError,
  expectMatch,
  expectNotAllowed,
  expectNotFound,
  expectRedirect,
  expectRuleError,
  expectRuleErrorAt,
  expectUrl,
  routerWith,
  ruleErrorOf,
  type RuleSpec,
} from './helpers.ts';

/** Flask's pagination: `/page/` stands for page 1. */
const PAGES: RuleSpec[] = [
  ['/page/', { endpoint: 'page', defaults: { n: 1 } }],
  ['/page/<int:n>', { endpoint: 'page' }],
];

milestone('converters', () => {
  test('int with fixed_digits matches exactly that many characters and builds them padded', {
    rules: ['C14'],
    hint: 'fixed_digits=3: toValue refuses a text that is not 3 characters long (sign included); toUrl pads with zeros after the sign.',
  }, () => {
    const router = routerWith([
      ['/f/<int(fixed_digits=3):n>', 'f'],
      ['/g/<int(fixed_digits=3, signed=true):n>', 'g'],
    ]);
    expectMatch(router, '/f/007', 'f', { n: 7 });
    expectMatch(router, '/f/123', 'f', { n: 123 });
    expectNotFound(router, '/f/7');
    expectNotFound(router, '/f/0007');
    expectNotFound(router, '/f/1234');
    expectMatch(router, '/g/-07', 'g', { n: -7 });
    expectNotFound(router, '/g/-007');
    expectUrl(router, 'f', { n: 7 }, '/f/007');
    expectUrl(router, 'f', { n: 0 }, '/f/000');
    expectUrl(router, 'f', { n: 123 }, '/f/123');
    expectUrl(router, 'g', { n: -7 }, '/g/-07');
    expectBuildError(router, 'f', { n: 1234 }); // '1234' would not match again (B4)
  });

  test('an argument a built-in converter does not take is a RuleError', {
    rules: ['C15', 'E11'],
    hint: 'Each built-in factory checks its arguments when it runs: an unknown key, or a positional argument except any\'s words, throws.',
  }, () => {
    const refused = [
      '/x/<int(fixed_digit=3):n>',
      '/x/<int(3):n>',
      '/x/<float(fixed_digits=2):n>',
      '/x/<string(2):n>',
      '/x/<string(len=2):n>',
      '/x/<uuid(version=4):n>',
      '/x/<path(x):n>',
      '/x/<any(a, b, strict=true):n>',
    ];
    for (const rule of refused) expectRuleErrorAt(rule, 4); // at the converter's name
    const accepted = [
      '/x/<int(fixed_digits=3, min=1, max=999, signed=true):n>',
      '/x/<float(min=0, max=1.5, signed=false):n>',
      '/x/<string(minlength=1, maxlength=4):n>',
      '/x/<string(length=2):n>',
      '/x/<any(a, b):n>',
    ];
    for (const rule of accepted) {
      expect(ruleErrorOf(rule), `router.add(${JSON.stringify(rule)}) should be accepted`).toBe('no error');
    }
  });
});

milestone('defaults', () => {
  test('a match gives the rule\'s defaults with its params', {
    rules: ['N1'],
    hint: 'Store options.defaults with the entry; a match\'s params are the variables\' values and the defaults together.',
  }, () => {
    const router = routerWith(PAGES);
    expectMatch(router, '/page/', 'page', { n: 1 });
    expectMatch(router, '/page/2', 'page', { n: 2 });
    const more = routerWith([['/feed/<int:year>', { endpoint: 'feed', defaults: { format: 'rss', full: false } }]]);
    expectMatch(more, '/feed/2024', 'feed', { year: 2024, format: 'rss', full: false });
  });

  test('several rules lead to one endpoint, each matched on its own', {
    rules: ['N2', 'M6'],
    hint: 'A second rule for an endpoint is a new entry, not a RuleError; only the same rule text again merges methods.',
  }, () => {
    const router = routerWith([
      ['/a/<x>', 'e'],
      ['/b/<y>', { endpoint: 'e', methods: ['POST'] }],
    ]);
    expectMatch(router, '/a/1', 'e', { x: '1' });
    expectMatch(router, '/b/2', 'e', { y: '2' }, { method: 'POST' });
    expectNotAllowed(router, '/b/2', 'GET', ['POST']);
    expectUrl(router, 'e', { x: '1' }, '/a/1');
    expectUrl(router, 'e', { y: '2' }, '/b/2');
  });

  test('urlFor tries the rule with more names first, then the one with more defaults', {
    rules: ['N3'],
    hint: 'Keep each endpoint\'s entries sorted: more names (variables and default keys) first, then more defaults, then older.',
  }, () => {
    // Added in the other order: the build order must not depend on it.
    const pages = routerWith([PAGES[1]!, PAGES[0]!]);
    expectUrl(pages, 'page', { n: 1 }, '/page/');
    expectUrl(pages, 'page', {}, '/page/');
    const names = routerWith([['/all/', 'list'], ['/all/<tag>', 'list']]);
    expectUrl(names, 'list', { tag: 'red' }, '/all/red');
    expectUrl(names, 'list', {}, '/all/');
    const older = routerWith([['/one/<x>', 'both'], ['/two/<x>', 'both']]);
    expectUrl(older, 'both', { x: 'a' }, '/one/a');
  });

  test('urlFor builds with the first rule whose defaults suit the values, and leaves its names out of the query', {
    rules: ['N4'],
    hint: 'A rule suits when each variable has a value and each default is not given or === the value given; its names never go to the query string.',
  }, () => {
    const router = routerWith(PAGES);
    expectUrl(router, 'page', { n: 1 }, '/page/');
    expectUrl(router, 'page', { n: 1, q: 'x' }, '/page/?q=x');
    expectUrl(router, 'page', { n: 3 }, '/page/3');
    expectUrl(router, 'page', { n: '1' }, '/page/1');
    expectUrl(router, 'page', { n: null }, '/page/');
    const only = routerWith([['/s', { endpoint: 's', defaults: { k: 'v' } }]]);
    expectUrl(only, 's', { k: 'v', z: 1 }, '/s?z=1');
    expectBuildError(only, 's', { k: 'w' });
    const posted = routerWith([['/form/', { endpoint: 'f', methods: ['POST'], defaults: { n: 1 } }], ['/form/<int:n>', 'f']]);
    expectUrl(posted, 'f', { n: 1 }, '/form/1');
    expectUrl(posted, 'f', {}, '/form/');
    const two = routerWith([['/a/<x>', 'e'], ['/b/<y>', 'e']]);
    expectUrl(two, 'e', { x: '1', y: '2' }, '/a/1?y=2');
    expectBuildError(two, 'e', {});
  });

  test('a match that a rule with defaults stands for redirects to that rule\'s URL', {
    rules: ['N5', 'N4'],
    hint: 'After a match, look at the rules of its endpoint before it in build order: one with defaults, the same names and the method, whose defaults equal the params, gives a 308 with the query kept.',
  }, () => {
    const router = routerWith(PAGES);
    expectRedirect(router, '/page/1', '/page/');
    expectRedirect(router, '/page/01', '/page/');
    expectRedirect(router, '/page/1', '/page/?s=a', { query: 's=a' });
    expectRedirect(router, '/page', '/page/');
    expectMatch(router, '/page/2', 'page', { n: 2 });
    const lang = routerWith([['/', { endpoint: 'home', defaults: { lang: 'en' } }], ['/<lang>/', 'home']]);
    expectRedirect(lang, '/en/', '/');
    expectMatch(lang, '/fr/', 'home', { lang: 'fr' });
    // The rule with the default answers POST only: a GET of /p/1 is no redirect to it.
    const methods = routerWith([
      ['/p/', { endpoint: 'p', defaults: { n: 1 }, methods: ['POST'] }],
      ['/p/<int:n>', { endpoint: 'p', methods: ['GET', 'POST'] }],
    ]);
    expectMatch(methods, '/p/1', 'p', { n: 1 });
    expectRedirect(methods, '/p/1', '/p/', { method: 'POST' });
    expectUrl(methods, 'p', { n: 1 }, '/p/1'); // a link is a GET (N4)
    // Other names: /tag/ stands for { n: 1 } without a tag, not for /tag/<t>/<int:n>.
    const names = routerWith([
      ['/tag/', { endpoint: 't', defaults: { n: 1 } }],
      ['/tag/<t>/<int:n>', 't'],
    ]);
    expectMatch(names, '/tag/x/1', 't', { t: 'x', n: 1 });
    // /all/ comes first in build order (two names), but its names are not those of /all/<int:n>.
    const wider = routerWith([
      ['/all/', { endpoint: 'a', defaults: { n: 1, t: 'x' } }],
      ['/all/<int:n>', 'a'],
    ]);
    expectMatch(wider, '/all/1', 'a', { n: 1 });
    expectUrl(wider, 'a', { n: 1 }, '/all/');
  });

  test('a rule without defaults never redirects a match: two rules for one endpoint are aliases', {
    rules: ['N5'],
    hint: 'Only a rule that has defaults can stand for a match: skip the rules of the endpoint whose defaults are empty.',
  }, () => {
    // /a/<int:n> comes first in build order (same names, no defaults, added first), but has no
    // defaults: /b/3 is a page of its own, as Werkzeug answers it.
    const router = routerWith([['/a/<int:n>', 'item'], ['/b/<int:n>', 'item']]);
    expectMatch(router, '/b/3', 'item', { n: 3 });
    expectMatch(router, '/a/3', 'item', { n: 3 });
    expectUrl(router, 'item', { n: 3 }, '/a/3');
    const statics = routerWith([['/home', 'home'], ['/index', 'home']]);
    expectMatch(statics, '/index', 'home', {});
  });

  test('only a rule before the matched one in build order redirects it', {
    rules: ['N6'],
    hint: 'Walk the endpoint\'s entries in build order and stop at the matched one: the rules after it never redirect it.',
  }, () => {
    const router = routerWith([
      ['/', { endpoint: 'e', defaults: { a: 1, b: 2 } }],
      ['/<int:a>/', { endpoint: 'e', defaults: { b: 2 } }],
      ['/<int:a>/<int:b>', 'e'],
    ]);
    expectMatch(router, '/', 'e', { a: 1, b: 2 });
    expectRedirect(router, '/1/', '/');
    expectRedirect(router, '/1/2', '/');
    expectRedirect(router, '/3/2', '/3/');
    expectMatch(router, '/3/', 'e', { a: 3, b: 2 });
    expectMatch(router, '/1/3', 'e', { a: 1, b: 3 });
    expectUrl(router, 'e', { a: 3 }, '/3/');
    expectUrl(router, 'e', { a: 1, b: 3 }, '/1/3');
  });

  test('a default that names a variable of its own rule is a RuleError with no position', {
    rules: ['N7', 'E10'],
    hint: 'Before storing the rule, refuse a defaults key that is one of its variables: RuleError, position null.',
  }, () => {
    const router = routerWith([]);
    const error = expectRuleError(router, '/x/<int:n>', { endpoint: 'x', defaults: { n: 1 } });
    expect(error.position, 'the position of that RuleError').toBeNull();
    expectNotFound(router, '/x/2');
    expect(ruleErrorOf('/x/<int:n>'), 'router.add("/x/<int:n>") without defaults should be accepted').toBe('no error');
    const other = routerWith([['/y/<int:n>', { endpoint: 'y', defaults: { m: 1 } }]]);
    expectMatch(other, '/y/2', 'y', { n: 2, m: 1 });
  });

  test('the same rule for the same endpoint with other defaults is a RuleError', {
    rules: ['M6', 'E10'],
    hint: 'One entry has one set of defaults: compare them (same keys, === values) before merging methods.',
  }, () => {
    const router = routerWith([['/a', { endpoint: 'a', defaults: { k: 1 } }]]);
    const error = expectRuleError(router, '/a', { endpoint: 'a', methods: ['POST'] });
    expect(error.position, 'the position of that RuleError').toBeNull();
    expectNotAllowed(router, '/a', 'POST', ['GET', 'HEAD']);
    const same = routerWith([
      ['/b', { endpoint: 'b', defaults: { k: 1 } }],
      ['/b', { endpoint: 'b', methods: ['POST'], defaults: { k: 1 } }],
    ]);
    expectMatch(same, '/b', 'b', { k: 1 }, { method: 'POST' });
  });

  test('the same rule is the same rule text, and equal defaults are the same keys with === values', {
    rules: ['M6', 'E10'],
    hint: 'Find the entry by its endpoint and its rule text as written. Compare the defaults key by key (same set of keys, === under each), not as JSON text: key order does not count, and a key set to undefined is still a key.',
  }, () => {
    const router = routerWith([
      ['/o', { endpoint: 'o', defaults: { a: 1, b: 2 } }],
      ['/o', { endpoint: 'o', methods: ['POST'], defaults: { b: 2, a: 1 } }],
    ]);
    expectMatch(router, '/o', 'o', { a: 1, b: 2 }, { method: 'POST' });
    const undef = routerWith([['/u', { endpoint: 'u', defaults: { a: undefined } }]]);
    const error = expectRuleError(undef, '/u', { endpoint: 'u', methods: ['POST'], defaults: {} });
    expect(error.position, 'the position of that RuleError').toBeNull();
    expectNotAllowed(undef, '/u', 'POST', ['GET', 'HEAD']);
    // The same rule is the same text: <n> and <string:n> read alike, yet they are two rules.
    const texts = routerWith([
      ['/t/<n>', { endpoint: 't', defaults: { k: 1 } }],
      ['/t/<string:n>', { endpoint: 't', methods: ['POST'] }],
    ]);
    expectMatch(texts, '/t/x', 't', { n: 'x' }, { method: 'POST' });
  });
});
