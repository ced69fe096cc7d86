// Hidden tests for lab 6's extension milestones on the rest of nunjucks's built-ins: its other
// filters (center, nl2br, urlize, dump, forceescape, slice, random, string, d) and its global
// functions (range, cycler, joiner, and globals added to an Environment). Expected outputs are
// nunjucks 3.2.4's, except urlize on plain text, which escapes it as Jinja2 does (the lesson says
// why). Every failure shows the template and its data.
import { expect, vi } from 'vitest';
import { DictLoader, Environment } from '@lab/templates';
import { CALL_BOUND_MS, bounded, milestone, show, test } from '../../harness/index.ts';
import { expectRender, render, showData } from './helpers.ts';
import { expectInertEverywhere, isInert, PAYLOADS, payloadData } from './xss.ts';

/** n spaces, for center's expected outputs. */
const sp = (n: number) => ' '.repeat(n);

/**
 * Renders each template with each payload and fails on the first output whose markup is more than
 * `allowed` lets through: what is left once the allowed markup is taken out must be inert.
 */
function expectOnlyMarkup(templates: string[], allowed: RegExp, what: string): void {
  const leaks: string[] = [];
  for (const template of templates) {
    for (const p of PAYLOADS) {
      const output = render(template, payloadData(p));
      if (!isInert(output.replace(allowed, ''))) leaks.push(`${show(template)} with data ${showData({ p })} printed ${show(output)}`);
    }
  }
  expect(leaks.slice(0, 3), `${leaks.length} renders let markup other than ${what} through`).toEqual([]);
}

/** The links urlize may write: to a web address or a mailto:, with nothing in the href that ends it. */
const LINKS = /<a href="(?:https?:\/\/|mailto:)[^"<>]*"(?: rel="nofollow")?>|<\/a>/g;

milestone('filters-nunjucks', () => {
  test('center pads the text with spaces to width characters (80 by default), the odd space on the right', { rules: ['FN1'], points: 2, hint: 'Pad with floor(spaces / 2) spaces on the left and the rest on the right; text as long as the width or longer stays as it is; none and undefined are the empty text.' }, () => {
    expectRender('[{{ "fooo"|center }}]|[{{ "foo"|center }}]|[{{ "ab"|center(7) }}]|[{{ "abc"|center(width=6) }}]', {}, `[${sp(38)}fooo${sp(38)}]|[${sp(38)}foo${sp(39)}]|[  ab   ]|[ abc  ]`);
    expectRender('[{{ "abcdef"|center(4) }}]|[{{ "abcd"|center(4) }}]|[{{ none|center(4) }}]|[{{ missing|center(3) }}]', {}, '[abcdef]|[abcd]|[    ]|[   ]');
  });

  test('center(0) pads to 80 characters, as no width does', { rules: ['FN1'] }, () => {
    expectRender('[{{ "ab"|center(0) }}]|[{{ "abc"|center(width=0) }}]', {}, `[${sp(39)}ab${sp(39)}]|[${sp(38)}abc${sp(39)}]`);
  });

  test('center keeps safeness: safe text stays safe, plain text is escaped on output', { rules: ['FN1'] }, () => {
    expectRender('[{{ s|center(5) }}]|[{{ s|safe|center(5) }}]|[{{ s|e|center(11) }}]', { s: '<b>' }, '[ &lt;b&gt; ]|[ <b> ]|[ &lt;b&gt; ]');
  });

  test('nl2br puts <br /> before each line end, \\r\\n becoming \\n, and gives nothing for none and undefined', { rules: ['FN2'], points: 2, hint: 'Replace every \\r\\n or \\n by "<br />\\n" and keep safeness: on safe text the breaks print as tags.' }, () => {
    expectRender('{{ s|safe|nl2br }}|{{ t|safe|nl2br }}|[{{ none|nl2br }}{{ missing|nl2br }}]|{{ "one line"|safe|nl2br }}', { s: 'a\nb\r\nc', t: 'x\n\ny\n' }, 'a<br />\nb<br />\nc|x<br />\n<br />\ny<br />\n|[]|one line');
  });

  test('nl2br keeps plain text plain, so escape it first: text|e|nl2br', { rules: ['FN2'], points: 2, hint: 'Return a SafeString only when the value was one; plain text comes back plain, and output escapes it, <br /> included.' }, () => {
    expectRender('{{ s|nl2br }}|{{ s|e|nl2br }}', { s: '<i>\nb' }, '&lt;i&gt;&lt;br /&gt;\nb|&lt;i&gt;<br />\nb');
    expectInertEverywhere([{ template: '{{ p|nl2br }}' }, { template: '{{ (p ~ "\\n" ~ p)|nl2br }}' }, { template: '{{ (p ~ "\\r\\n")|nl2br|upper }}' }]);
    expectOnlyMarkup(['{{ (p ~ "\\n" ~ p)|e|nl2br }}', '{{ l|join("\\n")|e|nl2br }}'], /<br \/>/g, '<br />');
  });

  test('urlize links web addresses, www. names, names ending in .com, .org or .net, and email addresses', { rules: ['FN3'], points: 3, hint: 'Split the text at runs of whitespace (kept as they are). A word starting with http:// or https:// links to itself; one starting with www., or with .com, .org or .net followed by :, / or its end, links to http:// and the word; an email address to mailto:.' }, () => {
    expectRender('{{ "foo http://www.example.com/ bar"|urlize }}', {}, 'foo <a href="http://www.example.com/">http://www.example.com/</a> bar');
    expectRender('{{ "https://a.io/x?y=1"|urlize }}|{{ "www.pocoo.org/docs/"|urlize }}|{{ "pocoo.net/docs/"|urlize }}', {}, '<a href="https://a.io/x?y=1">https://a.io/x?y=1</a>|<a href="http://www.pocoo.org/docs/">www.pocoo.org/docs/</a>|<a href="http://pocoo.net/docs/">pocoo.net/docs/</a>');
    expectRender('{{ "pocoo.com:80"|urlize }}|{{ "pocoo.com"|urlize }}|{{ "pocoo.commune"|urlize }}|{{ "foo."|urlize }}|{{ "foo.foo"|urlize }}|[{{ ""|urlize }}]', {}, '<a href="http://pocoo.com:80">pocoo.com:80</a>|<a href="http://pocoo.com">pocoo.com</a>|pocoo.commune|foo.|foo.foo|[]');
    expectRender('{{ "mail testuser@testuser.com"|urlize }}|{{ "http://testuser@testuser.com"|urlize }}|{{ "a.b@c"|urlize }}', {}, 'mail <a href="mailto:testuser@testuser.com">testuser@testuser.com</a>|<a href="http://testuser@testuser.com">http://testuser@testuser.com</a>|a.b@c');
    expectRender('{{ s|urlize }}', { s: 'what\nup\tat  www.x.org  \nhttp://a.de\tx' }, 'what\nup\tat  <a href="http://www.x.org">www.x.org</a>  \n<a href="http://a.de">http://a.de</a>\tx');
    expectRender('{{ "www.example.de/x"|urlize }}|{{ "(www.a.de."|urlize }}', {}, '<a href="http://www.example.de/x">www.example.de/x</a>|<a href="http://www.a.de">www.a.de</a>');
  });

  test('urlize leaves out one ( < or &lt; before a URL and one . , ) or &gt; after it', { rules: ['FN3'], points: 2 }, () => {
    const link = '<a href="http://x.org/a">http://x.org/a</a>';
    expectRender('{{ "(http://x.org/a"|urlize }}|{{ "<http://x.org/a"|urlize }}|{{ "&lt;http://x.org/a"|urlize }}', {}, `${link}|${link}|${link}`);
    expectRender('{{ "http://x.org/a,"|urlize }}|{{ "http://x.org/a."|urlize }}|{{ "http://x.org/a)"|urlize }}|{{ "http://x.org/a&gt;"|urlize }}|{{ "(www.x.org)"|urlize }}', {}, `${link}|${link}|${link}|${link}|<a href="http://www.x.org">www.x.org</a>`);
    expectRender('{{ "see (x@y.org),"|urlize }}|{{ "(a.b)"|urlize }}', {}, 'see (x@y.org),|(a.b)');
  });

  test('urlize(trim_url_limit, nofollow) cuts the link text and adds rel="nofollow", except to mailto links', { rules: ['FN4'], points: 2, hint: 'trim_url_limit, a number, cuts the text of a web link (never its href, never an email link); nofollow true adds rel="nofollow" after the href of web links.' }, () => {
    expectRender('{{ "http://jinja.pocoo.org/docs/templates/"|urlize(12, true) }}', {}, '<a href="http://jinja.pocoo.org/docs/templates/" rel="nofollow">http://jinja</a>');
    expectRender('{{ "www.ab.com x.com/y"|urlize(trim_url_limit=5) }}|{{ "a@b.com"|urlize(3, true) }}|{{ "x.net"|urlize(nofollow=true) }}', {}, '<a href="http://www.ab.com">www.a</a> <a href="http://x.com/y">x.com</a>|<a href="mailto:a@b.com">a@b.com</a>|<a href="http://x.net" rel="nofollow">x.net</a>');
  });

  test('urlize escapes plain text, in and out of links, and returns safe HTML; safe input goes in as the HTML it is', { rules: ['FN5'], points: 3, hint: 'For plain text, escape each piece as it goes into the result (the URL in href too); for a SafeString, use its text as it is. Return a SafeString either way.' }, () => {
    expectRender('{{ s|urlize }}', { s: '<b>what up</b> http://x.com/"onclick="a' }, '&lt;b&gt;what up&lt;/b&gt; <a href="http://x.com/&quot;onclick=&quot;a">http://x.com/&quot;onclick=&quot;a</a>');
    expectRender('{{ s|safe|urlize }}|{{ "a & b www.x.org?a=1&b=2"|e|urlize }}', { s: '<b>hi</b> www.x.org' }, '<b>hi</b> <a href="http://www.x.org">www.x.org</a>|a &amp; b <a href="http://www.x.org?a=1&amp;b=2">www.x.org?a=1&amp;b=2</a>');
    expectRender('{{ s|urlize }}', { s: "<i>'a.com'</i>" }, '&lt;i&gt;&#39;a.com&#39;&lt;/i&gt;', { autoescape: false });
    expectOnlyMarkup(
      ['{{ p|urlize }}', '{{ ("http://x.com/" ~ p)|urlize }}', '{{ ("www." ~ p ~ ".com")|urlize }}', '{{ (p ~ "@x.com")|urlize }}', '{{ ("(" ~ p ~ ".org/),")|urlize(4, true) }}', '{{ l|join(" ")|urlize }}'],
      LINKS,
      'links to http:, https: and mailto: addresses',
    );
  });

  test('dump writes JSON.stringify\'s JSON, indented when asked, as plain text that output escapes', { rules: ['FN6'], points: 2, hint: 'JSON.stringify(value, null, indent) with a replacer that gives a SafeString\'s text; return the string as it is (not safe).' }, () => {
    expectRender("{{ ['a', 1, {b: true}]|dump }}|{{ 'x'|dump }}|[{{ missing|dump }}]|{{ none|dump }}", {}, '[&quot;a&quot;,1,{&quot;b&quot;:true}]|&quot;x&quot;|[]|null');
    expectRender("{{ ['a', {b: true}]|dump(2) }}|{{ [1]|dump(indent='\\t') }}", {}, '[\n  &quot;a&quot;,\n  {\n    &quot;b&quot;: true\n  }\n]|[\n\t1\n]');
    expectRender('{{ {"k": s|safe}|dump }}|{{ s|e|dump }}', { s: '<b>' }, '{&quot;k&quot;:&quot;&lt;b&gt;&quot;}|&quot;&amp;lt;b&amp;gt;&quot;');
    expectInertEverywhere([{ template: '{{ p|dump }}' }, { template: '{{ o|dump(1) }}' }, { template: '{{ l|dump }}' }]);
  });

  test('forceescape escapes even safe text, and returns safe text', { rules: ['FN7'], points: 2 }, () => {
    expectRender('{{ s|safe|forceescape }}|{{ s|e|forceescape }}|{{ s|forceescape }}|[{{ none|forceescape }}{{ missing|forceescape }}]|{{ 5|forceescape }}', { s: '<b>' }, '&lt;b&gt;|&amp;lt;b&amp;gt;|&lt;b&gt;|[]|5');
  });

  test('slice cuts a list into that many lists, the first ones one item longer, the others padded with fill_with', { rules: ['FN8'], points: 2, hint: 'Each slice has floor(length / slices) items, and the first length % slices slices one more; each of the other slices gets fill_with at its end when fill_with is given and is not a false value.' }, () => {
    const rows = (filter: string) => `{% for row in xs|${filter} %}[{{ row|join(",") }}]{% endfor %}`;
    const nine = { xs: [1, 2, 3, 4, 5, 6, 7, 8, 9] };
    const ten = { xs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
    expectRender(`${rows('slice(3)')}|${rows('slice(3, "x")')}|${rows('slice(2, 0)')}`, nine, '[1,2,3][4,5,6][7,8,9]|[1,2,3,x][4,5,6,x][7,8,9,x]|[1,2,3,4,5][6,7,8,9]');
    expectRender(`${rows('slice(3)')}|${rows('slice(slices=3, fill_with="-")')}|${rows('slice(4)')}|${rows('slice(1)')}`, ten, '[1,2,3,4][5,6,7][8,9,10]|[1,2,3,4][5,6,7,-][8,9,10,-]|[1,2,3][4,5,6][7,8][9,10]|[1,2,3,4,5,6,7,8,9,10]');
    expectRender(`${rows('slice(4)')}|${rows('slice(3, "")')}`, { xs: [1, 2] }, '[1][2][][]|[1][2][]');
    expectRender('{{ xs|slice(2)|length }}{{ xs|join }}', ten, '212345678910');
  });

  test('random gives one of the items, each of them some of the time, and undefined for none', { rules: ['FN9'], points: 2, hint: 'items[Math.floor(Math.random() * items.length)]: Math.random() is below 1, so the index is never the length.' }, () => {
    const xs = [1, 2, 3];
    const template = bounded('new Environment()', () => new Environment()).fromString('{{ xs|random }}');
    const seen = new Set<string>();
    // One bound for the 300 renders, the full one even after an earlier timeout (the shortened
    // bound is meant for one call).
    bounded('300 renders', () => {
      for (let i = 0; i < 300; i++) seen.add(bounded('rendering "{{ xs|random }}"', () => template.render({ xs })));
    }, CALL_BOUND_MS);
    expect([...seen].sort(), `300 renders of "{{ xs|random }}" with data ${showData({ xs })} printed these outputs`).toEqual(['1', '2', '3']);
    expectRender('{{ [7]|random }}|[{{ []|random }}]|{{ "z"|random }}', {}, '7|[]|z');
  });

  test('random gives each item the same chance: Math.random() in [k/n, (k+1)/n) picks item k', { rules: ['FN9'] }, () => {
    const picks: [number, string][] = [[0, '1'], [0.3, '1'], [0.34, '2'], [0.5, '2'], [0.7, '3'], [0.99, '3']];
    for (const [r, expected] of picks) {
      const spy = vi.spyOn(Math, 'random').mockReturnValue(r);
      try {
        const actual = render('{{ xs|random }}', { xs: [1, 2, 3] });
        expect(actual, `template "{{ xs|random }}" with data ${showData({ xs: [1, 2, 3] })} and Math.random() giving ${r}`).toBe(expected);
      } finally {
        spy.mockRestore();
      }
    }
  });

  test('string gives the value as text, none and undefined as the empty text, and keeps safeness', { rules: ['FN10'], points: 2 }, () => {
    expectRender('{% for c in 1234|string|list %}{{ c }},{% endfor %}|{{ true|string }}|[{{ none|string }}{{ missing|string }}]|{{ 12|string ~ 3 }}|{{ (12|string|length) }}', {}, '1,2,3,4,|true|[]|123|2');
    expectRender('{{ s|string }}|{{ s|safe|string }}|{{ s|e|string }}', { s: '<b>' }, '&lt;b&gt;|<b>|&lt;b&gt;');
  });

  test('d is another name for default', { rules: ['FN11'] }, () => {
    expectRender('{{ missing|d("x") }}|[{{ ""|d("y") }}]|{{ ""|d("z", true) }}|{{ 0|d(1) }}|{{ none|d(2, true) }}', {}, 'x|[]|z|0|2');
  });

  test('d, like default, replaces only undefined unless its second argument is true: none stays none', { rules: ['FN11'] }, () => {
    expectRender('[{{ none|d("x") }}]|{{ (n|d("x")) is none }}|{{ n|d("y", true) }}|{{ n|d(fallback, false) is none }}', { n: null, fallback: 'z' }, '[]|true|y|true');
  });
});

/** Renders `source` with a fresh Environment, given these globals if any. */
function renderWithGlobals(source: string, context: Record<string, unknown>, globals?: Record<string, unknown>): string {
  const env = bounded('new Environment({ globals })', () => new Environment(globals ? { globals } : {}));
  return bounded(`env.renderString(${show(source)})`, () => env.renderString(source, context));
}

function expectGlobals(source: string, context: Record<string, unknown>, globals: Record<string, unknown> | undefined, expected: string): void {
  const label = `template ${show(source)} with data ${showData(context)}${globals ? `, globals ${showData(globals)}` : ''}`;
  expect(renderWithGlobals(source, context, globals), label).toBe(expected);
}

milestone('globals', () => {
  test('a name the data lacks is looked up among the globals: the globals option, addGlobal, and the built-in ones', { rules: ['GL1'], points: 3, hint: 'Make the render\'s copy of the context on top of the environment\'s globals (Object.create(globals)), an object without a prototype holding builtInGlobals and options.globals.' }, () => {
    const globals = { site: 'Mine', hello: (name: unknown) => `Hello ${String(name)}` };
    expectGlobals('{{ hello(site) }}|{{ site }}|{{ range(2)|join }}', {}, globals, 'Hello Mine|Mine|01');
    expectGlobals('{{ hello(site) }}|[{{ constructor }}{{ toString }}]', { site: 'Data' }, globals, 'Hello Data|[]');
    expectGlobals('{% set site = "Set" %}{{ site }}|{% for site in ["Loop"] %}{{ site }}{% endfor %}|{{ site is defined }}|{{ nope is defined }}', {}, globals, 'Set|Loop|true|false');
  });

  test('addGlobal adds a global for every template, those compiled before included, and returns the environment', { rules: ['GL1'], points: 2 }, () => {
    const env = bounded('new Environment()', () => new Environment());
    const before = bounded('env.fromString("{{ greet(who) }}")', () => env.fromString('{{ greet(who) }}'));
    const returned = bounded('env.addGlobal("greet", ...).addGlobal("who", "World")', () => env.addGlobal('greet', (w: unknown) => `Hi ${String(w)}`).addGlobal('who', 'World'));
    expect(returned === env, 'env.addGlobal(name, value) returns env, so calls chain').toBe(true);
    expect(bounded('render', () => before.render({})), 'a template compiled before addGlobal, rendered after it').toBe('Hi World');
    expect(bounded('render', () => env.renderString('{{ greet(who) }}', { who: 'you' })), 'the data wins over a global of the same name').toBe('Hi you');
  });

  test('globals are seen in macros, included templates and imported ones, with or without context', { rules: ['GL1'], points: 2 }, () => {
    const files = {
      'm.html': '{% macro f() %}{{ site }}{% endmacro %}{% set top = site %}',
      'inc.html': '{{ site }}',
      'page.html': '{% macro g() %}{{ site }}{% endmacro %}{% import "m.html" as m %}{% from "m.html" import f with context %}{{ g() }}|{% include "inc.html" %}|{{ m.f() }}|{{ m.top }}|{{ f() }}',
    };
    const env = bounded('new Environment({ loader, globals })', () => new Environment({ loader: new DictLoader(files), globals: { site: 'G' } }));
    const label = `page.html = ${show(files['page.html'])} with m.html = ${show(files['m.html'])}, inc.html = ${show(files['inc.html'])}, globals { site: "G" }`;
    expect(bounded('env.render("page.html")', () => env.render('page.html', {})), label).toBe('G|G|G|G|G');
  });

  test('range(stop) and range(start, stop, step) give the numbers from start up to stop, stop left out', { rules: ['GL2'], points: 2, hint: 'One argument: from 0 to it. The step is 1 unless given; a negative step counts down while the number is above stop.' }, () => {
    const loop = (call: string) => `{% for i in ${call} %}{{ i }}{% endfor %}`;
    expectGlobals([loop('range(10)'), loop('range(0, 10)'), loop('range(5, 10)'), loop('range(-2, 0)'), loop('range(5, 10, 2)')].join('|'), {}, undefined, '0123456789|0123456789|56789|-2-1|579');
    expectGlobals([loop('range(5, 10, 2.5)'), loop('range(10, 5, -1)'), loop('range(10, 5, -2.5)'), loop('range(3, 3)'), loop('range(3, 1)'), loop('range(0)')].join('|'), {}, undefined, '57.5|109876|107.5|||');
    expectGlobals('{{ range(3)|join(",") }}|{{ range(1, 4)|length }}|{{ range(n)|sum }}', { n: 5 }, undefined, '0,1,2|3|10');
  });

  test('cycler(items...): next() gives the items in turn, round and round; current is the last one it gave; reset() starts over', { rules: ['GL3'], points: 2, hint: 'Keep the place in a variable of the cycler() call; next() moves it on (back to 0 after the last item) and sets current; reset() puts it before the first item and current back to none.' }, () => {
    const set = '{% set c = cycler("odd", "even") %}';
    expectGlobals(`${set}{{ c.next() }}{{ c.next() }}{{ c.next() }}`, {}, undefined, 'oddevenodd');
    expectGlobals(`${set}{{ c.next() }}{{ c.reset() }}{{ c.next() }}`, {}, undefined, 'oddodd');
    expectGlobals(`${set}[{{ c.current }}]{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.current }}|{{ c.reset() }}[{{ c.current }}]`, {}, undefined, '[]oddeveneveneven|[]');
    expectGlobals('{% set a = cycler(1, 2, 3) %}{% set b = cycler("x") %}{% for i in range(4) %}{{ a.next() }}{{ b.next() }}{% endfor %}', {}, undefined, '1x2x3x1x');
  });

  test('cycler: current is none before the first next() and after reset()', { rules: ['GL3'] }, () => {
    const set = '{% set c = cycler("odd", "even") %}';
    expectGlobals(`${set}{{ c.current is none }}|{{ c.current is defined }}|{{ c.next() }}{{ c.current is none }}|{{ c.reset() }}{{ c.current is none }}`, {}, undefined, 'true|true|oddfalse|true');
  });

  test('joiner(separator): a function that gives nothing the first time and the separator (",") every time after', { rules: ['GL4'], points: 2 }, () => {
    expectGlobals('{% set comma = joiner() %}foo{{ comma() }}bar{{ comma() }}baz{{ comma() }}', {}, undefined, 'foobar,baz,');
    expectGlobals('{% set pipe = joiner("|") %}{% set dash = joiner(" - ") %}{% for x in ["a", "b", "c"] %}{{ pipe() }}{{ x }}{{ dash() }}{% endfor %}', {}, undefined, 'a|b - |c - ');
    expectGlobals('{% set j = joiner("<br>") %}{{ j() }}a{{ j() }}b|{% set e = joiner("") %}{{ e() }}c{{ e() }}d', {}, undefined, 'a&lt;br&gt;b|c,d');
  });
});
