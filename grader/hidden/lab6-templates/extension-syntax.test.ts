// Hidden tests for lab 6's extension milestones on nunjucks's own syntax: the tags and the
// expressions that nunjucks has beyond the core (asyncEach, asyncAll, switch, `set a, b =`,
// `include ... ignore missing`, regular expression literals, `===`, `null`). Expected outputs are
// nunjucks 3.2.4's, except where the lesson's "Extensions (optional)" section says otherwise. Every
// failure shows the template, its data (and the templates it loads) and both outputs.
import { expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import { describeRender, expectRender, expectRenderFile, render, renderError, renderFileError, where } from './helpers.ts';
import { markSafe } from '@lab/templates';

milestone('nunjucks-tags', () => {
  test('asyncEach and asyncAll loop as for does: targets, loop, else', { rules: ['NT1'], points: 3, hint: 'Parse {% asyncEach %} and {% asyncAll %} as for loops whose end tags are endeach and endall; nothing else changes.' }, () => {
    const context = { xs: [7, 3, 6], pairs: [[1, 2], [3, 4]], d: { one: 1, two: 2 }, none: [] };
    for (const [tag, end] of [['asyncEach', 'endeach'], ['asyncAll', 'endall']]) {
      expectRender(`{% ${tag} x in xs %}{{ x }}:{{ loop.index }}{{ loop.revindex0 }}{{ "F" if loop.first }}{{ "L" if loop.last }}/{{ loop.length }};{% ${end} %}`, context, '7:12F/3;3:21/3;6:30L/3;');
      expectRender(`{% ${tag} a, b in pairs %}[{{ a }},{{ b }}]{% ${end} %}|{% ${tag} k, v in d %}{{ k }}={{ v }};{% ${end} %}|{% ${tag} x in none %}x{% else %}empty{% ${end} %}|{% ${tag} x in missing %}x{% ${end} %}`, context, '[1,2][3,4]|one=1;two=2;|empty|');
    }
  });

  test('asyncEach and asyncAll share for\'s scoping and nest', { rules: ['NT1'] }, () => {
    expectRender('{% set t = 0 %}{% asyncAll x in [1, 2] %}{% asyncEach y in [10, 20] %}{% set t = t + x * y %}{% endeach %}{% endall %}{{ t }}|{{ x }}', {}, '90|');
  });

  test('each async loop needs its own end tag', { rules: ['NT1'] }, () => {
    for (const source of ['{% asyncEach x in xs %}{{ x }}{% endfor %}', '{% asyncAll x in xs %}{{ x }}{% endeach %}', '{% for x in xs %}{{ x }}{% endall %}', '{% asyncEach x in xs %}{{ x }}']) renderError(source, { xs: [1] });
  });

  test('for walks a Set, a Map and a generator in their own order', { rules: ['NT2'], points: 2, hint: 'In rt.iterable, before treating a value as an object: an object with a Symbol.iterator method is walked as Array.from(value) gives it.' }, () => {
    const context = { set: new Set([3, 1, 2]), map: new Map<unknown, unknown>([['b', 1], [2, '<a>']]), empty: new Set(), gen: (function* () { yield 'x'; yield 'y'; })() };
    expectRender('{% for i in set %}{{ i }}{{ loop.length }};{% endfor %}|{% for k, v in map %}{{ k }}={{ v }};{% endfor %}|{% for e in map %}{{ e }};{% endfor %}|{% for i in empty %}x{% else %}none{% endfor %}|{% for g in gen %}{{ g }}{% endfor %}', context, '33;13;23;|b=1;2=&lt;a&gt;;|b,1;2,&lt;a&gt;;|none|xy');
  });

  test('switch runs the first case that is === to the value, else default', { rules: ['NT3'], points: 3, hint: 'Compile {% switch %} to JavaScript\'s own switch statement: its cases compare with ===, and each case with a body ends with break.' }, () => {
    const source = '{% switch x %}{% case 1 %}one{% case "1" %}text{% case y %}y{% case 1 %}again{% default %}other{% endswitch %}';
    for (const [x, expected] of [[1, 'one'], ['1', 'text'], [5, 'y'], [true, 'other'], [undefined, 'other']] as const) {
      expectRender(source, { x, y: 5 }, expected);
    }
    expectRender('[{% switch x %}{% case 1 %}one{% endswitch %}]', { x: 2 }, '[]');
    expectRender('{% switch x|length %}\n  {% case 2 %}{{ x|upper }}{% set z = "set" %}{% default %}d{% endswitch %}|{{ z }}', { x: 'ab' }, 'AB|set');
  });

  test('a switch without endswitch, or a case after default, is an error', { rules: ['NT3'] }, () => {
    for (const source of ['{% switch x %}{% case 1 %}a', '{% switch x %}{% default %}d{% case 1 %}a{% endswitch %}', '{% case 1 %}']) renderError(source, { x: 1 });
  });

  test('a case with an empty body falls through to the next body', { rules: ['NT4'], points: 2, hint: 'No break after a case whose body has no nodes: JavaScript then runs on into the next case, as nunjucks does. A space is a text node, so a case holding one is not empty.' }, () => {
    const source = '{% switch ext %}{% case "jpg" %}{% case "png" %}image{% case "txt" %}text{% case "gz" %}{% default %}file{% endswitch %}';
    for (const [ext, expected] of [['jpg', 'image'], ['png', 'image'], ['txt', 'text'], ['gz', 'file'], ['doc', 'file']]) expectRender(source, { ext }, expected);
    expectRender('[{% switch 1 %}{% case 1 %} {% case 2 %}two{% endswitch %}]', {}, '[ ]');
  });

  test('a set block with several names gives each the same output, rendered once', { rules: ['NT5'] }, () => {
    let calls = 0;
    const next = () => (calls += 1);
    expectRender('{% set x, y, z %}cool{{ next() }}{% endset %}{{ x }} {{ y }} {{ z }}', { next }, 'cool1 cool1 cool1');
    expect(calls, 'the body of {% set x, y, z %} should be rendered once').toBe(1);
    expectRender('{% set a, b %}<b>{{ t }}</b>{% endset %}{{ a }}|{{ b }}', { t: '<i>' }, '<b>&lt;i&gt;</b>|<b>&lt;i&gt;</b>');
  });

  test('set with several names gives each the same value, once', { rules: ['NT5'], points: 2, hint: 'Evaluate the value once into a variable of the generated code, then rt.assign each name in turn, as a set of one name would.' }, () => {
    let calls = 0;
    const next = () => (calls += 1);
    expectRender('{% set a, b, c = [1, 2] %}{{ a }}|{{ b }}|{{ c }}|{% set n, m = next() %}{{ n }}{{ m }}', { next }, '1,2|1,2|1,2|11');
    expect(calls, 'next() should be called once for {% set n, m = next() %}').toBe(1);
    expectRender('{% set a, b = 0 %}{% for i in [1, 2] %}{% set a, c = a + i %}{% endfor %}{{ a }}{{ b }}[{{ c }}]', {}, '30[]');
  });

  test('include ... ignore missing renders nothing for a template the loader does not have', { rules: ['NT6'], points: 2 }, () => {
    const files = { 'page.html': '<{% include "nope.html" ignore missing %}|{% include "item.html" ignore missing %}|{% include name ignore missing %}>', 'item.html': '{{ x }}!' };
    expectRenderFile(files, 'page.html', { x: 1, name: 'gone.html' }, '<|1!|>');
  });

  test('include ... ignore missing still fails for a template that exists but is broken', { rules: ['NT6'] }, () => {
    const error = renderFileError({ 'page.html': 'a{% include "bad.html" ignore missing %}', 'bad.html': 'x\n{{ 1 + }}' }, 'page.html');
    expect(where(error), 'the error should point into bad.html, at the }} where a value should be').toBe('bad.html:2:8');
    renderFileError({ 'page.html': 'a{% include "nope.html" %}' }, 'page.html');
  });

  test('two blocks of the same name in one template are an error at the second block\'s name', { rules: ['NT7'], points: 2 }, () => {
    const error = renderError('{% block a %}1{% endblock %}\n{% block b %}{% block a %}2{% endblock %}{% endblock %}');
    expect(where(error), 'the error should point at the name of the second block a').toBe('<string>:2:23');
    renderFileError({ 'child.html': '{% extends "base.html" %}{% block t %}{% endblock %}{% block t %}{% endblock %}', 'base.html': '{% block t %}{% endblock %}' }, 'child.html');
    expectRender('{% for i in [1, 2] %}{% block a %}{{ i }}{% endblock %}{% endfor %}', {}, '12');
  });
});

milestone('nunjucks-expressions', () => {
  test('=== and !== compare strictly; == and != stay loose', { rules: ['NE1'], points: 2, hint: 'Add === and !== to the lexer\'s operators before == and != (the longest first), and to the comparison operators of the parser.' }, () => {
    expectRender('{{ 1 === 1 }} {{ 1 === "1" }} {{ 1 !== "1" }} {{ 1 == "1" }} {{ 0 != false }} {{ 0 !== false }} {{ none === missing }} {{ x === "a" and 1 !== 2 }}', { x: 'a' }, 'true false true true false true false true');
    expectRender('{% if "0" === 0 %}yes{% else %}no{% endif %}|{{ 1 + 1 === 2 }}', {}, 'no|true');
  });

  test('null is a literal, as none is', { rules: ['NE2'], points: 1 }, () => {
    expectRender('{{ null is none }}|{{ null is null }}|[{{ null }}]|{{ null === none }}|{{ null ~ "" }}', { null: 'shadowed' }, 'true|true|[]|true|null');
  });

  test('r/pattern/flags is a regular expression, printed as JavaScript writes it', { rules: ['NE3'], points: 2, hint: 'In the lexer, r followed by / starts a regex token: the pattern runs to the next / that no backslash escapes, then come the flag letters. The compiler writes new RegExp(pattern, flags).' }, () => {
    expectRender('{{ r/x/gi }}|{{ r/a\\/b [0-9]+/ }}|{{ r/<b>/ }}|{{ r / 2 }}', { r: 8 }, '/x/gi|/a\\/b [0-9]+/|/&lt;b&gt;/|4');
    const seen: unknown[] = [];
    render('{{ f(r/a.c/m) }}{{ f(r/a.c/m) }}', { f: (value: unknown) => seen.push(value) });
    expect(seen.every((value) => value instanceof RegExp), `{{ f(r/a.c/m) }} should pass f a RegExp, got ${seen.map(String).join(', ')}`).toBe(true);
    expect((seen[0] as RegExp).source + (seen[0] as RegExp).flags, 'the pattern and flags of r/a.c/m').toBe('a.cm');
  });

  test('a regex with the g flag starts afresh at each use', { rules: ['NE3'] }, () => {
    const test = (re: RegExp) => re.test('aa');
    expectRender('{% for i in [1, 2, 3] %}{{ t(r/a/g) }}{% endfor %}', { t: test }, 'truetruetrue');
  });

  test('a regex that JavaScript refuses, or that no / closes, is an error at its r', { rules: ['NE4'], points: 2 }, () => {
    for (const [source, at] of [['{{ r/a(/ }}', '<string>:1:4'], ['x\n{{ 1 ~ r/a/q }}', '<string>:2:8'], ['{{ r/abc }}', '<string>:1:4']]) {
      expect(where(renderError(source)), `where rendering ${describeRender(source)} fails`).toBe(at);
    }
  });

  test('replace with a regex replaces as JavaScript does: all matches with g, the first without, $1 for a group', { rules: ['NE5'], points: 2, hint: 'When the old value is a RegExp, return the text\'s own replace(old, new), keeping safeness and escaping the new text for safe text as for a string.' }, () => {
    expectRender('{{ "aaaAAA"|replace(r/a/, "z") }}|{{ "aaaAAA"|replace(r/a/g, "z") }}|{{ "aaaAAA"|replace(r/a/gi, "z") }}|{{ "aabbbb"|replace(r/ab{2}/, "z") }}|{{ "2024-05"|replace(r/(\\d+)-(\\d+)/, "$2/$1") }}|{{ "ab"|replace(r/x/, "z") }}', {}, 'zaaAAA|zzzAAA|zzzzzz|azbb|05/2024|ab');
  });

  test('replace with a regex keeps safe text safe and escapes the new text', { rules: ['NE5', 'A7'] }, () => {
    expectRender('{{ s|replace(r/b/g, x) }}|{{ t|replace(r/b/g, x) }}', { s: markSafe('<b>b</b>'), t: '<b>', x: '<i>' }, '<&lt;i&gt;>&lt;i&gt;</&lt;i&gt;>|&lt;&lt;i&gt;&gt;');
  });
});
