import { TemplateError } from '#contracts/templates';
import type { BinaryOperator, CompareOperator, Expression, Node, Position, TemplateAst, Token } from './nodes.ts';
import { tokenize } from './lexer.ts';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);
const LITERALS: Record<string, boolean | null> = { true: true, false: false, none: null };

/**
 * Builds the tree of a template from its tokens: recursive descent, one method per rule of the
 * grammar, from the loosest-binding operator to the tightest:
 * conditional > or > and > not > in > is > compare > ~ > + - > * / // % > ** > unary > filters > postfix > primary.
 */
export function parse(source: string, name = '<string>'): TemplateAst {
  const parser = new Parser(tokenize(source, name), name);
  return { name, body: parser.parseTemplate() };
}

class Parser {
  readonly #tokens: Token[];
  readonly #template: string;
  #pos = 0;

  constructor(tokens: Token[], template: string) {
    this.#tokens = tokens;
    this.#template = template;
  }

  parseTemplate(): Node[] {
    // TODO(lab6): the statements of the whole template: #parseBody with no stop tags. (A stray
    // end tag such as {% endif %} then reaches #parseTag, which refuses it by name.)
    throw new Error('TODO(lab6): Parser.parseTemplate is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  /**
   * Statements until a block tag named in `stops` (which is not consumed) or the end.
   * Returns the tag's name token, or null at the end of the template.
   */
  #parseBody(stops: string[]): { body: Node[]; end: Token | null } {
    // TODO(lab6): loop over the tokens: 'text' becomes a text node; '{{' expression '}}' an output
    // node (positioned at the '{{'); '{%' followed by a name in `stops` ends the body without
    // consuming anything; any other '{%' is a tag (#parseTag). Stop at the 'end' token.
    throw new Error('TODO(lab6): Parser.#parseBody is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  #parseTag(): Node {
    // TODO(lab6): after '{%' comes the tag's name: if, for, set, block, extends, include, macro,
    // import or from (#parseImport). Extensions: `set name %}` with no `=` (#parseCapture),
    // filter (#parseFilterBlock), call (#parseCallBlock).
    // Each node is positioned at its '{%'. set is `name = expression`; block is a name, a body up to
    // endblock (#parseUntil, #endTag); extends and include take an expression. An unknown name fails,
    // naming the tag.
    // Extension (lessons/06-templates.md#more-tags-from-nunjucks): asyncEach and asyncAll
    // (#parseFor with their end tag), switch (#parseSwitch),
    // `set a, b = value` (the set node's `others`), `include ... ignore missing`, a block defined twice.
    throw new Error('TODO(lab6): Parser.#parseTag is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  #parseIf(at: Position): Node {
    // TODO(lab6): a test, '%}', then a body up to elif, else or endif (#parseBody). elif adds
    // another branch with its own test; else gives the body up to endif. No end tag at all: fail at
    // the {% if %} (`at`). (Extension: `elseif` is read as `elif`.)
    throw new Error('TODO(lab6): Parser.#parseIf is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  #parseFor(at: Position, endTag: string): Node {
    // TODO(lab6): one or more loop variables separated by commas, the name "in", the iterable
    // expression, '%}', then a body up to else or `endTag`, and after else a body up to `endTag`.
    // `endTag` is endfor for a for loop (extension: endeach for asyncEach, endall for asyncAll).
    throw new Error('TODO(lab6): Parser.#parseFor is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  /** `{% switch value %}{% case a %}...{% default %}...{% endswitch %}` (rules NT3, NT4). */
  #parseSwitch(at: Position): Node {
    // TODO(lab6, extension): the value, '%}', then what stands before the first case (parsed and
    // dropped), each case's test and body up to the next case, default or endswitch, and the
    // default's body up to endswitch: a switch node.
    throw new Error('TODO(lab6): Parser.#parseSwitch is not written yet (lessons/06-templates.md#more-tags-from-nunjucks)');
  }

  #parseMacro(at: Position): Node {
    // TODO(lab6): the macro's name, '(' parameters ')' where each parameter may have a default
    // (`name=expression`), '%}', then a body up to endmacro.
    throw new Error('TODO(lab6): Parser.#parseMacro is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  /**
   * `import expression as name` or `from expression import name [as alias], ...`, each with an
   * optional `with context` or `without context` at the end.
   */
  #parseImport(tag: string, at: Position): Node {
    // TODO(lab6): the template's expression; for import, "as" (#expectName) and the variable's
    // name; for from, "import" and one or more names separated by commas, each with an optional
    // "as alias" (the alias is the name itself when there is none). Then "with context" or
    // "without context" (withContext true only for with), and '%}'.
    throw new Error('TODO(lab6): Parser.#parseImport is not written yet (lessons/06-templates.md#include-and-macros)');
  }

  /** `{% set name %}body{% endset %}`: the body's output becomes the variable (rule B1). */
  #parseCapture(name: string, others: string[], at: Position): Node {
    // TODO(lab6, extension): the body up to endset (#parseUntil, #endTag): a capture node, with
    // the other names of `set a, b %}` (nunjucks, rule NT5).
    throw new Error('TODO(lab6): Parser.#parseCapture is not written yet (lessons/06-templates.md#set-and-filter-blocks)');
  }

  /** `{% filter name(args) %}body{% endfilter %}`: the body's output through one filter (rule B3). */
  #parseFilterBlock(at: Position): Node {
    // TODO(lab6, extension): the filter's name, its optional (arguments), '%}', the body up to
    // endfilter: a filter-block node placed at the filter's name.
    throw new Error('TODO(lab6): Parser.#parseFilterBlock is not written yet (lessons/06-templates.md#set-and-filter-blocks)');
  }

  /** `{% call(params) macro(args) %}body{% endcall %}`: the body is the macro's `caller` (rule K1). */
  #parseCallBlock(at: Position): Node {
    // TODO(lab6, extension): optional '(' parameters ')' as a macro's, then an expression that must
    // be a call (else fail at its first token), '%}', the body up to endcall: a call-block node.
    throw new Error('TODO(lab6): Parser.#parseCallBlock is not written yet (lessons/06-templates.md#call-blocks-and-caller)');
  }

  /** The body of a tag up to its end tag, which must come. */
  #parseUntil(stops: string[], opened: Position): Node[] {
    // TODO(lab6): #parseBody, but reaching the end of the template is an error at `opened`.
    throw new Error('TODO(lab6): Parser.#parseUntil is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  /** Consumes `{% name %}` (an end tag, or else), allowing `{% endblock name %}`. */
  #endTag(name: string): void {
    // TODO(lab6): expect '{%', the name (another name is an error that names both), for endblock
    // an optional block name, then '%}'.
    throw new Error('TODO(lab6): Parser.#endTag is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
  }

  // ---- expressions, loosest first ----

  #parseExpression(): Expression {
    // TODO(lab6): the loosest rule of the grammar.
    throw new Error('TODO(lab6): Parser.#parseExpression is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseConditional(): Expression {
    // TODO(lab6): `then if test else otherwise`; the else part is optional. Position: the "if".
    throw new Error('TODO(lab6): Parser.#parseConditional is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseOr(): Expression {
    // TODO(lab6): left-associative `or` (binary), operands from #parseAnd.
    throw new Error('TODO(lab6): Parser.#parseOr is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseAnd(): Expression {
    // TODO(lab6): left-associative `and`, operands from #parseNot.
    throw new Error('TODO(lab6): Parser.#parseAnd is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseNot(): Expression {
    // TODO(lab6): `not` followed by a #parseNot is a unary node; otherwise #parseIn.
    throw new Error('TODO(lab6): Parser.#parseNot is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseIn(): Expression {
    // TODO(lab6): `a in b` and `a not in b` (binary 'in' and 'not in'), operands from
    // #parseIs. Careful: a `not` that is not followed by `in` belongs to someone else.
    throw new Error('TODO(lab6): Parser.#parseIn is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /**
   * `value is name`, `value is not name`, `value is name(args)`, or `value is name arg` with one
   * argument and no parentheses (Jinja2's `is divisibleby 3`). The value is a whole comparison
   * (`a + 1 is odd` tests the sum), as in nunjucks. The node sits at the test's name, which is
   * what an unknown-test error points at.
   */
  #parseIs(): Expression {
    // TODO(lab6): an operand (#parseCompare); if the name "is" follows: an optional "not", the
    // test's name, then its arguments: '(' #parseArguments, or one bare argument when
    // startsBareArgument says the next token can start one (#parsePrimary, then #parsePostfix).
    // A test node at the name; with "not", a unary not around it, at the "is".
    throw new Error('TODO(lab6): Parser.#parseIs is not written yet (lessons/06-templates.md#tests-with-is)');
  }

  #parseCompare(): Expression {
    // TODO(lab6): an operand (#parseConcat) and any number of `op operand` pairs with op in
    // COMPARE: one compare node holding them all, or the operand alone when there are none.
    throw new Error('TODO(lab6): Parser.#parseCompare is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseConcat(): Expression {
    // TODO(lab6): `~`, with #parseLeft.
    throw new Error('TODO(lab6): Parser.#parseConcat is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseAdditive(): Expression {
    // TODO(lab6): `+` and `-`, with #parseLeft.
    throw new Error('TODO(lab6): Parser.#parseAdditive is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parseMultiplicative(): Expression {
    // TODO(lab6): `*`, `/`, `//` and `%`, with #parseLeft.
    throw new Error('TODO(lab6): Parser.#parseMultiplicative is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parsePower(): Expression {
    // TODO(lab6): `**`, with #parseLeft (left-associative, as in Jinja2 and nunjucks).
    throw new Error('TODO(lab6): Parser.#parsePower is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /** A left-associative run of operators of one precedence level. */
  #parseLeft(operators: string[], operand: () => Expression): Expression {
    // TODO(lab6): an operand, then while the next token is one of `operators`: a binary node
    // (positioned at the operator) of what you have so far and the next operand.
    throw new Error('TODO(lab6): Parser.#parseLeft is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /** `-x | abs` is `(-x) | abs`: filters apply to the signed value, as in nunjucks. */
  #parseUnary(withFilters = true): Expression {
    // TODO(lab6): `-` or `+` followed by #parseUnary(false) is a unary node; otherwise a primary
    // with its postfixes. Then, if withFilters, the filters that follow (#parseFilters).
    throw new Error('TODO(lab6): Parser.#parseUnary is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /** `value | name(args)`, as many as follow. */
  #parseFilters(value: Expression): Expression {
    // TODO(lab6): while '|' follows: a filter node around what you have, named by the next name,
    // with arguments if '(' follows (#parseArguments). Position: the filter's name.
    throw new Error('TODO(lab6): Parser.#parseFilters is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /** `.name`, `[key]` and `(args)` after a primary. */
  #parsePostfix(target: Expression): Expression {
    // TODO(lab6): `.name` is a lookup whose key is the literal string name; `[expression]` a
    // lookup by that expression; `(arguments)` a call. Repeat while one follows. (Extension: a
    // `:` inside the brackets makes a slice node, `[start:stop:step]`, each part optional.)
    throw new Error('TODO(lab6): Parser.#parsePostfix is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  /** Arguments after `(`, through `)`: positional, then `name=value`. */
  #parseArguments(): { args: Expression[]; kwargs: Array<[string, Expression]> } {
    // TODO(lab6): comma-separated until ')'. A name followed by '=' starts a keyword argument.
    throw new Error('TODO(lab6): Parser.#parseArguments is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  #parsePrimary(): Expression {
    // TODO(lab6): a string or number literal; a name, where true, false and none (LITERALS) are
    // literals (Object.hasOwn: `constructor` is a name, rule C14); '(' expression ')'; a list '[a, b]'; a dict '{key: value}', where a bare name
    // before ':' is the key itself (`{a: 1}` means `{"a": 1}`). Anything else: fail, naming it.
    throw new Error('TODO(lab6): Parser.#parsePrimary is not written yet (lessons/06-templates.md#expressions-and-precedence)');
  }

  // ---- tokens ----

  #peek(): Token {
    return this.#tokens[this.#pos]!;
  }

  #peekIs(type: Token['type'], value?: string): boolean {
    const token = this.#peek();
    return token.type === type && (value === undefined || token.value === value);
  }

  #next(): Token {
    const token = this.#tokens[this.#pos]!;
    if (token.type !== 'end') this.#pos += 1;
    return token;
  }

  #accept(type: Token['type'], value?: string): Token | null {
    return this.#peekIs(type, value) ? this.#next() : null;
  }

  #acceptName(name: string): boolean {
    return this.#accept('name', name) !== null;
  }

  /** A keyword such as `in` or `as`: a name token with that value. */
  #expectName(name: string): Token {
    const token = this.#expect('name', `"${name}"`);
    if (token.value !== name) this.#fail(`expected "${name}", got ${describe(token)}`, token);
    return token;
  }

  #expect(type: Token['type'], what: string): Token {
    const token = this.#peek();
    const fits = token.type === type && (type !== 'operator' || token.value === what);
    if (!fits) this.#fail(`expected ${what}, got ${describe(token)}`, token);
    return this.#next();
  }

  #fail(message: string, at: Position): never {
    throw new TemplateError(message, this.#template, at.line, at.column);
  }
}

function binary(operator: BinaryOperator, left: Expression, right: Expression, at: Position): Expression {
  return { kind: 'binary', operator, left, right, line: at.line, column: at.column };
}

/** Words that go on with the expression after a test, so they can't be its bare argument. */
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

/** Can this token start the one argument of `is name arg`? A literal, a name, a list or a dict. */
function startsBareArgument(token: Token): boolean {
  if (token.type === 'string' || token.type === 'number') return true;
  if (token.type === 'name') return !KEYWORDS.has(token.value);
  return token.type === 'operator' && (token.value === '[' || token.value === '{');
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the template';
  if (token.type === 'text') return 'text';
  return `"${token.value}"`;
}
