import { TemplateError } from '#contracts/templates';
import type { BinaryOperator, CompareOperator, Expression, Node, Position, TemplateAst, Token } from './nodes.ts';
import { tokenize } from './lexer.ts';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=', '===', '!==']);
// `null` is nunjucks's spelling of none; in Jinja2 it would be a variable.
const LITERALS: Record<string, boolean | null> = { true: true, false: false, none: null, null: null };
/** nunjucks's loops that walk like `for` in this engine, and the end tag each takes. */
const LOOP_ENDS: Record<string, string> = { for: 'endfor', asyncEach: 'endeach', asyncAll: 'endall' };

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
  /** The names of the blocks seen so far: a template may define each one once. */
  readonly #blocks = new Set<string>();

  constructor(tokens: Token[], template: string) {
    this.#tokens = tokens;
    this.#template = template;
  }

  parseTemplate(): Node[] {
    const { body, end } = this.#parseBody([]);
    if (end !== null) this.#fail(`unexpected {% ${end.value} %}`, end);
    return body;
  }

  /**
   * Statements until a block tag named in `stops` (which is not consumed) or the end.
   * Returns the tag's name token, or null at the end of the template.
   */
  #parseBody(stops: string[]): { body: Node[]; end: Token | null } {
    const body: Node[] = [];
    while (true) {
      const token = this.#peek();
      if (token.type === 'end') return { body, end: null };
      if (token.type === 'text') {
        this.#next();
        body.push({ kind: 'text', text: token.value, line: token.line, column: token.column });
      } else if (token.type === 'variable-start') {
        this.#next();
        const value = this.#parseExpression();
        this.#expect('variable-end', '}}');
        body.push({ kind: 'output', value, line: token.line, column: token.column });
      } else if (token.type === 'block-start') {
        const tag = this.#tokens[this.#pos + 1]!;
        if (tag.type === 'name' && stops.includes(tag.value)) return { body, end: tag };
        body.push(this.#parseTag());
      } else {
        this.#fail(`unexpected ${describe(token)}`, token);
      }
    }
  }

  #parseTag(): Node {
    const start = this.#expect('block-start', '{%');
    const tag = this.#expect('name', 'a tag name');
    const at: Position = { line: start.line, column: start.column };
    switch (tag.value) {
      case 'if':
        return this.#parseIf(at);
      case 'for':
      case 'asyncEach':
      case 'asyncAll':
        return this.#parseFor(at, LOOP_ENDS[tag.value]!);
      case 'switch':
        return this.#parseSwitch(at);
      case 'set': {
        const name = this.#expect('name', 'a variable name').value;
        // `{% set a, b = v %}`: nunjucks gives every name the same value (Jinja2 would unpack v).
        const others: string[] = [];
        while (this.#accept('operator', ',')) others.push(this.#expect('name', 'a variable name').value);
        if (this.#accept('block-end')) return this.#parseCapture(name, others, at);
        this.#expect('operator', '=');
        const value = this.#parseExpression();
        this.#expect('block-end', '%}');
        return { kind: 'set', name, value, others, ...at };
      }
      case 'block': {
        const nameToken = this.#expect('name', 'a block name');
        const name = nameToken.value;
        if (this.#blocks.has(name)) this.#fail(`block "${name}" is defined more than once`, nameToken);
        this.#blocks.add(name);
        this.#expect('block-end', '%}');
        const body = this.#parseUntil(['endblock'], at);
        this.#endTag('endblock');
        return { kind: 'block', name, body, ...at };
      }
      case 'extends':
      case 'include': {
        const value = this.#parseExpression();
        // `ignore missing` (Jinja2 and nunjucks): an include of a template that isn't there is skipped.
        const ignoreMissing = tag.value === 'include' && this.#acceptName('ignore');
        if (ignoreMissing) this.#expectName('missing');
        this.#expect('block-end', '%}');
        return tag.value === 'extends' ? { kind: 'extends', parent: value, ...at } : { kind: 'include', template: value, ignoreMissing, ...at };
      }
      case 'macro':
        return this.#parseMacro(at);
      case 'import':
      case 'from':
        return this.#parseImport(tag.value, at);
      case 'filter':
        return this.#parseFilterBlock(at);
      case 'call':
        return this.#parseCallBlock(at);
      default:
        return this.#fail(`unknown tag "${tag.value}"`, tag);
    }
  }

  #parseIf(at: Position): Node {
    const branches: Array<{ test: Expression; body: Node[] }> = [];
    let otherwise: Node[] = [];
    let test = this.#parseExpression();
    while (true) {
      this.#expect('block-end', '%}');
      const { body, end } = this.#parseBody(['elif', 'elseif', 'else', 'endif']);
      branches.push({ test, body });
      if (end === null) this.#fail('unclosed {% if %}: expected {% endif %}', at);
      this.#next();
      this.#next();
      // `elseif` is nunjucks's other spelling of `elif` (rule Y1).
      if (end!.value === 'elif' || end!.value === 'elseif') {
        test = this.#parseExpression();
        continue;
      }
      if (end!.value === 'else') {
        this.#expect('block-end', '%}');
        otherwise = this.#parseUntil(['endif'], at);
        this.#endTag('endif');
      } else {
        this.#expect('block-end', '%}');
      }
      return { kind: 'if', branches, otherwise, ...at };
    }
  }

  #parseFor(at: Position, endTag: string): Node {
    const targets = [this.#expect('name', 'a loop variable').value];
    while (this.#accept('operator', ',')) targets.push(this.#expect('name', 'a loop variable').value);
    const keyword = this.#expect('name', '"in"');
    if (keyword.value !== 'in') this.#fail(`expected "in", got ${describe(keyword)}`, keyword);
    const iterable = this.#parseExpression();
    this.#expect('block-end', '%}');
    const { body, end } = this.#parseBody(['else', endTag]);
    if (end === null) this.#fail(`unclosed loop: expected {% ${endTag} %}`, at);
    let otherwise: Node[] = [];
    if (end!.value === 'else') {
      this.#endTag('else');
      otherwise = this.#parseUntil([endTag], at);
    }
    this.#endTag(endTag);
    return { kind: 'for', targets, iterable, body, otherwise, ...at };
  }

  /**
   * nunjucks's `{% switch value %}{% case a %}...{% case b %}...{% default %}...{% endswitch %}`.
   * What stands between the switch tag and its first case is parsed and dropped, as in nunjucks.
   */
  #parseSwitch(at: Position): Node {
    const value = this.#parseExpression();
    this.#expect('block-end', '%}');
    let { end } = this.#parseBody(['case', 'default', 'endswitch']);
    const cases: Array<{ test: Expression; body: Node[] }> = [];
    let otherwise: Node[] = [];
    while (end !== null && end.value === 'case') {
      this.#next();
      this.#next();
      const test = this.#parseExpression();
      this.#expect('block-end', '%}');
      const next = this.#parseBody(['case', 'default', 'endswitch']);
      cases.push({ test, body: next.body });
      end = next.end;
    }
    if (end === null) this.#fail('unclosed {% switch %}: expected {% endswitch %}', at);
    if (end!.value === 'default') {
      this.#endTag('default');
      otherwise = this.#parseUntil(['endswitch'], at);
    }
    this.#endTag('endswitch');
    return { kind: 'switch', value, cases, otherwise, ...at };
  }

  #parseMacro(at: Position): Node {
    const name = this.#expect('name', 'a macro name').value;
    this.#expect('operator', '(');
    const params: Array<{ name: string; default: Expression | null }> = [];
    while (!this.#accept('operator', ')')) {
      if (params.length > 0) this.#expect('operator', ',');
      const param = this.#expect('name', 'a parameter name').value;
      params.push({ name: param, default: this.#accept('operator', '=') ? this.#parseExpression() : null });
    }
    this.#expect('block-end', '%}');
    const body = this.#parseUntil(['endmacro'], at);
    this.#endTag('endmacro');
    return { kind: 'macro', name, params, body, ...at };
  }

  /**
   * `import expression as name` or `from expression import name [as alias], ...`, each with an
   * optional `with context` or `without context` at the end.
   */
  #parseImport(tag: string, at: Position): Node {
    const template = this.#parseExpression();
    const names: Array<{ name: string; alias: string }> = [];
    let target = '';
    if (tag === 'import') {
      this.#expectName('as');
      target = this.#expect('name', 'a variable name').value;
    } else {
      this.#expectName('import');
      do {
        const name = this.#expect('name', 'a name to import').value;
        names.push({ name, alias: this.#acceptName('as') ? this.#expect('name', 'a variable name').value : name });
      } while (this.#accept('operator', ','));
    }
    let withContext = false;
    const context = this.#peek();
    if (this.#acceptName('with') || this.#acceptName('without')) {
      withContext = context.value === 'with';
      this.#expectName('context');
    }
    this.#expect('block-end', '%}');
    return tag === 'import' ? { kind: 'import', template, target, withContext, ...at } : { kind: 'from', template, names, withContext, ...at };
  }

  /** `{% set name %}body{% endset %}`: the body's output becomes the variable (rule B1). */
  #parseCapture(name: string, others: string[], at: Position): Node {
    const body = this.#parseUntil(['endset'], at);
    this.#endTag('endset');
    return { kind: 'capture', name, others, body, ...at };
  }

  /** `{% filter name(args) %}body{% endfilter %}`: the body's output through one filter (rule B3). */
  #parseFilterBlock(at: Position): Node {
    const name = this.#expect('name', 'a filter name');
    const { args, kwargs } = this.#accept('operator', '(') ? this.#parseArguments() : { args: [], kwargs: [] };
    this.#expect('block-end', '%}');
    const body = this.#parseUntil(['endfilter'], at);
    this.#endTag('endfilter');
    return { kind: 'filter-block', name: name.value, args, kwargs, body, line: name.line, column: name.column };
  }

  /** `{% call(params) macro(args) %}body{% endcall %}`: the body is the macro's `caller` (rule K1). */
  #parseCallBlock(at: Position): Node {
    const params: Array<{ name: string; default: Expression | null }> = [];
    if (this.#accept('operator', '(')) {
      while (!this.#accept('operator', ')')) {
        if (params.length > 0) this.#expect('operator', ',');
        const param = this.#expect('name', 'a parameter name').value;
        const fallback = this.#accept('operator', '=') ? this.#parseExpression() : null;
        params.push({ name: param, default: fallback });
      }
    }
    const start = this.#peek();
    const call = this.#parseExpression();
    if (call.kind !== 'call') this.#fail('{% call %} needs a macro call, such as m(args)', start);
    this.#expect('block-end', '%}');
    const body = this.#parseUntil(['endcall'], at);
    this.#endTag('endcall');
    return { kind: 'call-block', call, params, body, ...at };
  }

  /** The body of a tag up to its end tag, which must come. */
  #parseUntil(stops: string[], opened: Position): Node[] {
    const { body, end } = this.#parseBody(stops);
    if (end === null) this.#fail(`unclosed tag: expected {% ${stops.join(' or ')} %}`, opened);
    return body;
  }

  /** Consumes `{% name %}` (an end tag, or else), allowing `{% endblock name %}`. */
  #endTag(name: string): void {
    this.#expect('block-start', '{%');
    const tag = this.#expect('name', name);
    if (tag.value !== name) this.#fail(`expected {% ${name} %}, got {% ${tag.value} %}`, tag);
    if (name === 'endblock') this.#accept('name');
    this.#expect('block-end', '%}');
  }

  // ---- expressions, loosest first ----

  #parseExpression(): Expression {
    return this.#parseConditional();
  }

  #parseConditional(): Expression {
    const then = this.#parseOr();
    const at = this.#peek();
    if (!this.#acceptName('if')) return then;
    const test = this.#parseOr();
    const otherwise = this.#acceptName('else') ? this.#parseConditional() : null;
    return { kind: 'conditional', test, then, otherwise, line: at.line, column: at.column };
  }

  #parseOr(): Expression {
    let left = this.#parseAnd();
    for (let at = this.#peek(); this.#acceptName('or'); at = this.#peek()) left = binary('or', left, this.#parseAnd(), at);
    return left;
  }

  #parseAnd(): Expression {
    let left = this.#parseNot();
    for (let at = this.#peek(); this.#acceptName('and'); at = this.#peek()) left = binary('and', left, this.#parseNot(), at);
    return left;
  }

  #parseNot(): Expression {
    const at = this.#peek();
    if (this.#acceptName('not')) return { kind: 'unary', operator: 'not', operand: this.#parseNot(), line: at.line, column: at.column };
    return this.#parseIn();
  }

  #parseIn(): Expression {
    let left = this.#parseIs();
    while (true) {
      const at = this.#peek();
      const negated = at.type === 'name' && at.value === 'not' && this.#tokens[this.#pos + 1]?.value === 'in';
      if (negated) this.#next();
      if (!this.#acceptName('in')) return left;
      left = binary(negated ? 'not in' : 'in', left, this.#parseIs(), at);
    }
  }

  /**
   * `value is name`, `value is not name`, `value is name(args)`, or `value is name arg` with one
   * argument and no parentheses (Jinja2's `is divisibleby 3`). The value is a whole comparison
   * (`a + 1 is odd` tests the sum), as in nunjucks. The node sits at the test's name, which is
   * what an unknown-test error points at.
   */
  #parseIs(): Expression {
    const value = this.#parseCompare();
    const at = this.#peek();
    if (!this.#acceptName('is')) return value;
    const negated = this.#acceptName('not');
    const name = this.#expect('name', 'a test name');
    let args: Expression[] = [];
    let kwargs: Array<[string, Expression]> = [];
    if (this.#accept('operator', '(')) ({ args, kwargs } = this.#parseArguments());
    else if (startsBareArgument(this.#peek())) args = [this.#parsePostfix(this.#parsePrimary())];
    const test: Expression = { kind: 'test', name: name.value, value, args, kwargs, line: name.line, column: name.column };
    return negated ? { kind: 'unary', operator: 'not', operand: test, line: at.line, column: at.column } : test;
  }

  #parseCompare(): Expression {
    const first = this.#parseConcat();
    const rest: Array<[CompareOperator, Expression]> = [];
    while (this.#peek().type === 'operator' && COMPARE.has(this.#peek().value)) {
      const operator = this.#next().value as CompareOperator;
      rest.push([operator, this.#parseConcat()]);
    }
    return rest.length === 0 ? first : { kind: 'compare', first, rest, line: first.line, column: first.column };
  }

  #parseConcat(): Expression {
    return this.#parseLeft(['~'], () => this.#parseAdditive());
  }

  #parseAdditive(): Expression {
    return this.#parseLeft(['+', '-'], () => this.#parseMultiplicative());
  }

  #parseMultiplicative(): Expression {
    return this.#parseLeft(['*', '/', '//', '%'], () => this.#parsePower());
  }

  #parsePower(): Expression {
    return this.#parseLeft(['**'], () => this.#parseUnary());
  }

  /** A left-associative run of operators of one precedence level. */
  #parseLeft(operators: string[], operand: () => Expression): Expression {
    let left = operand();
    while (this.#peek().type === 'operator' && operators.includes(this.#peek().value)) {
      const at = this.#next();
      left = binary(at.value as BinaryOperator, left, operand(), at);
    }
    return left;
  }

  /** `-x | abs` is `(-x) | abs`: filters apply to the signed value, as in nunjucks. */
  #parseUnary(withFilters = true): Expression {
    const at = this.#peek();
    let value: Expression;
    if (at.type === 'operator' && (at.value === '-' || at.value === '+')) {
      this.#next();
      value = { kind: 'unary', operator: at.value, operand: this.#parseUnary(false), line: at.line, column: at.column };
    } else {
      value = this.#parsePostfix(this.#parsePrimary());
    }
    return withFilters ? this.#parseFilters(value) : value;
  }

  /** `value | name(args)`, as many as follow. */
  #parseFilters(value: Expression): Expression {
    let result = value;
    while (this.#accept('operator', '|')) {
      const name = this.#expect('name', 'a filter name');
      const { args, kwargs } = this.#peekIs('operator', '(') ? (this.#next(), this.#parseArguments()) : { args: [], kwargs: [] };
      result = { kind: 'filter', name: name.value, value: result, args, kwargs, line: name.line, column: name.column };
    }
    return result;
  }

  /** `.name`, `[key]` and `(args)` after a primary. */
  #parsePostfix(target: Expression): Expression {
    let result = target;
    while (true) {
      const at = this.#peek();
      if (this.#accept('operator', '.')) {
        const key = this.#expect('name', 'an attribute name');
        result = { kind: 'lookup', target: result, key: { kind: 'literal', value: key.value, line: key.line, column: key.column }, line: at.line, column: at.column };
      } else if (this.#accept('operator', '[')) {
        const key = this.#peekIs('operator', ':') ? null : this.#parseExpression();
        if (key !== null && this.#accept('operator', ']')) {
          result = { kind: 'lookup', target: result, key, line: at.line, column: at.column };
          continue;
        }
        // `a[start:stop:step]`, each part optional (rule Z1).
        this.#expect('operator', ':');
        const stop = this.#peekIs('operator', ':') || this.#peekIs('operator', ']') ? null : this.#parseExpression();
        const step = this.#accept('operator', ':') && !this.#peekIs('operator', ']') ? this.#parseExpression() : null;
        this.#expect('operator', ']');
        result = { kind: 'slice', target: result, start: key, stop, step, line: at.line, column: at.column };
      } else if (this.#accept('operator', '(')) {
        const { args, kwargs } = this.#parseArguments();
        result = { kind: 'call', callee: result, args, kwargs, line: at.line, column: at.column };
      } else {
        return result;
      }
    }
  }

  /** Arguments after `(`, through `)`: positional, then `name=value`. */
  #parseArguments(): { args: Expression[]; kwargs: Array<[string, Expression]> } {
    const args: Expression[] = [];
    const kwargs: Array<[string, Expression]> = [];
    while (!this.#accept('operator', ')')) {
      if (args.length + kwargs.length > 0) this.#expect('operator', ',');
      const token = this.#peek();
      if (token.type === 'name' && this.#tokens[this.#pos + 1]?.value === '=') {
        this.#next();
        this.#next();
        kwargs.push([token.value, this.#parseExpression()]);
      } else {
        args.push(this.#parseExpression());
      }
    }
    return { args, kwargs };
  }

  #parsePrimary(): Expression {
    const token = this.#next();
    const at = { line: token.line, column: token.column };
    switch (token.type) {
      case 'string':
        return { kind: 'literal', value: token.value, ...at };
      case 'number':
        return { kind: 'literal', value: Number(token.value), ...at };
      case 'regex': {
        const slash = token.value.lastIndexOf('/');
        return { kind: 'regex', pattern: token.value.slice(1, slash), flags: token.value.slice(slash + 1), ...at };
      }
      case 'name':
        // Object.hasOwn, not `in`: `constructor` is a name (rule C14).
        return Object.hasOwn(LITERALS, token.value)
          ? { kind: 'literal', value: LITERALS[token.value]!, ...at }
          : { kind: 'name', name: token.value, ...at };
      case 'operator':
        if (token.value === '(') {
          const inner = this.#parseExpression();
          this.#expect('operator', ')');
          return inner;
        }
        if (token.value === '[') {
          const items: Expression[] = [];
          while (!this.#accept('operator', ']')) {
            if (items.length > 0) this.#expect('operator', ',');
            items.push(this.#parseExpression());
          }
          return { kind: 'list', items, ...at };
        }
        if (token.value === '{') {
          const entries: Array<[Expression, Expression]> = [];
          while (!this.#accept('operator', '}')) {
            if (entries.length > 0) this.#expect('operator', ',');
            // `{ name: 1 }`: a bare name before ':' is the key itself, as in nunjucks (Jinja2 would
            // read it as a variable).
            const bare = this.#peek().type === 'name' && this.#tokens[this.#pos + 1]?.value === ':';
            const key: Expression = bare
              ? { kind: 'literal', value: this.#peek().value, line: this.#peek().line, column: this.#next().column }
              : this.#parseExpression();
            this.#expect('operator', ':');
            entries.push([key, this.#parseExpression()]);
          }
          return { kind: 'dict', entries, ...at };
        }
    }
    return this.#fail(`unexpected ${describe(token)}: expected a value`, token);
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
