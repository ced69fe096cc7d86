// Hidden tests for lab 6, the tags: if, for and set with their scoping, whitespace control,
// inheritance (extends, block, super), macros and include, with XSS payloads through loop items,
// blocks, macro arguments and included templates. Expected outputs are nunjucks's, written out by
// hand, except where the lesson says the engine parts from nunjucks on purpose (rules A7, M5).
// Every failure shows the template, the templates it loads, and the data.
import { expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import { describeFiles, describeRender, expectRender, expectRenderFile, renderError, renderFileError, templateError } from './helpers.ts';
import { expectInertEverywhere, keeperChains } from './xss.ts';
import { Environment } from '@lab/templates';

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
});
