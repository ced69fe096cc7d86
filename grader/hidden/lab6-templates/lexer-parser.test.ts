// Hidden tests for lab 6, the front of the pipeline: the lexer's tokens and the parser's tree,
// checked against the shapes declared in nodes.ts (the lab's given contract), and the errors both
// raise, which must say where. Every call into the lab goes through `bounded`.
import { expect } from 'vitest';
import { parse, tokenize, type Expression, type Node, type Token } from '@lab/templates';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { templateError, where } from './helpers.ts';

const lex = (source: string): Token[] => bounded(`tokenize(${show(source)})`, () => tokenize(source));
const kinds = (tokens: Token[]) => tokens.map((t) => `${t.type} ${t.value}`.trim());
const tree = (source: string): Node[] => bounded(`parse(${show(source)})`, () => parse(source).body);

/** The single output node's expression of `{{ ... }}`. */
function expression(source: string): Expression {
  const body = tree(`{{ ${source} }}`);
  const node = body[0];
  if (body.length !== 1 || node?.kind !== 'output') throw new Error(`parse("{{ ${source} }}") should give one output node, got ${show(JSON.stringify(body))}`);
  return node.value;
}

/** An expression tree as a short Lisp-like string, so precedence shows at a glance. */
function shape(e: Expression): string {
  switch (e.kind) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'name':
      return e.name;
    case 'list':
      return `[${e.items.map(shape).join(' ')}]`;
    case 'dict':
      return `{${e.entries.map(([k, v]) => `${shape(k)}:${shape(v)}`).join(' ')}}`;
    case 'lookup':
      return `(lookup ${shape(e.target)} ${shape(e.key)})`;
    case 'call':
      return `(call ${shape(e.callee)}${e.args.map((a) => ` ${shape(a)}`).join('')}${e.kwargs.map(([k, v]) => ` ${k}=${shape(v)}`).join('')})`;
    case 'filter':
      return `(|${e.name} ${shape(e.value)}${e.args.map((a) => ` ${shape(a)}`).join('')}${e.kwargs.map(([k, v]) => ` ${k}=${shape(v)}`).join('')})`;
    case 'unary':
      return `(${e.operator} ${shape(e.operand)})`;
    case 'binary':
      return `(${e.operator} ${shape(e.left)} ${shape(e.right)})`;
    case 'compare':
      return `(compare ${shape(e.first)}${e.rest.map(([op, v]) => ` ${op} ${shape(v)}`).join('')})`;
    case 'conditional':
      return `(if ${shape(e.test)} ${shape(e.then)} ${e.otherwise ? shape(e.otherwise) : 'null'})`;
  }
}

milestone('lexer', () => {
  test('cuts text and tags into tokens, in order, ending with one end token', { points: 2 }, () => {
    expect(kinds(lex('Hi {{ name }}!{% if x %}<b>{% endif %}'))).toEqual([
      'text Hi',
      'variable-start {{',
      'name name',
      'variable-end }}',
      'text !',
      'block-start {%',
      'name if',
      'name x',
      'block-end %}',
      'text <b>',
      'block-start {%',
      'name endif',
      'block-end %}',
      'end',
    ]);
  });

  test('gives every token the 1-based line and column where it starts', { points: 2, hint: 'Count lines and columns as you advance through the source: a newline starts line + 1 at column 1, anything else moves one column.' }, () => {
    const tokens = lex('a\n  {{ user.name }}\n{% if n >= 2 %}x');
    const at = (t: Token) => `${t.type} ${t.value}@${t.line}:${t.column}`;
    expect(tokens.map(at)).toEqual([
      'text a\n  @1:1',
      'variable-start {{@2:3',
      'name user@2:6',
      'operator .@2:10',
      'name name@2:11',
      'variable-end }}@2:16',
      'text \n@2:18',
      'block-start {%@3:1',
      'name if@3:4',
      'name n@3:7',
      'operator >=@3:9',
      'number 2@3:12',
      'block-end %}@3:14',
      'text x@3:16',
      'end @3:17',
    ]);
  });

  test('reads names, numbers, strings and every operator, two-character ones as one token', { points: 2 }, () => {
    const inside = (source: string) => kinds(lex(`{{ ${source} }}`)).slice(1, -2);
    expect(inside('a_1 42 3.5 "s" \'t\'')).toEqual(['name a_1', 'number 42', 'number 3.5', 'string s', 'string t']);
    expect(inside('a//b**c==d!=e<=f>=g<h>i')).toEqual([
      'name a', 'operator //', 'name b', 'operator **', 'name c', 'operator ==', 'name d', 'operator !=',
      'name e', 'operator <=', 'name f', 'operator >=', 'name g', 'operator <', 'name h', 'operator >', 'name i',
    ]);
    expect(inside('+-*/%~=|.,:()[]{}')).toEqual(
      ['+', '-', '*', '/', '%', '~', '=', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}'].map((op) => `operator ${op}`),
    );
  });

  test('resolves escapes in string literals, in either kind of quotes', { hint: 'A backslash makes the next character literal; \\n, \\t and \\r stand for a newline, a tab and a carriage return.' }, () => {
    const strings = lex(String.raw`{{ "say \"hi\"\n" ~ 'it\'s' ~ "a\\b" ~ "tab\there" }}`).filter((t) => t.type === 'string');
    expect(strings.map((t) => t.value)).toEqual(['say "hi"\n', "it's", 'a\\b', 'tab\there']);
  });

  test('makes comments vanish, with the text around them kept', {}, () => {
    const tokens = lex('a{# {{ not a tag }} #}b{#\nmulti\nline #}c');
    expect(tokens.filter((t) => t.type !== 'text' && t.type !== 'end').map((t) => t.value)).toEqual([]);
    expect(tokens.filter((t) => t.type === 'text').map((t) => t.value).join('')).toBe('abc');
  });

  test('keeps lone braces and a stray }} as text', {}, () => {
    expect(kinds(lex('a { b } c }} d %} e'))).toEqual(['text a { b } c }} d %} e', 'end']);
  });

  test('trims whitespace beside a dash: {%- and {{- before, -%} and -}} after', {
    hint: 'A dash right inside the delimiter trims all whitespace (newlines too) in the text on that side of the tag, and is not an operator.',
  }, () => {
    const texts = (source: string) => lex(source).filter((t) => t.type === 'text').map((t) => t.value);
    expect(texts('a \n {%- if x -%} \n b \n{%- endif %} c')).toEqual(['a', 'b', ' c']);
    expect(texts('x  {{- y -}}  z')).toEqual(['x', 'z']);
    expect(texts('p  {#- note -#}  q')).toEqual(['p', 'q']);
    expect(kinds(lex('{{- y -}}'))).toEqual(['variable-start {{', 'name y', 'variable-end }}', 'end']);
  });

  test('refuses an unclosed tag, comment or string, pointing at where it opened', { points: 2, hint: 'Throw a TemplateError with the template name, and the line and column of the {{, {% or {# (or the quote) that never closes.' }, () => {
    const error = (source: string) => templateError(`tokenize(${show(source)})`, () => tokenize(source, 'page.html'));
    expect(where(error('ok\n  {{ name'))).toBe('page.html:2:3');
    expect(where(error('{% if x %}\n{% endif'))).toBe('page.html:2:1');
    expect(where(error('a {# never closed'))).toBe('page.html:1:3');
    const string = error('{{ "abc }}');
    expect(where(string)).toBe('page.html:1:4');
    expect(string.message).toMatch(/string/i);
  });

  test('refuses a character that starts no token, naming it', {}, () => {
    const error = templateError('tokenize("{{ a @ b }}")', () => tokenize('{{ a @ b }}'));
    expect(where(error)).toBe('<string>:1:6');
    expect(error.message).toContain('@');
  });
});

milestone('parser', () => {
  test('parses text and {{ }} into text and output nodes, positioned where they start', { points: 2 }, () => {
    const body = tree('Hi {{ name }}\n{{ 42 }}');
    expect(body.map((n) => n.kind)).toEqual(['text', 'output', 'text', 'output']);
    expect(body[0]).toMatchObject({ kind: 'text', text: 'Hi ', line: 1, column: 1 });
    expect(body[1]).toMatchObject({ kind: 'output', line: 1, column: 4, value: { kind: 'name', name: 'name', line: 1, column: 7 } });
    expect(body[3]).toMatchObject({ kind: 'output', line: 2, column: 1, value: { kind: 'literal', value: 42, line: 2, column: 4 } });
  });

  test('reads true, false and none as literals, and quoted text as strings', {}, () => {
    expect(['true', 'false', 'none', '"none"', '2.5'].map((s) => expression(s))).toMatchObject([
      { kind: 'literal', value: true },
      { kind: 'literal', value: false },
      { kind: 'literal', value: null },
      { kind: 'literal', value: 'none' },
      { kind: 'literal', value: 2.5 },
    ]);
  });

  test('parses if with elif and else into branches', { points: 2 }, () => {
    const [node] = tree('{% if a %}A{% elif b %}B{% elif c %}C{% else %}D{% endif %}');
    expect(node?.kind).toBe('if');
    if (node?.kind !== 'if') return;
    expect(node.branches.map((b) => shape(b.test))).toEqual(['a', 'b', 'c']);
    expect(node.branches.map((b) => b.body.map((n) => (n.kind === 'text' ? n.text : n.kind)))).toEqual([['A'], ['B'], ['C']]);
    expect(node.otherwise).toMatchObject([{ kind: 'text', text: 'D' }]);
    expect(node).toMatchObject({ line: 1, column: 1 });
  });

  test('parses for with one or more targets, and its else', { points: 2 }, () => {
    const [simple, pairs] = tree('{% for x in xs %}{{ x }}{% endfor %}{% for k, v in d.items %}-{% else %}none{% endfor %}');
    expect(simple).toMatchObject({ kind: 'for', targets: ['x'], iterable: { kind: 'name', name: 'xs' }, otherwise: [] });
    expect(pairs).toMatchObject({ kind: 'for', targets: ['k', 'v'], otherwise: [{ kind: 'text', text: 'none' }] });
    if (pairs?.kind === 'for') expect(shape(pairs.iterable)).toBe('(lookup d "items")');
  });

  test('parses set, block, extends, include and macro tags, each positioned at its {%', { points: 2 }, () => {
    const body = tree(
      '{% extends "base.html" %}\n{% set x = 1 + 2 %}{% block main %}in{% endblock main %}' +
        '{% include name %}{% macro m(a, b=2) %}M{% endmacro %}',
    ).filter((n) => n.kind !== 'text');
    expect(body.map((n) => n.kind)).toEqual(['extends', 'set', 'block', 'include', 'macro']);
    expect(body[0]).toMatchObject({ kind: 'extends', parent: { kind: 'literal', value: 'base.html' }, line: 1, column: 1 });
    expect(body[1]).toMatchObject({ kind: 'set', name: 'x', line: 2, column: 1 });
    expect(body[2]).toMatchObject({ kind: 'block', name: 'main', body: [{ kind: 'text', text: 'in' }], line: 2, column: 20 });
    expect(body[3]).toMatchObject({ kind: 'include', template: { kind: 'name', name: 'name' } });
    expect(body[4]).toMatchObject({ kind: 'macro', name: 'm', body: [{ kind: 'text', text: 'M' }] });
    if (body[4]?.kind === 'macro') {
      expect(body[4].params.map((p) => `${p.name}=${p.default ? shape(p.default) : 'none'}`)).toEqual(['a=none', 'b=2']);
    }
  });

  test('binds * / // % tighter than + -, and those tighter than ~ and comparisons', { points: 2, hint: 'One parse method per precedence level, each calling the next tighter one for its operands: see the grammar in the lesson.' }, () => {
    expect(shape(expression('1 + 2 * 3'))).toBe('(+ 1 (* 2 3))');
    expect(shape(expression('a ~ b + c'))).toBe('(~ a (+ b c))');
    expect(shape(expression('1 + 2 == 3 * 1'))).toBe('(compare (+ 1 2) == (* 3 1))');
    expect(shape(expression('(1 + 2) * 3'))).toBe('(* (+ 1 2) 3)');
    expect(shape(expression('a % b // c / d'))).toBe('(/ (// (% a b) c) d)');
  });

  test('reads operators of one level from left to right, ** included', {}, () => {
    expect(shape(expression('10 - 4 - 3'))).toBe('(- (- 10 4) 3)');
    expect(shape(expression('2 ** 3 ** 2'))).toBe('(** (** 2 3) 2)');
    expect(shape(expression('a < b < c'))).toBe('(compare a < b < c)');
  });

  test('binds not, and, or, in and not in at their levels', {}, () => {
    expect(shape(expression('a or b and c'))).toBe('(or a (and b c))');
    expect(shape(expression('not a in b'))).toBe('(not (in a b))');
    expect(shape(expression('a not in b and not c'))).toBe('(and (not in a b) (not c))');
    expect(shape(expression('x if a or b else y'))).toBe('(if (or a b) x y)');
    expect(shape(expression('x if a'))).toBe('(if a x null)');
  });

  test('parses filters with arguments after postfixes, and applies them to a signed value', { points: 2 }, () => {
    expect(shape(expression('user.name|upper|replace("a", "b", count=1)'))).toBe(
      '(|replace (|upper (lookup user "name")) "a" "b" count=1)',
    );
    expect(shape(expression('-x|abs'))).toBe('(|abs (- x))');
    expect(shape(expression('1 + xs|length'))).toBe('(+ 1 (|length xs))');
  });

  test('parses lookups, calls with keyword arguments, lists and dicts', {}, () => {
    expect(shape(expression('a.b[0]["c"]'))).toBe('(lookup (lookup (lookup a "b") 0) "c")');
    expect(shape(expression('f(1, x, b=2)(3)'))).toBe('(call (call f 1 x b=2) 3)');
    expect(shape(expression('[1, [2], []]'))).toBe('[1 [2] []]');
    expect(shape(expression('{"a": 1, "b": x}'))).toBe('{"a":1 "b":x}');
    expect(shape(expression('{key: 1}')), 'a bare name as a dict key is that name, as in nunjucks').toBe('{"key":1}');
  });

  test('refuses an unknown tag and an end tag nothing opened, naming them', {}, () => {
    const unknown = templateError('parse("{% nope %}")', () => parse('x\n{% nope %}', 'page.html'));
    expect(unknown.template).toBe('page.html');
    expect(unknown.line).toBe(2);
    expect(unknown.message).toContain('nope');
    const stray = templateError('parse("{% endif %}")', () => parse('{% endif %}'));
    expect(stray.line).toBe(1);
    expect(stray.message).toContain('endif');
  });

  test('refuses a tag left open, pointing at the {% that opened it', { points: 2, hint: 'When the template ends while a body still waits for its end tag, fail at the position of the opening tag, not at the end.' }, () => {
    for (const [source, at] of [
      ['a\n  {% if x %}b', '<string>:2:3'],
      ['{% for x in y %}\n\n', '<string>:1:1'],
      ['x{% block b %}', '<string>:1:2'],
      ['{% macro m() %}', '<string>:1:1'],
    ] as const) {
      const error = templateError(`parse(${show(source)})`, () => parse(source));
      expect(where(error), source).toBe(at);
    }
  });

  test('refuses a token where a value or a delimiter should be, naming the token', { points: 2 }, () => {
    const cases: Array<[string, string, string]> = [
      ['{{ }}', '<string>:1:4', '}}'],
      ['{{ 1 + }}', '<string>:1:8', '}}'],
      ['{{ (1 + 2 }}', '<string>:1:11', '}}'],
      ['{% for x y %}{% endfor %}', '<string>:1:10', 'y'],
      ['{{ a b }}', '<string>:1:6', 'b'],
    ];
    for (const [source, at, named] of cases) {
      const error = templateError(`parse(${show(source)})`, () => parse(source));
      expect(where(error), source).toBe(at);
      expect(error.message, source).toContain(named);
    }
  });
});
