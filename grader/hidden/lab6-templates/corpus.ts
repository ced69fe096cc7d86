// The templates of the differential tests: each is rendered by the learner's engine and by
// nunjucks, on the same data, and the two outputs must be identical (rule N1). They stay inside the
// lab's features and away from where the engine parts from nunjucks on purpose (the lesson's table
// at lessons/06-templates.md#jinja2-and-nunjucks), so they never ask for nunjucks's output there:
// - no `not a == b`, no `~` next to an unparenthesized `+`, no `//` after `*` (nunjucks's slips, C13);
// - no filter that keeps safeness (replace, truncate) gets text with `& < > " '` in its arguments
//   while its value is safe (`|e`, `|safe`, `super()`, a macro's output): nunjucks pastes such text
//   unescaped, an XSS hole; the engine escapes it (A7);
// - no backslash in printed data: nunjucks writes `&#92;`, the engine leaves it (A2);
// - no keyword argument that names no parameter: nunjucks ignores it, the engine refuses it (F17, M5).
// - no test with a bare argument (Q2), of a negative number (Q5), of a safe string for string or
//   mapping (Q4), of undefined or a non-string where nunjucks throws (Q4, Q7), no unknown test (Q8),
//   and no import inside a macro read outside it (M11): the lesson's table lists each.

export interface Case {
  template: string;
  data?: Record<string, unknown>;
  /** Other templates, by name, for include and extends. */
  files?: Record<string, string>;
}

export interface Group {
  name: string;
  /** The lesson's rules the group exercises, N1 first: a failure links to the nunjucks section. */
  rules: string[];
  cases: Case[];
}

/** Payloads that must come out escaped wherever they are printed. */
const XSS = `<script>alert('x')</script>`;
const ATTR = `" onmouseover="alert(1)`;

export const corpus: Group[] = [
  {
    name: 'literals and arithmetic',
    rules: ['N1', 'C2', 'C7', 'C8', 'C9', 'C6', 'C10', 'X6', 'L4', 'L5'],
    cases: [
      { template: '{{ "text" }}|{{ 42 }}|{{ 3.25 }}|{{ true }}|{{ false }}|[{{ none }}]' },
      { template: '{{ 7 / 2 }} {{ 8 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 2 ** 8 }}' },
      { template: '{{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 10 - 4 - 3 }} {{ -n + 1 }} {{ -(n + 1) }}', data: { n: 5 } },
      { template: '{{ a ~ b }}|{{ 1 ~ 2 }}|{{ "<" ~ a }}|{{ (a ~ 1) + 2 }}', data: { a: 'x&y', b: 7 } },
      { template: '{{ 1 < 2 }} {{ 2 == 2.0 }} {{ "a" != "b" }} {{ 3 > 2 > 1 }} {{ 1 < 2 < 3 }} {{ 5 >= 5 }}' },
      { template: '{{ 0 or "zero" }}|{{ 1 and "one" }}|{{ not 0 }}|{{ not items }}|{{ x or y or "none" }}', data: { items: [] } },
      { template: '{{ 2 in [1, 2] }} {{ "b" in "abc" }} {{ "k" in d }} {{ 3 not in [1, 2] }} {{ "z" not in d }}', data: { d: { k: 1 } } },
      { template: '{{ "big" if n > 3 else "small" }}|[{{ "shown" if n < 0 }}]|{{ ("a" if false) ~ "b" }}', data: { n: 5 } },
      { template: '{{ "x" ~ missing }}|{{ none ~ "y" }}|{{ n ~ "" }}|{{ "a" + 1 }}', data: { n: 0 } },
      { template: '{{ "}}" }}|{{ \'%}\' }}|{% if "%}" %}y{% endif %}|{{ "{{" ~ \'{%\' }}|{{ 3.50 }}|{{ 2.0 + 1 }}' },
    ],
  },
  {
    name: 'lookups, lists and dicts',
    rules: ['N1', 'C4', 'X3', 'X4', 'C2'],
    cases: [
      { template: '{{ user.name }} {{ user["email"] }} {{ user.tags[1] }} [{{ user.missing }}] [{{ nobody.name.first }}]', data: { user: { name: 'Ada', email: 'ada@example.com', tags: ['math', 'engines'] } } },
      { template: '{{ [1, 2, 3] }}|{{ [] }}|{{ {"a": 1}.a }}|{{ {b: 2}.b }}|{{ [[1, 2], [3]] }}|{{ rows[0].cells[1] }}', data: { rows: [{ cells: ['a', 'b'] }] } },
      { template: '{% set point = {"x": 3, "y": 4} %}{{ point.x * point.x + point.y * point.y }} {{ point["y"] }}' },
      { template: '{{ items }}|{{ items.length }}|{{ title.length }}|{{ [payload] }}', data: { items: ['<a>', 'b&c'], title: 'Hello', payload: XSS } },
    ],
  },
  {
    name: 'filters',
    rules: ['N1', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12', 'F13', 'F14', 'F15', 'F16', 'F17'],
    cases: [
      { template: '{{ s|upper }}|{{ s|lower }}|{{ s|capitalize }}|{{ s|title }}|{{ "  pad  "|trim }}', data: { s: 'hELLO wORLD <b>' } },
      { template: '{{ xs|length }} {{ "four"|length }} {{ d|length }} {{ none|length }} {{ xs|first }} {{ xs|last }}', data: { xs: [3, 1, 2], d: { a: 1, b: 2 } } },
      { template: '{{ missing|default("fallback") }}|{{ ""|default("x") }}|{{ ""|default("x", true) }}|{{ 0|default(5, true) }}' },
      { template: '{{ words|join(", ") }}|{{ words|join }}|{{ people|join(" & ", "name") }}', data: { words: ['a', '<b>', 'c'], people: [{ name: 'Tom' }, { name: 'Jerry' }] } },
      { template: '{{ "a-b-c"|replace("-", "+") }}|{{ "aaa"|replace("a", "b", 2) }}|{{ 1234|replace(2, 9) }}|{{ "ab"|replace("", "*") }}' },
      { template: '{{ "stressed"|reverse }}|{{ xs|reverse|join(",") }}|{{ xs|sort|join(",") }}|{{ names|sort|join(",") }}|{{ names|sort(true)|join(",") }}', data: { xs: [3, 1, 2], names: ['bob', 'Alice', 'carol'] } },
      { template: '{% for p in people|sort(attribute="age") %}{{ p.name }}{% endfor %}|{{ people|sort(reverse=true, attribute="name")|join(",", "name") }}', data: { people: [{ name: 'Cy', age: 30 }, { name: 'Al', age: 20 }, { name: 'Bo', age: 25 }] } },
      { template: '{{ 3.14159|round(2) }}|{{ 2.5|round }}|{{ 2.7|round(0, "floor") }}|{{ "42"|int }}|{{ "4x"|int }}|{{ "x"|int(7) }}|{{ "x"|int(default=8) }}|{{ "2.5"|float }}|{{ "x"|float(1.5) }}' },
      { template: '{{ "abc"|list|join("-") }}|{% for pair in d|list %}{{ pair.key }}={{ pair.value }};{% endfor %}', data: { d: { a: 1, b: 2 } } },
      { template: '{{ long|truncate(12) }}|{{ long|truncate(12, true) }}|{{ long|truncate(12, false, "!") }}|{{ "short"|truncate(12) }}', data: { long: 'The quick brown fox jumps' } },
      { template: '{{ words|sort|first|upper }}|{{ xs|length * 2 }}|{{ 1 + "2"|int }}', data: { words: ['pear', 'apple'], xs: [1, 2, 3] } },
      { template: '{{ names|sort|join(",") }}|{{ names|sort(case_sensitive=true)|join(",") }}|{{ names|sort(false, true)|join(",") }}', data: { names: ['bob', 'Carol', 'alice'] } },
      { template: '{{ 2.5|round(2) }}|{{ 1.5|round + 1 }}|{{ 2|round(1) }}|[{{ 5|length }}][{{ true|length }}][{{ n|length }}]', data: { n: 3 } },
      { template: '{{ ps|sort(attribute="a.b")|join(",", "n") }}|{{ "ff"|int(base=16) }}|{{ "12"|int(0, 8) }}|[{{ none|upper }}{{ missing|lower }}{{ none|capitalize }}]', data: { ps: [{ n: 'p', a: { b: 2 } }, { n: 'q', a: { b: 1 } }] } },
    ],
  },
  {
    name: 'escaping',
    rules: ['N1', 'A1', 'A3', 'A4', 'A5', 'A6'],
    cases: [
      { template: '<p>{{ payload }}</p>', data: { payload: XSS } },
      { template: '<a href="/u?q={{ q }}" title="{{ t }}">{{ t }}</a>', data: { q: `a"b'c&d`, t: ATTR } },
      { template: '{{ html|safe }}|{{ html }}|{{ html|escape }}|{{ html|e|e }}|{{ html|escape|safe }}', data: { html: '<b>bold & "quoted"</b>' } },
      { template: '{{ html|safe|upper }}|{{ html|safe|lower }}|{{ html|safe|title }}|{{ html|safe|capitalize }}|{{ html|safe|trim }}', data: { html: ' <i>it</i> ' } },
      { template: '{{ html|safe|replace("i", "b") }}|{{ html|safe|truncate(5) }}|{{ html|safe|truncate(50) }}|{{ html|safe ~ payload }}', data: { html: '<i>it is long enough</i>', payload: XSS } },
      { template: '{{ payload|upper }}|{{ payload|replace("x", "y") }}|{{ [payload, payload]|join(" ") }}|{{ payload|default("d") }}', data: { payload: XSS } },
      { template: '{% set p = "<" ~ tag ~ ">" %}{{ p }}{{ p|safe }}', data: { tag: 'em' } },
    ],
  },
  {
    name: 'conditions and loops',
    rules: ['N1', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8'],
    cases: [
      { template: '{% if n > 10 %}big{% elif n > 5 %}medium{% elif n > 0 %}small{% else %}none{% endif %}', data: { n: 7 } },
      { template: '{% if [] %}A{% endif %}{% if {} %}B{% endif %}{% if 0 %}C{% endif %}{% if "" %}D{% endif %}{% if none %}E{% endif %}{% if missing %}F{% endif %}{% if "0" %}G{% endif %}' },
      { template: '<ul>{% for item in items %}<li class="{{ "first" if loop.first }}{{ "last" if loop.last }}">{{ loop.index }}/{{ loop.length }} {{ item }}</li>{% endfor %}</ul>', data: { items: ['apple', XSS, 'cherry'] } },
      { template: '{% for x in xs %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{% else %}empty{% endfor %}|{% for x in [] %}no{% else %}empty{% endfor %}|{% for x in missing %}no{% else %}none{% endfor %}', data: { xs: ['a', 'b', 'c'] } },
      { template: '{% for name, score in scores %}{{ name }}:{{ score }} {% endfor %}|{% for k, v in table %}{{ k }}={{ v }};{% endfor %}', data: { scores: [['ann', 3], ['<bob>', 5]], table: { x: 1, y: '<2>' } } },
      { template: '{% for row in grid %}{% for cell in row %}{{ loop.index }}{{ cell }}{% endfor %}/{{ loop.index }} {% endfor %}', data: { grid: [['a', 'b'], ['c']] } },
      { template: '{% for k, v in none %}x{% else %}e{% endfor %}|{% for c in s %}[{{ c }}]{% endfor %}|{{ s|length }}|{% for c in s %}{{ loop.length }}{% endfor %}|{{ s|list|length }}', data: { s: 'a\u{1F600}b' } },
      { template: '{% for c in "héllo" %}[{{ c }}]{% endfor %}|{% for x in d %}x{% else %}objects need two names{% endfor %}', data: { d: { a: 1 } } },
      { template: '{% for user in users %}{% if user.active %}{{ user.name }}{% if not loop.last %}, {% endif %}{% endif %}{% endfor %}', data: { users: [{ name: 'a', active: true }, { name: 'b', active: false }, { name: 'c', active: true }] } },
      { template: '{% for x in xs %}[{{ prev }}]{% set prev = x %}{% endfor %}[{{ prev }}]', data: { xs: [1, 2, 3] } },
    ],
  },
  {
    name: 'set and scoping',
    rules: ['N1', 'S9', 'S10', 'S11'],
    cases: [
      { template: '{% set total = 0 %}{% for x in xs %}{% set total = total + x %}{% endfor %}{{ total }}', data: { xs: [1, 2, 3, 4] } },
      { template: '{% for x in xs %}{% set last = x %}{% endfor %}[{{ last }}]', data: { xs: [1, 2] } },
      { template: '{% for x in xs %}{% set total = total + x %}{{ total }},{% endfor %}{{ total }}', data: { xs: [1, 2, 3], total: 10 } },
      { template: '{% set x = "outer" %}{% if true %}{% set x = "inner" %}{% endif %}{{ x }}|{% for x in [1, 2] %}{% endfor %}{{ x }}' },
      { template: '{% set n = 1 %}{% for a in [1, 2] %}{% for b in [1, 2] %}{% set n = n * 2 %}{% endfor %}{% endfor %}{{ n }}' },
      { template: '{% set greeting = "Hi " ~ name %}{{ greeting }}{% set name = "changed" %} {{ name }}', data: { name: '<Ann>' } },
    ],
  },
  {
    name: 'whitespace control and comments',
    rules: ['N1', 'W1', 'W2', 'W5'],
    cases: [
      { template: '<ul>\n  {%- for x in xs %}\n  <li>{{ x }}</li>\n  {%- endfor %}\n</ul>', data: { xs: [1, 2] } },
      { template: 'a  {{- " b " -}}  c {# a comment #} d {#- trimmed -#} e\n{# multi\nline #}f' },
      { template: '{% if true -%}\n   yes   \n{%- endif %}|{{ 1 }} {{- 2 }}  {{- 3 -}}  |' },
    ],
  },
  {
    name: 'inheritance',
    rules: ['N1', 'I1', 'I2', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'S12', 'S11'],
    cases: [
      {
        template: '{% extends "base.html" %}{% block title %}Home{% endblock %}{% block body %}<p>{{ msg }}</p>{% endblock %}ignored text',
        data: { msg: XSS },
        files: { 'base.html': '<title>{% block title %}Site{% endblock %}</title><main>{% block body %}{% endblock %}</main><footer>{% block footer %}(c){% endblock %}</footer>' },
      },
      {
        template: '{% extends "mid.html" %}{% block body %}child+{{ super() }}{% endblock %}',
        files: {
          'mid.html': '{% extends "base.html" %}{% block body %}mid+{{ super() }}{% endblock %}{% block side %}mid side{% endblock %}',
          'base.html': '[{% block body %}base{% endblock %}][{% block side %}base side{% endblock %}]',
        },
      },
      {
        template: '{% extends layout %}{% set title = "T<" %}{% block body %}[{{ title }}]{% endblock %}',
        data: { layout: 'base.html' },
        files: { 'base.html': '<h1>{{ title }}</h1>{% block body %}{% endblock %}' },
      },
      {
        template: '{% extends "list.html" %}{% block item %}<b>{{ x }}</b>{% endblock %}',
        data: { xs: ['1', '<2>'] },
        files: { 'list.html': '{% for x in xs %}{% block item %}{{ x }}{% endblock %}{% endfor %}' },
      },
      { template: '{% set x = 1 %}{% block b %}{% set x = 2 %}{{ x }}{% endblock %}{{ x }}' },
      { template: '{% set x = 1 %}{% block b %}{% for i in [1] %}{% set x = 2 %}{% endfor %}[{{ x }}]{% endblock %}|{{ x }}' },
      {
        template: '{% extends "base.html" %}{% block b %}{% set x = "child" %}{{ x }}{% for y in [1] %}{{ super() }}{% endfor %}{% endblock %}',
        data: { x: 'ctx', y: 'ctx' },
        files: { 'base.html': '{% block b %}[{{ x }}|{{ y }}]{% endblock %}' },
      },
      {
        template: '{% extends "list.html" %}{% block item %}<{{ super() }}>{% endblock %}',
        data: { xs: [1, 2] },
        files: { 'list.html': '{% for x in xs %}{% block item %}({{ x }}){% endblock %}{% endfor %}' },
      },
    ],
  },
  {
    name: 'macros and includes',
    rules: ['N1', 'M1', 'M2', 'M3', 'M4', 'M6', 'M7', 'M8', 'S12', 'S11'],
    cases: [
      { template: '{% macro field(name, value="", type="text") %}<input type="{{ type }}" name="{{ name }}" value="{{ value }}">{% endmacro %}{{ field("q") }}{{ field("pw", type="password") }}{{ field("x", v) }}', data: { v: ATTR } },
      { template: '{% macro box(body) %}<div>{{ body }}</div>{% endmacro %}{{ box(payload) }}|{{ box(box("<i>")) }}|{{ box(payload|safe) }}', data: { payload: XSS } },
      { template: '{% macro show() %}[{{ x }}|{{ g }}]{% endmacro %}{% set g = "global" %}{% for x in [1] %}{{ show() }}{% endfor %}', data: { x: 'ctx' } },
      { template: '{% macro m(a, b) %}{{ a }}-{{ b }}{% set a = "changed" %}{% endmacro %}{% set a = "kept" %}{{ m(1) }}|{{ m(b=2, a=1) }}|{{ a }}' },
      { template: '{% macro m(a=1, b="d") %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(0, "") }}{{ m(false, none) }}{{ m() }}{{ m(a=0, b="") }}' },
      { template: '{% for x in [1] %}{% macro m() %}[{{ x }}]{% endmacro %}{{ m() }}{% endfor %}{% macro n(a) %}[{{ a }}]{% endmacro %}{{ n(1) }}{{ n() }}', data: { a: 'ctx' } },
      { template: '{% for x in [1] %}{% set y = 2 %}{% include "m.html" %}{% endfor %}', files: { 'm.html': '{% macro m() %}[{{ x }}|{{ y }}]{% endmacro %}{{ m() }}' } },
      { template: '<ul>{% for item in items %}{% include "item.html" %}{% endfor %}</ul>', data: { items: ['one', XSS] }, files: { 'item.html': '<li>{{ loop.index }}. {{ item }}</li>' } },
      { template: '{% macro m(a) %}[{{ a|default("d") }}][{{ a + 1 }}][{{ a|length }}]{% endmacro %}{{ m() }}{{ m(1) }}{{ m("<b>") }}' },
      { template: '{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{% set o = {"m": m} %}{{ o.m(b=2) }}{{ o["m"](1, b=3) }}' },
      { template: '{% set x = 1 %}{% include "inc.html" %}|{{ x }}', files: { 'inc.html': '{% for i in [1] %}{% set x = 2 %}{% endfor %}[{{ x }}]' } },
      { template: '{% set x = 1 %}{% include "inc.html" %}|{{ x }}|{{ y }}', files: { 'inc.html': '{% set x = 2 %}{% set y = 3 %}{{ x }}{{ y }}' } },
      { template: '{% include which %}|{% include "nested.html" %}', data: { which: 'a.html', who: '<w>' }, files: { 'a.html': 'A:{{ who }}', 'nested.html': 'N({% include "a.html" %})' } },
    ],
  },
  {
    name: 'tests with is',
    rules: ['N1', 'Q1', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'X11'],
    cases: [
      { template: '{{ x is defined }}|{{ nope is defined }}|{{ nope is undefined }}|{{ n is defined }}|{{ n is null }}|{{ n is none }}|{{ nope is none }}|{{ none is none }}', data: { x: 1, n: null } },
      { template: '{% if user is defined %}Hi {{ user }}{% else %}Sign in{% endif %}|{% if guest is not defined %}no guest{% endif %}', data: { user: XSS } },
      { template: '{{ 5 is number }}|{{ "5" is number }}|{{ "s" is string }}|{{ 5 is string }}|{{ xs is string }}|{{ xs is callable }}|{{ nope is callable }}', data: { xs: [1] } },
      { template: '{{ xs is iterable }}|{{ "ab" is iterable }}|{{ d is iterable }}|{{ d is mapping }}|{{ xs is mapping }}|{{ 3 is mapping }}', data: { xs: [1], d: { a: 1 } } },
      { template: '{{ h is escaped }}|{{ h|e is escaped }}|{{ h|safe is escaped }}|{{ "x" is escaped }}', data: { h: '<b>' } },
      { template: '{% for n in [1, 2, 3, 4, 5, 6] %}{{ n }}{% if n is odd %}o{% endif %}{% if n is even %}e{% endif %}{% if n is divisibleby(3) %}!{% endif %} {% endfor %}' },
      { template: '{{ "5" is odd }}|{{ 4 is not even }}|{{ "6" is divisibleby(3) }}|{{ 7 is divisibleby(2) }}|{{ 0 is even }}|{{ 3.5 is odd }}' },
      { template: '{{ 1 is eq(1) }}|{{ 1 is equalto("1") }}|{{ a is sameas(a) }}|{{ a is sameas(b) }}|{{ 5 is ne(5) }}|{{ 4 is not ne(2) }}', data: { a: [1], b: [1] } },
      { template: '{{ 3 is lt(4) }}|{{ 3 is lessthan(3) }}|{{ 3 is gt(2) }}|{{ "5" is greaterthan(4) }}|{{ 3 is le(3) }}|{{ 3 is ge(4) }}|{{ "b" is gt("a") }}' },
      { template: '{{ 0 is falsy }}|{{ "pancakes" is not falsy }}|{{ [] is truthy }}|{{ "" is truthy }}|{{ none is truthy }}|{{ nope is falsy }}' },
      { template: '{{ "foobar" is lower }}|{{ "Foobar" is lower }}|{{ "FOOBAR" is upper }}|{{ "Foo" is upper }}|{{ "a1-" is lower }}|{{ "A1-" is upper }}' },
      { template: '{{ n + 1 is odd }}|{{ not n is odd }}|{{ n is odd and n is not even }}|{{ n is even or n is divisibleby(5) }}|{{ "yes" if n is odd else "no" }}|{{ n * 2 is even }}', data: { n: 5 } },
      { template: '{% for u in users %}{% if u.email is defined and u.email is not none %}{{ u.name }}<{{ u.email }}> {% endif %}{% endfor %}', data: { users: [{ name: 'a', email: 'a@x' }, { name: 'b' }, { name: 'c', email: null }, { name: '<d>', email: XSS }] } },
      { template: '{% for x in xs %}{{ loop.index is divisibleby(2) }},{% endfor %}|{% macro m() %}{% endmacro %}{{ m is callable }}', data: { xs: [1, 2, 3] } },
    ],
  },
  {
    name: 'import and from',
    rules: ['N1', 'M9', 'M10', 'M11', 'M12', 'M8'],
    cases: [
      {
        template: '{% import "forms.html" as forms %}{{ forms.field("q", v) }}{{ forms.button("a&b") }}{{ forms.who() }}{{ forms.top }}[{{ forms.user }}]',
        data: { user: 'bob', v: ATTR },
        files: { 'forms.html': '{% macro field(name, value="") %}<input name="{{ name }}" value="{{ value }}">{% endmacro %}{% macro button(t) %}<b>{{ t }}</b>{% endmacro %}{% macro who() %}[{{ user }}]{% endmacro %}{% set top = 5 %}TEXT' },
      },
      {
        template: '{% from "forms.html" import a, b as bee %}{{ a() }}{{ bee() }}[{{ b }}]',
        files: { 'forms.html': '{% macro a() %}A{{ b() }}{% endmacro %}{% macro b() %}B{% endmacro %}' },
      },
      {
        template: '{% import "forms.html" as forms %}{% macro m() %}{{ forms.button("m") }}{% endmacro %}{{ m() }}{% include "inc.html" %}',
        files: { 'forms.html': '{% macro button(t) %}<b>{{ t }}</b>{% endmacro %}', 'inc.html': '{{ forms.button("i") }}' },
      },
      {
        template: '{% extends "base.html" %}{% import "forms.html" as forms %}{% block b %}{{ forms.button(x) }}{% endblock %}',
        data: { x: XSS },
        files: { 'forms.html': '{% macro button(t) %}<b>{{ t }}</b>{% endmacro %}', 'base.html': '<{% block b %}{% endblock %}>' },
      },
      {
        template: '{% for i in [1] %}{% import "forms.html" as f %}{{ f.button(i) }}{% endfor %}[{{ f }}]',
        files: { 'forms.html': '{% macro button(t) %}<b>{{ t }}</b>{% endmacro %}' },
      },
      {
        template: '{% from "who.html" import who with context %}{{ who() }}|{% import "who.html" as f with context %}{{ f.who() }}|{% import "who.html" as g without context %}{{ g.who() }}|{% import "who.html" as h %}{{ h.who() }}',
        data: { user: XSS },
        files: { 'who.html': '{% macro who() %}[{{ user }}]{% endmacro %}' },
      },
      {
        template: '{% set user = "top" %}{% from "who.html" import who with context %}{{ who() }}{% set name = "who.html" %}{% from name import who as w %}{{ w() }}',
        files: { 'who.html': '{% macro who() %}[{{ user }}]{% endmacro %}' },
      },
      {
        template: '{% from "lib.html" import box %}{{ box(p) }}|{{ box(box("<i>")) }}|{{ box(p|safe) }}',
        data: { p: XSS },
        files: { 'lib.html': '{% macro box(a) %}<div>{{ a }}</div>{% endmacro %}' },
      },
    ],
  },
];

/**
 * The groups of the extension milestones, each checked in its own milestone: the core's
 * differential milestone never asks for them. Only filters nunjucks has, called the ways where the
 * lesson does not part from it (no keyword arguments, no `striptags` on safe text, no `! ' ( ) *`
 * for `urlencode`).
 */
export const extensionCorpus: Array<Group & { milestone: string }> = [
  {
    milestone: 'filters-lists',
    name: 'filters for lists and dicts',
    rules: ['N1', 'FL1', 'FL2', 'FL3', 'FL4'],
    cases: [
      { template: '{% for k, v in d|dictsort %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d|dictsort(true) %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d|dictsort(false, "value") %}{{ k }}={{ v }};{% endfor %}', data: { d: { b: 2, A: 3, c: 1, _x: 0, '<k>': -1 } } },
      { template: '{% for k, v in d|dictsort(false, "value") %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d|dictsort(true, "value") %}{{ k }}={{ v }};{% endfor %}|{{ d|dictsort|first|join(":") }}', data: { d: { x: 'b', y: 'C', z: 'a', w: XSS } } },
      { template: '{% for g, items in ps|groupby("c") %}{{ g }}:{{ items|join(",", "n") }};{% endfor %}', data: { ps: [{ n: 'x', c: 'b' }, { n: XSS, c: 'a' }, { n: 'z', c: 'b' }, { n: 'w' }] } },
      { template: '{% for g, items in ps|groupby("home.city") %}{{ g }}={{ items|length }};{% endfor %}|{% for y, items in ps|groupby("year") %}{{ y }}:{{ items|join(",", "n") }};{% endfor %}', data: { ps: [{ n: 'a', year: 2020, home: { city: 'Bonn' } }, { n: 'b', year: 2019, home: { city: ATTR } }, { n: 'c', year: 2020, home: { city: 'Bonn' } }] } },
      { template: '{{ xs|sum }}|{{ ps|sum("age") }}|{{ xs|sum(none, 10) }}|{{ []|sum }}|{{ ps|sum("age", 0.5) }}', data: { xs: [1, 2, 3], ps: [{ age: 3 }, { age: 1 }] } },
      { template: '{% for row in xs|batch(2) %}[{{ row|join(",") }}]{% endfor %}|{% for row in xs|batch(2, "-") %}[{{ row|join(",") }}]{% endfor %}|{% for row in xs|batch(3, 0) %}[{{ row|join(",") }}]{% endfor %}|{% for row in xs|batch(5, none) %}[{{ row|length }}]{% endfor %}', data: { xs: [1, 2, 3, 4, XSS] } },
      { template: '{{ xs|batch(2)|length }}|{{ (xs|batch(2))[1]|sum }}|{{ []|batch(3)|length }}|{% for row in xs|batch(4, "x") %}{{ row }};{% endfor %}', data: { xs: [1, 2, 3, 4, 5] } },
    ],
  },
  {
    milestone: 'filters-text',
    name: 'filters for text and numbers',
    rules: ['N1', 'FT3', 'FT7', 'FT8', 'FT9', 'FT10'],
    cases: [
      { template: '{{ s|striptags }}|{{ "1 < 2 and 3 > 2"|striptags }}|[{{ "  x \t\n y  "|striptags }}]|{{ payload|striptags }}|[{{ none|striptags }}]', data: { s: '<p class="x">Hi <b>you</b></p>\n  there <!-- a\ncomment --> &amp; <i>it</i>', payload: XSS } },
      { template: '{{ "a b/c?d=e&f #g"|urlencode }}|{{ d|urlencode }}|{{ ps|urlencode }}|{{ "é ü"|urlencode }}', data: { d: { 'a b': 'c/d&e', x: 1 }, ps: [['a', '1'], ['b', 'x y']] } },
      { template: '{{ "Hello, wörld! one_two 3"|wordcount }}|[{{ ""|wordcount }}]|[{{ none|wordcount }}]|{{ "  a  b  "|wordcount }}|[{{ " ... "|wordcount }}]' },
      { template: '{{ s|indent }}|{{ s|indent(2, true) }}|[{{ ""|indent }}]|{{ h|safe|indent(1) }}|{{ h|indent(3, true) }}', data: { s: 'a\nb\n\nc', h: '<b>\nx' } },
      { template: '{{ -3|abs }}|{{ 2.5|abs }}|{{ "-4"|abs }}|{{ x|abs }}|{{ (0 - x)|abs + 1 }}', data: { x: -0.5 } },
    ],
  },
  {
    milestone: 'filters-tests',
    name: 'filters that call tests',
    rules: ['N1', 'FS1', 'FS2'],
    cases: [
      { template: '{{ [1, 2, 3, 4]|select("odd")|join(",") }}|{{ [1, 2, 3, 4, 6]|reject("divisibleby", 3)|join(",") }}|{{ xs|select|join(",") }}|{{ xs|reject|join(",") }}|{{ [5, 1, 7]|select("gt", 4)|join(",") }}', data: { xs: [0, 1, 2, '', null, 'a', XSS] } },
      { template: '{{ us|selectattr("active")|join(",", "n") }}|{{ us|rejectattr("active")|join(",", "n") }}|{% for u in us|selectattr("active") %}[{{ u.n }}]{% endfor %}|{{ us|rejectattr("active")|length }}', data: { us: [{ n: 'a', active: true }, { n: XSS, active: false }, { n: 'c' }, { n: 'd', active: 1 }] } },
      { template: '{{ ["a", "B", "c"]|select("lower")|join }}|{{ [1, none, 2]|reject("null")|join(",") }}|{{ xs|select("string")|length }}|{{ xs|select("number")|sum }}', data: { xs: [1, 'a', 2, 'b'] } },
    ],
  },
];
