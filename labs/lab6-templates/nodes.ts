// The shapes the lexer and parser produce. Types only: the same file in the starter.

/** Where a token or node starts in its template, 1-based. */
export interface Position {
  line: number;
  column: number;
}

export type TokenType =
  | 'text' // plain template text, output as is
  | 'variable-start' // {{
  | 'variable-end' // }}
  | 'block-start' // {%
  | 'block-end' // %}
  | 'name' // an identifier: user, for, if, true
  | 'string' // a quoted literal, value without quotes and escapes resolved
  | 'number' // 42, 3.5
  | 'operator' // + - * / // % ** ~ == != < > <= >= = | . , : ( ) [ ] { }, and === !== (nunjucks)
  | 'regex' // r/pattern/flags (nunjucks): value is `/pattern/flags`, without the r
  | 'end'; // end of the template

export interface Token extends Position {
  type: TokenType;
  value: string;
}

/** Expressions: what `{{ }}` holds and what tags take as arguments. */
export type Expression =
  | ({ kind: 'literal'; value: string | number | boolean | null } & Position)
  | ({ kind: 'regex'; pattern: string; flags: string } & Position) // r/pattern/flags, a new RegExp at each use
  | ({ kind: 'name'; name: string } & Position)
  | ({ kind: 'list'; items: Expression[] } & Position)
  | ({ kind: 'dict'; entries: Array<[Expression, Expression]> } & Position)
  | ({ kind: 'lookup'; target: Expression; key: Expression } & Position) // a.b and a["b"]
  | ({ kind: 'call'; callee: Expression; args: Expression[]; kwargs: Array<[string, Expression]> } & Position)
  | ({ kind: 'filter'; name: string; value: Expression; args: Expression[]; kwargs: Array<[string, Expression]> } & Position)
  | ({ kind: 'test'; name: string; value: Expression; args: Expression[]; kwargs: Array<[string, Expression]> } & Position) // value is name(args)
  | ({ kind: 'unary'; operator: 'not' | '-' | '+'; operand: Expression } & Position)
  | ({ kind: 'binary'; operator: BinaryOperator; left: Expression; right: Expression } & Position)
  | ({ kind: 'compare'; first: Expression; rest: Array<[CompareOperator, Expression]> } & Position)
  | ({ kind: 'conditional'; test: Expression; then: Expression; otherwise: Expression | null } & Position)
  | ({ kind: 'slice'; target: Expression; start: Expression | null; stop: Expression | null; step: Expression | null } & Position); // a[start:stop:step]

export type BinaryOperator = 'or' | 'and' | 'in' | 'not in' | '~' | '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CompareOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | '===' | '!==';

/** Statements: the template's text, outputs and tags. */
export type Node =
  | ({ kind: 'text'; text: string } & Position)
  | ({ kind: 'output'; value: Expression } & Position)
  | ({ kind: 'if'; branches: Array<{ test: Expression; body: Node[] }>; otherwise: Node[] } & Position)
  | ({ kind: 'for'; targets: string[]; iterable: Expression; body: Node[]; otherwise: Node[] } & Position)
  | ({ kind: 'set'; name: string; value: Expression; others: string[] } & Position) // others: `set a, b = v` (nunjucks)
  | ({ kind: 'block'; name: string; body: Node[] } & Position)
  | ({ kind: 'extends'; parent: Expression } & Position)
  | ({ kind: 'include'; template: Expression; ignoreMissing: boolean } & Position)
  | ({ kind: 'switch'; value: Expression; cases: Array<{ test: Expression; body: Node[] }>; otherwise: Node[] } & Position) // nunjucks
  | ({ kind: 'macro'; name: string; params: Array<{ name: string; default: Expression | null }>; body: Node[] } & Position)
  | ({ kind: 'import'; template: Expression; target: string; withContext: boolean } & Position) // import t as target
  | ({ kind: 'from'; template: Expression; names: Array<{ name: string; alias: string }>; withContext: boolean } & Position)
  // Extensions: {% set name %}body{% endset %}, {% filter name(args) %}body{% endfilter %}, {% call(params) m(args) %}body{% endcall %}
  | ({ kind: 'capture'; name: string; others: string[]; body: Node[] } & Position) // others: `set a, b %}` (nunjucks)
  | ({ kind: 'filter-block'; name: string; args: Expression[]; kwargs: Array<[string, Expression]>; body: Node[] } & Position)
  | ({ kind: 'call-block'; call: Extract<Expression, { kind: 'call' }>; params: Array<{ name: string; default: Expression | null }>; body: Node[] } & Position);

/** A parsed template: its statements, in order. */
export interface TemplateAst {
  name: string;
  body: Node[];
}
