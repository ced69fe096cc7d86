// Hidden tests for lab 6, the tags: if, for and set with their scoping, tests with is, whitespace
// control, inheritance (extends, block, super), macros, include and import, with XSS payloads
// through loop items, blocks, macro arguments, included templates and imported macros. Expected
// outputs are nunjucks's, written out by hand, except where the lesson says the engine parts from
// nunjucks on purpose (rules A7, M5, Q2, Q4, Q5, Q7, Q8, M11).
// Every failure shows the template, the templates it loads, and the data.
import { expect } from 'vitest';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { describeFiles, describeRender, expectRender, expectRenderFile, renderError, renderFileError, templateError, where } from './helpers.ts';
import { expectInertEverywhere, keeperChains } from './xss.ts';
import { Environment } from '@lab/templates';
import type { EnvironmentOptions } from '#contracts/templates';

const XSS = `<script>alert('x')</script>`;
const XSS_ESCAPED = '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;';

milestone('control-flow', () => {
  test('if, elif and else: the first true branch runs, else when none is', { rules: ['S1'], points: 2 }, () => {
    const source = '{% if n > 10 %}big{% elif n > 5 %}medium{% elif n > 0 %}small{% else %}none{% endif %}';
    for (const [n, expected] of [[12, 'big'], [7, 'medium'], [1, 'small'], [0, 'none']] as const) expectRender(source, { n }, expected);
    expectRender('{% if n %}yes{% endif %}|', { n: 0 }, '|');
    expectRender('{% if a %}A{% elif b %}B{% endif %}|{% if a %}A{% elif b %}B{% else %}C{% endif %}', { a: 1, b: 1 }, 'A|A');
  });

  test('truthiness is JavaScript\'s: [] and {} are true; 0, "", none and undefined are false', { rules: ['S2'], hint: 'Compile the test to a plain JavaScript condition, as nunjucks does; Jinja2 (Python) would call [] false: see the lesson\'s table.' }, () => {
    expectRender('{% if [] %}A{% endif %}{% if {} %}B{% endif %}{% if 0 %}C{% endif %}{% if "" %}D{% endif %}{% if none %}E{% endif %}{% if nope %}F{% endif %}{% if "0" %}G{% endif %}{% if false %}H{% endif %}', {}, 'ABG');
    expectRender('{% if xs %}list{% endif %}|{% if d %}dict{% endif %}|{% if not xs %}not{% endif %}', { xs: [], d: {} }, 'list|dict|');
  });

  test('for walks a list; loop tells index, index0, revindex, revindex0, first, last, length', { rules: ['S6'], points: 3 }, () => {
    expectRender(
      '{% for x in xs %}{{ x }}:{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ "F" if loop.first }}{{ "L" if loop.last }}/{{ loop.length }} {% endfor %}',
      { xs: ['a', 'b', 'c'] },
      'a:1032F/3 b:2121/3 c:3210L/3 ',
    );
    expectRender('{% for x in xs %}{{ loop.first }}{{ loop.last }}{{ loop.length }}{% endfor %}', { xs: ['only'] }, 'truetrue1');
  });

  test('for walks a list item by item and a string by character', { rules: ['S3'] }, () => {
    expectRender('{% for x in xs %}[{{ x }}]{% endfor %}', { xs: [1, 'two', null, 4] }, '[1][two][][4]');
    expectRender('{% for c in word %}[{{ c }}]{% endfor %}', { word: 'héllo' }, '[h][é][l][l][o]');
  });

  test('for ... else runs the else body when there is nothing to walk', { rules: ['S5'], points: 2 }, () => {
    const source = '{% for x in xs %}{{ x }}{% else %}empty{% endfor %}';
    for (const xs of [[], null, undefined, 0, 7, '', { a: 1 }]) expectRender(source, { xs }, 'empty');
    expectRender(source, { xs: [1, 2] }, '12');
    expectRender('{% for x in missing %}{{ x }}{% else %}none{% endfor %}', {}, 'none');
  });

  test('for unpacks items into several names, and walks an object as key, value', { rules: ['S4'], points: 2 }, () => {
    expectRender('{% for name, score in scores %}{{ name }}={{ score }} {% endfor %}', { scores: [['ann', 3], ['bob', 5]] }, 'ann=3 bob=5 ');
    expectRender('{% for k, v in d %}{{ k }}:{{ v }};{% endfor %}', { d: { x: 1, y: 2 } }, 'x:1;y:2;');
    expectRender('{% for a, b, c in rows %}{{ a }}{{ b }}{{ c }}|{% endfor %}', { rows: [[1, 2, 3], [4, 5]] }, '123|45|');
    expectRender('{% for k in d %}{{ k }}{% else %}one name walks no object{% endfor %}', { d: { x: 1 } }, 'one name walks no object');
  });

  test('nested loops: loop is the innermost one, and outer names stay visible', { rules: ['S7'] }, () => {
    expectRender('{% for row in grid %}{% for cell in row %}{{ row|length }}{{ loop.index }}{{ cell }} {% endfor %}{{ loop.index }}| {% endfor %}', { grid: [['a', 'b'], ['c']] }, '21a 22b 1| 11c 2| ');
  });

  test('loop names are gone after the loop, and an outer variable of the same name is back', { rules: ['S9', 'C3'] }, () => {
    expectRender('{% for x in [1, 2] %}{{ x }}{% endfor %}[{{ x }}][{{ loop }}]', { x: 'outer' }, '12[outer][]');
    expectRender('{% set x = "set" %}{% for x in [1] %}{{ x }}{% endfor %}{{ x }}', {}, '1set');
    expectRender('{% for x in xs %}{% set last = x %}{{ last }}{% endfor %}[{{ last }}]', { xs: [1, 2] }, '12[]');
  });

  test('a loop keeps one frame for all its items: what one pass sets, the next still sees', { rules: ['S8'], hint: 'Create the loop\'s frame once, before the first item, not once per item: a variable first set in one pass is still there in the next.' }, () => {
    expectRender('{% for x in xs %}[{{ prev }}]{% set prev = x %}{% endfor %}', { xs: [1, 2, 3] }, '[][1][2]');
    expectRender('{% for x in xs %}{% if loop.first %}{% set first = x %}{% endif %}{{ first }}{% endfor %}|{{ first }}', { xs: ['a', 'b'] }, 'aa|');
  });

  test('a variable of a loop\'s frame hides the context\'s variable of the same name', { rules: ['C3'] }, () => {
    expectRender('{% for x in [1] %}{% set y = x %}[{{ y }}]{% endfor %}[{{ y }}]', { y: 'ctx' }, '[1][ctx]');
    expectRender('{% for x in [1] %}{% set y = none %}[{{ y }}]{% endfor %}', { y: 'ctx' }, '[]');
  });

  test('set at the top level defines a variable; set inside an if does too', { rules: ['S10'], points: 2 }, () => {
    expectRender('{% set name = "Ann" %}{% set greeting = "Hi " ~ name %}{{ greeting }}', {}, 'Hi Ann');
    expectRender('{% set x = "outer" %}{% if true %}{% set x = "inner" %}{% set y = 1 %}{% endif %}{{ x }}{{ y }}', {}, 'inner1');
    expectRender('{{ n }}{% set n = n + 1 %}{{ n }}', { n: 1 }, '12');
  });

  test('set writes to the render\'s own copy of the context, never to the caller\'s object', { rules: ['R1'] }, () => {
    const context = { n: 2 };
    expectRender('{% set n = n * 2 %}{% set m = 1 %}{{ n }}', context, '4');
    expect(context, 'the context object passed to render, after {% set n = n * 2 %}{% set m = 1 %}').toEqual({ n: 2 });
  });

  test('set inside a for updates a variable that exists outside it (as in nunjucks)', { rules: ['S11'], points: 3, hint: 'A set in a loop looks for the frame that already holds the name, walking out; only if none does it create the name in the loop\'s own frame.' }, () => {
    expectRender('{% set total = 0 %}{% for x in xs %}{% set total = total + x %}{% endfor %}{{ total }}', { xs: [1, 2, 3, 4] }, '10');
    expectRender('{% set n = 1 %}{% for a in [1, 2] %}{% for b in [1, 2] %}{% set n = n * 2 %}{% endfor %}{% endfor %}{{ n }}', {}, '16');
    expectRender('{% for a in [1, 2] %}{% set s = a %}{% for b in [5] %}{% set s = s + b %}{% endfor %}{{ s }},{% endfor %}', {}, '6,7,');
  });

  test('a variable first set inside a for stays inside it, even if the context has it', { rules: ['S11', 'S9'] }, () => {
    expectRender('{% for x in xs %}{% set total = total + x %}{{ total }},{% endfor %}{{ total }}', { xs: [1, 2, 3], total: 10 }, '11,13,16,10');
  });

  test('escapes loop items and what loops build', { rules: ['A3'], points: 2 }, () => {
    expectRender('<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>', { items: [XSS, 'ok'] }, `<ul><li>${XSS_ESCAPED}</li><li>ok</li></ul>`);
    expectRender('{% for k, v in d %}{{ k }}={{ v }}{% endfor %}', { d: { '<k>': '"v"' } }, '&lt;k&gt;=&quot;v&quot;');
  });

  test('whitespace control and comments shape the output', { rules: ['W1', 'W2', 'W5'], points: 2 }, () => {
    expectRender('<ul>\n  {%- for x in xs %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>', { xs: [1, 2] }, '<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>');
    expectRender('a  {{- " b " -}}  c {# gone #} d {#- trimmed -#} e', {}, 'a b c  de');
  });

  test('keeps XSS payloads inert through loops and set', { rules: ['A3', 'A7'], points: 2 }, () => {
    const paths = [
      '{% for x in l %}[{{ x }}]{% endfor %}', '{% for k, v in o %}[{{ k }}={{ v }}]{% endfor %}', '{% set v = p %}{{ v }}',
      '{% for x in l %}{{ loop.index }}{{ x|e|truncate(2, true, p) }}{% endfor %}', '{% for x in xs %}{% set t = x ~ p %}{{ t }}{% endfor %}',
      '{% if p %}{{ p }}{% endif %}', '{% for a, b in [[p, p]] %}{{ a }}{{ b }}{% endfor %}', '{% for c in p %}{{ c }}{% endfor %}',
      '{% set total = "" %}{% for x in l %}{% set total = total ~ x %}{% endfor %}{{ total }}',
      ...keeperChains('v').map((expr) => `{% set v = s|e %}{% for x in xs %}{{ ${expr} }}{% endfor %}`),
    ];
    expectInertEverywhere(paths.map((template) => ({ template })));
  });

  test('is gives the test\'s answer as true or false, and is not the opposite', { rules: ['Q1'], points: 2 }, () => {
    expectRender('{{ 3 is odd }}|{{ 3 is not odd }}|{{ 4 is odd }}|{{ 4 is not odd }}', {}, 'true|false|false|true');
    expectRender('{% if n is odd %}odd{% else %}even{% endif %}|{% if n is not odd %}even{% endif %}', { n: 7 }, 'odd|');
    expectRender('{% for n in [1, 2, 3, 4] %}{% if n is even %}{{ n }}{% endif %}{% endfor %}', {}, '24');
  });

  test('defined and undefined tell a missing value from any other; null and none are true for null only', { rules: ['Q3'], points: 2, hint: 'defined: value !== undefined; null and none: value === null. none in a template is null, a missing variable is undefined.' }, () => {
    expectRender('{{ x is defined }}|{{ nope is defined }}|{{ n is defined }}|{{ nope is undefined }}|{{ n is undefined }}|{{ 0 is defined }}', { x: 1, n: null }, 'true|false|true|true|false|true');
    expectRender('{{ n is null }}|{{ n is none }}|{{ nope is none }}|{{ nope is null }}|{{ none is none }}|{{ 0 is none }}|{{ "" is null }}', { n: null }, 'true|true|false|false|true|false|false');
    expectRender('{% if user is defined %}Hi {{ user }}{% else %}Sign in{% endif %}', { user: '<Ann>' }, 'Hi &lt;Ann&gt;');
    expectRender('{% if user is defined %}Hi {{ user }}{% else %}Sign in{% endif %}', {}, 'Sign in');
  });

  test('number, string, callable, iterable, mapping and escaped tell the kind of a value', { rules: ['Q4'], points: 3, hint: 'See the lesson\'s table: a SafeString is a string and escaped, but no mapping; iterable means a Symbol.iterator method; none and undefined are none of these kinds.' }, () => {
    const data = { xs: [1], d: { a: 1 }, f: () => 1, m: new Map(), set: new Set([1]), h: '<b>', n: null };
    expectRender('{{ 5 is number }}|{{ "5" is number }}|{{ nope is number }}|{{ "s" is string }}|{{ 5 is string }}|{{ h|e is string }}|{{ xs is string }}', data, 'true|false|false|true|false|true|false');
    expectRender('{{ f is callable }}|{{ xs is callable }}|{{ nope is callable }}', data, 'true|false|false');
    expectRender('{% macro m() %}{% endmacro %}{{ m is callable }}', {}, 'true');
    expectRender('{{ xs is iterable }}|{{ "ab" is iterable }}|{{ m is iterable }}|{{ set is iterable }}|{{ d is iterable }}|{{ 5 is iterable }}|{{ nope is iterable }}|{{ n is iterable }}', data, 'true|true|true|true|false|false|false|false');
    expectRender('{{ d is mapping }}|{{ m is mapping }}|{{ xs is mapping }}|{{ set is mapping }}|{{ h|e is mapping }}|{{ "s" is mapping }}|{{ n is mapping }}|{{ nope is mapping }}', data, 'true|true|false|false|false|false|false|false');
    expectRender('{{ h is escaped }}|{{ h|e is escaped }}|{{ h|safe is escaped }}|{{ "x" is escaped }}', data, 'false|true|true|false');
  });

  test('odd, even and divisibleby use JavaScript\'s %, so "5" is odd and so is -3', { rules: ['Q5'], points: 2, hint: '-3 % 2 is -1 in JavaScript: odd is a remainder of 1 or -1.' }, () => {
    expectRender('{% for n in [1, 2, 3, 4, 5, 6] %}{{ n }}{% if n is odd %}o{% endif %}{% if n is even %}e{% endif %}{% if n is divisibleby(3) %}!{% endif %} {% endfor %}', {}, '1o 2e 3o! 4e 5o 6e! ');
    expectRender('{{ -3 is odd }}|{{ -4 is even }}|{{ -3 is even }}|{{ "5" is odd }}|{{ 3.5 is odd }}|{{ 3.5 is even }}|{{ nope is odd }}|{{ 0 is even }}', {}, 'true|true|false|true|false|false|false|true');
    expectRender('{{ "6" is divisibleby(3) }}|{{ 7 is divisibleby(2) }}|{{ -9 is divisibleby 3 }}|{{ 10 is divisibleby(n) }}', { n: 5 }, 'true|false|true|true');
  });

  test('eq, ne, lt, gt, le and ge (and their other names) compare the value with their argument', { rules: ['Q6'], points: 2 }, () => {
    const same = [1];
    expectRender('{{ 1 is eq(1) }}|{{ 1 is equalto("1") }}|{{ a is sameas(b) }}|{{ a is sameas(c) }}|{{ 5 is ne(5) }}|{{ 4 is ne(2) }}|{{ 1 is ne("1") }}', { a: same, b: same, c: [1] }, 'true|false|true|false|false|true|true');
    expectRender('{{ 3 is lt(4) }}|{{ 3 is lessthan(3) }}|{{ 3 is gt(2) }}|{{ 3 is greaterthan(3) }}|{{ 3 is le(3) }}|{{ 4 is le(3) }}|{{ 3 is ge(4) }}|{{ 3 is ge(3) }}', {}, 'true|false|true|false|true|false|false|true');
    expectRender('{{ "5" is greaterthan(4) }}|{{ "b" is gt("a") }}|{{ 2 is lt "10" }}', {}, 'true|true|true');
    expectRender('{{ 1 is sameas("1") }}|{{ 1 is eq("1") }}|{{ 0 is sameas(false) }}|{{ none is sameas(nope) }}', {}, 'false|false|false|false');
  });

  test('truthy and falsy give JavaScript\'s truth; lower and upper ask whether text keeps its case', { rules: ['Q7'], points: 2, hint: 'lower: a string (or SafeString) equal to its toLowerCase(); anything that is not text is neither lower nor upper.' }, () => {
    expectRender('{{ 0 is falsy }}|{{ "x" is falsy }}|{{ [] is truthy }}|{{ "" is truthy }}|{{ none is truthy }}|{{ nope is falsy }}|{{ "0" is truthy }}', {}, 'true|false|true|false|false|true|true');
    expectRender('{{ "foobar" is lower }}|{{ "Foobar" is lower }}|{{ "FOOBAR" is upper }}|{{ "Foo" is upper }}|{{ "a1-" is lower }}|{{ "A1-" is upper }}', {}, 'true|false|true|false|true|true');
    expectRender('{{ h|e is lower }}|{{ h|e is upper }}|{{ 5 is lower }}|{{ 5 is upper }}|{{ nope is lower }}|{{ n is upper }}', { h: '<b>', n: null }, 'true|false|false|false|false|false');
    expectRender('{{ big|safe is upper }}|{{ big|safe is lower }}|{{ small|safe is lower }}|{{ small|safe is upper }}', { big: 'AB', small: 'ab' }, 'true|false|true|false');
  });

  test('an unknown test is a TemplateError at compile time, at its name, even in a branch that never runs', { rules: ['Q8'], points: 2, hint: 'Look the name up in env.tests in the compiler, as for filters, with Object.hasOwn.' }, () => {
    for (const [source, at] of [
      ['{{ x is nosuch }}', '1:9'],
      ['{% if false %}\n  {{ x is not defind }}{% endif %}', '2:15'],
      ['{{ x is constructor }}', '1:9'],
      ['{{ x is toString }}', '1:9'],
    ] as const) {
      const error = templateError(`new Environment().fromString(${show(source)}, "page.html")`, () => new Environment().fromString(source, 'page.html'));
      expect(where(error), `where compiling ${show(source)} should fail`).toBe(`page.html:${at}`);
    }
    const error = renderError('{{ x is nosuch }}');
    expect(error.message, 'the error of {{ x is nosuch }} should name the test').toContain('nosuch');
  });

  test('addTest and the tests option add a test or replace one; what it returns counts by its truth', { rules: ['Q9', 'Q1'], points: 2, hint: 'The environment copies builtInTests and the options\' tests into env.tests; addTest adds to it, like addFilter.' }, () => {
    const env = new Environment({ tests: { short: (value: string, n = 3) => value.length <= n } } as EnvironmentOptions);
    env.addTest('prime', (n: number) => [2, 3, 5, 7].includes(n));
    env.addTest('odd', () => 'yes');
    env.addTest('even', () => 0);
    const source = '{{ "ab" is short }}|{{ "abcd" is short }}|{{ "abcd" is short(4) }}|{{ "ab" is short 1 }}|{{ 5 is prime }}|{{ 4 is prime }}|{{ 2 is odd }}|{{ 2 is even }}|{{ 2 is not even }}';
    expect(bounded(`env.renderString(${show(source)})`, () => env.renderString(source)), `env with tests short, prime, odd (returns "yes") and even (returns 0): ${show(source)}`).toBe('true|false|true|false|true|false|true|false|true');
    const replaced = new Environment({ tests: { odd: () => true } } as EnvironmentOptions);
    expect(bounded('renderString("{{ 2 is odd }}")', () => replaced.renderString('{{ 2 is odd }}')), 'new Environment({ tests: { odd: () => true } }) should replace the built-in odd: {{ 2 is odd }}').toBe('true');
  });

  test('a test that throws is a TemplateError at the test, with its line', { rules: ['Q9', 'E3'] }, () => {
    const env = new Environment({ tests: { broken: () => { throw new Error('boom'); } } } as EnvironmentOptions);
    const source = 'a\n{{ x is broken }}';
    const error = templateError(`rendering ${show(source)} with a test "broken" that throws`, () => env.renderString(source));
    expect(error.line, `the line of the error of ${show(source)}`).toBe(2);
  });
});

milestone('inheritance', () => {
  const base = '<title>{% block title %}Site{% endblock %}</title><main>{% block body %}{% endblock %}</main><footer>{% block footer %}(c){% endblock %}</footer>';

  test('a child fills its parent\'s blocks; the rest of the page is the parent\'s', { rules: ['I1'], points: 3 }, () => {
    const files = { 'base.html': base, 'page.html': '{% extends "base.html" %}{% block title %}Home{% endblock %}{% block body %}<p>{{ msg }}</p>{% endblock %}' };
    expectRenderFile(files, 'page.html', { msg: 'hi' }, '<title>Home</title><main><p>hi</p></main><footer>(c)</footer>');
    expectRenderFile({ ...files, 'empty.html': '{% extends "base.html" %}' }, 'empty.html', {}, '<title>Site</title><main></main><footer>(c)</footer>');
  });

  test('text outside blocks in a child is dropped', { rules: ['I2'] }, () => {
    const files = { 'base.html': base, 'page.html': 'before{{ 1 }}{% extends "base.html" %}between{% block body %}B{% endblock %}after{{ 2 }}' };
    expectRenderFile(files, 'page.html', {}, '<title>Site</title><main>B</main><footer>(c)</footer>');
  });

  test('a template without a parent renders its blocks in place', { rules: ['I3'] }, () => {
    expectRenderFile({ 'base.html': base }, 'base.html', {}, '<title>Site</title><main></main><footer>(c)</footer>');
    expectRender('a{% block x %}[{{ n }}]{% endblock %}b', { n: 1 }, 'a[1]b');
  });

  test('a block, a loop or a macro sees no inherited names either: constructor is a name like any other', { rules: ['C14', 'I1', 'I3'], hint: 'The block chain, like the context copy, is made with Object.create(null): `chain.constructor` must not be Object.' }, () => {
    expectRender('{% block constructor %}c{% endblock %}|{% block toString %}t{% endblock %}', {}, 'c|t');
    expectRenderFile({ 'base.html': '[{% block constructor %}base{% endblock %}]', 'page.html': '{% extends "base.html" %}{% block constructor %}child{% endblock %}' }, 'page.html', {}, '[child]');
    expectRender('[{% for x in [1] %}{{ valueOf }}{% endfor %}]{% macro m() %}{{ constructor }}{% endmacro %}[{{ m() }}]{% block b %}[{{ toString }}]{% endblock %}', {}, '[][][]');
  });

  test('super() renders the parent\'s version of the block, as safe HTML, as often as it is called', { rules: ['I4'], points: 2, hint: 'Keep one list of functions per block name, most derived first; super() calls the next one down the list and marks its output safe.' }, () => {
    const files = {
      'base.html': '<nav>{% block nav %}<a href="/">{{ home }}</a>{% endblock %}</nav>',
      'page.html': '{% extends "base.html" %}{% block nav %}{{ super() }}<a href="/more">more</a>{{ super() }}{% endblock %}',
    };
    expectRenderFile(files, 'page.html', { home: '<Home>' }, '<nav><a href="/">&lt;Home&gt;</a><a href="/more">more</a><a href="/">&lt;Home&gt;</a></nav>');
  });

  test('three levels: the most derived block wins, and super() climbs one level at a time', { rules: ['I5'], points: 3 }, () => {
    const files = {
      'base.html': '[{% block body %}base{% endblock %}][{% block side %}base side{% endblock %}][{% block foot %}base foot{% endblock %}]',
      'mid.html': '{% extends "base.html" %}{% block body %}mid+{{ super() }}{% endblock %}{% block side %}mid side{% endblock %}',
      'page.html': '{% extends "mid.html" %}{% block body %}page+{{ super() }}{% endblock %}{% block foot %}{{ super() }}!{% endblock %}',
    };
    expectRenderFile(files, 'page.html', {}, '[page+mid+base][mid side][base foot!]');
  });

  test('the parent\'s name may be any expression', { rules: ['I6'] }, () => {
    const files = { 'base.html': 'B[{% block body %}{% endblock %}]', 'alt.html': 'A[{% block body %}{% endblock %}]', 'page.html': '{% extends layout ~ ".html" %}{% block body %}x{% endblock %}' };
    expectRenderFile(files, 'page.html', { layout: 'base' }, 'B[x]');
    expectRenderFile(files, 'page.html', { layout: 'alt' }, 'A[x]');
  });

  test('the parent sees the child\'s top-level set', { rules: ['I7'] }, () => {
    const files = { 'base.html': '<h1>{{ title }}</h1>{% block body %}{% endblock %}', 'page.html': '{% extends layout %}{% set title = "T<" %}{% block body %}[{{ title }}]{% endblock %}' };
    expectRenderFile(files, 'page.html', { layout: 'base.html' }, '<h1>T&lt;</h1>[T&lt;]');
  });

  test('a block sees the loop variables around the place it fills in the parent', { rules: ['I8'] }, () => {
    const files = { 'list.html': '{% for x in xs %}{% block item %}{{ x }}{% endblock %}{% endfor %}', 'page.html': '{% extends "list.html" %}{% block item %}<b>{{ x }}{{ loop.index }}</b>{% endblock %}' };
    expectRenderFile(files, 'page.html', { xs: ['1', '<2>'] }, '<b>11</b><b>&lt;2&gt;2</b>');
    expectRender('{% for x in [1, 2] %}{% block b %}[{{ x }}]{% endblock %}{% endfor %}', {}, '[1][2]');
  });

  test('a set inside a block stays in the block', { rules: ['S12'] }, () => {
    expectRender('{% set x = 1 %}{% block b %}{% set x = 2 %}{{ x }}{% endblock %}{{ x }}', {}, '21');
    expectRender('{% block b %}{% set y = 2 %}{{ y }}{% endblock %}[{{ y }}]', {}, '2[]');
    const files = { 'base.html': '{% block b %}{% endblock %}[{{ y }}]{% block c %}({{ y }}){% endblock %}', 'page.html': '{% extends "base.html" %}{% block b %}{% set y = "leak" %}{% endblock %}' };
    expectRenderFile(files, 'page.html', {}, '[]()');
  });

  test('super() renders with the variables around the block, not what the child\'s block set or looped over', { rules: ['I9'], points: 2, hint: 'Hand super() the frame the block was called with, not the block\'s own frame: the parent\'s block must not see the child block\'s set or loop variables.' }, () => {
    const files = {
      'base.html': '{% block b %}[{{ x }}|{{ y }}]{% endblock %}',
      'set.html': '{% extends "base.html" %}{% block b %}{% set x = "child" %}{{ x }}{{ super() }}{% endblock %}',
      'loop.html': '{% extends "base.html" %}{% block b %}{% for y in [1] %}{{ super() }}{% endfor %}{% endblock %}',
      'list.html': '{% for x in xs %}{% block item %}({{ x }}){% endblock %}{% endfor %}',
      'item.html': '{% extends "list.html" %}{% block item %}{% set x = 0 %}<{{ super() }}>{% endblock %}',
    };
    expectRenderFile(files, 'set.html', { x: 'ctx' }, 'child[ctx|]');
    expectRenderFile(files, 'loop.html', { y: 'ctx' }, '[|ctx]');
    expectRenderFile(files, 'item.html', { xs: [1, 2] }, '<(1)><(2)>');
  });

  test('super() outside a block, or with no parent block, is a TemplateError', { rules: ['I10', 'E3'] }, () => {
    const outside = templateError('env.fromString("\\n{{ super() }}")', () => new Environment().fromString('\n{{ super() }}'));
    expect(outside.line, 'the line of super() outside a block, found at compile time').toBe(2);
    expect(outside.message, 'the error should name super').toContain('super');
    const files = { 'page.html': '{% block b %}{{ super() }}{% endblock %}' };
    expect(renderFileError(files, 'page.html').message, `${describeFiles(files, 'page.html')}: the error should name super`).toContain('super');
    const later = { 'page.html': 'x\n{% block b %}\n  {{ super() }}{% endblock %}' };
    const error = renderFileError(later, 'page.html');
    expect(`${error.template}:${error.line}`, `${describeFiles(later, 'page.html')}: where the error of super() with no parent block points (rule E3)`).toBe('page.html:3');
    expect(error.column, `${describeFiles(later, 'page.html')}: the error's column, at super()`).toBeGreaterThanOrEqual(6);
  });

  test('keeps XSS payloads inert through blocks and super(), whatever filter the block\'s output goes through', { rules: ['A3', 'A7'], points: 2 }, () => {
    const files = { 'base.html': '{% block b %}aaa {{ p }} ccc{% endblock %}' };
    const templates = [
      '{% extends "base.html" %}{% block b %}{{ p }}{% endblock %}',
      '{% extends "base.html" %}{% block b %}{{ super() }}{{ p }}{% endblock %}',
      ...keeperChains('super()').map((expr) => `{% extends "base.html" %}{% block b %}{{ ${expr} }}{% endblock %}`),
    ];
    expectInertEverywhere(templates.map((template) => ({ template, files })));
  });
});

milestone('macros-and-include', () => {
  const field = '{% macro field(name, value="", type="text") %}<input type="{{ type }}" name="{{ name }}" value="{{ value }}">{% endmacro %}';

  test('a macro takes positional arguments and falls back to its defaults, or undefined', { rules: ['M3'], points: 2 }, () => {
    expectRender(`${field}{{ field("q") }}{{ field("age", 3, "number") }}`, {}, '<input type="text" name="q" value=""><input type="number" name="age" value="3">');
    expectRender('{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m() }}{{ m(1) }}{{ m(1, 2, 3) }}', {}, '[|][1|][1|2]');
    // A default is evaluated at the call, in the macro's scope: it sees the parameters before it.
    expectRender('{% macro m(a, b=a ~ "!") %}{{ b }}{% endmacro %}{{ m("x") }}{{ m("y", "z") }}', { a: 'context' }, 'x!z');
  });

  test('keyword arguments reach macro parameters by name', { rules: ['M4'], points: 2 }, () => {
    expectRender(`${field}{{ field("pw", type="password") }}{{ field(type="hidden", name="t", value=1) }}`, {}, '<input type="password" name="pw" value=""><input type="hidden" name="t" value="1">');
  });

  test('a keyword argument the macro has no parameter for is a TemplateError naming it', { rules: ['M5'], hint: 'rt.call puts keyword arguments at their parameter\'s place; a name that is not a parameter is a mistake to report, not to drop.' }, () => {
    const source = '{% macro m(name) %}{{ name }}{% endmacro %}{{ m(nme="x") }}';
    expect(renderError(source).message, `${describeRender(source)}: the error should name the keyword`).toContain('nme');
  });

  test('a default applies only to a missing argument: 0, "", false and none are kept', { rules: ['M6'], hint: 'Test whether the argument is undefined, not whether it is false: m(0) must see 0.' }, () => {
    expectRender('{% macro m(a=1, b="d") %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(0, "") }}{{ m(false, none) }}{{ m() }}{{ m(a=0, b="") }}', {}, '[0|][false|][1|d][0|]');
  });

  test('macro arguments are escaped inside the macro, and its output is not escaped again', { rules: ['M8'], points: 3, hint: 'The macro\'s body prints its arguments like any {{ }}; the macro returns its output as a SafeString, so the caller prints it as is.' }, () => {
    const box = '{% macro box(body) %}<div>{{ body }}</div>{% endmacro %}';
    expectRender(`${box}{{ box(p) }}|{{ box(box("<i>")) }}|{{ box(p|safe) }}`, { p: XSS }, `<div>${XSS_ESCAPED}</div>|<div><div>&lt;i&gt;</div></div>|<div>${XSS}</div>`);
    expectRender(`${field}{{ field("x", v) }}`, { v: '" onmouseover="alert(1)' }, '<input type="text" name="x" value="&quot; onmouseover=&quot;alert(1)">');
  });

  test('a macro sees its parameters, the context and top-level sets, not the variables where it is called', { rules: ['M7', 'S10'], points: 2 }, () => {
    expectRender('{% macro show() %}[{{ x }}|{{ g }}]{% endmacro %}{% set g = "global" %}{% for x in [1] %}{{ show() }}{% endfor %}', { x: 'ctx' }, '[ctx|global]');
    expectRender('{% macro m(a) %}{{ a }}{{ b }}{% endmacro %}{% for b in [2] %}{{ m(1) }}{% endfor %}', {}, '1');
    expectRender('{% if true %}{% set g = 1 %}{% endif %}{% macro m() %}[{{ g }}]{% endmacro %}{{ m() }}', {}, '[1]');
  });

  test('a macro does not see the loop variables around the place where it is defined either', { rules: ['M7'] }, () => {
    expectRender('{% for x in [1] %}{% macro m() %}[{{ x }}]{% endmacro %}{{ m() }}{% endfor %}', {}, '[]');
    const files = { 'page.html': '{% for x in [1] %}{% set y = 2 %}{% include "m.html" %}{% endfor %}', 'm.html': '{% macro m() %}[{{ x }}|{{ y }}]{% endmacro %}{{ m() }}' };
    expectRenderFile(files, 'page.html', {}, '[|]');
  });

  test('a macro\'s parameter hides the context\'s variable of the same name', { rules: ['C3', 'M3'] }, () => {
    expectRender('{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m(1) }}{{ m() }}{{ m(none) }}', { a: 'ctx' }, '[1][][]');
  });

  test('what a macro sets stays in the macro', { rules: ['S12'] }, () => {
    expectRender('{% macro m(a, b) %}{{ a }}-{{ b }}{% set a = "changed" %}{% endmacro %}{% set a = "kept" %}{{ m(1) }}|{{ m(b=2, a=1) }}|{{ a }}', {}, '1-|1-2|kept');
    expectRender('{% macro m() %}{% set y = 2 %}{{ y }}{% endmacro %}{{ m() }}[{{ y }}]{{ m() }}[{{ y }}]', {}, '2[]2[]');
  });

  test('include renders another template with the includer\'s variables, loop ones too', { rules: ['M1', 'S10'], points: 3 }, () => {
    const files = {
      'page.html': '<ul>{% set sep = ". " %}{% for item in items %}{% include "item.html" %}{% endfor %}</ul>',
      'item.html': '<li>{{ loop.index }}{{ sep }}{{ item }}</li>',
    };
    expectRenderFile(files, 'page.html', { items: ['one', XSS] }, `<ul><li>1. one</li><li>2. ${XSS_ESCAPED}</li></ul>`);
  });

  test('what an included template sets stays in it', { rules: ['S12'] }, () => {
    const files = { 'page.html': '{% set x = 1 %}{% include "inc.html" %}|{{ x }}|{{ y }}|{% for i in [1] %}{% include "inc.html" %}{{ x }}{{ y }}{% endfor %}', 'inc.html': '{% set x = 2 %}{% set y = 3 %}{{ x }}{{ y }}' };
    expectRenderFile(files, 'page.html', {}, '23|1||231');
  });

  test('include takes its name from any expression, and includes nest', { rules: ['M2'] }, () => {
    const files = { 'page.html': '{% include which %}|{% include "nested.html" %}|{% include "a" ~ ".html" %}', 'a.html': 'A:{{ who }}', 'nested.html': 'N({% include "a.html" %})' };
    expectRenderFile(files, 'page.html', { which: 'a.html', who: '<w>' }, 'A:&lt;w&gt;|N(A:&lt;w&gt;)|A:&lt;w&gt;');
  });

  test('calling something undefined names it, with the line', { rules: ['C11', 'E3'] }, () => {
    const source = '{% macro m() %}{% endmacro %}\n{{ n() }}';
    const error = renderError(source);
    expect(error.line, `${describeRender(source)}: the error's line`).toBe(2);
    expect(error.message, 'the error should name the callee').toMatch(/\bn\b/);
  });

  test('keeps XSS payloads inert through macros, their output through every filter that keeps it safe, and includes', { rules: ['A3', 'A7', 'M8'], points: 2 }, () => {
    const macro = '{% macro m(a) %}aaa {{ a }} ccc{% endmacro %}';
    const templates = [
      `${macro}{{ m(p) }}`, `${macro}{{ m(m(p)) }}`, '{% macro n(a=p) %}{{ a }}{% endmacro %}{{ n() }}', '{% macro k(a) %}{{ a }}{% endmacro %}{{ k(a=p) }}',
      ...keeperChains('m(p)').map((expr) => `${macro}{{ ${expr} }}`),
      ...keeperChains('m()').map((expr) => `${macro}{{ ${expr} }}`),
    ];
    expectInertEverywhere(templates.map((template) => ({ template })));
    const files = { 'i.html': '[{{ p }}]', 'j.html': '{{ x }}{{ x|e|replace("a", p) }}' };
    expectInertEverywhere(['{% include "i.html" %}', '{% for x in l %}{% include "j.html" %}{% endfor %}'].map((template) => ({ template, files })));
  });

  const forms = `${field}{% macro button(label) %}<button>{{ label }}</button>{% endmacro %}{% set version = "v2" %}forms.html prints this, never shown`;

  test('import binds a name to what the imported template\'s top level defined: macros and set variables', { rules: ['M9'], points: 3, hint: 'Render the imported template with a fresh context (renderWith), drop its output, and return the names its top level put on that context.' }, () => {
    const files = { 'forms.html': forms, 'page.html': '{% import "forms.html" as forms %}{{ forms.field("q") }}{{ forms.button("Go") }}|{{ forms.version }}|{{ forms.nope }}|{{ forms.field("pw", type="password") }}' };
    expectRenderFile(files, 'page.html', {}, '<input type="text" name="q" value=""><button>Go</button>|v2||<input type="password" name="pw" value="">');
    // Only what its top level defined: not the globals, nor (with context) the importer's variables.
    const only = { 'forms.html': forms, 'page.html': '{% import "forms.html" as f %}[{{ f.range }}][{{ f.user }}]{% import "forms.html" as g with context %}[{{ g.range }}][{{ g.user }}]' };
    expectRenderFile(only, 'page.html', { user: 'ada' }, '[][][][]');
    const twice = { 'forms.html': forms, 'page.html': '{% import "forms.html" as a %}{% import "forms.html" as b %}{{ a.button(1) }}{{ b.button(2) }}{% set which = "forms.html" %}{% import which as c %}{{ c.version }}' };
    expectRenderFile(twice, 'page.html', {}, '<button>1</button><button>2</button>v2');
  });

  test('from ... import binds each name, or the name after as', { rules: ['M10'], points: 3 }, () => {
    const files = { 'forms.html': forms, 'page.html': '{% from "forms.html" import field, button as btn, version %}{{ field("q") }}{{ btn("Go") }}{{ version }}[{{ button }}]' };
    expectRenderFile(files, 'page.html', {}, '<input type="text" name="q" value=""><button>Go</button>v2[]');
    const calls = { 'm.html': '{% macro a() %}A{{ b() }}{% endmacro %}{% macro b() %}B{% endmacro %}', 'page.html': '{% from "m.html" import a %}{{ a() }}[{{ b }}]' };
    expectRenderFile(calls, 'page.html', {}, 'AB[]');
  });

  test('imported names are bound like a set in the same place: blocks, macros and includes see top-level imports', { rules: ['M11'], points: 2 }, () => {
    const files = {
      'forms.html': forms,
      'base.html': '<main>{% block body %}{% endblock %}</main>',
      'inc.html': '{{ f.button("inc") }}',
      'page.html': '{% extends "base.html" %}{% import "forms.html" as f %}{% from "forms.html" import button %}{% macro m() %}{{ f.button("m") }}{% endmacro %}{% block body %}{{ button("b") }}{{ m() }}{% include "inc.html" %}{% endblock %}',
    };
    expectRenderFile(files, 'page.html', {}, '<main><button>b</button><button>m</button><button>inc</button></main>');
    const local = { 'forms.html': forms, 'page.html': '{% macro m() %}{% import "forms.html" as g %}{{ g.button(1) }}{% endmacro %}{{ m() }}[{{ g }}]{% for i in [2] %}{% from "forms.html" import button %}{{ button(i) }}{% endfor %}[{{ button }}]' };
    expectRenderFile(local, 'page.html', {}, '<button>1</button>[]<button>2</button>[]');
  });

  test('an imported template does not see the importer\'s variables, unless the tag says with context', { rules: ['M12'], points: 3, hint: 'Without context the imported template renders with a context of its own; with context, with one made by Object.create on top of the importer\'s.' }, () => {
    const files = {
      'who.html': '{% macro who() %}[{{ user }}]{% endmacro %}{% set seen = user %}',
      'page.html': '{% import "who.html" as a %}{{ a.who() }}{{ a.seen }}|{% import "who.html" as b with context %}{{ b.who() }}{{ b.seen }}|{% from "who.html" import who with context %}{{ who() }}|{% from "who.html" import who as w without context %}{{ w() }}|{{ user }}',
    };
    expectRenderFile(files, 'page.html', { user: '<bob>' }, '[]|[&lt;bob&gt;]&lt;bob&gt;|[&lt;bob&gt;]|[]|&lt;bob&gt;');
    const setFirst = { 'who.html': '{% macro who() %}[{{ user }}]{% endmacro %}{% set user = "mine" %}', 'page.html': '{% set user = "top" %}{% from "who.html" import who with context %}{{ who() }}{{ user }}' };
    expectRenderFile(setFirst, 'page.html', {}, '[mine]top');
    // The import's own set lands in its own context: the importer's variable, from the data, stays.
    const fromData = { 'who.html': '{% set user = "mine" %}', 'page.html': '{% import "who.html" as w with context %}{{ user }}|{{ w.user }}' };
    expectRenderFile(fromData, 'page.html', { user: 'data' }, 'data|mine');
  });

  test('importing with from a name the template does not define is a TemplateError naming it, at the import', { rules: ['M13'], points: 2, hint: 'Check each name against the names the imported template defined (Object.hasOwn), and fail at the position of the {% of the from tag.' }, () => {
    const files = { 'forms.html': forms, 'page.html': 'x\n  {% from "forms.html" import field, nosuch %}' };
    const error = renderFileError(files, 'page.html');
    expect(where(error), `where rendering ${describeFiles(files, 'page.html')} should fail`).toBe('page.html:2:3');
    expect(error.message, 'the error should name the missing name').toContain('nosuch');
    const inherited = { 'forms.html': forms, 'page.html': '{% from "forms.html" import constructor %}' };
    expect(renderFileError(inherited, 'page.html').message, `rendering ${describeFiles(inherited, 'page.html')}: the error should name constructor`).toContain('constructor');
    const fromContext = { 'forms.html': forms, 'page.html': '{% from "forms.html" import user with context %}' };
    expect(renderFileError(fromContext, 'page.html', { user: 'u' }).message, `rendering ${describeFiles(fromContext, 'page.html', { user: 'u' })}: the importer\'s variables are not the imported template\'s names`).toContain('user');
  });

  test('keeps XSS payloads inert through imported macros, escaped exactly once', { rules: ['M8', 'A3'], points: 2 }, () => {
    const lib = '{% macro box(a) %}aaa {{ a }} ccc{% endmacro %}{% macro deflt(a=p) %}{{ a }}{% endmacro %}';
    const files = { 'lib.html': lib, 'ctx.html': '{% macro show() %}{{ p }}{% endmacro %}' };
    const templates = [
      '{% import "lib.html" as lib %}{{ lib.box(p) }}', '{% from "lib.html" import box %}{{ box(box(p)) }}', '{% from "lib.html" import box as b %}{{ b(a=p) }}',
      '{% from "ctx.html" import show with context %}{{ show() }}', '{% import "lib.html" as lib %}{{ lib.box(p)|replace("a", p) }}',
      '{% from "lib.html" import deflt with context %}{{ deflt() }}', '{% import "lib.html" as lib %}{% for x in l %}{{ lib.box(x) }}{% endfor %}',
    ];
    expectInertEverywhere(templates.map((template) => ({ template, files })));
    const page = { 'lib.html': lib, 'page.html': '{% from "lib.html" import box %}{{ box(p) }}|{{ box(box("<i>")) }}|{{ box(p|safe) }}' };
    expectRenderFile(page, 'page.html', { p: XSS }, `aaa ${XSS_ESCAPED} ccc|aaa aaa &lt;i&gt; ccc ccc|aaa ${XSS} ccc`);
  });
});
