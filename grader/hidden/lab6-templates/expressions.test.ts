// Hidden tests for lab 6, what `{{ }}` prints: expressions compiled to JavaScript and run,
// filters, and autoescaping with XSS payloads through every output path that needs no tags.
// Expected outputs are nunjucks's, written out by hand.
import { expect } from 'vitest';
import { Environment, markSafe } from '@lab/templates';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { render, templateError, where } from './helpers.ts';

const XSS = `<script>alert('x')</script>`;
const XSS_ESCAPED = '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;';

/** Fails if the output holds anything that could start a tag or close an attribute. */
function expectInert(output: string, around = ''): void {
  const inner = around ? output.split(around).join('') : output;
  expect(inner, `escaped output may not contain < > " or ': ${show(output)}`).not.toMatch(/[<>"']/);
}

milestone('expressions', () => {
  test('prints literals: strings, numbers, true and false; none prints nothing', { points: 2, hint: 'Compile a literal with JSON.stringify; when printing, undefined and null become the empty string.' }, () => {
    expect(render('{{ "hi" }}|{{ 42 }}|{{ 3.5 }}|{{ true }}|{{ false }}|[{{ none }}]')).toBe('hi|42|3.5|true|false|[]');
  });

  test('copies the text around tags exactly, newlines and quotes included', {}, () => {
    const source = 'Line "one"\n\tline \'two\' \\ {{ 1 }}\r\nend';
    expect(render(source)).toBe('Line "one"\n\tline \'two\' \\ 1\r\nend');
  });

  test('looks up variables, attributes and items; missing ones print nothing', { points: 2 }, () => {
    const context = { user: { name: 'Ada', age: 36, tags: ['math', 'engines'] }, items: [10, 20] };
    expect(render('{{ user.name }} {{ user["age"] }} {{ user.tags[1] }} {{ items[0] }}', context)).toBe('Ada 36 engines 10');
    expect(render('[{{ missing }}][{{ user.missing }}][{{ missing.deep.er }}][{{ items[9] }}]', context)).toBe('[][][][]');
  });

  test('does arithmetic like nunjucks: / divides exactly, // floors, ** is a power', { points: 2 }, () => {
    expect(render('{{ 7 / 2 }} {{ 8 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }}')).toBe('3.5 4 3 -4 1 1024');
    expect(render('{{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 10 - 4 - 3 }} {{ -n + 1 }} {{ +n }}', { n: 5 })).toBe('14 20 3 -4 5');
  });

  test('compares values, with chains read left to right as in JavaScript', {
    hint: 'Put the operands and operators of a compare node in a row, as nunjucks does: 3 > 2 > 1 is (3 > 2) > 1, which is false.',
  }, () => {
    expect(render('{{ 1 < 2 }} {{ 2 == 2.0 }} {{ "a" != "b" }} {{ 5 <= 4 }} {{ 5 >= 5 }} {{ "a" < "b" }}')).toBe('true true true false true true');
    expect(render('{{ 1 < 2 < 3 }} {{ 3 > 2 > 1 }}')).toBe('true false');
  });

  test('and, or and not decide like JavaScript and return the deciding operand', {}, () => {
    expect(render('{{ 0 or "zero" }}|{{ 1 and "one" }}|{{ "" and "x" }}|{{ not 0 }}|{{ not "a" }}|{{ x or y or "z" }}')).toBe('zero|one||true|false|z');
  });

  test('tests membership with in and not in: list items, substrings, object keys', {}, () => {
    const context = { d: { k: 1 }, xs: [1, 2] };
    expect(render('{{ 2 in xs }} {{ 3 in xs }} {{ "ell" in "hello" }} {{ "k" in d }} {{ "z" in d }} {{ 3 not in xs }}', context)).toBe(
      'true false true true false true',
    );
  });

  test('joins with ~ into a string', {}, () => {
    expect(render('{{ 1 ~ 2 }}|{{ name ~ "!" }}|{{ "n" ~ 1 ~ true }}|{{ (a ~ 1) + 2 }}', { name: 'Ann', a: 'x' })).toBe('12|Ann!|n1true|x12');
  });

  test('evaluates a conditional expression; without else a false test gives an empty string', {}, () => {
    expect(render('{{ "big" if n > 3 else "small" }}|{{ "neg" if n < 0 else ("zero" if n == 0 else "pos") }}', { n: 5 })).toBe('big|pos');
    expect(render('[{{ "shown" if n < 0 }}]|{{ ("a" if false) ~ "b" }}', { n: 5 })).toBe('[]|b');
  });

  test('builds lists and dicts, and prints a list as its items joined by commas', {}, () => {
    expect(render('{{ [1, 2, 3][1] }}|{{ {"a": 1, b: 2}.b }}|{{ [1, [2, 3]] }}|{{ [] }}|{{ {"k": x}["k"] }}', { x: 'v' })).toBe('2|2|1,2,3||v');
  });

  test('calls functions and methods from the context, with their own this', { points: 2 }, () => {
    const context = {
      add: (a: number, b: number) => a + b,
      user: { first: 'Ada', greet(this: { first: string }, greeting: string) { return `${greeting}, ${this.first}`; } },
      title: 'hello',
    };
    expect(render('{{ add(2, 3) }}|{{ user.greet("Hi") }}|{{ title.toUpperCase() }}', context)).toBe('5|Hi, Ada|HELLO');
  });

  test('compiles once and renders many times', { points: 2 }, () => {
    const env = bounded('new Environment()', () => new Environment());
    const template = bounded('env.fromString()', () => env.fromString('{{ n * 2 }}|{{ "x" ~ n }}'));
    expect(bounded('template.render()', () => template.render({ n: 2 }))).toBe('4|x2');
    expect(bounded('template.render()', () => template.render({ n: 5 }))).toBe('10|x5');
    expect(bounded('template.render()', () => template.render())).toBe('NaN|xundefined');
  });

  test('a call of something that is not a function fails with a TemplateError that says where', { hint: 'rt.call gets `where` (template, line, column, name) from the compiler, exactly so that this error can say it.' }, () => {
    const error = templateError('env.renderString()', () => new Environment().renderString('ok\n  {{ nothing(1) }}', {}));
    expect(error.template).toBe('<string>');
    expect(error.line).toBe(2);
    expect(error.column).toBeGreaterThanOrEqual(6);
    expect(error.column).toBeLessThanOrEqual(15);
    expect(error.message).toContain('nothing');
  });
});

milestone('filters', () => {
  test('upper, lower, capitalize, title and trim', { points: 2 }, () => {
    expect(render('{{ s|upper }}|{{ s|lower }}|{{ s|capitalize }}|{{ s|title }}|[{{ "  pad me  "|trim }}]', { s: 'hELLO wORLD' })).toBe(
      'HELLO WORLD|hello world|Hello world|Hello World|[pad me]',
    );
  });

  test('length of strings, lists and objects, and 0 for none', {}, () => {
    expect(render('{{ "four"|length }} {{ xs|length }} {{ d|length }} {{ none|length }} {{ missing|length }}', { xs: [1, 2, 3], d: { a: 1, b: 2 } })).toBe(
      '4 3 2 0 0',
    );
  });

  test('default: for undefined only, or for any falsy value when asked', { hint: 'nunjucks replaces only undefined by default; the second argument true makes any falsy value (0, "", false, none) take the fallback.' }, () => {
    expect(render('{{ missing|default("d") }}|{{ ""|default("d") }}|{{ none|default("d") }}|{{ ""|default("d", true) }}|{{ 0|default(5, true) }}')).toBe(
      'd|||d|5',
    );
  });

  test('join, with a separator and by an attribute', {}, () => {
    const context = { words: ['a', 'b', 'c'], people: [{ name: 'Tom' }, { name: 'Jerry' }] };
    expect(render('{{ words|join(", ") }}|{{ words|join }}|{{ people|join(" and ", "name") }}', context)).toBe('a, b, c|abc|Tom and Jerry');
  });

  test('replace, every occurrence or at most a count; numbers count as strings', {}, () => {
    expect(render('{{ "a-b-c"|replace("-", "+") }}|{{ "aaa"|replace("a", "b", 2) }}|{{ 1234|replace(2, 9) }}|{{ "ab"|replace("", "*") }}|{{ "xyz"|replace("q", "r") }}')).toBe(
      'a+b+c|bba|1934|*a*b*|xyz',
    );
  });

  test('first, last and reverse, of lists and strings', {}, () => {
    expect(render('{{ xs|first }}{{ xs|last }}|{{ "abc"|first }}{{ "abc"|last }}|{{ "stressed"|reverse }}|{{ xs|reverse|join(",") }}|{{ xs|join(",") }}', { xs: [1, 2, 3] })).toBe(
      '13|ac|desserts|3,2,1|1,2,3',
    );
  });

  test('sort: a sorted copy, case-insensitive by default, by keyword arguments too', { points: 2 }, () => {
    const context = { names: ['bob', 'Alice', 'carol'], people: [{ n: 'Cy', age: 30 }, { n: 'Al', age: 20 }, { n: 'Bo', age: 25 }] };
    expect(render('{{ names|sort|join(",") }}|{{ names|sort(true)|join(",") }}|{{ names|join(",") }}', context)).toBe('Alice,bob,carol|carol,bob,Alice|bob,Alice,carol');
    expect(render('{{ people|sort(attribute="age")|join(",", "n") }}|{{ people|sort(reverse=true, attribute="n")|join(",", "n") }}', context)).toBe('Al,Bo,Cy|Cy,Bo,Al');
  });

  test('round, int and float, with their fallbacks', {}, () => {
    expect(render('{{ 3.14159|round(2) }}|{{ 2.5|round }}|{{ 2.7|round(0, "floor") }}|{{ 2.1|round(0, "ceil") }}')).toBe('3.14|3|2|3');
    expect(render('{{ "42"|int }}|{{ "4.9"|int }}|{{ "x"|int(7) }}|{{ "x"|int(default=8) }}|{{ "2.5"|float }}|{{ "x"|float(1.5) }}')).toBe('42|4|7|8|2.5|1.5');
  });

  test('list and truncate', {}, () => {
    expect(render('{{ "abc"|list|join("-") }}|{{ (d|list)[1].key }}={{ (d|list)[1].value }}|{{ xs|list|length }}', { d: { a: 1, b: 2 }, xs: [1, 2] })).toBe('a-b-c|b=2|2');
    const long = { s: 'The quick brown fox jumps' };
    expect(render('{{ s|truncate(12) }}|{{ s|truncate(12, true) }}|{{ s|truncate(12, false, "!") }}|{{ "short"|truncate(12) }}', long)).toBe(
      'The quick...|The quick br...|The quick!|short',
    );
  });

  test('chains filters left to right, applies them to the signed value, and binds them tighter than + ', { points: 2 }, () => {
    const filters = { abs: (v: unknown) => Math.abs(v as number) };
    expect(render('{{ words|sort|first|upper }}|{{ 1 + "2"|int }}|{{ xs|length * 2 }}', { words: ['pear', 'apple'], xs: [1, 2, 3] })).toBe('APPLE|3|6');
    expect(render('{{ -x|abs }}|{{ -(x|abs) }}', { x: 5 }, { filters })).toBe('5|-5');
  });

  test('takes extra filters from the options and from addFilter, which may replace a built-in one', { points: 2 }, () => {
    expect(render('{{ "hi"|shout(3) }}', {}, { filters: { shout: (v: unknown, n: number) => `${v}${'!'.repeat(n)}` } })).toBe('hi!!!');
    const env = bounded('new Environment()', () => new Environment());
    bounded('env.addFilter()', () => env.addFilter('upper', (v: unknown) => `UP(${v})`));
    expect(bounded('env.renderString()', () => env.renderString('{{ "x"|upper }}', {}))).toBe('UP(x)');
  });

  test('refuses an unknown filter at compile time, naming it and pointing at it', { hint: 'The compiler knows the filters: fail in #expression, at the filter node, before any rendering.' }, () => {
    const error = templateError('env.fromString()', () => new Environment().fromString('a\n{{ x | nope(1) }}'));
    expect(where(error)).toBe('<string>:2:8');
    expect(error.message).toContain('nope');
  });

  test('turns an error thrown by a filter into a TemplateError that names the filter and says where', {}, () => {
    const boom = () => {
      throw new Error('boom');
    };
    const error = templateError('env.renderString()', () => new Environment({ filters: { boom } }).renderString('\n\n  {{ 1|boom }}', {}));
    expect(error.line).toBe(3);
    expect(error.message).toContain('boom');
  });
});

milestone('autoescape', () => {
  test('escapes & < > " and \' in every {{ }} by default', { points: 3, hint: 'nunjucks writes &amp; &lt; &gt; &quot; &#39;. Escape & first, or in one pass, so you never escape your own entities.' }, () => {
    expect(render('{{ s }}', { s: `&<>"'` })).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(render('<p>{{ payload }}</p>', { payload: XSS })).toBe(`<p>${XSS_ESCAPED}</p>`);
  });

  test('escapes inside attributes, so a value cannot close the quote it sits in', { points: 2 }, () => {
    const payload = `" onmouseover="alert(1)`;
    const out = render(`<a title="{{ t }}" data-x='{{ t }}'>{{ t }}</a>`, { t: payload });
    expect(out).toBe(`<a title="&quot; onmouseover=&quot;alert(1)" data-x='&quot; onmouseover=&quot;alert(1)'>&quot; onmouseover=&quot;alert(1)</a>`);
  });

  test('escapes what filters return; upper and lower drop safeness, others keep it', { points: 2, hint: 'A filter that builds a new string from safe input keeps it safe only if the lesson says so: title, capitalize, trim, replace, truncate, reverse keep it; upper and lower do not.' }, () => {
    expect(render('{{ p|upper }}|{{ p|replace("x", "y") }}|{{ p|default("d") }}|{{ [p, p]|join(" ") }}', { p: XSS })).toBe(
      '&lt;SCRIPT&gt;ALERT(&#39;X&#39;)&lt;/SCRIPT&gt;|&lt;script&gt;alert(&#39;y&#39;)&lt;/script&gt;|' + `${XSS_ESCAPED}|${XSS_ESCAPED} ${XSS_ESCAPED}`,
    );
    expect(render('{{ h|safe|upper }}|{{ h|safe|title }}|{{ h|safe|trim }}|{{ h|safe|replace("i", "b") }}|{{ h|safe|truncate(50) }}', { h: ' <i>it</i> ' })).toBe(
      ' &lt;I&gt;IT&lt;/I&gt; | <i>it</i> |<i>it</i>| <b>bt</b> | <i>it</i> ',
    );
  });

  test('escapes concatenations and results of arithmetic on strings', {}, () => {
    expect(render('{{ a ~ b }}|{{ a + b }}|{{ "<" ~ "b>" }}|{{ safe ~ a }}', { a: '<i>', b: '"x"', safe: markSafe('<b>') })).toBe(
      '&lt;i&gt;&quot;x&quot;|&lt;i&gt;&quot;x&quot;|&lt;b&gt;|&lt;b&gt;&lt;i&gt;',
    );
  });

  test('escapes lists and objects printed whole', {}, () => {
    const sneaky = { toString: () => XSS };
    expect(render('{{ [p, "&"] }}|{{ obj }}|{{ {"k": p} }}', { p: XSS, obj: sneaky })).toBe(`${XSS_ESCAPED},&amp;|${XSS_ESCAPED}|[object Object]`);
  });

  test('prints safe text as it is: | safe, and SafeStrings from the caller', { points: 2 }, () => {
    expect(render('{{ h|safe }}|{{ given }}', { h: '<b>bold</b>', given: markSafe('<i>it</i>') })).toBe('<b>bold</b>|<i>it</i>');
  });

  test('never escapes twice: escape returns safe text, and safe text is not escaped again', { points: 2, hint: 'escape of a SafeString returns it unchanged; escape of anything else returns a new SafeString, so the output step leaves it alone.' }, () => {
    expect(render('{{ s|escape }}|{{ s|e|e }}|{{ s|escape|safe }}|{{ s|safe|escape }}', { s: '<&>' })).toBe('&lt;&amp;&gt;|&lt;&amp;&gt;|&lt;&amp;&gt;|<&>');
    expect(render('{{ "&amp;" }}|{{ "&amp;"|safe }}')).toBe('&amp;amp;|&amp;');
  });

  test('leaves the template\'s own text alone, and escapes nothing when autoescape is false', {}, () => {
    expect(render('<b class="x">{{ 1 }}</b>')).toBe('<b class="x">1</b>');
    const out = render('<p>{{ payload }}{{ payload|escape }}</p>', { payload: '<i>' }, { autoescape: false });
    expect(out).toBe('<p><i>&lt;i&gt;</p>');
  });

  test('keeps payloads inert through every output path at once', { points: 2 }, () => {
    const context = { p: XSS, q: `"'`, list: [XSS], obj: { v: XSS } };
    const outputs = [
      '{{ p }}', '{{ q }}', '{{ p|upper }}', '{{ p|title }}', '{{ p|trim }}', '{{ p|replace("a", "b") }}', '{{ p|truncate(10) }}',
      '{{ p|reverse }}', '{{ p ~ q }}', '{{ list }}', '{{ list|first }}', '{{ list|join }}', '{{ obj.v }}', '{{ obj["v"] }}',
      '{{ p if true }}', '{{ p|default("") }}', '{{ p|capitalize }}', '{{ [p, q] }}', '{{ p|escape }}',
    ];
    for (const source of outputs) expectInert(render(source, context));
  });
});
