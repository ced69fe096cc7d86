// The template engine contract (Jinja2's job; nunjucks is the JavaScript peer it is checked
// against). Lab 6 implements it; lab 7's framework renders pages through it. Read it; don't edit it.

/** Where templates come from, by name: a folder on disk, or a map in memory. */
export interface Loader {
  /** The source of a template. Throws if there is no template of that name. */
  getSource(name: string): string;
}

/** A filter: `{{ value | name(arg1, arg2) }}` calls `filter(value, arg1, arg2)`. */
export type Filter = (value: any, ...args: any[]) => unknown;

export interface EnvironmentOptions {
  loader?: Loader;
  /** Escape HTML in every `{{ }}` output unless marked safe. Default: true. */
  autoescape?: boolean;
  /** Extra filters, added to (or replacing) the built-in ones. */
  filters?: Record<string, Filter>;
}

/** What a framework needs of an engine: render a named template with a context. */
export interface TemplateRenderer {
  render(name: string, context?: Record<string, unknown>): string;
}

/** A template that can't be loaded, parsed, compiled or rendered; it says where. */
export class TemplateError extends Error {
  /** The template's name, or '<string>' for one rendered from a string. */
  readonly template: string;
  /** 1-based line and column of the offending token, when known. */
  readonly line: number | null;
  readonly column: number | null;

  constructor(message: string, template: string, line: number | null = null, column: number | null = null) {
    super(line === null ? `${template}: ${message}` : `${template}:${line}:${column}: ${message}`);
    this.name = 'TemplateError';
    this.template = template;
    this.line = line;
    this.column = column;
  }
}
