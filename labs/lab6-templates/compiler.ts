import { TemplateError, type Filter } from '#contracts/templates';
import type { Expression, Node, TemplateAst } from './nodes.ts';
import type { Test } from './tests.ts';

/** What compiling a template gives: its main function and one function per block. */
export interface CompiledTemplate {
  root: RootFn;
  blocks: Record<string, BlockFn>;
}

type Scope = Record<string, unknown>;
/** The blocks of a template and of its parents, most derived first: `super()` goes one further. */
export type BlockChain = Record<string, BlockFn[]>;
export type RootFn = (context: Scope, frame: Scope, chain: BlockChain) => string;
export type BlockFn = (context: Scope, frame: Scope, chain: BlockChain, depth: number) => string;

/** Where generated code is, while it is being generated. */
interface Place {
  /** The JS variable holding the current frame. */
  frame: string;
  /** At the top level of the template (not in a loop, block or macro): `set` reaches the context. */
  topLevel: boolean;
  /** Inside a for loop: `set` updates the variable in the frame around that already holds it. */
  inLoop: boolean;
  /** Inside this block, `super()` is allowed. */
  block: string | null;
  /** Loop variables in scope and the JS variable of the frame that holds each: read directly. */
  locals: ReadonlyMap<string, string>;
}

/**
 * Turns a template's tree into JavaScript source, then into functions with `new Function`. Each
 * template becomes a function that appends to a string, which is why rendering is fast: the tree
 * is walked once, at compile time, not at every render.
 */
export function compile(
  ast: TemplateAst,
  options: { autoescape: boolean; filters: Record<string, Filter>; tests: Record<string, Test>; runtime: object; environment: object },
): CompiledTemplate {
  const generator = new Generator(ast.name, options.autoescape, options.filters, options.tests);
  const source = generator.module(ast.body);
  const factory = new Function('rt', 'env', 'filters', 'tests', source) as (rt: object, env: object, filters: object, tests: object) => CompiledTemplate;
  return factory(options.runtime, options.environment, options.filters, options.tests);
}

class Generator {
  readonly #template: string;
  readonly #autoescape: boolean;
  readonly #filters: Record<string, Filter>;
  readonly #tests: Record<string, Test>;
  readonly #blocks: string[] = [];
  #counter = 0;

  constructor(template: string, autoescape: boolean, filters: Record<string, Filter>, tests: Record<string, Test>) {
    this.#template = template;
    this.#autoescape = autoescape;
    this.#filters = filters;
    this.#tests = tests;
  }

  module(body: Node[]): string {
    // TODO(lab6): generate the root function's statements (#statements, at the top level), then
    // return the module's source as in the lesson: "use strict"; `const blocks = {}`; the block
    // functions collected in #blocks; `function root(ctx, frame, chain)`, which first adds this
    // template's blocks to the end of `chain` (one array per block name), then runs the statements
    // into `out`, and returns `out`, or, if an {% extends %} set `parent`, what
    // env.renderParent(parent, ctx, frame, chain, template name) returns; last,
    // `return { root, blocks };`. A template with {% extends %} (hasParent) drops its own text.
    throw new Error('TODO(lab6): Generator.module is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #fresh(prefix: string): string {
    this.#counter += 1;
    return `${prefix}${this.#counter}`;
  }

  #statements(nodes: Node[], place: Place, hasParent = false): string {
    return nodes.map((node) => this.#statement(node, place, hasParent)).join('\n');
  }

  #statement(node: Node, place: Place, hasParent: boolean): string {
    // TODO(lab6): the JavaScript for one statement, appending to `out`:
    //  - text: its text as a JSON string literal; output: rt.output(expression, autoescape).
    //  - if: if / else if / else around the branches' statements.
    //  - for: #forLoop. macro: #macro. import and from: #import.
    //  - extensions: capture binds its body's output (#capture, marked safe) like a set;
    //    filter-block prints rt.applyFilter(filter, the body's safe output, ...) like an output;
    //    call-block: #callBlock.
    //  - set: rt.assign(frame, ctx, name, value, place.topLevel, place.inLoop).
    //  - extends: remember the parent's name in `parent`. include: env.renderInclude(...).
    //  - block: push a block function `function (ctx, outer, chain, depth)` onto #blocks: it makes
    //    its own frame on top of `outer` and runs its body there (compiled with a fresh Place, no
    //    locals, super() allowed). Here, call the most derived one: chain[name][0](ctx, the current
    //    frame, chain, 0). In a template with a parent, only if no parent is set yet.
    throw new Error('TODO(lab6): Generator.#statement is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #forLoop(node: Extract<Node, { kind: 'for' }>, place: Place): string {
    // TODO(lab6): rt.iterable(value, number of targets) gives the items. Names from #fresh for every
    // JavaScript variable, so loops can nest. If there are items: one new frame on top of the current
    // one for the whole loop; per item, bind the target (or, for several targets, item member 0, 1, ...)
    // and `loop` (rt.loopInfo) in that frame, then run the body with a Place in that frame (inLoop,
    // not topLevel, locals recording where the loop's names live). No items: the else body.
    throw new Error('TODO(lab6): Generator.#forLoop is not written yet (lessons/06-templates.md#control-flow)');
  }

  #macro(node: Extract<Node, { kind: 'macro' }>, place: Place): string {
    // TODO(lab6): rt.makeMacro(parameter names, (args) => { ... }): in a fresh frame of its own
    // (Object.create(null): a macro doesn't see its caller's variables, only the context), each
    // parameter is its argument, or its default when the argument is undefined (only then: 0, ''
    // and none are arguments too); the body's output is returned with rt.markSafe. Bind the macro
    // with rt.assign like a set (never walking up). (Extension: the function also takes a second
    // argument, `caller`; when it is not undefined, put it in the macro's frame as "caller".)
    throw new Error('TODO(lab6): Generator.#macro is not written yet (lessons/06-templates.md#include-and-macros)');
  }

  /**
   * `import` and `from`: the environment renders the template and gives the names it defined; each
   * is bound like a `set` in this place would bind it (rule M11).
   */
  #import(node: Extract<Node, { kind: 'import' | 'from' }>, place: Place): string {
    // TODO(lab6): a fresh variable (#fresh) holding env.importTemplate(name expression, ctx when the
    // tag says with context else null, this template's name). import binds its target to it with
    // rt.assign, as a set in this place would; from binds each alias to
    // rt.exported(module, name, where), where being #where of this node (the `{%` of the tag).
    throw new Error('TODO(lab6): Generator.#import is not written yet (lessons/06-templates.md#include-and-macros)');
  }

  /**
   * The output of `body` as a JavaScript expression: an arrow function, called at once, with an
   * `out` of its own. It runs in the same place, so it sees and sets the same variables.
   */
  #capture(body: Node[], place: Place): string {
    // TODO(lab6, extension): `(() => { let out = ""; ...the body's statements...; return out; })()`.
    throw new Error('TODO(lab6): Generator.#capture is not written yet (lessons/06-templates.md#set-and-filter-blocks)');
  }

  /**
   * `{% call(params) m(args) %}body{% endcall %}`: the body becomes a macro, `caller`, that sees the
   * variables where the call block is (it is compiled right here, as a closure) and its own
   * parameters; `m` gets it through rt.callWithCaller.
   */
  #callBlock(node: Extract<Node, { kind: 'call-block' }>, place: Place): string {
    // TODO(lab6, extension): the caller is rt.makeMacro(parameter names, (args) => ...) as in #macro,
    // but its frame is created on top of the current one (Object.create(place.frame)) and it keeps
    // the current locals. Print rt.callWithCaller(callee, [args], kwargs, caller, where).
    throw new Error('TODO(lab6): Generator.#callBlock is not written yet (lessons/06-templates.md#call-blocks-and-caller)');
  }

  #expression(node: Expression, place: Place): string {
    // TODO(lab6): a JavaScript expression for each kind, wrapped in parentheses where needed:
    //  - literal: JSON.stringify(value). name: the loop's frame when place.locals knows it, else
    //    rt.lookup(frame, ctx, name). list and dict: JavaScript array and object literals.
    //  - lookup: rt.member(target, key). call: #call. binary: #binary.
    //  - filter: fail at compile time on an unknown name; else rt.applyFilter(filters[name], value,
    //    [args], kwargs (#kwargs), where (#where)).
    //  - test: the same with the tests: fail at compile time on an unknown name; else
    //    rt.applyTest(tests[name], value, [args], kwargs, where).
    //  - slice (extension): rt.slice(target, start, stop, step, where), null for a missing part.
    //  - unary: `!` for not, `-` and `+` as they are. compare: the operands and operators in a row,
    //    like nunjucks (`a < b < c` is JavaScript's chain). conditional: test ? then : otherwise,
    //    with "" when there is no else.
    throw new Error('TODO(lab6): Generator.#expression is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #binary(node: Extract<Expression, { kind: 'binary' }>, place: Place): string {
    // TODO(lab6): or and and are || and &&; in and not in go through rt.contains (with #where); ~ joins as
    // JavaScript strings ("" + a + b, so undefined joins as "undefined"); // is Math.floor of the
    // division; ** is Math.pow; the rest are JavaScript's own. Parenthesize what you generate.
    throw new Error('TODO(lab6): Generator.#binary is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #call(node: Extract<Expression, { kind: 'call' }>, place: Place): string {
    // TODO(lab6): super() (only inside a block, else fail) is rt.callSuper(chain, block name, depth,
    // ctx, outer, where): `outer` is the frame the block function was called with, not its own.
    // Any other call is rt.call(callee, [args], kwargs, where), where the name in `where` is
    // describeCallee(callee).
    throw new Error('TODO(lab6): Generator.#call is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #kwargs(kwargs: Array<[string, Expression]>, place: Place): string {
    // TODO(lab6): `null` when there are none, else an object literal of name: value.
    throw new Error('TODO(lab6): Generator.#kwargs is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
  }

  #where(node: { line: number; column: number }, name: string): string {
    return JSON.stringify({ template: this.#template, line: node.line, column: node.column, name });
  }

  #fail(message: string, at: { line: number; column: number }): never {
    throw new TemplateError(message, this.#template, at.line, at.column);
  }
}

function describeCallee(callee: Expression): string {
  if (callee.kind === 'name') return callee.name;
  if (callee.kind === 'lookup' && callee.key.kind === 'literal') return `${describeCallee(callee.target)}.${callee.key.value}`;
  return 'this value';
}
