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
    // A copy on top of the environment's globals, which have no prototype, and a chain without
    // one: `constructor` or `toString` is a variable or a block only when the data or the
    // template defines it (rule C14). A name the data lacks is found among the globals (GL1).
    return this.renderWith(Object.assign(Object.create(this.#globals), context), Object.create(null), Object.create(null));
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
    this.globals[name] = value; // read at render time: templates compiled before see it too
    return this;
  }

  getTemplate(name: string): Template {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    if (!this.#loader) throw new TemplateError('this environment has no loader', name);
    const template = this.fromString(this.#loader.getSource(name), name);
    this.#cache.set(name, template);
    return template;
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
   * With `ignore missing`, a name the loader has no template for renders nothing; a template that
   * is there but broken is still an error.
   */
  renderInclude(name: unknown, context: Record<string, unknown>, frame: object, from: string, ignoreMissing = false): string {
    if (ignoreMissing && typeof name === 'string' && !this.#cache.has(name) && this.#loader) {
      try {
        this.#loader.getSource(name);
      } catch {
        return '';
      }
    }
    return this.#named(name, 'include', from).renderWith(Object.create(context), Object.create(frame), Object.create(null));
  }

  /**
   * `{% import %}` and `{% from %}`: the named template rendered on its own (or, with context, on
   * top of the importer's context), its output dropped; what its top level defined, macros and
   * `set`s, is on the context it ran with, and those names are the module. Without the
   * importer's context it still sees the globals.
   */
  importTemplate(name: unknown, context: Record<string, unknown> | null, from: string): Record<string, unknown> {
    const own: Record<string, unknown> = Object.create(context ?? this.globals);
    this.#named(name, 'import', from).renderWith(own, Object.create(null), Object.create(null));
    return Object.assign(Object.create(null), own);
  }

  /** `{% extends name %}`: the parent renders the page, with the child's blocks first in the chain. */
  renderParent(name: unknown, context: Record<string, unknown>, frame: object, chain: BlockChain, from: string): string {
    return this.#named(name, 'extends', from).renderWith(context, frame as Record<string, unknown>, chain);
  }

  #named(name: unknown, tag: string, from: string): Template {
    if (typeof name !== 'string') throw new TemplateError(`{% ${tag} %} needs a template name, got ${typeof name}`, from);
    return this.getTemplate(name);
  }
}
