import { TemplateError, type Filter } from '#contracts/templates';
import type { Expression, Node, TemplateAst } from './nodes.ts';
import { escapeHtml } from './runtime.ts';
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
  /** The function that reads each attribute name used with a dot, by name (see #member). */
  readonly #members = new Map<string, string>();
  /** Small functions of the template's own, defined before its blocks: see #member and #filterCall. */
  readonly #helpers: string[] = [];
  #counter = 0;

  constructor(template: string, autoescape: boolean, filters: Record<string, Filter>, tests: Record<string, Test>) {
    this.#template = template;
    this.#autoescape = autoescape;
    this.#filters = filters;
    this.#tests = tests;
  }

  module(body: Node[]): string {
    const hasParent = body.some((node) => node.kind === 'extends');
    const root = this.#statements(body, { frame: 'frame', topLevel: true, inLoop: false, block: null, locals: new Map() }, hasParent);
    return [
      '"use strict";',
      'const blocks = {};',
      ...this.#helpers,
      ...this.#blocks,
      'function root(ctx, frame, chain) {',
      '  for (const name in blocks) (chain[name] ??= []).push(blocks[name]);',
      '  let out = "";',
      '  let parent;',
      root,
      // A child template's own output is dropped: the page is its parent, with the child's blocks.
      `  if (parent !== undefined) return env.renderParent(parent, ctx, frame, chain, ${JSON.stringify(this.#template)});`,
      '  return out;',
      '}',
      'return { root, blocks };',
    ].join('\n');
  }

  #fresh(prefix: string): string {
    this.#counter += 1;
    return `${prefix}${this.#counter}`;
  }

  #statements(nodes: Node[], place: Place, hasParent = false): string {
    return nodes.map((node) => this.#statement(node, place, hasParent)).join('\n');
  }

  #statement(node: Node, place: Place, hasParent: boolean): string {
    const { frame } = place;
    switch (node.kind) {
      case 'text':
        return `out += ${JSON.stringify(node.text)};`;
      case 'output':
        return `out += ${this.#output(node.value, place)};`;
      case 'if': {
        const branches = node.branches.map(
          (branch, i) => `${i === 0 ? 'if' : 'else if'} (${this.#expression(branch.test, place)}) {\n${this.#statements(branch.body, place, hasParent)}\n}`,
        );
        const otherwise = node.otherwise.length > 0 ? ` else {\n${this.#statements(node.otherwise, place, hasParent)}\n}` : '';
        return branches.join(' ') + otherwise;
      }
      case 'for':
        return this.#forLoop(node, place);
      case 'set': {
        if (node.others.length === 0) return `rt.assign(${frame}, ctx, ${JSON.stringify(node.name)}, ${this.#expression(node.value, place)}, ${place.topLevel}, ${place.inLoop});`;
        // `set a, b = v`: v is computed once, and each name gets it.
        const value = this.#fresh('value');
        const names = [node.name, ...node.others];
        return [`const ${value} = ${this.#expression(node.value, place)};`, ...names.map((name) => `rt.assign(${frame}, ctx, ${JSON.stringify(name)}, ${value}, ${place.topLevel}, ${place.inLoop});`)].join('\n');
      }
      case 'extends':
        return `parent = ${this.#expression(node.parent, place)};`;
      case 'include':
        return `out += env.renderInclude(${this.#expression(node.template, place)}, ctx, ${frame}, ${JSON.stringify(this.#template)}, ${node.ignoreMissing});`;
      case 'switch': {
        // JavaScript's own switch, which compares with ===. A case with an empty body has no
        // `break`, so it falls through to the next case's body, as in nunjucks.
        const cases = node.cases.map(
          (c) => `case ${this.#expression(c.test, place)}: {\n${this.#statements(c.body, place, hasParent)}\n}${c.body.length > 0 ? ' break;' : ''}`,
        );
        const otherwise = `default: {\n${this.#statements(node.otherwise, place, hasParent)}\n}`;
        return `switch (${this.#expression(node.value, place)}) {\n${[...cases, otherwise].join('\n')}\n}`;
      }
      case 'block': {
        // A block function gets the frame where the block is called (`outer`, which super() hands
        // on to the parent's block) and runs in a frame of its own on top of it.
        const name = JSON.stringify(node.name);
        const inner = this.#statements(node.body, { frame: 'frame', topLevel: false, inLoop: false, block: node.name, locals: new Map() });
        this.#blocks.push(`blocks[${name}] = function (ctx, outer, chain, depth) {\nconst frame = Object.create(outer);\nlet out = "";\n${inner}\nreturn out;\n};`);
        const render = `out += chain[${name}][0](ctx, ${frame}, chain, 0);`;
        return hasParent ? `if (parent === undefined) ${render}` : render;
      }
      case 'macro':
        return this.#macro(node, place);
      case 'import':
      case 'from':
        return this.#import(node, place);
      case 'capture': {
        // The body runs once; `set a, b %}` gives each name its output (nunjucks, rule NT5).
        const output = this.#fresh('output');
        const assigns = [node.name, ...node.others].map((name) => `rt.assign(${frame}, ctx, ${JSON.stringify(name)}, ${output}, ${place.topLevel}, ${place.inLoop});`);
        return [`const ${output} = rt.markSafe(${this.#capture(node.body, place)});`, ...assigns].join('\n');
      }
      case 'filter-block': {
        const known = Object.hasOwn(this.#filters, node.name);
        if (!known) this.#fail(`unknown filter "${node.name}" in a filter block`, node);
        const args = node.args.map((arg) => this.#expression(arg, place));
        const value = `rt.markSafe(${this.#capture(node.body, place)})`;
        const filtered = `rt.applyFilter(filters[${JSON.stringify(node.name)}], ${value}, [${args.join(', ')}], ${this.#kwargs(node.kwargs, place)}, ${this.#where(node, node.name)})`;
        return `out += rt.output(${filtered}, ${this.#autoescape});`;
      }
      case 'call-block':
        return this.#callBlock(node, place);
    }
  }

  /**
   * What `{{ value }}` adds to the page, as a JavaScript expression. Text or a number written in
   * the template is escaped now, once, not again at every render; a conditional outputs the
   * branch it takes, so `{{ "odd" if loop.index % 2 else "even" }}` costs no escaping at all.
   */
  #output(node: Expression, place: Place): string {
    if (node.kind === 'literal' && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const text = String(node.value);
      return JSON.stringify(this.#autoescape ? escapeHtml(text) : text);
    }
    if (node.kind === 'conditional') {
      const otherwise = node.otherwise ? this.#output(node.otherwise, place) : '""';
      return `(${this.#expression(node.test, place)} ? ${this.#output(node.then, place)} : ${otherwise})`;
    }
    return `rt.output(${this.#expression(node, place)}, ${this.#autoescape})`;
  }

  /**
   * The output of `body` as a JavaScript expression: an arrow function, called at once, with an
   * `out` of its own. It runs in the same place, so it sees and sets the same variables.
   */
  #capture(body: Node[], place: Place): string {
    return `(() => {\nlet out = "";\n${this.#statements(body, place)}\nreturn out;\n})()`;
  }

  /**
   * `{% call(params) m(args) %}body{% endcall %}`: the body becomes a macro, `caller`, that sees the
   * variables where the call block is (it is compiled right here, as a closure) and its own
   * parameters; `m` gets it through rt.callWithCaller.
   */
  #callBlock(node: Extract<Node, { kind: 'call-block' }>, place: Place): string {
    const frame = this.#fresh('frame');
    const inner: Place = { frame, topLevel: false, inLoop: false, block: place.block, locals: place.locals };
    const params = node.params
      .map((param, i) => {
        const fallback = param.default === null ? 'undefined' : this.#expression(param.default, inner);
        return `${frame}[${JSON.stringify(param.name)}] = args[${i}] === undefined ? ${fallback} : args[${i}];`;
      })
      .join('\n');
    const names = JSON.stringify(node.params.map((p) => p.name));
    const caller = `rt.makeMacro(${names}, (args) => {\nconst ${frame} = Object.create(${place.frame});\n${params}\nreturn rt.markSafe(${this.#capture(node.body, inner)});\n})`;
    const { callee, args, kwargs } = node.call;
    const where = this.#where(node.call, describeCallee(callee));
    const call = `rt.callWithCaller(${this.#expression(callee, place)}, [${args.map((arg) => this.#expression(arg, place)).join(', ')}], ${this.#kwargs(kwargs, place)}, ${caller}, ${where})`;
    return `out += rt.output(${call}, ${this.#autoescape});`;
  }

  /**
   * `import` and `from`: the environment renders the template and gives the names it defined; each
   * is bound like a `set` in this place would bind it (rule M11).
   */
  #import(node: Extract<Node, { kind: 'import' | 'from' }>, place: Place): string {
    const module = this.#fresh('module');
    const context = node.withContext ? 'ctx' : 'null';
    const load = `const ${module} = env.importTemplate(${this.#expression(node.template, place)}, ${context}, ${JSON.stringify(this.#template)});`;
    const bind = (name: string, value: string) => `rt.assign(${place.frame}, ctx, ${JSON.stringify(name)}, ${value}, ${place.topLevel}, ${place.inLoop});`;
    if (node.kind === 'import') return `${load}\n${bind(node.target, module)}`;
    const where = this.#where(node, 'from');
    return [load, ...node.names.map(({ name, alias }) => bind(alias, `rt.exported(${module}, ${JSON.stringify(name)}, ${where})`))].join('\n');
  }

  #forLoop(node: Extract<Node, { kind: 'for' }>, place: Place): string {
    const [items, length, index, loopFrame] = ['items', 'length', 'i', 'frame'].map((p) => this.#fresh(p)) as [string, string, string, string];
    // The loop's own variables are always in its frame: the generated code reads them from there
    // without searching the scopes around it (the one speed trick worth its line).
    const locals = new Map(place.locals);
    for (const name of [...node.targets, 'loop']) locals.set(name, loopFrame);
    const inner: Place = { frame: loopFrame, topLevel: false, inLoop: true, block: place.block, locals };
    const bind =
      node.targets.length === 1
        ? `${loopFrame}[${JSON.stringify(node.targets[0])}] = ${items}[${index}];`
        : node.targets.map((target, i) => `${loopFrame}[${JSON.stringify(target)}] = rt.member(${items}[${index}], ${i});`).join('\n');
    const otherwise = node.otherwise.length > 0 ? ` else {\n${this.#statements(node.otherwise, place)}\n}` : '';
    return [
      `const ${items} = rt.iterable(${this.#expression(node.iterable, place)}, ${node.targets.length});`,
      `const ${length} = ${items}.length;`,
      `if (${length} > 0) {`,
      `  const ${loopFrame} = Object.create(${place.frame});`,
      `  for (let ${index} = 0; ${index} < ${length}; ${index}++) {`,
      bind,
      `${loopFrame}.loop = rt.loopInfo(${index}, ${length});`,
      this.#statements(node.body, inner),
      '  }',
      `}${otherwise}`,
    ].join('\n');
  }

  #macro(node: Extract<Node, { kind: 'macro' }>, place: Place): string {
    const frame = this.#fresh('frame');
    const inner: Place = { frame, topLevel: false, inLoop: false, block: null, locals: new Map() };
    // A macro sees its parameters and the context, not the variables where it is called.
    const params = node.params
      .map((param, i) => {
        const fallback = param.default ? this.#expression(param.default, inner) : 'undefined';
        return `${frame}[${JSON.stringify(param.name)}] = args[${i}] !== undefined ? args[${i}] : ${fallback};`;
      })
      .join('\n');
    const names = JSON.stringify(node.params.map((p) => p.name));
    const fn = `rt.makeMacro(${names}, (args, caller) => {\nconst ${frame} = Object.create(null);\nif (caller !== undefined) ${frame}.caller = caller;\n${params}\nlet out = "";\n${this.#statements(node.body, inner)}\nreturn rt.markSafe(out);\n})`;
    return `rt.assign(${place.frame}, ctx, ${JSON.stringify(node.name)}, ${fn}, ${place.topLevel}, false);`;
  }

  #expression(node: Expression, place: Place): string {
    switch (node.kind) {
      case 'literal':
        return JSON.stringify(node.value);
      case 'regex':
        // A new RegExp at each use: a /g one remembers where it stopped (lastIndex) between uses.
        return `new RegExp(${JSON.stringify(node.pattern)}, ${JSON.stringify(node.flags)})`;
      case 'name': {
        const holder = place.locals.get(node.name);
        if (holder) return `${holder}[${JSON.stringify(node.name)}]`;
        return `rt.lookup(${place.frame}, ctx, ${JSON.stringify(node.name)})`;
      }
      case 'list':
        return `[${node.items.map((item) => this.#expression(item, place)).join(', ')}]`;
      case 'dict':
        return `({ ${node.entries.map(([k, v]) => `[${this.#expression(k, place)}]: ${this.#expression(v, place)}`).join(', ')} })`;
      case 'lookup':
        if (node.key.kind === 'literal' && typeof node.key.value === 'string') return `${this.#member(node.key.value)}(${this.#expression(node.target, place)})`;
        return `rt.member(${this.#expression(node.target, place)}, ${this.#expression(node.key, place)})`;
      case 'call':
        return this.#call(node, place);
      case 'filter': {
        // Object.hasOwn, not `in`: `constructor` is no filter (rule C14).
        if (!Object.hasOwn(this.#filters, node.name)) this.#fail(`unknown filter "${node.name}"`, node);
        const args = node.args.map((arg) => this.#expression(arg, place));
        if (node.kwargs.length === 0) return `${this.#filterCall(node)}(${[this.#expression(node.value, place), ...args].join(', ')})`;
        const kwargs = this.#kwargs(node.kwargs, place);
        return `rt.applyFilter(filters[${JSON.stringify(node.name)}], ${this.#expression(node.value, place)}, [${args.join(', ')}], ${kwargs}, ${this.#where(node, node.name)})`;
      }
      case 'test': {
        // Like a filter: an unknown name is a mistake found before any render.
        if (!Object.hasOwn(this.#tests, node.name)) this.#fail(`unknown test "${node.name}"`, node);
        const args = node.args.map((arg) => this.#expression(arg, place));
        const kwargs = this.#kwargs(node.kwargs, place);
        return `rt.applyTest(tests[${JSON.stringify(node.name)}], ${this.#expression(node.value, place)}, [${args.join(', ')}], ${kwargs}, ${this.#where(node, node.name)})`;
      }
      case 'unary': {
        const operand = this.#expression(node.operand, place);
        return node.operator === 'not' ? `!(${operand})` : `(${node.operator}(${operand}))`;
      }
      case 'binary':
        return this.#binary(node, place);
      case 'compare': {
        // As in nunjucks, a chain is JavaScript's: `3 > 2 > 1` is `(3 > 2) > 1`, `true > 1`, false.
        const rest = node.rest.map(([operator, value]) => ` ${operator} ${this.#expression(value, place)}`);
        return `(${this.#expression(node.first, place)}${rest.join('')})`;
      }
      case 'slice': {
        const part = (e: Expression | null) => (e === null ? 'null' : this.#expression(e, place));
        return `rt.slice(${this.#expression(node.target, place)}, ${part(node.start)}, ${part(node.stop)}, ${part(node.step)}, ${this.#where(node, 'slice')})`;
      }
      case 'conditional': {
        // Without `else`, a false test gives the empty string (nunjucks's choice), not undefined.
        const otherwise = node.otherwise ? this.#expression(node.otherwise, place) : '""';
        return `(${this.#expression(node.test, place)} ? ${this.#expression(node.then, place)} : ${otherwise})`;
      }
    }
  }

  #binary(node: Extract<Expression, { kind: 'binary' }>, place: Place): string {
    const left = this.#expression(node.left, place);
    const right = this.#expression(node.right, place);
    switch (node.operator) {
      case 'or':
        return `(${left} || ${right})`;
      case 'and':
        return `(${left} && ${right})`;
      case 'in':
        return `rt.contains(${right}, ${left}, ${this.#where(node, 'in')})`;
      case 'not in':
        return `!rt.contains(${right}, ${left}, ${this.#where(node, 'not in')})`;
      case '~':
        return `("" + ${left} + ${right})`;
      case '//':
        return `Math.floor(${left} / ${right})`;
      case '**':
        return `Math.pow(${left}, ${right})`;
      default:
        return `(${left} ${node.operator} ${right})`;
    }
  }

  #call(node: Extract<Expression, { kind: 'call' }>, place: Place): string {
    if (node.callee.kind === 'name' && node.callee.name === 'super') {
      if (place.block === null) this.#fail('super() is only allowed inside a block', node);
      const name = JSON.stringify(place.block);
      return `rt.callSuper(chain, ${name}, depth, ctx, outer, ${this.#where(node, 'super')})`;
    }
    const args = node.args.map((arg) => this.#expression(arg, place));
    return `rt.call(${this.#expression(node.callee, place)}, [${args.join(', ')}], ${this.#kwargs(node.kwargs, place)}, ${this.#where(node, describeCallee(node.callee))})`;
  }

  /**
   * `a.name` (and `a["name"]`): a small function of the template's own for each name, which reads
   * that one property, instead of rt.member for all of them. Why it is faster: a JavaScript
   * engine remembers, at each place in the code that reads a property, where objects of the
   * shape it saw keep that property (an *inline cache*). Inside rt.member, one place reads every
   * name of every object, too many to remember; here each place reads one name, nearly always
   * from objects of one shape, and the remembered answer is right almost every time.
   */
  #member(key: string): string {
    let reader = this.#members.get(key);
    if (reader === undefined) {
      reader = this.#fresh('member');
      this.#members.set(key, reader);
      this.#helpers.push(`const ${reader} = (target) => target === undefined || target === null ? undefined : rt.method(target, target[${JSON.stringify(key)}]);`);
    }
    return reader;
  }

  /**
   * `value | name(args)` without keyword arguments: a function of the template's own for this one
   * filter call, which calls the filter and, if it throws, says where (as rt.applyFilter does).
   * Why not rt.applyFilter for every call: a place in the code that always calls the same
   * function is one the engine makes fast (it can even copy the function's body in: *inlining*);
   * the one call inside rt.applyFilter calls every filter of every template, and it cannot.
   */
  #filterCall(node: Extract<Expression, { kind: 'filter' }>): string {
    const call = this.#fresh('filter');
    const params = ['value', ...node.args.map((_, i) => `arg${i}`)].join(', ');
    this.#helpers.push(
      `const ${call} = (${params}) => {\n  try {\n    return filters[${JSON.stringify(node.name)}](${params});\n  } catch (error) {\n    throw rt.filterFailed(error, ${this.#where(node, node.name)});\n  }\n};`,
    );
    return call;
  }

  #kwargs(kwargs: Array<[string, Expression]>, place: Place): string {
    if (kwargs.length === 0) return 'null';
    return `({ ${kwargs.map(([name, value]) => `${JSON.stringify(name)}: ${this.#expression(value, place)}`).join(', ')} })`;
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
