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
    case 'regex':
      return `r/${e.pattern}/${e.flags}`;
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
    case 'test':
      return `(is ${e.name} ${shape(e.value)}${e.args.map((a) => ` ${shape(a)}`).join('')}${e.kwargs.map(([k, v]) => ` ${k}=${shape(v)}`).join('')})`;
    case 'unary':
      return `(${e.operator} ${shape(e.operand)})`;
    case 'binary':
      return `(${e.operator} ${shape(e.left)} ${shape(e.right)})`;
    case 'compare':
      return `(compare ${shape(e.first)}${e.rest.map(([op, v]) => ` ${op} ${shape(v)}`).join('')})`;
    case 'conditional':
      return `(if ${shape(e.test)} ${shape(e.then)} ${e.otherwise ? shape(e.otherwise) : 'null'})`;
    case 'slice':
      return `(slice ${shape(e.target)}${[e.start, e.stop, e.step].map((part) => ` ${part ? shape(part) : '_'}`).join('')})`;
  }
}

/** The tokens of `source` as `type value` strings, with a label that shows the source. */
function expectTokens(source: string, expected: string[]): void {
  expect(kinds(lex(source)), `the tokens of ${show(source)}`).toEqual(expected);
}

/** The tokens between `{{` and `}}` of `{{ source }}`. */
function expectInside(source: string, expected: string[]): void {
  const full = `{{ ${source} }}`;
  expect(kinds(lex(full)).slice(1, -2), `the tokens inside ${show(full)}`).toEqual(expected);
}

/** The text tokens of `source`, in order. */
function expectTexts(source: string, expected: string[]): void {
  const texts = lex(source).filter((t) => t.type === 'text').map((t) => t.value);
  expect(texts, `the text tokens of ${show(source)}`).toEqual(expected);
}

/** The TemplateError tokenize(source, 'page.html') throws, and where it points. */
function expectLexError(source: string, at: string): ReturnType<typeof templateError> {
  const error = templateError(`tokenize(${show(source)}, "page.html")`, () => tokenize(source, 'page.html'));
  expect(where(error), `where tokenize(${show(source)}, "page.html") should fail`).toBe(at);
  return error;
}

milestone('lexer', () => {
  test('cuts text and tags into tokens, in order, ending with one end token', { rules: ['L1', 'L2'], points: 2 }, () => {
    expectTokens('Hi {{ name }}!{% if x %}<b>{% endif %}', [
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
    expectTokens('{{ a }}{{ b }}', ['variable-start {{', 'name a', 'variable-end }}', 'variable-start {{', 'name b', 'variable-end }}', 'end']);
    expectTokens('', ['end']);
    // Text that whitespace control trims away entirely is empty text: no token either.
    expectTokens('{{ a -}} \n {{- b }}', ['variable-start {{', 'name a', 'variable-end }}', 'variable-start {{', 'name b', 'variable-end }}', 'end']);
    const crlf = 'a\r\n\t b {{ x }}';
    expect(lex(crlf)[0]?.value, `the first token's value in ${show(crlf)}, copied as is`).toBe('a\r\n\t b ');
  });

  test('gives every token the 1-based line and column where it starts', { rules: ['L7'], points: 2, hint: 'Count lines and columns as you advance through the source: a newline starts line + 1 at column 1, anything else moves one column.' }, () => {
    const source = 'a\n  {{ user.name }}\n{% if n >= 2 %}x';
    const at = (t: Token) => `${t.type} ${t.value}@${t.line}:${t.column}`;
    expect(lex(source).map(at), `the tokens of ${show(source)}, with positions`).toEqual([
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

  test('reads names: a letter or _, then letters, digits and _', { rules: ['L3'] }, () => {
    expectInside('a_1 _x if true Zed9', ['name a_1', 'name _x', 'name if', 'name true', 'name Zed9']);
    expectInside('x.y1', ['name x', 'operator .', 'name y1']);
  });

  test('reads numbers, with or without decimals, and never a sign', { rules: ['L4'] }, () => {
    expectInside('42 3.5 0', ['number 42', 'number 3.5', 'number 0']);
    expectInside('-5', ['operator -', 'number 5']);
    expectInside('7-2', ['number 7', 'operator -', 'number 2']);
    expectInside('3.50 007', ['number 3.50', 'number 007']);
    expectInside('1.x', ['number 1', 'operator .', 'name x']);
  });

  test('reads every operator, two-character ones as one token', { rules: ['L6'], points: 2 }, () => {
    expectInside('a//b**c==d!=e<=f>=g<h>i', [
      'name a', 'operator //', 'name b', 'operator **', 'name c', 'operator ==', 'name d', 'operator !=',
      'name e', 'operator <=', 'name f', 'operator >=', 'name g', 'operator <', 'name h', 'operator >', 'name i',
    ]);
    expectInside('+-*/%~=|.,:()[]{}', ['+', '-', '*', '/', '%', '~', '=', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}'].map((op) => `operator ${op}`));
  });

  test('reads strings in either quotes, resolving backslash escapes', { rules: ['L5'], hint: 'A backslash makes the next character literal; \\n, \\t and \\r stand for a newline, a tab and a carriage return. The value has no quotes.' }, () => {
    const source = String.raw`{{ "say \"hi\"\n" ~ 'it\'s' ~ "a\\b" ~ "tab\there" ~ "cr\r" ~ '"' ~ "it's" ~ "" }}`;
    const strings = lex(source).filter((t) => t.type === 'string');
    expect(strings.map((t) => t.value), `the string tokens of ${show(source)}`).toEqual(['say "hi"\n', "it's", 'a\\b', 'tab\there', 'cr\r', '"', "it's", '']);
    expectInside(`"}}" ~ '%}' ~ "{{"`, ['string }}', 'operator ~', 'string %}', 'operator ~', 'string {{']);
  });

  test('makes comments vanish, with the text around them kept', { rules: ['W5'] }, () => {
    expectTokens('a{# {{ not a tag }} {% if %} #}b{#\nmulti\nline #}c', ['text a', 'text b', 'text c', 'end']);
  });

  test('keeps lone braces and a stray }} or %} as text', { rules: ['L1'] }, () => {
    expectTokens('a { b } c }} d %} e #}', ['text a { b } c }} d %} e #}', 'end']);
  });

  test('trims the whitespace before a tag that opens with a dash: {%- {{- {#-', { rules: ['W1'], hint: 'A dash right inside the opening delimiter removes all whitespace, newlines too, at the end of the text before the tag.' }, () => {
    expectTexts('a \n {%- if x %} b', ['a', ' b']);
    expectTexts('x \t {{- y }}', ['x']);
    expectTexts('p\n\n{#- note #} q', ['p', ' q']);
  });

  test('trims the whitespace after a tag that closes with a dash: -%} -}} -#}', { rules: ['W2'], hint: 'A dash right inside the closing delimiter removes all whitespace, newlines too, at the start of the text after the tag.' }, () => {
    expectTexts('a {% if x -%} \n b', ['a ', 'b']);
    expectTexts('{{ y -}}\n\t z', ['z']);
    expectTexts('p {# note -#}  q', ['p ', 'q']);
    expectTexts('a \n {%- if x -%} \n b \n{%- endif %} c', ['a', 'b', ' c']);
  });

  test('the dash is part of the delimiter, not an operator', { rules: ['W3'] }, () => {
    expectTokens('{{- y -}}', ['variable-start {{', 'name y', 'variable-end }}', 'end']);
    expectTokens('{%- if x -%}', ['block-start {%', 'name if', 'name x', 'block-end %}', 'end']);
  });

  test('a dash after a space is a minus sign and trims nothing', { rules: ['W4'] }, () => {
    expectTexts('a {{ -1 }} b', ['a ', ' b']);
    expectInside('-1', ['operator -', 'number 1']);
    expectTexts('a\n{% if -1 %}\nb{% endif %}', ['a\n', '\nb']);
    expectTexts('a {{ x - 1 }} b', ['a ', ' b']);
  });

  test('refuses an unclosed {{, {% or {#, pointing at the opener', { rules: ['L8'], points: 2, hint: 'Throw a TemplateError with the template name, and the line and column of the {{, {% or {# that never closes.' }, () => {
    expectLexError('ok\n  {{ name', 'page.html:2:3');
    expectLexError('{% if x %}\n{% endif', 'page.html:2:1');
    expectLexError('a {# never closed', 'page.html:1:3');
    expectLexError('x {{ a }', 'page.html:1:3');
  });

  test('refuses an unclosed string, pointing at its quote', { rules: ['L9'] }, () => {
    const error = expectLexError('{{ "abc }}', 'page.html:1:4');
    expect(error.message, 'the error should say it is about a string').toMatch(/string/i);
    expectLexError("a\n{{ x ~ 'y", 'page.html:2:8');
  });

  test('refuses a character that starts no token, naming it', { rules: ['L10'] }, () => {
    const error = expectLexError('{{ a @ b }}', 'page.html:1:6');
    expect(error.message, 'the error should name the character').toContain('@');
    expectLexError('{% set x = 1; %}', 'page.html:1:13');
  });
});

/** The tree of `source`, one node per statement; the label of a failure shows the source. */
function expectTree(source: string, expected: unknown[]): void {
  expect(tree(source), `parse(${show(source)}).body`).toMatchObject(expected);
}

/** The parse error of `source`, which must point at `at` and name `named`. */
function expectParseError(source: string, at: string | null, named: string): void {
  const error = templateError(`parse(${show(source)}, "page.html")`, () => parse(source, 'page.html'));
  if (at !== null) expect(where(error), `where parse(${show(source)}) should fail`).toBe(`page.html:${at}`);
  expect(error.message, `the error of parse(${show(source)}) should name ${named}`).toContain(named);
}

/** The shape of `{{ source }}`'s expression, Lisp-like, so precedence shows at a glance. */
function expectShape(source: string, expected: string, why = ''): void {
  expect(shape(expression(source)), `the tree of {{ ${source} }}${why ? `: ${why}` : ''}`).toBe(expected);
}

milestone('parser', () => {
  test('parses text and {{ }} into text and output nodes, in order', { rules: ['P3'], points: 2 }, () => {
    expectTree('Hi {{ name }}\n{{ 42 }}', [
      { kind: 'text', text: 'Hi ' },
      { kind: 'output', value: { kind: 'name', name: 'name' } },
      { kind: 'text', text: '\n' },
      { kind: 'output', value: { kind: 'literal', value: 42 } },
    ]);
    expect(tree('a{{ x }}{{ y }}b').map((n) => n.kind), 'the node kinds of "a{{ x }}{{ y }}b"').toEqual(['text', 'output', 'output', 'text']);
  });

  test('places statements where they start: text at its first character, output at {{, a tag at {%', { rules: ['P1'], points: 2 }, () => {
    expectTree('Hi {{ name }}\n  {% set x = 1 %}{% if x %}{% endif %}', [
      { kind: 'text', line: 1, column: 1 },
      { kind: 'output', line: 1, column: 4 },
      { kind: 'text', line: 1, column: 14 },
      { kind: 'set', line: 2, column: 3 },
      { kind: 'if', line: 2, column: 18 },
    ]);
  });

  test('places expression nodes at the token that makes them', { rules: ['P2'], points: 2, hint: 'A name or literal sits at itself, a binary or unary node at its operator, a filter at its name, a lookup at its . or [, a call at its (.' }, () => {
    const at = (e: Expression) => `${e.line}:${e.column}`;
    const sum = expression('a + 2');
    expect(sum.kind === 'binary' && [at(sum), at(sum.left), at(sum.right)], 'positions in {{ a + 2 }}: the +, then a and 2').toEqual(['1:6', '1:4', '1:8']);
    const neg = expression('-x');
    expect(neg.kind === 'unary' && [at(neg), at(neg.operand)], 'positions in {{ -x }}: the -, then x').toEqual(['1:4', '1:5']);
    const filtered = expression('v | upper');
    expect(filtered.kind === 'filter' && [at(filtered), at(filtered.value)], 'positions in {{ v | upper }}: the filter\'s name, then v').toEqual(['1:8', '1:4']);
    const member = expression('a.b[0]');
    expect(member.kind === 'lookup' && member.target.kind === 'lookup' && [at(member), at(member.target)], 'positions in {{ a.b[0] }}: the [, then the .').toEqual(['1:7', '1:5']);
    const call = expression('f (1)');
    expect(call.kind === 'call' && at(call), 'position of the call in {{ f (1) }}: its (').toBe('1:6');
    const notIn = expression('a not in b');
    expect(at(notIn), 'position of {{ a not in b }}: its operator').toBe('1:6');
  });

  test('reads true, false and none as literals, and quoted text as strings', { rules: ['X3'] }, () => {
    expect(['true', 'false', 'none', '"none"', '2.5', "'x'"].map((s) => expression(s)), 'the literals true, false, none, "none", 2.5, \'x\'').toMatchObject([
      { kind: 'literal', value: true },
      { kind: 'literal', value: false },
      { kind: 'literal', value: null },
      { kind: 'literal', value: 'none' },
      { kind: 'literal', value: 2.5 },
      { kind: 'literal', value: 'x' },
    ]);
  });

  test('parses if with elif and else into branches', { rules: ['P4'], points: 2 }, () => {
    const source = '{% if a %}A{% elif b %}B{% elif c %}C{% else %}D{% endif %}';
    const [node] = tree(source);
    const label = `parse(${show(source)})`;
    expect(node?.kind, label).toBe('if');
    if (node?.kind !== 'if') return;
    expect(node.branches.map((b) => shape(b.test)), `${label}: the tests of the branches`).toEqual(['a', 'b', 'c']);
    expect(node.branches.map((b) => b.body.map((n) => (n.kind === 'text' ? n.text : n.kind))), `${label}: the bodies of the branches`).toEqual([['A'], ['B'], ['C']]);
    expect(node.otherwise, `${label}: the else body`).toMatchObject([{ kind: 'text', text: 'D' }]);
    expectTree('{% if a %}A{% endif %}', [{ kind: 'if', branches: [{ test: { kind: 'name', name: 'a' } }], otherwise: [] }]);
  });

  test('parses for with one or more targets, and its else', { rules: ['P5'], points: 2 }, () => {
    const source = '{% for x in xs %}{{ x }}{% endfor %}{% for k, v in d.items %}-{% else %}none{% endfor %}';
    expectTree(source, [
      { kind: 'for', targets: ['x'], iterable: { kind: 'name', name: 'xs' }, body: [{ kind: 'output' }], otherwise: [] },
      { kind: 'for', targets: ['k', 'v'], body: [{ kind: 'text', text: '-' }], otherwise: [{ kind: 'text', text: 'none' }] },
    ]);
    const pairs = tree(source)[1];
    if (pairs?.kind === 'for') expect(shape(pairs.iterable), 'the iterable of {% for k, v in d.items %}').toBe('(lookup d "items")');
  });

  test('parses set, block, extends and include tags, each positioned at its {%', { rules: ['P6', 'P1'], points: 2 }, () => {
    const source = '{% extends "base.html" %}\n{% set x = 1 + 2 %}{% block main %}in{% endblock main %}{% include name %}{% block b %}{% endblock %}';
    const body = tree(source).filter((n) => n.kind !== 'text');
    expect(body, `parse(${show(source)}).body, text left out`).toMatchObject([
      { kind: 'extends', parent: { kind: 'literal', value: 'base.html' }, line: 1, column: 1 },
      { kind: 'set', name: 'x', value: { kind: 'binary', operator: '+' }, line: 2, column: 1 },
      { kind: 'block', name: 'main', body: [{ kind: 'text', text: 'in' }], line: 2, column: 20 },
      { kind: 'include', template: { kind: 'name', name: 'name' } },
      { kind: 'block', name: 'b', body: [] },
    ]);
  });

  test('parses a macro with its parameters and their defaults', { rules: ['P7'] }, () => {
    const source = '{% macro m(a, b=2, c="x", d=-1) %}M{{ a }}{% endmacro %}{% macro n() %}{% endmacro %}';
    const [m, n] = tree(source);
    expect(m, `parse(${show(source)}): the first macro`).toMatchObject({ kind: 'macro', name: 'm', body: [{ kind: 'text', text: 'M' }, { kind: 'output' }] });
    if (m?.kind === 'macro') {
      expect(m.params.map((p) => `${p.name}=${p.default ? shape(p.default) : 'null'}`), 'the parameters of m(a, b=2, c="x", d=-1)').toEqual(['a=null', 'b=2', 'c="x"', 'd=(- 1)']);
    }
    expect(n, `parse(${show(source)}): the second macro`).toMatchObject({ kind: 'macro', name: 'n', params: [], body: [] });
  });

  test('binds * / // % tighter than + -, and those tighter than ~ and comparisons', { rules: ['X1'], points: 2, hint: 'One parse method per precedence level, each calling the next tighter one for its operands: see the table in the lesson.' }, () => {
    expectShape('1 + 2 * 3', '(+ 1 (* 2 3))');
    expectShape('a ~ b + c', '(~ a (+ b c))');
    expectShape('1 + 2 == 3 * 1', '(compare (+ 1 2) == (* 3 1))');
    expectShape('(1 + 2) * 3', '(* (+ 1 2) 3)');
    expectShape('a % b // c / d', '(/ (// (% a b) c) d)');
    expectShape('2 * 3 ** 2', '(* 2 (** 3 2))');
    expectShape('-2 ** 2', '(** (- 2) 2)');
    expectShape('a or b and c', '(or a (and b c))');
    expectShape('a == b and c', '(and (compare a == b) c)');
    expectShape('a ~ b == c', '(compare (~ a b) == c)');
  });

  test('reads operators of one level from left to right, ** included', { rules: ['X2'] }, () => {
    expectShape('10 - 4 - 3', '(- (- 10 4) 3)');
    expectShape('2 ** 3 ** 2', '(** (** 2 3) 2)');
    expectShape('a ~ b ~ c', '(~ (~ a b) c)');
    expectShape('8 / 4 / 2', '(/ (/ 8 4) 2)');
  });

  test('reads a chain of comparisons as one compare node', { rules: ['X6'] }, () => {
    expectShape('a < b < c', '(compare a < b < c)');
    expectShape('1 == x != 3', '(compare 1 == x != 3)');
  });

  test('binds not looser than comparisons and in, and reads not in as one operator', { rules: ['X7', 'X8'] }, () => {
    expectShape('not a == b', '(not (compare a == b))');
    expectShape('not a in b', '(not (in a b))');
    expectShape('a not in b and not c', '(and (not in a b) (not c))');
    expectShape('a not in b', '(not in a b)');
  });

  test('reads a conditional as the loosest expression, with an optional else', { rules: ['X10'] }, () => {
    expectShape('x if a or b else y', '(if (or a b) x y)');
    expectShape('x if a', '(if a x null)');
    expectShape('1 + 2 if c else 3', '(if c (+ 1 2) 3)');
  });

  test('parses filters with arguments after postfixes, and applies them to a signed value', { rules: ['X5', 'X9'], points: 2 }, () => {
    expectShape('user.name|upper|replace("a", "b", count=1)', '(|replace (|upper (lookup user "name")) "a" "b" count=1)');
    expectShape('-x|abs', '(|abs (- x))');
    expectShape('1 + xs|length', '(+ 1 (|length xs))');
    expectShape('a ~ b|upper', '(~ a (|upper b))');
  });

  test('parses lookups, calls with keyword arguments, lists and dicts', { rules: ['X9', 'X3', 'X4'] }, () => {
    expectShape('a.b[0]["c"]', '(lookup (lookup (lookup a "b") 0) "c")');
    expectShape('f(1, x, b=2)(3)', '(call (call f 1 x b=2) 3)');
    expectShape('f(k=1)', '(call f k=1)');
    expectShape('[1, [2], []]', '[1 [2] []]');
    expectShape('{"a": 1, "b": x}', '{"a":1 "b":x}');
    expectShape('{key: 1}', '{"key":1}', 'a bare name as a dict key is that name, as in nunjucks');
  });

  test('binds is looser than comparisons and arithmetic, tighter than in, not and and', { rules: ['X11', 'Q1'], points: 2, hint: 'A #parseIs level between #parseIn and #parseCompare: its value is a whole comparison; is not wraps the test node in a unary not.' }, () => {
    expectShape('x is odd', '(is odd x)');
    expectShape('n + 1 is odd', '(is odd (+ n 1))');
    expectShape('a < b is odd', '(is odd (compare a < b))');
    expectShape('x is not odd', '(not (is odd x))');
    expectShape('not x is odd', '(not (is odd x))');
    expectShape('a is odd and b is not even', '(and (is odd a) (not (is even b)))');
    expectShape('x is defined in xs', '(in (is defined x) xs)');
    expectShape('"y" if x is defined else "n"', '(if (is defined x) "y" "n")');
  });

  test('parses a test\'s arguments in parentheses, or one argument without them', { rules: ['Q2'], points: 2, hint: 'After the test\'s name: ( starts an argument list as in a call; a literal, a name (not and, or, not, in, is, if, else), a [ or a { starts the one bare argument.' }, () => {
    expectShape('n is divisibleby(3)', '(is divisibleby n 3)');
    expectShape('n is divisibleby 3', '(is divisibleby n 3)');
    expectShape('x is lt(3, k=1)', '(is lt x 3 k=1)');
    expectShape('x is sameas none', '(is sameas x null)');
    expectShape('x is eq y.z[0]', '(is eq x (lookup (lookup y "z") 0))');
    expectShape('x is eq [1]', '(is eq x [1])');
    expectShape('x is eq "s" and y', '(and (is eq x "s") y)');
    expectShape('x is odd and y', '(and (is odd x) y)', 'and is no argument');
    expectShape('x is odd or y', '(or (is odd x) y)', 'or is no argument');
    expectShape('a if x is odd else b', '(if (is odd x) a b)', 'else is no argument');
  });

  test('refuses an unknown tag, naming it', { rules: ['P9'] }, () => {
    expectParseError('x\n{% nope %}', '2:4', 'nope');
  });

  test('refuses an end tag, else or elif that nothing opened, naming it', { rules: ['P10'] }, () => {
    expectParseError('{% endif %}', null, 'endif');
    expectParseError('a{% else %}', null, 'else');
    expectParseError('{% if x %}{% endfor %}{% endif %}', null, 'endfor');
  });

  test('refuses a tag left open, pointing at the {% that opened it', { rules: ['P11'], points: 2, hint: 'When the template ends while a body still waits for its end tag, fail at the position of the opening tag, not at the end.' }, () => {
    for (const [source, at] of [
      ['a\n  {% if x %}b', '2:3'],
      ['{% if x %}{% else %}\n', '1:1'],
      ['{% for x in y %}\n\n', '1:1'],
      ['x{% block b %}', '1:2'],
      ['{% macro m() %}', '1:1'],
    ] as const) {
      const error = templateError(`parse(${show(source)}, "page.html")`, () => parse(source, 'page.html'));
      expect(where(error), `where parse(${show(source)}) should fail`).toBe(`page.html:${at}`);
    }
  });

  test('refuses a token where a value or a delimiter should be, naming the token', { rules: ['P8'], points: 2 }, () => {
    expectParseError('{{ }}', '1:4', '}}');
    expectParseError('{{ 1 + }}', '1:8', '}}');
    expectParseError('{{ (1 + 2 }}', '1:11', '}}');
    expectParseError('{% for x y %}{% endfor %}', '1:10', 'y');
    expectParseError('{{ a b }}', '1:6', 'b');
    expectParseError('{% set x 1 %}', '1:10', '1');
  });
});
