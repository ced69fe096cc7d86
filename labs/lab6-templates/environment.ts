import { TemplateError, type EnvironmentOptions, type Filter, type Loader, type TemplateRenderer } from '#contracts/templates';
import { compile, type BlockChain, type CompiledTemplate } from './compiler.ts';
import { builtInFilters } from './filters.ts';
import { builtInGlobals } from './globals.ts';
import { parse } from './parser.ts';
import * as runtime from './runtime.ts';
import { builtInTests, type Test } from './tests.ts';

/** A compiled template, ready to render many times. */
export class Template {
  readonly name: string;
  readonly #compiled: CompiledTemplate;
  readonly #globals: Record<string, unknown>;

  constructor(compiled: CompiledTemplate, name: string, globals: Record<string, unknown> = Object.create(null)) {
    this.#compiled = compiled;
    this.name = name;
    this.#globals = globals;
  }

  /** Renders with `context` (not modified: top-level `set` writes to a copy). */
  render(context: Record<string, unknown> = {}): string {
    // A copy without a prototype, and a chain without one: `constructor` or `toString` is a
    // variable or a block only when the data or the template defines it (rule C14).
    // TODO(lab6, extension): the copy made on top of this.#globals instead, so that a name the data
    // lacks is found among them (lessons/06-templates.md#global-functions).
    return this.renderWith(Object.assign(Object.create(null), context), Object.create(null), Object.create(null));
  }

  /** Renders inside another render: include and extends share the context and block chain. */
  renderWith(context: Record<string, unknown>, frame: Record<string, unknown>, chain: BlockChain): string {
    return this.#compiled.root(context, frame, chain);
  }
}

/**
 * Settings, filters and a loader shared by every template: Jinja2's Environment. Templates are
 * compiled once per name and cached.
 */
export class Environment implements TemplateRenderer {
  readonly autoescape: boolean;
  readonly filters: Record<string, Filter>;
  readonly tests: Record<string, Test>;
  /** What templates see under the data: range, cycler, joiner, and any added. */
  readonly globals: Record<string, unknown>;
  readonly #loader: Loader | undefined;
  readonly #cache = new Map<string, Template>();

  constructor(options: EnvironmentOptions & { tests?: Record<string, Test>; globals?: Record<string, unknown> } = {}) {
    this.autoescape = options.autoescape ?? true;
    this.filters = { ...builtInFilters, ...options.filters };
    this.tests = { ...builtInTests, ...options.tests };
    this.globals = Object.assign(Object.create(null), builtInGlobals, options.globals);
    this.#loader = options.loader;
  }

  addFilter(name: string, filter: Filter): void {
    this.filters[name] = filter;
    this.#cache.clear(); // templates compiled before may have refused the name
  }

  /** A test for `value is name`, as nunjucks's addTest. */
  addTest(name: string, test: Test): void {
    this.tests[name] = test;
    this.#cache.clear(); // as for filters
  }

  /** A value every template sees where its data has none of that name: nunjucks's addGlobal, chainable. */
  addGlobal(name: string, value: unknown): this {
    // TODO(lab6, extension): set it in this.globals, and return the environment itself.
    throw new Error('TODO(lab6): Environment.addGlobal is not written yet (lessons/06-templates.md#global-functions)');
  }

  getTemplate(name: string): Template {
    // TODO(lab6): a template compiled before under this name comes from the cache. Otherwise get
    // its source from the loader (no loader: TemplateError), compile it (fromString, with its name)
    // and keep it in the cache.
    throw new Error('TODO(lab6): Environment.getTemplate is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }

  fromString(source: string, name = '<string>'): Template {
    const compiled = compile(parse(source, name), {
      autoescape: this.autoescape,
      filters: this.filters,
      tests: this.tests,
      runtime,
      environment: this,
    });
    return new Template(compiled, name, this.globals);
  }

  render(name: string, context: Record<string, unknown> = {}): string {
    return this.getTemplate(name).render(context);
  }

  renderString(source: string, context: Record<string, unknown> = {}): string {
    return this.fromString(source).render(context);
  }

  /**
   * `{% include name %}`: the included template sees the includer's variables; its own stay in
   * (its context and frame inherit from the includer's, so what it sets lands on the copies).
   */
  renderInclude(name: unknown, context: Record<string, unknown>, frame: object, from: string, ignoreMissing = false): string {
    // TODO(lab6): the named template (#named), rendered with a context and a frame that inherit
    // from the includer's (Object.create), and a block chain of its own
    // (Object.create(null), as in render).
    // Extension (lessons/06-templates.md#more-tags-from-nunjucks): with ignoreMissing, a name the
    // loader has no template for renders nothing.
    throw new Error('TODO(lab6): Environment.renderInclude is not written yet (lessons/06-templates.md#include-and-macros)');
  }

  /**
   * `{% import %}` and `{% from %}`: the named template rendered on its own (or, with context, on
   * top of the importer's context), its output dropped; what its top level defined, macros and
   * `set`s, is on the context it ran with, and those names are the module. Without the
   * importer's context it still sees the globals.
   */
  importTemplate(name: unknown, context: Record<string, unknown> | null, from: string): Record<string, unknown> {
    // TODO(lab6): a context created on top of `context` (Object.create: with null, an empty one,
    // or for the extension Global functions, one on top of this.globals),
    // the named template (#named) rendered with it, a fresh frame and a fresh block chain, and
    // the names the render put on that context, copied onto an object without a prototype.
    throw new Error('TODO(lab6): Environment.importTemplate is not written yet (lessons/06-templates.md#include-and-macros)');
  }

  /** `{% extends name %}`: the parent renders the page, with the child's blocks first in the chain. */
  renderParent(name: unknown, context: Record<string, unknown>, frame: object, chain: BlockChain, from: string): string {
    // TODO(lab6): the named template (#named), rendered with the same context, frame and chain:
    // the chain already holds the child's blocks, so the parent's block calls find them first.
    throw new Error('TODO(lab6): Environment.renderParent is not written yet (lessons/06-templates.md#template-inheritance)');
  }

  #named(name: unknown, tag: string, from: string): Template {
    if (typeof name !== 'string') throw new TemplateError(`{% ${tag} %} needs a template name, got ${typeof name}`, from);
    return this.getTemplate(name);
  }
}
