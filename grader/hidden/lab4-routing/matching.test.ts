// Hidden tests for lab 4, the matching side: static rules, variables and converters, methods,
// which rule wins, trailing slashes. Every call into the lab is bounded, and every expectation
// names the request and the rule table it was asked against (see helpers.ts).
import { expect } from 'vitest';
import { RuleError, type ConverterFactory } from '#contracts/routing';
import { builtInConverters } from '@lab/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import {
  addRule,
  errorOf,
  expectMatch,
  expectNotAllowed,
  expectNotFound,
  expectRedirect,
  matchCall,
  matchOn,
  routerWith,
  rulesOf,
  showValue,
  type RuleSpec,
} from './helpers.ts';

const UUID = '123e4567-e89b-12d3-a456-426614174000';

/** A custom converter that records the arguments its factory was given. */
function recorder(seen: unknown[], pattern = '[0-9a-f]+'): ConverterFactory {
  return (args) => {
    seen.push(args);
    return { pattern, toValue: (text) => parseInt(text, 16), toUrl: (value) => Number(value).toString(16) };
  };
}

milestone('static-rules', () => {
  test('matches a static rule: its endpoint, no params, and the rule text', { rules: ['P1'], points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    expect(matchOn(router, '/about'), `${matchCall('/about')} with ${rulesOf(router)} should be this match`).toEqual({
      kind: 'match',
      endpoint: 'about',
      params: {},
      rule: '/about',
    });
  });

  test('the rule "/" matches "/" and the empty path', {
    rules: ['P2'],
    hint: 'PATH_INFO may be empty when an application is mounted at a prefix: the empty path means "/". Neither "/" nor "" has a segment or a trailing slash.',
  }, () => {
    const router = routerWith([['/', 'index'], ['/about', 'about']]);
    expectMatch(router, '/', 'index', {});
    expectMatch(router, '', 'index', {});
    expectMatch(router, '/about', 'about', {});
  });

  test('several rules, each path to its own endpoint', { rules: ['P1'], points: 2 }, () => {
    const router = routerWith([
      ['/', 'index'],
      ['/about', 'about'],
      ['/blog/archive', 'archive'],
      ['/static/site.css', 'css'],
      ['/a-b/c_d/e~f', 'odd'],
    ]);
    expectMatch(router, '/about', 'about');
    expectMatch(router, '/blog/archive', 'archive');
    expectMatch(router, '/static/site.css', 'css');
    expectMatch(router, '/a-b/c_d/e~f', 'odd');
    expectMatch(router, '/', 'index');
  });

  test('a rule added after a match is matched too', {
    rules: ['P1'],
    hint: 'Every add counts for the next match. If match keeps the rules in a lookup of its own (by first segment, say), an add must update it or make match build it again.',
  }, () => {
    const router = routerWith([['/about', 'about']]);
    expectMatch(router, '/about', 'about');
    addRule(router, '/blog', 'blog');
    addRule(router, '/about/team', 'team');
    expectMatch(router, '/blog', 'blog');
    expectMatch(router, '/about/team', 'team');
    expectMatch(router, '/about', 'about');
  });

  test('a rule is never a prefix of the path, nor the path a prefix of the rule', {
    rules: ['P3'],
    hint: 'Count first: a rule without a path variable fits only a path with exactly as many segments. /blog does not match /blog/archive, nor /blog/archive /blog.',
  }, () => {
    const router = routerWith([['/blog', 'blog'], ['/blog/archive', 'archive'], ['/a/b', 'ab']]);
    for (const path of ['/blo', '/blogs', '/blog/arch', '/blog/archive/2024', '/archive', '/x/blog', '/a//b', '/a/b/c']) {
      expectNotFound(router, path);
    }
  });

  test('fixed text is compared exactly: case, dots, parentheses', {
    rules: ['P5'],
    hint: 'Compare each fixed segment with ===. If you build a regular expression from fixed text, escape it first: "." is not "any character" in a URL.',
  }, () => {
    const router = routerWith([['/a/b', 'ab'], ['/site.css', 'css'], ['/(x)+', 'parens']]);
    expectNotFound(router, '/A/b');
    expectNotFound(router, '/a/B');
    expectNotFound(router, '/siteXcss');
    expectMatch(router, '/site.css', 'css');
    expectMatch(router, '/(x)+', 'parens');
    expectNotFound(router, '/xx');
  });

  test('fixed text is compared exactly: spaces around it are characters too', {
    rules: ['P5'],
    hint: 'Compare the segment as it is, never trimmed: "/ a" is not the rule /a.',
  }, () => {
    const router = routerWith([['/a/b', 'ab']]);
    for (const path of ['/ a/b', '/a /b', '/a/b ', '/a/%20b']) expectNotFound(router, path);
  });

  test('fixed text after a variable is compared exactly too', {
    rules: ['P5'],
    hint: 'Compare every fixed segment of the rule with ===, those after a variable too: a lookup by the segments in front (a tree, say) never sees them.',
  }, () => {
    const router = routerWith([['/<user>/profile', 'profile'], ['/<int:n>/site.css', 'css']]);
    expectMatch(router, '/ada/profile', 'profile', { user: 'ada' });
    expectMatch(router, '/1/site.css', 'css', { n: 1 });
    for (const path of ['/ada/Profile', '/ada/ profile', '/ada/profile ', '/ada/settings', '/1/siteXcss']) expectNotFound(router, path);
  });

  test('matches text that is not ASCII, as the decoded path has it', { rules: ['P5'] }, () => {
    const router = routerWith([['/café/menü', 'menu']]);
    expectMatch(router, '/café/menü', 'menu', {});
    expectNotFound(router, '/cafe/menu');
  });
});

milestone('converters', () => {
  test('<name> matches one segment and gives its text', { rules: ['R1', 'C1'], points: 2 }, () => {
    const router = routerWith([['/users/<name>', 'user']]);
    expect(matchOn(router, '/users/ada'), `${matchCall('/users/ada')} with ${rulesOf(router)} should be this match`).toEqual({
      kind: 'match',
      endpoint: 'user',
      params: { name: 'ada' },
      rule: '/users/<name>',
    });
    for (const name of ['a b', 'café', '50%', 'x.y', '<b>', 'a?b', '-']) {
      expectMatch(router, `/users/${name}`, 'user', { name });
    }
  });

  test('a string value is the text exactly: spaces at either end are kept', {
    rules: ['C1'],
    hint: "string's toValue gives the segment's text as it is: no trim, no decoding.",
  }, () => {
    const router = routerWith([['/users/<name>', 'user']]);
    for (const name of [' ada', 'ada ', ' ', '\t']) expectMatch(router, `/users/${name}`, 'user', { name });
  });

  test('a string variable never spans a slash and is never empty', {
    rules: ['C1'],
    hint: 'A string variable matches [^/] characters, at least one: /users/ and /users/a/b are not /users/<name>.',
  }, () => {
    const router = routerWith([['/users/<name>', 'user'], ['/<a>/<b>/<c>', 'three']]);
    expectMatch(router, '/users/a/b', 'three', { a: 'users', b: 'a', c: 'b' });
    expectNotFound(router, '/users/');
    expectNotFound(router, '/users');
    expectNotFound(router, '/users//x');
    expectNotFound(router, '//x/y');
  });

  test('string takes length, minlength and maxlength', { rules: ['C2'] }, () => {
    const router = routerWith([
      ['/lang/<string(length=2):code>', 'lang'],
      ['/tag/<string(minlength=3, maxlength=5):tag>', 'tag'],
      ['/min/<string(minlength=2):m>', 'min'],
      ['/max/<string(maxlength=2):m>', 'max'],
    ]);
    expectMatch(router, '/lang/en', 'lang', { code: 'en' });
    expectNotFound(router, '/lang/eng');
    expectNotFound(router, '/lang/e');
    expectMatch(router, '/tag/abc', 'tag', { tag: 'abc' });
    expectMatch(router, '/tag/abcde', 'tag', { tag: 'abcde' });
    expectNotFound(router, '/tag/ab');
    expectNotFound(router, '/tag/abcdef');
    expectMatch(router, '/min/ab', 'min', { m: 'ab' });
    expectMatch(router, `/min/${'x'.repeat(50)}`, 'min', { m: 'x'.repeat(50) });
    expectNotFound(router, '/min/a');
    expectMatch(router, '/max/a', 'max', { m: 'a' });
    expectMatch(router, '/max/ab', 'max', { m: 'ab' });
    expectNotFound(router, '/max/abc');
  });

  test('int matches decimal digits and gives a number', { rules: ['C3'], points: 2 }, () => {
    const router = routerWith([['/items/<int:id>', 'item']]);
    expectMatch(router, '/items/42', 'item', { id: 42 });
    expectMatch(router, '/items/0', 'item', { id: 0 });
    expectMatch(router, '/items/007', 'item', { id: 7 });
    for (const text of ['-1', '1.5', '+1', ' 1', '0x1f', 'abc']) {
      expectNotFound(router, `/items/${text}`);
    }
  });

  test('an int too large for a number to hold exactly refuses the match', {
    rules: ['C3'],
    hint: 'Number("9007199254740993") is 9007199254740992: check Number.isSafeInteger on the value in toValue, and throw when it is not.',
  }, () => {
    const router = routerWith([['/items/<int:id>', 'item'], ['/t/<int(signed=true):t>', 'temp']]);
    expectMatch(router, '/items/9007199254740991', 'item', { id: 9007199254740991 });
    for (const text of ['9007199254740992', '9007199254740993', '1'.repeat(400)]) expectNotFound(router, `/items/${text}`);
    expectMatch(router, '/t/-9007199254740991', 'temp', { t: -9007199254740991 });
    expectNotFound(router, '/t/-9007199254740993');
  });

  test('int(signed=true) allows a minus sign', { rules: ['C3'] }, () => {
    const router = routerWith([['/temp/<int(signed=true):t>', 'temp']]);
    expectMatch(router, '/temp/-5', 'temp', { t: -5 });
    expectMatch(router, '/temp/7', 'temp', { t: 7 });
    expectNotFound(router, '/temp/--5');
    expectNotFound(router, '/temp/+5');
    expectNotFound(router, '/temp/5-');
  });

  test('min and max bound the value of an int or a float, both ends included', {
    rules: ['C4'],
    hint: 'min and max are checked on the value, after the pattern matched: a converter refuses by throwing in toValue, and the rule does not match. The bounds themselves are allowed.',
  }, () => {
    const router = routerWith([
      ['/page/<int(min=1, max=99):n>', 'page'],
      ['/t/<int(signed=true, min=-5):t>', 'temp'],
      ['/x/<float(min=0.5, max=2.5):x>', 'scale'],
    ]);
    expectMatch(router, '/page/1', 'page', { n: 1 });
    expectMatch(router, '/page/99', 'page', { n: 99 });
    expectNotFound(router, '/page/0');
    expectNotFound(router, '/page/100');
    expectMatch(router, '/t/-5', 'temp', { t: -5 });
    expectNotFound(router, '/t/-6');
    expectMatch(router, '/x/0.5', 'scale', { x: 0.5 });
    expectMatch(router, '/x/2.5', 'scale', { x: 2.5 });
    expectNotFound(router, '/x/0.4');
    expectNotFound(router, '/x/2.6');
  });

  test('float needs digits, a dot and digits, and gives a number; signed allows a minus', { rules: ['C5'] }, () => {
    const router = routerWith([['/price/<float:x>', 'price'], ['/delta/<float(signed=true):d>', 'delta']]);
    expectMatch(router, '/price/1.5', 'price', { x: 1.5 });
    expectMatch(router, '/price/10.25', 'price', { x: 10.25 });
    for (const text of ['1', '.5', '1.', '-1.5', '1e3', '1.5.2']) {
      expectNotFound(router, `/price/${text}`);
    }
    expectMatch(router, '/delta/-0.5', 'delta', { d: -0.5 });
    expectMatch(router, '/delta/0.5', 'delta', { d: 0.5 });
  });

  test('uuid matches the 8-4-4-4-12 form in either case and gives it lowercased', { rules: ['C6'] }, () => {
    const router = routerWith([['/orders/<uuid:id>', 'order']]);
    expectMatch(router, `/orders/${UUID}`, 'order', { id: UUID });
    expectMatch(router, `/orders/${UUID.toUpperCase()}`, 'order', { id: UUID });
    for (const text of [UUID.replaceAll('-', ''), UUID.slice(1), `${UUID}0`, UUID.replace('a', 'g')]) {
      expectNotFound(router, `/orders/${text}`);
    }
  });

  test('any matches one of its words, each taken literally', {
    rules: ['C7'],
    hint: 'Escape the regular expression characters of each word (a backslash before each) before joining them with "|": a "." in a word is a dot, not "any character".',
  }, () => {
    const router = routerWith([['/<any(about, help, a.b):page>', 'page']]);
    expectMatch(router, '/about', 'page', { page: 'about' });
    expectMatch(router, '/help', 'page', { page: 'help' });
    expectMatch(router, '/a.b', 'page', { page: 'a.b' });
    for (const text of ['aXb', 'ab', 'Help', 'contact']) {
      expectNotFound(router, `/${text}`);
    }
  });

  test("a variable's pattern must match the whole segment, not a piece of it", {
    rules: ['R2'],
    hint: 'Anchor the pattern, and put a group around it: ^(?:pattern)$. Without the group, ^about|help$ means "starts with about, or ends with help".',
  }, () => {
    const either: ConverterFactory = () => ({ pattern: 'ab|cd', toValue: (t) => t, toUrl: (v) => String(v) });
    const router = routerWith(
      [['/i/<int:id>', 'item'], ['/<any(about, help):page>', 'page'], ['/e/<either:e>', 'either']],
      { either },
    );
    for (const path of ['/i/x1', '/i/1x', '/abouts', '/xhelp', '/e/abx', '/e/xcd']) {
      expectNotFound(router, path);
    }
    expectMatch(router, '/e/cd', 'either', { e: 'cd' });
  });

  test('path spans the rest of the path, slashes included, but never nothing', {
    rules: ['P4', 'C8'],
    points: 2,
    hint: 'A path variable spans the segments the other segments of the rule leave: count them, join them back with "/", and ask for at least one.',
  }, () => {
    const router = routerWith([['/files/<path:p>', 'file'], ['/wiki/<path:page>/edit', 'edit'], ['/<path:p>/<a>/<b>/end', 'deep']]);
    expectMatch(router, '/files/a', 'file', { p: 'a' });
    expectMatch(router, '/files/a/b/c.txt', 'file', { p: 'a/b/c.txt' });
    expectNotFound(router, '/files');
    expectNotFound(router, '/files/');
    expectMatch(router, '/wiki/Main/Sub/edit', 'edit', { page: 'Main/Sub' });
    expectMatch(router, '/wiki/Main/edit', 'edit', { page: 'Main' });
    expectNotFound(router, '/wiki/edit');
    expectMatch(router, '/x/y/z/a/b/end', 'deep', { p: 'x/y/z', a: 'a', b: 'b' });
    expectNotFound(router, '/a/b/end');
  });

  test('a path variable after other variables; a path too short for the rule is no match', {
    rules: ['P4'],
    hint: 'before = pathIndex, after = the rule segments behind the path variable. When segments.length - before - after is below 1, the rule does not fit: never slice with a negative count.',
  }, () => {
    const router = routerWith([['/<lang>/docs/<path:page>', 'docs'], ['/<path:p>/<a>/<b>/<c>', 'tail']]);
    expectMatch(router, '/en/docs/a/b', 'docs', { lang: 'en', page: 'a/b' });
    expectMatch(router, '/w/x/y/z', 'tail', { p: 'w', a: 'x', b: 'y', c: 'z' });
    for (const path of ['/x/y/z', '/x/y', '/x', '/en/docs']) expectNotFound(router, path);
  });

  test('a path value keeps empty segments inside it, but never starts with "/"', { rules: ['C8'] }, () => {
    const router = routerWith([['/files/<path:p>', 'file']]);
    expectMatch(router, '/files/a//b', 'file', { p: 'a//b' });
    expectNotFound(router, '/files//b');
  });

  test('a path value may hold any character, line breaks included', {
    rules: ['C8'],
    hint: 'In a regular expression "." matches anything but a line break (\\n, \\r, U+2028, U+2029). [\\s\\S] matches every character.',
  }, () => {
    const router = routerWith([['/files/<path:p>', 'file'], ['/u/<name>', 'user']]);
    expectMatch(router, '/u/a\nb', 'user', { name: 'a\nb' });
    for (const p of ['a\nb', 'a\r\nb/c', 'x/\u2028/\u2029y', '\n', 'a/\n']) expectMatch(router, `/files/${p}`, 'file', { p });
  });

  test('a rule that starts with a variable gets the paths that the rules starting with that text refuse', {
    rules: ['P1'],
    hint: 'Rules are tried in order until one fits, whatever their first segment. If match looks rules up by their first segment, the rules that start with a variable belong to every list.',
  }, () => {
    const router = routerWith([['/users/<int:id>', 'user'], ['/<a>/<b>', 'pair'], ['/about', 'about'], ['/<page>', 'page']]);
    expectMatch(router, '/users/7', 'user', { id: 7 });
    expectMatch(router, '/users/bob', 'pair', { a: 'users', b: 'bob' });
    expectMatch(router, '/about', 'about', {});
    expectMatch(router, '/contact', 'page', { page: 'contact' });
  });

  test('a rule with several variables gives them all', { rules: ['P1', 'R1'] }, () => {
    const router = routerWith([['/<int:year>/<int:month>/<slug>', 'post']]);
    expectMatch(router, '/2024/05/hello-world', 'post', { year: 2024, month: 5, slug: 'hello-world' });
  });

  test('builtInConverters: each factory gives a pattern, toValue and toUrl', { rules: ['C1', 'C3', 'C5', 'C6'] }, () => {
    const make = (name: string, args: Record<string, unknown> = {}) =>
      bounded(`builtInConverters.${name}(${showValue({ _: [], ...args })})`, () => builtInConverters[name]!({ _: [], ...args } as never));
    const int = make('int');
    const anchored = (pattern: string) => new RegExp(`^(?:${pattern})$`);
    expect(anchored(int.pattern).test('123'), `the int pattern ${JSON.stringify(int.pattern)} should match "123"`).toBe(true);
    expect(anchored(int.pattern).test('12a'), `the int pattern ${JSON.stringify(int.pattern)} should not match "12a"`).toBe(false);
    const run = <T>(what: string, fn: () => T): T => bounded(what, fn);
    expect(run("int's toValue('123')", () => int.toValue('123')), "int's toValue('123') should be the number 123").toBe(123);
    expect(run("int's toUrl(123)", () => int.toUrl(123)), "int's toUrl(123) should be '123'").toBe('123');
    const uuid = make('uuid');
    expect(run("uuid's toUrl", () => uuid.toUrl(UUID.toUpperCase())), "uuid's toUrl should lowercase").toBe(UUID);
    expect(run("uuid's toValue", () => uuid.toValue(UUID.toUpperCase())), "uuid's toValue should lowercase").toBe(UUID);
    const float = make('float');
    expect(run("float's toUrl(2)", () => float.toUrl(2)), "float's toUrl(2) should write the dot").toBe('2.0');
    expect(run("float's toUrl(2.5)", () => float.toUrl(2.5)), "float's toUrl(2.5) should be '2.5'").toBe('2.5');
    expect(run("string's toValue('x')", () => make('string').toValue('x')), "string's toValue('x') should be 'x'").toBe('x');
    expect(Object.keys(builtInConverters).sort(), 'the names in builtInConverters').toEqual(['any', 'float', 'int', 'path', 'string', 'uuid']);
  });

  test('a custom converter: its pattern, its value, and the arguments written in the rule', { rules: ['C12', 'C10', 'C11'], points: 2 }, () => {
    const seen: unknown[] = [];
    const router = routerWith([['/color/<hex(rgb, 2, true, width=6, strict=false, note=x):c>', 'color']], { hex: recorder(seen) });
    expectMatch(router, '/color/ff00ff', 'color', { c: 0xff00ff });
    expectNotFound(router, '/color/zz');
    expect(seen, 'the arguments the hex factory was called with').toContainEqual({ _: ['rgb', 2, true], width: 6, strict: false, note: 'x' });
  });

  test('arguments: separated by commas, spaces around them ignored, positional ones in order', {
    rules: ['C10'],
    hint: 'Split the text between the parentheses at ",", trim each item; "key=value" (trim both sides) goes under its key, anything else into _ in order.',
  }, () => {
    const seen: unknown[] = [];
    routerWith([['/c/<hex( rgb ,2,  width = 6 , last ):c>', 'color']], { hex: recorder(seen) });
    expect(seen, 'the arguments of <hex( rgb ,2,  width = 6 , last ):c>').toContainEqual({ _: ['rgb', 2, 'last'], width: 6 });
  });

  test('arguments: empty parentheses or an empty item give no argument; every comma separates', {
    rules: ['C10'],
    hint: 'Drop the items that are empty once trimmed. Quotes do not protect a comma: split at every one.',
  }, () => {
    for (const [written, args] of [
      ['<hex():c>', { _: [] }],
      ['<hex:c>', { _: [] }],
      ['<hex( ):c>', { _: [] }],
      ['<hex(a, , b,):c>', { _: ['a', 'b'] }],
      ["<hex('a, b'):c>", { _: ["'a", "b'"] }],
    ] as Array<[string, unknown]>) {
      const seen: unknown[] = [];
      routerWith([[`/c/${written}`, 'color']], { hex: recorder(seen) });
      expect(seen, `the arguments of ${written}`).toEqual([args]);
    }
  });

  test('argument values are literals: booleans, decimal numbers, text without its quotes', {
    rules: ['C11'],
    hint: 'true/True and false/False are booleans; a decimal number (a minus and a fraction allowed) is a number; anything else is text, and quotes around it are dropped.',
  }, () => {
    const seen: unknown[] = [];
    const rule = `/c/<hex(true, True, false, False, 2, -5, 2.5, 0x1f, 1e3, 'a b', "c", plain, name="x y"):c>`;
    routerWith([[rule, 'color']], { hex: recorder(seen) });
    expect(seen, `the arguments of ${rule}`).toContainEqual({
      _: [true, true, false, false, 2, -5, 2.5, '0x1f', '1e3', 'a b', 'c', 'plain'],
      name: 'x y',
    });
  });

  test('a quoted value is text, never read again: \'2\' is the text 2', {
    rules: ['C11'],
    hint: "Drop the quotes and return the text inside as it is: a quoted value is never a number or a boolean.",
  }, () => {
    const seen: unknown[] = [];
    const rule = `/c/<hex('2', "true", '-5', 'False', n='2.5', 'a"):c>`;
    routerWith([[rule, 'color']], { hex: recorder(seen) });
    expect(seen, `the arguments of ${rule}`).toEqual([{ _: ['2', 'true', '-5', 'False', `'a"`], n: '2.5' }]);
  });

  test('an argument is a literal only as a whole: trueish, 2.5.1 and x\'y\' stay text', {
    rules: ['C11'],
    hint: "Anchor each test at both ends (^...$): a value that starts or ends like true, a number or a quote is still text. 2.25 is a number, with all its digits.",
  }, () => {
    const seen: unknown[] = [];
    const rule = `/c/<hex(trueish, untrue, TRUE, Falsey, nofalse, 2.25, -0.125, 2.5.1, 12ab, x'y', 'a'b, "q'):c>`;
    routerWith([[rule, 'color']], { hex: recorder(seen) });
    expect(seen, `the arguments of ${rule}`).toEqual([
      { _: ['trueish', 'untrue', 'TRUE', 'Falsey', 'nofalse', 2.25, -0.125, '2.5.1', '12ab', "x'y'", "'a'b", `"q'`] },
    ]);
  });

  test('a converter given as path spans segments like the built-in one, and at least one', {
    rules: ['C12', 'P4'],
    hint: 'The path variable is the one whose converter is named path, whoever made it; it takes segments.length - before - after segments, and never fewer than one, even when its pattern accepts "".',
  }, () => {
    const maybeEmpty: ConverterFactory = () => ({ pattern: '[\\s\\S]*', toValue: (t) => `path:${t}`, toUrl: (v) => String(v) });
    const router = routerWith([['/files/<path:p>', 'file'], ['/w/<path:page>/edit', 'edit']], { path: maybeEmpty });
    expectMatch(router, '/files/a/b', 'file', { p: 'path:a/b' });
    expectMatch(router, '/w/a/b/edit', 'edit', { page: 'path:a/b' });
    for (const path of ['/files', '/files/', '/w/edit', '/w/edit/']) expectNotFound(router, path);
  });

  test('a custom converter under a built-in name replaces it, for that router only', { rules: ['C12'] }, () => {
    const hexInt: ConverterFactory = () => ({ pattern: '[0-9a-f]+', toValue: (t) => parseInt(t, 16), toUrl: (v) => Number(v).toString(16) });
    const custom = routerWith([['/n/<int:n>', 'n']], { int: hexInt });
    expectMatch(custom, '/n/ff', 'n', { n: 255 });
    const plain = routerWith([['/n/<int:n>', 'n']]);
    expectNotFound(plain, '/n/ff');
    expectMatch(plain, '/n/10', 'n', { n: 10 });
  });

  test('a converter that throws in toValue refuses the match; other rules still get their turn', {
    rules: ['C9'],
    hint: 'Call toValue inside try/catch: a throw means "this rule does not fit", and the walk goes on.',
  }, () => {
    const even: ConverterFactory = () => ({
      pattern: '\\d+',
      toValue: (text) => {
        if (Number(text) % 2 !== 0) throw new Error('odd');
        return Number(text);
      },
      toUrl: (value) => String(value),
    });
    const router = routerWith([['/n/<even:n>', 'even'], ['/n/<name>', 'other']], { even });
    expectMatch(router, '/n/4', 'even', { n: 4 });
    expectMatch(router, '/n/3', 'other', { name: '3' });
    const alone = routerWith([['/n/<even:n>', 'even']], { even });
    expectNotFound(alone, '/n/3');
  });

  const longRules: RuleSpec[] = [
    ['/<path:p>/<a>/<b>/end', 'deep'],
    ['/files/<path:p>', 'file'],
    ['/<name>', 'one'],
  ];

  test('answers a path of 10,000 characters, whether it matches or not', {
    rules: ['P7'],
    hint: 'Match segment by segment, each with its own anchored pattern, and keep the path pattern simple ([^/][\\s\\S]*): a pattern that can split a long text in many ways backtracks for a very long time.',
  }, () => {
    const router = routerWith(longRules);
    const long = 'a'.repeat(10_000);
    const ask = { ms: 2000 };
    expectMatch(router, `/${long}`, 'one', { name: long }, ask);
    expectMatch(router, `/files/${long}`, 'file', { p: long }, ask);
    expectMatch(router, `/files/${long}//x`, 'file', { p: `${long}//x` }, ask);
    expectNotFound(router, `/${long}/x/y/nope`, ask);
  });

  test('answers a path of 5,000 segments, whether it matches or not', {
    rules: ['P7'],
    hint: 'Never try every way to split the path: a rule without a path variable needs exactly its count of segments, and a path variable spans what the other segments leave (arithmetic, not search).',
  }, () => {
    const router = routerWith(longRules);
    const many = Array.from({ length: 5000 }, (_, i) => `s${i % 10}`).join('/');
    const ask = { ms: 2000 };
    expectMatch(router, `/files/${many}`, 'file', { p: many }, ask);
    const head = many.split('/').slice(0, -2).join('/');
    expectMatch(router, `/${many}/end`, 'deep', { p: head, a: 's8', b: 's9' }, ask);
    expectNotFound(router, `/${many}`, ask);
  });
});

milestone('methods', () => {
  test('a rule answers GET by default, and HEAD with it', { rules: ['M1', 'M3'], points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    expectMatch(router, '/about', 'about', {}, { method: 'GET' });
    expectMatch(router, '/about', 'about', {}, { method: 'HEAD' });
  });

  test('another method on a known path is 405, with the methods that are allowed', { rules: ['M4'], points: 2 }, () => {
    const router = routerWith([['/about', 'about']]);
    expectNotAllowed(router, '/about', 'POST', ['GET', 'HEAD']);
    expectNotAllowed(router, '/about', 'DELETE', ['GET', 'HEAD']);
  });

  test('the methods option: a POST-only rule refuses GET and HEAD', { rules: ['M1', 'M3'] }, () => {
    const router = routerWith([['/upload', { endpoint: 'upload', methods: ['POST'] }]]);
    expectMatch(router, '/upload', 'upload', {}, { method: 'POST' });
    for (const method of ['GET', 'HEAD', 'PUT']) expectNotAllowed(router, '/upload', method, ['POST']);
  });

  test('method names are compared in capitals: the rule\'s and the request\'s', {
    rules: ['M2'],
    hint: "Uppercase the rule's methods in add (before GET brings HEAD), and the request's method in match.",
  }, () => {
    const router = routerWith([
      ['/a', { endpoint: 'a', methods: ['post', 'Put'] }],
      ['/b', { endpoint: 'b', methods: ['get'] }],
      ['/c', 'c'],
    ]);
    expectMatch(router, '/a', 'a', {}, { method: 'POST' });
    expectMatch(router, '/a', 'a', {}, { method: 'PUT' });
    expectNotAllowed(router, '/a', 'GET', ['POST', 'PUT']);
    expectMatch(router, '/b', 'b', {}, { method: 'HEAD' });
    expectMatch(router, '/c', 'c', {}, { method: 'get' });
    expectMatch(router, '/a', 'a', {}, { method: 'post' });
    expectMatch(router, '/a', 'a', {}, { method: 'pUt' });
  });

  test('one path, several rules: each method to its endpoint, Allow lists them all', {
    rules: ['M5', 'P1'],
    hint: 'Keep trying rules after one fits the path but not the method; collect the methods of every rule that fits the path.',
  }, () => {
    const router = routerWith([
      ['/notes', { endpoint: 'list', methods: ['GET'] }],
      ['/notes', { endpoint: 'create', methods: ['POST'] }],
      ['/notes', { endpoint: 'replace', methods: ['PUT', 'PATCH'] }],
    ]);
    expectMatch(router, '/notes', 'list', {}, { method: 'GET' });
    expectMatch(router, '/notes', 'create', {}, { method: 'POST' });
    expectMatch(router, '/notes', 'replace', {}, { method: 'PATCH' });
    expectNotAllowed(router, '/notes', 'DELETE', ['GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  });

  test('allowed lists each method once, in alphabetical order', {
    rules: ['M5'],
    hint: 'Collect the methods in a Set (two rules may both allow GET), then sort them.',
  }, () => {
    const router = routerWith([
      ['/n', { endpoint: 'write', methods: ['PUT', 'POST'] }],
      ['/n', { endpoint: 'read' }],
      ['/<name>', { endpoint: 'any', methods: ['GET', 'DELETE'] }],
    ]);
    expectNotAllowed(router, '/n', 'PATCH', ['DELETE', 'GET', 'HEAD', 'POST', 'PUT']);
  });

  test('404, not 405, when no rule matches the path, whatever the method', { rules: ['M4'] }, () => {
    const router = routerWith([['/about', { endpoint: 'about', methods: ['GET', 'POST'] }]]);
    for (const method of ['GET', 'POST', 'DELETE']) expectNotFound(router, '/nowhere', { method });
  });

  test('a rule that fits the path but not the method does not hide a later one that fits both', {
    rules: ['P6', 'P1'],
    hint: 'A 405 is the answer only when no rule fits both the path and the method: remember the methods and keep walking.',
  }, () => {
    const router = routerWith([
      ['/wiki/<path:page>/edit', { endpoint: 'save', methods: ['POST'] }],
      ['/wiki/<path:page>', 'show'],
    ]);
    expectMatch(router, '/wiki/Main/edit', 'show', { page: 'Main/edit' }, { method: 'GET' });
    expectMatch(router, '/wiki/Main/edit', 'save', { page: 'Main' }, { method: 'POST' });
  });

  test('an empty methods list is a RuleError with no position, and adds nothing', {
    rules: ['M7'],
    hint: 'Only a methods option that is left out means GET. [] answers no method at all: throw a RuleError (position null) before storing anything.',
  }, () => {
    const router = routerWith([['/ok', 'ok']]);
    const call = `router.add("/none", { endpoint: "none", methods: [] }) with ${rulesOf(router)}`;
    const error = errorOf(call, () => router.add('/none', { endpoint: 'none', methods: [] }));
    expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
    expect((error as RuleError).position, `the position of the RuleError of ${call}`).toBeNull();
    expectNotFound(router, '/none');
    expectMatch(router, '/ok', 'ok');
  });

  test('the same endpoint added again with its own rule gains methods', { rules: ['M6'] }, () => {
    const router = routerWith([
      ['/login', { endpoint: 'login', methods: ['GET'] }],
      ['/login', { endpoint: 'login', methods: ['POST'] }],
    ]);
    expectMatch(router, '/login', 'login', {}, { method: 'GET' });
    expectMatch(router, '/login', 'login', {}, { method: 'POST' });
    expectNotAllowed(router, '/login', 'PUT', ['GET', 'HEAD', 'POST']);
  });

  test('an empty methods list is refused for an endpoint that exists too', {
    rules: ['M7', 'E10'],
    hint: 'Check methods: [] before looking the endpoint up: re-adding an endpoint with [] is a RuleError (position null), not "add nothing".',
  }, () => {
    const router = routerWith([['/login', 'login']]);
    const call = `router.add("/login", { endpoint: "login", methods: [] }) with ${rulesOf(router)}`;
    const error = errorOf(call, () => router.add('/login', { endpoint: 'login', methods: [] }));
    expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
    expect((error as RuleError).position, `the position of the RuleError of ${call}`).toBeNull();
    expectMatch(router, '/login', 'login');
  });

  test('the same endpoint and rule again with another strictSlashes is a RuleError, and changes nothing', {
    rules: ['M6', 'E10'],
    hint: 'One entry has one strictSlashes (left out is true): a re-add that gives another is a RuleError with position null, thrown before any method is added.',
  }, () => {
    const router = routerWith([['/docs/', 'docs']]);
    const call = `router.add("/docs/", { endpoint: "docs", methods: ["POST"], strictSlashes: false }) with ${rulesOf(router)}`;
    const error = errorOf(call, () => router.add('/docs/', { endpoint: 'docs', methods: ['POST'], strictSlashes: false }));
    expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
    expect((error as RuleError).position, `the position of the RuleError of ${call}`).toBeNull();
    expectRedirect(router, '/docs', '/docs/');
    expectNotAllowed(router, '/docs/', 'POST', ['GET', 'HEAD']);
    const loose = routerWith([['/a', { endpoint: 'a', strictSlashes: false }], ['/a', { endpoint: 'a', methods: ['POST'], strictSlashes: false }]]);
    expectMatch(loose, '/a/', 'a', {}, { method: 'POST' });
    const reAdd = `router.add("/a", { endpoint: "a", methods: ["PUT"] }) with ${rulesOf(loose)} (strictSlashes left out is true)`;
    expect(errorOf(reAdd, () => loose.add('/a', { endpoint: 'a', methods: ['PUT'] })), `${reAdd} should throw a RuleError`).toBeInstanceOf(RuleError);
    expectNotAllowed(loose, '/a', 'PUT', ['GET', 'HEAD', 'POST']);
  });
});

milestone('ordering', () => {
  /** Adds the rules in both orders and checks that each path finds the same endpoint. */
  function inBothOrders(rules: RuleSpec[], expected: Record<string, string>, converters?: Record<string, ConverterFactory>): void {
    for (const order of [rules, [...rules].reverse()]) {
      const router = routerWith(order, converters);
      const got = Object.fromEntries(
        Object.keys(expected).map((path) => {
          const result = matchOn(router, path);
          return [path, result.kind === 'match' ? result.endpoint : `(${result.kind})`];
        }),
      );
      expect(got, `the endpoint of each path, with ${rulesOf(router)} added in this order`).toEqual(expected);
    }
  }

  test('static text beats a variable, whatever the order the rules were added in', { rules: ['O1', 'O2'], points: 2 }, () => {
    inBothOrders([['/users/new', 'new'], ['/users/<name>', 'user']], { '/users/new': 'new', '/users/ada': 'user' });
  });

  test('static text beats any, the narrowest converter', {
    rules: ['O2'],
    hint: 'Fixed text weighs 0, any 1: /about is tried before /<any(about, help):page>, whatever the order of add.',
  }, () => {
    inBothOrders([['/<any(about, help):page>', 'any'], ['/about', 'static']], { '/about': 'static', '/help': 'any' });
  });

  test('narrower converters win: any, then uuid, then int, then string', {
    rules: ['O2'],
    hint: 'Weights: static 0, any 1, uuid 2, int and float 3, string and custom 4, path 5. Lower is tried first.',
  }, () => {
    inBothOrders(
      [['/<name>', 'string'], ['/<int:id>', 'int'], ['/<uuid:id>', 'uuid'], ['/<any(1, new):which>', 'any']],
      { '/1': 'any', '/new': 'any', '/2': 'int', [`/${UUID}`]: 'uuid', '/ada': 'string' },
    );
    inBothOrders([['/<float:x>', 'float'], ['/<name>', 'string']], { '/1.5': 'float', '/x': 'string' });
    inBothOrders([['/<uuid:id>', 'uuid'], [`/<any(${UUID}, x):w>`, 'any']], { [`/${UUID}`]: 'any', [`/${UUID.toUpperCase()}`]: 'uuid' });
  });

  test('a custom converter weighs as much as string; under a built-in name, as much as that name', {
    rules: ['O2'],
    hint: 'The weight goes by the converter name written in the rule: a built-in name weighs what that name weighs, whoever made the converter; any other name 4, as string does.',
  }, () => {
    const digits: ConverterFactory = () => ({ pattern: '\\d+', toValue: (t) => `digits ${t}`, toUrl: (v) => String(v) });
    inBothOrders([['/<digits:d>', 'custom'], ['/<int:n>', 'int'], ['/<path:p>', 'path']], { '/5': 'int', '/x': 'path' }, { digits });
    inBothOrders([['/<int:n>', 'int'], ['/<name>', 'string']], { '/5': 'int', '/x': 'string' }, { int: digits });
  });

  test('weights are compared left to right: the first segment that differs decides', { rules: ['O3'] }, () => {
    inBothOrders(
      [['/<section>/edit', 'edit-any'], ['/page/<name>', 'page']],
      { '/page/edit': 'page', '/page/x': 'page', '/other/edit': 'edit-any' },
    );
    inBothOrders(
      [['/<int:a>/<name>', 'int-first'], ['/<name>/<int:b>', 'string-first']],
      { '/1/2': 'int-first', '/x/2': 'string-first', '/1/x': 'int-first' },
    );
    inBothOrders([['/<name>/x', 'name-x'], ['/a/<path:p>', 'a-path']], { '/a/x': 'a-path', '/b/x': 'name-x' });
  });

  test('path is the last resort', { rules: ['O2'] }, () => {
    inBothOrders([['/<path:p>', 'path'], ['/<a>/<b>', 'two'], ['/<int:n>', 'int']], {
      '/x/y': 'two',
      '/x/y/z': 'path',
      '/5': 'int',
      '/x': 'path',
    });
    inBothOrders([['/<path:p>', 'path'], ['/<name>', 'string']], { '/x': 'string', '/x/y': 'path' });
  });

  test('equal weights as far as the shorter goes: the longer rule first', {
    rules: ['O4'],
    hint: 'After comparing weights segment by segment, a rule with more segments comes before its shorter look-alike.',
  }, () => {
    inBothOrders([['/files/<path:p>', 'file'], ['/files/<path:p>/raw', 'raw']], {
      '/files/a/b/raw': 'raw',
      '/files/a/b': 'file',
    });
  });

  test('still equal: the rule added first wins', { rules: ['O5'] }, () => {
    const slug: ConverterFactory = () => ({ pattern: '[a-z-]+', toValue: (t) => t, toUrl: (v) => String(v) });
    for (const [rules, expected] of [
      [[['/<a>', 'first'], ['/<b>', 'second']], 'first'],
      [[['/<slug:s>', 'slug'], ['/<name>', 'name']], 'slug'],
      [[['/<name>', 'name'], ['/<slug:s>', 'slug']], 'name'],
    ] as Array<[RuleSpec[], string]>) {
      const router = routerWith(rules, { slug });
      expectMatch(router, '/abc', expected);
    }
  });
});

milestone('slashes', () => {
  test('a rule ending in "/" redirects the path without it: 308', { rules: ['T1'], points: 2 }, () => {
    const router = routerWith([['/docs/', 'docs']]);
    expectMatch(router, '/docs/', 'docs', {});
    expectRedirect(router, '/docs', '/docs/');
  });

  test('the redirect keeps the query string exactly as it came', {
    rules: ['T4'],
    hint: 'match() gets the query string as its third argument: put it back after the "/", with a "?", without decoding or encoding it. No query string, no "?".',
  }, () => {
    const router = routerWith([['/docs/', 'docs']]);
    expectRedirect(router, '/docs', '/docs/?page=2&q=a%20b', { query: 'page=2&q=a%20b' });
    expectRedirect(router, '/docs', '/docs/?next=/x?y&z=%3F', { query: 'next=/x?y&z=%3F' });
    expectRedirect(router, '/docs', '/docs/', { query: '' });
  });

  test('the redirect location is a URL: the path percent-encoded, segment by segment', {
    rules: ['T4'],
    hint: 'Encode each segment of the path with encodeURIComponent (encodePath): "?" "#" "%" and CR LF in a decoded path are data, and must not reach a Location header raw.',
  }, () => {
    const router = routerWith([['/q/<name>/', 'q'], ['/café/', 'cafe']]);
    expectRedirect(router, '/café', '/caf%C3%A9/');
    expectRedirect(router, '/q/a?b#c', '/q/a%3Fb%23c/');
    expectRedirect(router, '/q/a?b', '/q/a%3Fb/?x=1', { query: 'x=1' });
    expectRedirect(router, '/q/50%', '/q/50%25/');
    expectRedirect(router, '/q/a b', '/q/a%20b/');
    expectRedirect(router, '/q/a\r\nSet-Cookie: x=1', '/q/a%0D%0ASet-Cookie%3A%20x%3D1/');
  });

  test('a rule without a final "/" does not match a path with one', {
    rules: ['T2'],
    hint: 'Only the missing slash is redirected. /about/ is another resource than /about: not found.',
  }, () => {
    const router = routerWith([['/about', 'about'], ['/wiki/<path:page>/edit', 'edit'], ['/<path:p>/<a>/end', 'deep']]);
    expectNotFound(router, '/about/');
    expectNotFound(router, '/wiki/Main/edit/');
    expectNotFound(router, '/x/y/z/end/');
  });

  test('the redirect works for rules with variables, and for POST (that is why 308)', { rules: ['T1', 'T5'] }, () => {
    const router = routerWith([['/users/<int:id>/', 'user'], ['/upload/', { endpoint: 'upload', methods: ['POST'] }]]);
    expectRedirect(router, '/users/5', '/users/5/');
    expectRedirect(router, '/upload', '/upload/', { method: 'POST' });
    expectNotFound(router, '/users/x');
  });

  test('a rule redirects only for a method it accepts; for another, it counts towards a 405', {
    rules: ['T5'],
    hint: 'Check the method before the trailing slash: a rule that does not accept the method adds its methods to the 405, whatever the slash.',
  }, () => {
    const router = routerWith([['/upload/', { endpoint: 'upload', methods: ['POST'] }]]);
    expectNotAllowed(router, '/upload', 'GET', ['POST']);
    expectNotAllowed(router, '/upload/', 'GET', ['POST']);
  });

  test('a match beats a redirect, and a redirect beats a 405', {
    rules: ['P6'],
    hint: 'Walk every entry before deciding: remember the redirect and the methods you met, answer a match at once, and only at the end choose the redirect, else the 405, else 404.',
  }, () => {
    for (const rules of [[['/a/', 'slash'], ['/a', 'bare']], [['/a', 'bare'], ['/a/', 'slash']]] as RuleSpec[][]) {
      const router = routerWith(rules);
      expectMatch(router, '/a', 'bare');
      expectMatch(router, '/a/', 'slash');
    }
    for (const rules of [
      [['/b/', 'slash'], ['/b', { endpoint: 'post', methods: ['POST'] }]],
      [['/b', { endpoint: 'post', methods: ['POST'] }], ['/b/', 'slash']],
    ] as RuleSpec[][]) {
      const router = routerWith(rules);
      expectRedirect(router, '/b', '/b/');
      expectMatch(router, '/b', 'post', {}, { method: 'POST' });
    }
  });

  test('strictSlashes: false matches both forms, without a redirect', { rules: ['T3'] }, () => {
    const router = routerWith([
      ['/docs/', { endpoint: 'docs', strictSlashes: false }],
      ['/about', { endpoint: 'about', strictSlashes: false }],
    ]);
    expectMatch(router, '/docs', 'docs', {});
    expectMatch(router, '/docs/', 'docs', {});
    expectMatch(router, '/about', 'about', {});
    expectMatch(router, '/about/', 'about', {});
  });

  test('a path variable at the end of a rule keeps the final slash of the request', { rules: ['T6'] }, () => {
    const router = routerWith([['/files/<path:p>', 'file'], ['/dirs/<path:d>/', 'dir']]);
    expectMatch(router, '/files/a/b/', 'file', { p: 'a/b/' });
    expectMatch(router, '/files/a/', 'file', { p: 'a/' });
    expectMatch(router, '/dirs/a/b/', 'dir', { d: 'a/b' });
    expectRedirect(router, '/dirs/a/b', '/dirs/a/b/');
  });

  test('with strictSlashes: false too, the final slash belongs to a path variable at the end', {
    rules: ['T6', 'T3'],
    hint: 'Give the final slash to the path value before looking at strictSlashes: strictSlashes decides about redirects, not about what the value holds.',
  }, () => {
    const router = routerWith([
      ['/files/<path:p>', { endpoint: 'file', strictSlashes: false }],
      ['/dirs/<path:d>/', { endpoint: 'dir', strictSlashes: false }],
    ]);
    expectMatch(router, '/files/a/b/', 'file', { p: 'a/b/' });
    expectMatch(router, '/files/a/b', 'file', { p: 'a/b' });
    expectMatch(router, '/dirs/a/b/', 'dir', { d: 'a/b' });
    expectMatch(router, '/dirs/a/b', 'dir', { d: 'a/b' });
  });

  test('a redirect never starts with "//": the second slash is written %2F', {
    rules: ['T7'],
    hint: 'A location "//evil.example/" is another host (a protocol-relative URL). When encodePath(path) + "/" starts with "//", write "/%2F" and the rest: the gateway decodes it back to the same path.',
  }, () => {
    const router = routerWith([
      ['/<string(minlength=0):lang>/<page>/', 'page'],
      ['/<string(minlength=0):a>/<string(minlength=0):b>/<c>/', 'deep'],
    ]);
    expectRedirect(router, '//evil.example', '/%2Fevil.example/');
    expectRedirect(router, '//evil.example', '/%2Fevil.example/?next=%2F%2Fx', { query: 'next=%2F%2Fx' });
    expectRedirect(router, '///x', '/%2F/x/');
    expectRedirect(router, '/en/about', '/en/about/');
    expectMatch(router, decodeURIComponent('/%2Fevil.example/'), 'page', { lang: '', page: 'evil.example' });
  });
});
