// Hidden tests for lab 6, the tags: if, for and set with their scoping, whitespace control,
// inheritance (extends, block, super), macros and include, with XSS payloads through loop items,
// macro arguments and included templates. Expected outputs are nunjucks's, written out by hand.
import { expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import { render, renderFile, templateError } from './helpers.ts';

const XSS = `<script>alert('x')</script>`;
const XSS_ESCAPED = '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;';

milestone('control-flow', () => {
  test('if, elif and else: the first true branch runs, else when none is', { points: 2 }, () => {
    const source = '{% if n > 10 %}big{% elif n > 5 %}medium{% elif n > 0 %}small{% else %}none{% endif %}';
    expect([12, 7, 1, 0].map((n) => render(source, { n }))).toEqual(['big', 'medium', 'small', 'none']);
    expect(render('{% if n %}yes{% endif %}|', { n: 0 })).toBe('|');
  });

  test('truthiness is JavaScript\'s: [] and {} are true; 0, "", none and undefined are false', {
    hint: 'Compile the test to a plain JavaScript condition, as nunjucks does; Jinja2 (Python) would call [] false: see the lesson\'s table.',
  }, () => {
    expect(render('{% if [] %}A{% endif %}{% if {} %}B{% endif %}{% if 0 %}C{% endif %}{% if "" %}D{% endif %}{% if none %}E{% endif %}{% if nope %}F{% endif %}{% if "0" %}G{% endif %}')).toBe(
      'ABG',
    );
  });

  test('for walks a list; loop tells index, index0, revindex, revindex0, first, last, length', { points: 3 }, () => {
    const out = render(
      '{% for x in xs %}{{ x }}:{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ "F" if loop.first }}{{ "L" if loop.last }}/{{ loop.length }} {% endfor %}',
      { xs: ['a', 'b', 'c'] },
    );
    expect(out).toBe('a:1032F/3 b:2121/3 c:3210L/3 ');
  });

  test('for ... else runs the else body when there is nothing to walk', { points: 2 }, () => {
    const source = '{% for x in xs %}{{ x }}{% else %}empty{% endfor %}';
    expect([[], null, undefined, 0].map((xs) => render(source, { xs }))).toEqual(['empty', 'empty', 'empty', 'empty']);
    expect(render(source, { xs: [1, 2] })).toBe('12');
  });

  test('for unpacks pairs into several names, and walks an object as key, value', { points: 2 }, () => {
    expect(render('{% for name, score in scores %}{{ name }}={{ score }} {% endfor %}', { scores: [['ann', 3], ['bob', 5]] })).toBe('ann=3 bob=5 ');
    expect(render('{% for k, v in d %}{{ k }}:{{ v }};{% endfor %}', { d: { x: 1, y: 2 } })).toBe('x:1;y:2;');
    expect(render('{% for k in d %}{{ k }}{% else %}one name walks no object{% endfor %}', { d: { x: 1 } })).toBe('one name walks no object');
  });

  test('for walks a string by character', {}, () => {
    expect(render('{% for c in word %}[{{ c }}]{% endfor %}', { word: 'héllo' })).toBe('[h][é][l][l][o]');
  });

  test('nested loops: loop is the innermost one, and outer names stay visible', {}, () => {
    const out = render('{% for row in grid %}{% for cell in row %}{{ row|length }}{{ loop.index }}{{ cell }} {% endfor %}| {% endfor %}', { grid: [['a', 'b'], ['c']] });
    expect(out).toBe('21a 22b | 11c | ');
  });

  test('loop names are gone after the loop', {}, () => {
    expect(render('{% for x in [1, 2] %}{% endfor %}[{{ x }}][{{ loop }}]', { x: 'outer' })).toBe('[outer][]');
  });

  test('set at the top level defines a variable; set inside an if does too', { points: 2 }, () => {
    expect(render('{% set name = "Ann" %}{% set greeting = "Hi " ~ name %}{{ greeting }}')).toBe('Hi Ann');
    expect(render('{% set x = "outer" %}{% if true %}{% set x = "inner" %}{% set y = 1 %}{% endif %}{{ x }}{{ y }}')).toBe('inner1');
  });

  test('set writes to the render\'s own copy of the context, never to the caller\'s object', {}, () => {
    const context = { n: 2 };
    expect(render('{% set n = n * 2 %}{{ n }}', context)).toBe('4');
    expect(context).toEqual({ n: 2 });
  });

  test('set inside a for updates a variable that exists outside it (as in nunjucks)', { points: 3, hint: 'A set in a loop looks for the frame that already holds the name, walking out; only if none does it create the name in the loop\'s own frame.' }, () => {
    expect(render('{% set total = 0 %}{% for x in xs %}{% set total = total + x %}{% endfor %}{{ total }}', { xs: [1, 2, 3, 4] })).toBe('10');
    expect(render('{% set n = 1 %}{% for a in [1, 2] %}{% for b in [1, 2] %}{% set n = n * 2 %}{% endfor %}{% endfor %}{{ n }}')).toBe('16');
  });

  test('a variable first set inside a for stays inside it', {}, () => {
    expect(render('{% for x in xs %}{% set last = x %}{{ last }}{% endfor %}[{{ last }}]', { xs: [1, 2] })).toBe('12[]');
    expect(render('{% for x in xs %}{% set total = total + x %}{{ total }},{% endfor %}{{ total }}', { xs: [1, 2, 3], total: 10 })).toBe('11,13,16,10');
  });

  test('escapes loop items and loop-built strings', { points: 2 }, () => {
    expect(render('<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>', { items: [XSS, 'ok'] })).toBe(`<ul><li>${XSS_ESCAPED}</li><li>ok</li></ul>`);
    expect(render('{% for k, v in d %}{{ k }}={{ v }}{% endfor %}', { d: { '<k>': '"v"' } })).toBe('&lt;k&gt;=&quot;v&quot;');
  });

  test('whitespace control and comments shape the output', { points: 2 }, () => {
    expect(render('<ul>\n  {%- for x in xs %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>', { xs: [1, 2] })).toBe('<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>');
    expect(render('a  {{- " b " -}}  c {# gone #} d {#- trimmed -#} e')).toBe('a b c  de');
  });
});

milestone('inheritance', () => {
  const base = '<title>{% block title %}Site{% endblock %}</title><main>{% block body %}{% endblock %}</main><footer>{% block footer %}(c){% endblock %}</footer>';

  test('a child fills its parent\'s blocks; the rest of the page is the parent\'s', { points: 3 }, () => {
    const files = { 'base.html': base, 'page.html': '{% extends "base.html" %}{% block title %}Home{% endblock %}{% block body %}<p>{{ msg }}</p>{% endblock %}' };
    expect(renderFile(files, 'page.html', { msg: 'hi' })).toBe('<title>Home</title><main><p>hi</p></main><footer>(c)</footer>');
  });

  test('text outside blocks in a child is dropped', {}, () => {
    const files = { 'base.html': base, 'page.html': 'before{% extends "base.html" %}between{% block body %}B{% endblock %}after' };
    expect(renderFile(files, 'page.html')).toBe('<title>Site</title><main>B</main><footer>(c)</footer>');
  });

  test('a template without a parent renders its blocks in place', {}, () => {
    expect(renderFile({ 'base.html': base }, 'base.html')).toBe('<title>Site</title><main></main><footer>(c)</footer>');
  });

  test('super() renders the parent\'s version of the block, as safe HTML', { points: 2, hint: 'Keep one list of functions per block name, most derived first; super() calls the next one down the list and marks its output safe.' }, () => {
    const files = {
      'base.html': '<nav>{% block nav %}<a href="/">{{ home }}</a>{% endblock %}</nav>',
      'page.html': '{% extends "base.html" %}{% block nav %}{{ super() }}<a href="/more">more</a>{{ super() }}{% endblock %}',
    };
    expect(renderFile(files, 'page.html', { home: '<Home>' })).toBe('<nav><a href="/">&lt;Home&gt;</a><a href="/more">more</a><a href="/">&lt;Home&gt;</a></nav>');
  });

  test('three levels: the most derived block wins, and super() climbs one level at a time', { points: 3 }, () => {
    const files = {
      'base.html': '[{% block body %}base{% endblock %}][{% block side %}base side{% endblock %}][{% block foot %}base foot{% endblock %}]',
      'mid.html': '{% extends "base.html" %}{% block body %}mid+{{ super() }}{% endblock %}{% block side %}mid side{% endblock %}',
      'page.html': '{% extends "mid.html" %}{% block body %}page+{{ super() }}{% endblock %}',
    };
    expect(renderFile(files, 'page.html')).toBe('[page+mid+base][mid side][base foot]');
  });

  test('the parent sees the child\'s top-level set, and the parent\'s name may be a variable', {}, () => {
    const files = { 'base.html': '<h1>{{ title }}</h1>{% block body %}{% endblock %}', 'page.html': '{% extends layout %}{% set title = "T<" %}{% block body %}[{{ title }}]{% endblock %}' };
    expect(renderFile(files, 'page.html', { layout: 'base.html' })).toBe('<h1>T&lt;</h1>[T&lt;]');
  });

  test('a block sees the loop variables around it in the parent', {}, () => {
    const files = { 'list.html': '{% for x in xs %}{% block item %}{{ x }}{% endblock %}{% endfor %}', 'page.html': '{% extends "list.html" %}{% block item %}<b>{{ x }}</b>{% endblock %}' };
    expect(renderFile(files, 'page.html', { xs: ['1', '<2>'] })).toBe('<b>1</b><b>&lt;2&gt;</b>');
  });

  test('a set inside a block stays in the block', {}, () => {
    expect(render('{% set x = 1 %}{% block b %}{% set x = 2 %}{{ x }}{% endblock %}{{ x }}')).toBe('21');
  });

  test('super() outside a block, or with no parent block, is a TemplateError', {}, () => {
    const outside = templateError('env.fromString()', () => render('\n{{ super() }}'));
    expect(outside.line).toBe(2);
    expect(outside.message).toContain('super');
    const orphan = templateError('env.render()', () => renderFile({ 'page.html': '{% block b %}{{ super() }}{% endblock %}' }, 'page.html'));
    expect(orphan.message).toContain('super');
  });
});

milestone('macros-and-include', () => {
  const field = '{% macro field(name, value="", type="text") %}<input type="{{ type }}" name="{{ name }}" value="{{ value }}">{% endmacro %}';

  test('a macro takes positional arguments and falls back to its defaults', { points: 2 }, () => {
    expect(render(`${field}{{ field("q") }}{{ field("age", 3, "number") }}`)).toBe(
      '<input type="text" name="q" value=""><input type="number" name="age" value="3">',
    );
  });

  test('keyword arguments reach macro parameters by name', { points: 2 }, () => {
    expect(render(`${field}{{ field("pw", type="password") }}{{ field(type="hidden", name="t", value=1) }}`)).toBe(
      '<input type="password" name="pw" value=""><input type="hidden" name="t" value="1">',
    );
  });

  test('macro arguments are escaped inside the macro, and its output is not escaped again', { points: 3, hint: 'The macro\'s body prints its arguments like any {{ }}; the macro returns its output as a SafeString, so the caller prints it as is.' }, () => {
    const box = '{% macro box(body) %}<div>{{ body }}</div>{% endmacro %}';
    expect(render(`${box}{{ box(p) }}|{{ box(box("<i>")) }}|{{ box(p|safe) }}`, { p: XSS })).toBe(
      `<div>${XSS_ESCAPED}</div>|<div><div>&lt;i&gt;</div></div>|<div>${XSS}</div>`,
    );
    expect(render(`${field}{{ field("x", v) }}`, { v: '" onmouseover="alert(1)' })).toBe('<input type="text" name="x" value="&quot; onmouseover=&quot;alert(1)">');
  });

  test('a macro sees the context and top-level sets, not the loop variables where it is called', { points: 2 }, () => {
    expect(render('{% macro show() %}[{{ x }}|{{ g }}]{% endmacro %}{% set g = "global" %}{% for x in [1] %}{{ show() }}{% endfor %}', { x: 'ctx' })).toBe(
      '[ctx|global]',
    );
  });

  test('what a macro sets stays in the macro; missing arguments are undefined', {}, () => {
    expect(render('{% macro m(a, b) %}{{ a }}-{{ b }}{% set a = "changed" %}{% endmacro %}{% set a = "kept" %}{{ m(1) }}|{{ m(b=2, a=1) }}|{{ a }}')).toBe(
      '1-|1-2|kept',
    );
  });

  test('include renders another template with the includer\'s variables, loop ones too', { points: 3 }, () => {
    const files = {
      'page.html': '<ul>{% set sep = ". " %}{% for item in items %}{% include "item.html" %}{% endfor %}</ul>',
      'item.html': '<li>{{ loop.index }}{{ sep }}{{ item }}</li>',
    };
    expect(renderFile(files, 'page.html', { items: ['one', XSS] })).toBe(`<ul><li>1. one</li><li>2. ${XSS_ESCAPED}</li></ul>`);
  });

  test('what an included template sets stays in it', {}, () => {
    const files = { 'page.html': '{% set x = 1 %}{% include "inc.html" %}|{{ x }}|{{ y }}', 'inc.html': '{% set x = 2 %}{% set y = 3 %}{{ x }}{{ y }}' };
    expect(renderFile(files, 'page.html')).toBe('23|1|');
  });

  test('include takes its name from any expression, and includes nest', {}, () => {
    const files = { 'page.html': '{% include which %}|{% include "nested.html" %}', 'a.html': 'A:{{ who }}', 'nested.html': 'N({% include "a.html" %})' };
    expect(renderFile(files, 'page.html', { which: 'a.html', who: '<w>' })).toBe('A:&lt;w&gt;|N(A:&lt;w&gt;)');
  });

  test('calling something undefined names it, with the line', {}, () => {
    const error = templateError('env.renderString()', () => render('{% macro m() %}{% endmacro %}\n{{ n() }}'));
    expect(error.line).toBe(2);
    expect(error.message).toContain('n');
  });
});
