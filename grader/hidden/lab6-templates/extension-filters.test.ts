// Hidden tests for lab 6's extension milestones on filters: Flask's everyday filters beyond the
// core's. Expected outputs are nunjucks's where nunjucks has the filter, and Jinja2 3.1's where only
// Jinja2 has it or where it is the safer of the two (tojson, striptags, urlencode), as the lesson's
// "Extensions (optional)" section says filter by filter. Every failure shows the template and its data.
import { expect } from 'vitest';
import { milestone, show, test } from '../../harness/index.ts';
import { expectRender, render, renderError } from './helpers.ts';
import { expectInertEverywhere, PAYLOADS, payloadData } from './xss.ts';

const PEOPLE = [
  { n: 'x', age: 3, home: { city: 'Bonn' } },
  { n: 'y', age: 1, home: { city: 'Aix' } },
  { n: 'z', age: 3, home: { city: 'Bonn' } },
];

milestone('filters-lists', () => {
  test('dictsort: pairs by key or by value, strings in upper case unless case_sensitive', { rules: ['FL1'], points: 2, hint: 'Sort Object.entries(value); compare strings in upper case (as nunjucks does) unless case_sensitive is true; by="value" sorts by item 1 of each pair.' }, () => {
    const scores = { b: 2, A: 3, c: 1, _x: 0 };
    const loop = (filter: string) => `{% for k, v in d|${filter} %}{{ k }}={{ v }};{% endfor %}`;
    expectRender(`${loop('dictsort')}|${loop('dictsort(true)')}`, { d: scores }, 'A=3;b=2;c=1;_x=0;|A=3;_x=0;b=2;c=1;');
    expectRender(`${loop('dictsort(false, "value")')}|${loop('dictsort(by="value")')}|${loop('dictsort(by="key")')}`, { d: scores }, '_x=0;c=1;b=2;A=3;|_x=0;c=1;b=2;A=3;|A=3;b=2;c=1;_x=0;');
    const words = { x: 'b', y: 'C', z: 'a' };
    expectRender(`${loop('dictsort(by="value")')}|${loop('dictsort(case_sensitive=true, by="value")')}`, { d: words }, 'z=a;x=b;y=C;|y=C;z=a;x=b;');
  });

  test('dictsort: any other "by" is an error', { rules: ['FL1'] }, () => {
    renderError('{{ d|dictsort(by="size") }}', { d: { a: 1 } });
    renderError('{{ d|dictsort(false, "keys") }}', { d: { a: 1 } });
  });

  test('groupby: an object from each value of the attribute to its items, in the order of the list', { rules: ['FL2'], points: 2, hint: 'Make an object; for each item, the attribute as text is the key, and the item goes at the end of that key\'s list. Do not sort: JavaScript\'s own key order is the one nunjucks gives.' }, () => {
    const ps = [{ n: 'x', c: 'b' }, { n: 'y', c: 'a' }, { n: 'z', c: 'b' }, { n: 'w' }];
    const loop = (filter: string) => `{% for g, items in ps|${filter} %}{{ g }}:{{ items|join(",", "n") }};{% endfor %}`;
    expectRender(loop('groupby("c")'), { ps }, 'b:x,z;a:y;undefined:w;');
    expectRender(loop('groupby("y")'), { ps: [{ y: 2020, n: 'a' }, { y: 2019, n: 'b' }, { y: 2020, n: 'c' }] }, '2019:b;2020:a,c;');
    expectRender(`${loop('groupby("home.city")')}|${loop('groupby(attribute="age")')}`, { ps: PEOPLE }, 'Bonn:x,z;Aix:y;|1:y;3:x,z;');
  });

  test('groupby: any value names the attribute, and every key is a group, __proto__ and constructor too', { rules: ['FL2'] }, () => {
    const count = (filter: string) => `{% for g, items in ps|${filter} %}{{ g }}:{{ items|length }};{% endfor %}`;
    expectRender(count('groupby(0)'), { ps: [['a'], ['b'], ['a']] }, 'a:2;b:1;');
    expectRender(count('groupby("k")'), { ps: [{ k: '__proto__' }, { k: 'constructor' }, { k: '__proto__' }] }, '__proto__:2;constructor:1;');
  });

  test('sum: the items or an attribute of each, plus start', { rules: ['FL3'], points: 2 }, () => {
    const context = { xs: [1, 2, 3], ps: PEOPLE, cart: [{ price: { eur: 2.5 } }, { price: { eur: 4 } }] };
    expectRender('{{ xs|sum }}|{{ ps|sum("age") }}|{{ ps|sum(attribute="age", start=1) }}|{{ []|sum }}|{{ xs|sum(start=10) }}|{{ xs|sum(none, -6) }}', context, '6|7|8|0|16|0');
    expectRender('{{ cart|sum(attribute="price.eur") }}', context, '6.5');
  });

  test('batch: rows of linecount items, the last padded with fill_with unless it is a false value', { rules: ['FL4'], points: 2 }, () => {
    const rows = (filter: string) => `{% for row in xs|${filter} %}[{{ row|join(",") }}]{% endfor %}`;
    const context = { xs: [1, 2, 3, 4, 5] };
    expectRender(`${rows('batch(2)')}|${rows('batch(2, "-")')}|${rows('batch(3, 0)')}|${rows('batch(3, "")')}`, context, '[1,2][3,4][5]|[1,2][3,4][5,-]|[1,2,3][4,5]|[1,2,3][4,5]');
    expectRender(`${rows('batch(linecount=4, fill_with="x")')}|${rows('batch(5, "x")')}|${rows('batch(7)')}|{{ []|batch(2)|length }}`, context, '[1,2,3,4][5,x,x,x]|[1,2,3,4,5]|[1,2,3,4,5]|0');
  });

  test('min and max: the smallest and largest item, strings in lower case unless case_sensitive', { rules: ['FL5'], points: 2, hint: 'Compare with < and >; lower-case strings first unless case_sensitive is true; keep the first of equal items; an empty list gives undefined.' }, () => {
    const context = { xs: [3, 1, 2], ws: ['b', 'C', 'a', 'A'] };
    expectRender('{{ xs|min }}|{{ xs|max }}|{{ ws|min }}|{{ ws|max }}|{{ ws|min(true) }}|{{ ws|max(case_sensitive=true) }}|[{{ []|min }}{{ []|max }}]', context, '1|3|a|C|A|b|[]');
    expectRender('{{ ["B", "b"]|min }}{{ ["b", "B"]|min }}{{ ["B", "b"]|max }}{{ ["b", "B"]|max }}', {}, 'BbBb');
  });

  test('min and max of an empty list give undefined, not none', { rules: ['FL5'] }, () => {
    expectRender('{{ ([]|min) is undefined }}|{{ ([]|max) is undefined }}|{{ ([]|min) is none }}|{{ (xs|max) is undefined }}', { xs: [] }, 'true|true|false|true');
  });

  test('min and max by an attribute give the item, the first of equal ones', { rules: ['FL5'] }, () => {
    expectRender('{{ (ps|min(attribute="age")).n }}|{{ (ps|max(attribute="age")).n }}|{{ (ps|min(attribute="home.city")).n }}|{{ (ps|max(false, "home.city")).n }}', { ps: PEOPLE }, 'y|x|y|x');
  });

  test('unique: each item not equal to an earlier one, in order; strings equal whatever their case unless case_sensitive', { rules: ['FL6'], points: 2 }, () => {
    const context = { ws: ['b', 'B', 'a', 'b', 'A'], ps: PEOPLE };
    expectRender('{{ ws|unique|join(",") }}|{{ ws|unique(true)|join(",") }}|{{ ws|unique(case_sensitive=true)|join(",") }}|{{ [1, "1", 1, 2]|unique|join(",") }}|{{ ws|join(",") }}', context, 'b,a|b,B,a,A|b,B,a,A|1,1,2|b,B,a,b,A');
    expectRender('{{ ps|unique(attribute="age")|join(",", "n") }}|{{ ps|unique(false, "home.city")|join(",", "n") }}|{{ ["Ab", "aB"]|unique|join }}', context, 'x,y|x,y|Ab');
  });

  test('items: an object\'s key and value pairs; nothing for none and undefined; an error for anything else', { rules: ['FL7'], points: 2 }, () => {
    const context = { d: { b: 1, a: '<2>' } };
    expectRender('{% for k, v in d|items %}{{ k }}={{ v }};{% endfor %}|{{ (d|items)[1][0] }}|{{ d|items|length }}|[{% for k, v in missing|items %}x{% endfor %}{% for k, v in none|items %}y{% endfor %}]', context, 'b=1;a=&lt;2&gt;;|a|2|[]');
    for (const source of ['{{ 5|items }}', '{{ [1, 2]|items }}', '{{ "ab"|items }}']) renderError(source);
  });

  test('map: an attribute of each item, with a default, or each item through a built-in filter', { rules: ['FL8'], points: 2, hint: 'With a filter name first, call that built-in filter on each item with the arguments after the name; with attribute= (the name left undefined), take that attribute, and default= where it is undefined.' }, () => {
    const context = { ps: [{ n: 'x', age: 0 }, { n: 'y' }, { n: '<z>', age: 2 }], ws: ['b', 'a'], people: PEOPLE };
    expectRender('{{ ps|map(attribute="n")|join(",") }}|{{ ps|map(attribute="age", default="-")|join(",") }}|{{ ps|map(attribute="age")|join(",") }}', context, 'x,y,&lt;z&gt;|0,-,2|0,,2');
    expectRender('{{ ws|map("upper")|join(",") }}|{{ ws|map("replace", "b", "x")|join(",") }}|{{ people|map(attribute="home.city")|join(",") }}|{{ [[2, 1], [4, 3]]|map("sort")|map("first")|join(",") }}', context, 'B,A|x,a|Bonn,Aix,Bonn|1,3');
  });

  test('map: a name that is not a built-in filter is an error', { rules: ['FL8'] }, () => {
    for (const source of ['{{ ws|map("nope")|join }}', '{{ ws|map("constructor")|join }}']) renderError(source, { ws: ['a'] });
  });
});

milestone('filters-text', () => {
  test('tojson writes JSON as Jinja2 does: keys sorted, ", " and ": ", none as null, non-ASCII as \\u escapes', { rules: ['FT1'], points: 2, hint: 'Write arrays and objects yourself (keys sorted, ", " between items, ": " after a key) and the rest with JSON.stringify; then every character above \\u007f as \\u and four lower-case hex digits.' }, () => {
    const context = { d: { b: [1, 2.5, null, true], a: 'é', c: { z: { y: 1, x: 'ü€' } } } };
    expectRender('{{ d|tojson }}', context, '{"a": "\\u00e9", "b": [1, 2.5, null, true], "c": {"z": {"x": "\\u00fc\\u20ac", "y": 1}}}');
    expectRender('{{ "x"|tojson }}|{{ none|tojson }}|{{ 3|tojson }}|{{ []|tojson }}|{{ {}|tojson }}|{{ "a\\nb"|tojson }}', {}, '"x"|null|3|[]|{}|"a\\nb"');
  });

  test('tojson with an indent lays items out one to a line, keys still sorted', { rules: ['FT1'] }, () => {
    const context = { d: { b: [1, {}], a: [] } };
    const expected = '{\n  "a": [],\n  "b": [\n    1,\n    {}\n  ]\n}';
    expectRender('{{ d|tojson(2) }}', context, expected);
    expectRender('{{ d|tojson(indent=2) }}', context, expected);
  });

  test('tojson writes < > & \' as \\u escapes and returns safe text, fit for a <script> and a single-quoted attribute', { rules: ['FT2'], points: 3, hint: 'After writing the JSON, replace <, >, & and \' by \\u003c, \\u003e, \\u0026 and \\u0027, and return a SafeString so that output does not turn its quotes into &quot;.' }, () => {
    const context = { s: `</script><script>alert('x')</script>&`, d: { '<k>': `it's` } };
    expectRender('{{ s|tojson }}|{{ d|tojson }}|{{ {"a": 1}|tojson }}', context, '"\\u003c/script\\u003e\\u003cscript\\u003ealert(\\u0027x\\u0027)\\u003c/script\\u003e\\u0026"|{"\\u003ck\\u003e": "it\\u0027s"}|{"a": 1}');
    const leaks: string[] = [];
    for (const p of PAYLOADS) {
      for (const source of ['<script>var v = {{ p|tojson }};</script>', "<i data-v='{{ o|tojson }}'></i>", '{{ l|tojson(2) }}']) {
        const output = render(source, payloadData(p));
        const inner = output.replace(/^<script>|<\/script>$|^<i data-v='|'><\/i>$/g, '');
        if (/[<>&']/.test(inner)) leaks.push(`${show(source)} with p = ${show(p)} printed ${show(output)}`);
      }
    }
    expect(leaks.slice(0, 3), `${leaks.length} renders let < > & or ' through tojson`).toEqual([]);
  });

  test('striptags removes tags and comments, trims, and squeezes whitespace', { rules: ['FT3'], points: 2 }, () => {
    expectRender('{{ s|striptags }}|{{ "a<br/>b <!-- a\nnote --> c"|striptags }}|[{{ "  x \t\n y  "|striptags }}]|{{ "1 < 2 and 3 > 2"|striptags }}|[{{ none|striptags }}]', { s: '<p class="x">Hi <b>you</b></p>\n  there' }, 'Hi you there|ab c|[x y]|1 &lt; 2 and 3 &gt; 2|[]');
  });

  test('striptags(true) keeps line breaks: lines trimmed, spaces squeezed, at most one blank line', { rules: ['FT3'] }, () => {
    const s = '  <p>a   b </p>\n\n\n\n<i> c</i>\r\nd  ';
    expectRender('[{{ s|striptags(true) }}]|[{{ s|striptags(preserve_linebreaks=true) }}]|[{{ s|striptags(false) }}]', { s }, '[a b\n\nc\nd]|[a b\n\nc\nd]|[a b c d]');
  });

  test('striptags returns plain text, so what is left of a tag is escaped', { rules: ['FT4'], points: 3, hint: 'Return a plain string, never a SafeString, even when the input was safe: one pass over "<<b>script>" leaves "<script>".' }, () => {
    const context = { x: '<<b>script>alert(1)<</b>/script>' };
    expectRender('{{ x|striptags }}|{{ x|safe|striptags }}|{{ x|e|striptags }}', context, '&lt;script&gt;alert(1)&lt;/script&gt;|&lt;script&gt;alert(1)&lt;/script&gt;|&lt;&lt;b&gt;script&gt;alert(1)&lt;&lt;/b&gt;/script&gt;');
    expectInertEverywhere([{ template: '{{ p|striptags }}' }, { template: '{{ p|safe|striptags }}' }, { template: '{{ p|e|striptags }}' }, { template: '{{ ("<<i>" ~ p)|safe|striptags|upper }}' }]);
  });

  test('striptags decodes the entities of safe text, once, and leaves plain text as it is', { rules: ['FT5'], points: 2 }, () => {
    const h = '<b>a &amp; b &lt;i&gt; &#39;&quot;</b>';
    expectRender('{{ h|safe|striptags }}|{{ h|striptags }}', { h }, 'a &amp; b &lt;i&gt; &#39;&quot;|a &amp;amp; b &amp;lt;i&amp;gt; &amp;#39;&amp;quot;');
    expectRender('{{ "&amp;lt;b&amp;gt;"|safe|striptags }}|{{ "R&J"|e|striptags }}', {}, '&amp;lt;b&amp;gt;|R&amp;J');
  });

  test('urlencode percent-encodes text, ! \' ( ) * included', { rules: ['FT6'], points: 2, hint: 'encodeURIComponent leaves ! \' ( ) * as they are; encode those five too (%21 %27 %28 %29 %2A).' }, () => {
    expectRender('{{ "it\'s (a) test!*"|urlencode }}|{{ "a/b?c=d&e #f"|urlencode }}|{{ "é ü"|urlencode }}|{{ "a b"|safe|urlencode }}|{{ "-_.~"|urlencode }}', {}, 'it%27s%20%28a%29%20test%21%2A|a%2Fb%3Fc%3Dd%26e%20%23f|%C3%A9%20%C3%BC|a%20b|-_.~');
  });

  test('urlencode turns an object or a list of pairs into key=value pairs, as plain text', { rules: ['FT7'], points: 2, hint: 'Encode each key and value as for a string, join them with = and the pairs with &, and return a plain string: output escapes the & to &amp;, which is what an attribute needs.' }, () => {
    const context = { d: { 'a b': 'c/d&e', x: 1, "q'": '(1)' }, ps: [['a', '1'], ['b', 'x y']] };
    expectRender('{{ d|urlencode }}|{{ ps|urlencode }}|<a href="?{{ {"q": "it\'s", "page": 2}|urlencode }}">', context, 'a%20b=c%2Fd%26e&amp;x=1&amp;q%27=%281%29|a=1&amp;b=x%20y|<a href="?q=it%27s&amp;page=2">');
    expectInertEverywhere([{ template: '{{ p|urlencode }}' }, { template: '{{ o|urlencode }}' }, { template: '{{ p|safe|urlencode }}' }]);
  });

  test('wordcount counts runs of ASCII letters, digits and _, and gives nothing when there are none', { rules: ['FT8'], points: 2 }, () => {
    expectRender('{{ "Hello, wörld! one_two 3"|wordcount }}|[{{ ""|wordcount }}]|[{{ none|wordcount }}]|{{ "  a  b  "|wordcount }}|[{{ " ... "|wordcount }}]|{{ s|wordcount + 1 }}', { s: 'x y' }, '5|[]|[]|2|[]|3');
  });

  test('indent: width spaces before every line but the first, or every line, blank ones included; keeps safeness', { rules: ['FT9'], points: 2 }, () => {
    const s = 'a\nb\n\nc';
    expectRender('{{ s|indent }}|{{ s|indent(2, true) }}|{{ s|indent(width=1, first=true) }}|[{{ ""|indent }}{{ ""|indent(2, true) }}]|{{ "one"|indent(2) }}', { s }, 'a\n    b\n    \n    c|  a\n  b\n  \n  c| a\n b\n \n c|[]|one');
    expectRender('{{ h|safe|indent(2) }}|{{ h|indent(2) }}', { h: '<b>\nx' }, '<b>\n  x|&lt;b&gt;\n  x');
  });

  test('abs gives the absolute value', { rules: ['FT10'] }, () => {
    expectRender('{{ -5|abs }}|{{ 2.5|abs }}|{{ "-4"|abs }}|{{ x|abs }}|{{ (0 - x)|abs }}', { x: -0.5 }, '5|2.5|4|0.5|0.5');
  });
});

milestone('filters-tests', () => {
  test('select and reject: the items a built-in test passes or fails, or the true or false ones', { rules: ['FS1'], points: 2, hint: 'Look the test up by name among the built-in tests, call it with the item and the arguments after the name, and keep the item when its answer\'s truth is what you want; without a name, the item\'s own truth is the answer.' }, () => {
    const xs = [0, 1, 2, '', null, 'a'];
    expectRender('{{ [1, 2, 3, 4]|select("odd")|join(",") }}|{{ [1, 2, 3, 4, 6]|reject("divisibleby", 3)|join(",") }}|{{ xs|select|join(",") }}|{{ xs|reject|join(",") }}|{{ [5, 1, 7]|select("gt", 4)|join(",") }}|{{ [5, 1, 7]|reject("gt", 4)|join(",") }}', { xs }, '1,3|1,2,4|1,2,a|0,,|5,7|1');
    expect(xs, 'the list passed as data, after select and reject').toEqual([0, 1, 2, '', null, 'a']);
  });

  test('selectattr and rejectattr: the items whose attribute passes or fails a test, or is true or false', { rules: ['FS2'], points: 2, hint: 'As select and reject, with the (maybe dotted) attribute of each item in place of the item; the result holds the items themselves.' }, () => {
    const us = [{ a: 1, n: 'p' }, { a: 0, n: 'q' }, { n: 'r' }, { a: 2, n: 's', home: { c: 'FR' } }];
    expectRender('{{ us|selectattr("a")|join(",", "n") }}|{{ us|rejectattr("a")|join(",", "n") }}|{{ us|selectattr("a", "eq", 1)|join(",", "n") }}|{{ us|rejectattr("a", "odd")|join(",", "n") }}|{{ us|selectattr("home.c", "eq", "FR")|join(",", "n") }}|{{ us|selectattr("a", "defined")|length }}', { us }, 'p,s|q,r|p|q,r,s|s|3');
  });

  test('select and selectattr with a name that is not a built-in test are errors', { rules: ['FS3'], hint: 'Check the name with Object.hasOwn on the built-in tests: a name such as "constructor" is no test.' }, () => {
    for (const source of ['{{ xs|select("nope")|join }}', '{{ xs|reject("constructor")|join }}', '{{ xs|selectattr("a", "nope")|join }}', '{{ xs|rejectattr("a", "toString")|join }}']) {
      renderError(source, { xs: [{ a: 1 }, { a: 2 }] });
    }
  });
});
