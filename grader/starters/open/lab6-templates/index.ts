// Lab 6's public surface, at the open level: every export the grader and lab 7 use, with its final
// signature. Each body throws until you write it. The inside is yours: a compiler to JavaScript as
// the lesson builds, a tree-walking interpreter, or anything else, in this file or files of your
// own. Keep these names and signatures. The lesson is the whole specification.
// Every failure throws the contract's TemplateError, which says where (lesson: "Errors that say where").
import type { EnvironmentOptions, Filter, Loader, TemplateRenderer } from '#contracts/templates';
import type { TemplateAst, Token } from './nodes.ts';
import type { SafeString } from './safe.ts';

export { SafeString, markSafe } from './safe.ts';
export type { Token, TokenType, Expression, Node, TemplateAst, Position } from './nodes.ts';

/** Cuts template source into the tokens of nodes.ts, each with its line and column.
 * Lesson: "Lexing: source to tokens" and "Whitespace control and comments" (rules L, W). */
export function tokenize(source: string, template = '<string>'): Token[] {
  throw new Error('TODO(lab6): tokenize is not written yet (lessons/06-templates.md#lexing-source-to-tokens)');
}

/** Parses template source into the tree of nodes.ts; `name` is the template's, for errors.
 * Lesson: "Parsing: tokens to a tree", "Expressions and precedence", "Tests with is" (rules P, X, Q). */
export function parse(source: string, name = '<string>'): TemplateAst {
  throw new Error('TODO(lab6): parse is not written yet (lessons/06-templates.md#parsing-tokens-to-a-tree)');
}

/** Prepares a parsed template for rendering (JavaScript functions, or a checked tree to walk), refusing
 * what fails before any render (unknown filter or test, super() outside a block). Its options and
 * its result are yours to choose: the grader never calls it. Lesson: "Compiling a tree to JavaScript". */
export function compile(ast: TemplateAst, options: { autoescape: boolean; filters: Record<string, Filter>; tests: Record<string, Test> }): unknown {
  throw new Error('TODO(lab6): compile is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
}

/** `| escape`: the value escaped once, as a SafeString; a SafeString comes back as it is.
 * Lesson: "Autoescaping" (rules A1-A8). */
export function escape(value: unknown): SafeString {
  throw new Error('TODO(lab6): escape is not written yet (lessons/06-templates.md#autoescaping)');
}

/** The filters every environment starts with, by name: the lesson's filter tables (core and extensions).
 * Lesson: "Filters" (rules F1-F21) and the extension sections on filters. */
export const builtInFilters: Record<string, Filter> = {
  // TODO(lab6): the built-in filters (lessons/06-templates.md#filters).
};

/** A test: `value is name(arg1, arg2)` calls `test(value, arg1, arg2)`; its answer counts by its truth. */
export type Test = (value: any, ...args: any[]) => unknown;

/** The tests every environment starts with, by name: the lesson's table of tests.
 * Lesson: "Tests with is" (rules Q1-Q9). */
export const builtInTests: Record<string, Test> = {
  // TODO(lab6): the built-in tests (lessons/06-templates.md#tests-with-is).
};

/** The globals every environment starts with: range, cycler and joiner (an extension).
 * Lesson: "Global functions" (rules GL1-GL4). */
export const builtInGlobals: Record<string, unknown> = {
  // TODO(lab6, extension): range, cycler and joiner (lessons/06-templates.md#global-functions).
};

/** A template ready to render many times; Environment makes them (getTemplate, fromString).
 * Lesson: "Rendering" and "Loaders and the cache". */
export class Template {
  /** The template's name, or '<string>' for one made from a string. */
  readonly name: string;

  /** Give it whatever your design needs: only Environment makes one. */
  constructor(name: string) {
    throw new Error('TODO(lab6): the Template constructor is not written yet (lessons/06-templates.md#rendering)');
  }

  /** Renders with `context`, which it never modifies. Lesson: "Rendering" (rule R1 and on). */
  render(context: Record<string, unknown> = {}): string {
    throw new Error('TODO(lab6): Template.render is not written yet (lessons/06-templates.md#rendering)');
  }
}

/** Settings, filters, tests, globals and a loader shared by every template, with a cache of
 * templates by name: Jinja2's Environment. Lesson: "Rendering", "Loaders and the cache". */
export class Environment implements TemplateRenderer {
  /** Whether `{{ }}` escapes HTML (default true). */
  readonly autoescape: boolean;
  /** The built-in filters, with the options' added or replacing them. */
  readonly filters: Record<string, Filter>;
  /** The built-in tests, with the options' added or replacing them. */
  readonly tests: Record<string, Test>;
  /** What templates see where their data has no such name (an extension): range, cycler, joiner, and any added. */
  readonly globals: Record<string, unknown>;

  constructor(options: EnvironmentOptions & { tests?: Record<string, Test>; globals?: Record<string, unknown> } = {}) {
    throw new Error('TODO(lab6): the Environment constructor is not written yet (lessons/06-templates.md#rendering)');
  }

  /** Adds a filter, or replaces one, for every template, those made before included (rule F19). */
  addFilter(name: string, filter: Filter): void {
    throw new Error('TODO(lab6): Environment.addFilter is not written yet (lessons/06-templates.md#filters)');
  }

  /** Adds a test for `value is name`, or replaces one (rule Q9). */
  addTest(name: string, test: Test): void {
    throw new Error('TODO(lab6): Environment.addTest is not written yet (lessons/06-templates.md#tests-with-is)');
  }

  /** A value every template sees where its data has none of that name; returns the environment (extension). */
  addGlobal(name: string, value: unknown): this {
    throw new Error('TODO(lab6): Environment.addGlobal is not written yet (lessons/06-templates.md#global-functions)');
  }

  /** The template of that name from the loader, made once and then served from the cache (rules T1-T6). */
  getTemplate(name: string): Template {
    throw new Error('TODO(lab6): Environment.getTemplate is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }

  /** A template made from source; `name` is the one its errors report. */
  fromString(source: string, name = '<string>'): Template {
    throw new Error('TODO(lab6): Environment.fromString is not written yet (lessons/06-templates.md#rendering)');
  }

  /** Renders the template of that name with a context: what lab 7 calls. */
  render(name: string, context: Record<string, unknown> = {}): string {
    throw new Error('TODO(lab6): Environment.render is not written yet (lessons/06-templates.md#rendering)');
  }

  /** Renders template source with a context. */
  renderString(source: string, context: Record<string, unknown> = {}): string {
    throw new Error('TODO(lab6): Environment.renderString is not written yet (lessons/06-templates.md#rendering)');
  }
}

/** Templates from a folder, by relative name; names can't climb out of it (rules T1-T3). */
export class FileSystemLoader implements Loader {
  constructor(root: string) {
    throw new Error('TODO(lab6): the FileSystemLoader constructor is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }

  getSource(name: string): string {
    throw new Error('TODO(lab6): FileSystemLoader.getSource is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }
}

/** Templates from an object, name to source (rule T4 and around). */
export class DictLoader implements Loader {
  constructor(templates: Record<string, string>) {
    throw new Error('TODO(lab6): the DictLoader constructor is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }

  getSource(name: string): string {
    throw new Error('TODO(lab6): DictLoader.getSource is not written yet (lessons/06-templates.md#loaders-and-the-cache)');
  }
}
