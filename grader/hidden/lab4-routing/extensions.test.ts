// Hidden tests for lab 4's optional extensions: urlFor with a method (rule X1 of the lesson's
// "Extensions (optional)") and variables inside a segment (X2 to X6). Reported apart from the
// core score.
import { expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import {
  expectBuildError,
  expectMatch,
  expectNotFound,
  expectRedirect,
  expectRuleError,
  expectRuleErrorAt,
  expectUrl,
  routerWith,
  ruleErrorOf,
  type RuleSpec,
} from './helpers.ts';

milestone('urlfor-method', () => {
  test('urlFor with a method builds with a rule that answers it', {
    rules: ['X1'],
    hint: 'With options.method, keep only the rules that answer it (in capitals), then take the first in build order that suits the values.',
  }, () => {
    const router = routerWith([
      ['/posts/', { endpoint: 'post', methods: ['POST'] }],
      ['/posts/<int:id>', { endpoint: 'post', methods: ['GET', 'PUT'] }],
    ]);
    expectUrl(router, 'post', { id: 3 }, '/posts/3');
    expectUrl(router, 'post', { id: 3 }, '/posts/?id=3', { method: 'POST' });
    expectUrl(router, 'post', { id: 3 }, '/posts/3', { method: 'put' });
    expectUrl(router, 'post', { id: 3 }, '/posts/3', { method: 'HEAD' });
    expectUrl(router, 'post', { id: 3 }, '/posts/3', { method: 'GET' });
    expectBuildError(router, 'post', { id: 3 }, [], [], { method: 'DELETE' });
    expectBuildError(router, 'post', {}, [], [], { method: 'PUT' });
    const pages = routerWith([
      ['/page/', { endpoint: 'page', defaults: { n: 1 } }],
      ['/page/<int:n>', { endpoint: 'page', methods: ['GET', 'POST'] }],
    ]);
    expectUrl(pages, 'page', { n: 1 }, '/page/1', { method: 'POST' });
    expectUrl(pages, 'page', { n: 1 }, '/page/', { method: 'GET' });
  });

  test('urlFor with a method skips a rule that answers it but does not suit the values', {
    rules: ['X1'],
    hint: 'With options.method, a rule must both answer the method and suit the values (every variable given): go on to the next rule in build order when it does not.',
  }, () => {
    // /posts/<int:id> comes first in build order (one name), but {} gives it no id.
    const router = routerWith([
      ['/posts/', { endpoint: 'post', methods: ['POST'] }],
      ['/posts/<int:id>', { endpoint: 'post', methods: ['GET', 'POST'] }],
    ]);
    expectUrl(router, 'post', {}, '/posts/', { method: 'POST' });
    expectUrl(router, 'post', { id: 3 }, '/posts/3', { method: 'POST' });
  });
});

// Variables inside a segment (rules X2 to X6).

milestone('mixed-segments', () => {
  test('a segment of text and variables matches as its parts in order, each variable by its converter', {
    rules: ['X2'],
    points: 2,
    hint: 'One regular expression per mixed segment: the text escaped, each pattern in a named group, ^(?:...)$. Then toValue on each group; a throw is no fit.',
  }, () => {
    const router = routerWith([
      ['/dl/<name>.zip', 'zip'],
      ['/v<int:n>/', 'version'],
      ['/c/<int(min=1):a>x<int:b>', 'cross'],
      ['/k/(<any(a.b, c):w>)+', 'regexy'],
    ]);
    expectMatch(router, '/dl/site.zip', 'zip', { name: 'site' });
    expectMatch(router, '/dl/a b.zip', 'zip', { name: 'a b' });
    expectNotFound(router, '/dl/.zip');
    expectNotFound(router, '/dl/site.zipx');
    expectNotFound(router, '/dl/siteXzip');
    expectNotFound(router, '/dl/site.ZIP');
    expectMatch(router, '/v12/', 'version', { n: 12 });
    expectRedirect(router, '/v12', '/v12/');
    expectNotFound(router, '/v/');
    expectNotFound(router, '/vx/');
    expectMatch(router, '/c/3x4', 'cross', { a: 3, b: 4 });
    expectNotFound(router, '/c/0x4');
    expectMatch(router, '/k/(a.b)+', 'regexy', { w: 'a.b' });
    expectNotFound(router, '/k/(aXb)+');
    expectNotFound(router, '/k/a.b');
  });

  test('a mixed segment that holds the path variable spans what the other segments leave', {
    rules: ['X2'],
    hint: 'A mixed segment with a path variable is the path segment of P4: join the segments it spans with "/", then read it with its regular expression.',
  }, () => {
    const router = routerWith([['/p/<path:f>.zip', 'zip'], ['/q/v<path:f>/raw', 'raw']]);
    expectMatch(router, '/p/a/b.zip', 'zip', { f: 'a/b' });
    expectMatch(router, '/p/a.zip', 'zip', { f: 'a' });
    expectNotFound(router, '/p/a/b.tar');
    expectMatch(router, '/q/v1/2/raw', 'raw', { f: '1/2' });
  });

  test('the first variable of a segment takes the longest text with which the rest still fits', {
    rules: ['X3'],
    hint: 'That is what greedy groups in one regular expression do: (?<v0>[^/]{1,})-(?<v1>[^/]{1,}) on x-y-z gives x-y and z.',
  }, () => {
    const router = routerWith([
      ['/r/<a>-<b>', 'range'],
      ['/dl/<name>.zip', 'zip'],
      ['/t/<a><b>', 'touch'],
      ['/i/<a>-<int:b>', 'int'],
    ]);
    expectMatch(router, '/r/x-y-z', 'range', { a: 'x-y', b: 'z' });
    expectMatch(router, '/r/x-y', 'range', { a: 'x', b: 'y' });
    expectNotFound(router, '/r/x-');
    expectNotFound(router, '/r/-y');
    expectMatch(router, '/r/---', 'range', { a: '-', b: '-' });
    expectMatch(router, '/dl/a.b.zip', 'zip', { name: 'a.b' });
    expectMatch(router, '/t/xyz', 'touch', { a: 'xy', b: 'z' });
    expectNotFound(router, '/t/x');
    expectMatch(router, '/i/a-1-2', 'int', { a: 'a-1', b: 2 });
    expectNotFound(router, '/i/a-1-b');
  });

  test('a mixed segment comes after fixed text and before a whole variable; two mixed ones in Werkzeug\'s order', {
    rules: ['X4'],
    points: 2,
    hint: 'A mixed segment weighs 0.5. Two of them at one place: more pieces of text first, then longer pieces (left to right), then more variables, then the variables\' weights (O2).',
  }, () => {
    const cases: Array<[rules: RuleSpec[], path: string, endpoint: string]> = [
      [[['/<name>', 'whole'], ['/<name>.zip', 'zip']], '/f.zip', 'zip'],
      [[['/<name>.zip', 'zip'], ['/index.zip', 'static']], '/index.zip', 'static'],
      [[['/<name>.zip', 'zip'], ['/<any(f.zip, g):w>', 'any']], '/f.zip', 'zip'],
      [[['/<a>.zip', 'one'], ['/<a>-<b>.zip', 'two']], '/x-y.zip', 'two'],
      [[['/<a>.<b>', 'dot'], ['/<a>.zip', 'zip']], '/f.zip', 'zip'],
      [[['/<a>.zip', 'zip'], ['/<a>.tar.gz', 'tgz']], '/f.tar.gz', 'tgz'],
      [[['/x<a>', 'x'], ['/xy<a>', 'xy']], '/xyz', 'xy'],
      [[['/<a>-<b>', 'ab'], ['/<a>-<b>-z', 'abz']], '/p-q-z', 'abz'],
      [[['/<a>-<int:b>', 'si'], ['/<int:a>-<b>', 'is']], '/1-2', 'is'],
      [[['/<a>x', 'one'], ['/<a><b>x', 'two']], '/pqx', 'two'],
      [[['/<a>.zip/<b>', 'mixed'], ['/<a>/<int:b>', 'whole']], '/f.zip/3', 'mixed'],
    ];
    for (const [rules, path, endpoint] of cases) {
      expectMatch(routerWith(rules), path, endpoint);
      expectMatch(routerWith([...rules].reverse()), path, endpoint);
    }
  });

  test('urlFor writes a mixed segment part by part, and refuses values that would read back otherwise', {
    rules: ['X5'],
    points: 2,
    hint: 'Write each variable as a whole one is written (toUrl, its pattern, toValue), join the parts, percent-encode, and read the segment back: the same texts, or a BuildError.',
  }, () => {
    const router = routerWith([
      ['/dl/<name>.zip', 'zip'],
      ['/r/<a>-<b>', 'range'],
      ['/v<int:n>/', 'version'],
      ['/p/<path:f>.zip', 'file'],
      ['/f/<int(fixed_digits=2):n>x', 'fixed'],
    ]);
    expectUrl(router, 'zip', { name: 'site' }, '/dl/site.zip');
    expectUrl(router, 'zip', { name: 'a b?' }, '/dl/a%20b%3F.zip');
    expectUrl(router, 'zip', { name: 'a.b', v: 2 }, '/dl/a.b.zip?v=2');
    expectUrl(router, 'range', { a: 'x-y', b: 'z' }, '/r/x-y-z');
    expectUrl(router, 'version', { n: 3 }, '/v3/');
    expectUrl(router, 'file', { f: 'a/b c' }, '/p/a/b%20c.zip');
    expectUrl(router, 'fixed', { n: 3 }, '/f/03x');
    expectBuildError(router, 'range', { a: 'x', b: 'y-z' });
    expectBuildError(router, 'zip', { name: '' });
    expectBuildError(router, 'zip', { name: 'a/b' });
    expectBuildError(router, 'zip', {});
    expectBuildError(router, 'version', { n: 'x' });
    expectBuildError(router, 'zip', { name: '\uD800' });
  });

  test('a default that names a variable inside a segment is a RuleError with no position', {
    rules: ['N7', 'X2'],
    hint: 'N7 counts every variable of the rule, those of a mixed segment too: check the defaults against all of them.',
  }, () => {
    for (const [rule, name] of [['/dl/<name>.zip', 'name'], ['/r/<a>-<b>', 'b'], ['/v<int:n>/', 'n']] as const) {
      const error = expectRuleError(routerWith([]), rule, { endpoint: 'e', defaults: { [name]: 'x' } });
      expect(error.position, `the position of the RuleError of router.add(${JSON.stringify(rule)}) with the default ${name}`).toBeNull();
    }
    const other = routerWith([['/dl/<name>.zip', { endpoint: 'zip', defaults: { v: 1 } }]]);
    expectMatch(other, '/dl/a.zip', 'zip', { name: 'a', v: 1 });
  });

  test('a segment holds at most two variables; errors point at the variable in the segment', {
    rules: ['X6'],
    hint: 'A third variable in one segment is a RuleError at its "<". Parse each variable with the offset of its own "<", so E4, E5, E6 and E8 point at it.',
  }, () => {
    expectRuleErrorAt('/x/<a>-<b>-<c>', 11);
    expectRuleErrorAt('/<a><b><c>', 7);
    expectRuleErrorAt('/<a>-<a>', 5);
    expectRuleErrorAt('/d/<a>-<integer:b>', 8);
    expectRuleErrorAt('/d/x<int:2b>', 9);
    expectRuleErrorAt('/<path:p>/<path:q>.zip', 10);
    for (const rule of ['/<a>-<b>', '/<a><b>', '/x<a>y<b>z', '/<path:p>.zip']) {
      expect(ruleErrorOf(rule), `router.add(${JSON.stringify(rule)}) has at most two variables in a segment and should be accepted`).toBe('no error');
    }
  });

  test('a segment of two variables answers the longest path lab 2 lets through', {
    rules: ['X6'],
    hint: 'With at most two variables a segment, one regular expression per segment stays fast enough; three would backtrack for hours.',
  }, () => {
    const router = routerWith([['/<a>1<int:b>', 'ones'], ['/<a>-<b>.zip', 'dashes']]);
    const ask = { ms: 2000 };
    expectNotFound(router, `/${'1'.repeat(10_000)}x`, ask);
    expectNotFound(router, `/${'-'.repeat(10_000)}`, ask);
    expectMatch(router, `/${'-'.repeat(10_000)}.zip`, 'dashes', { a: '-'.repeat(9_998), b: '-' }, ask);
  });
});
