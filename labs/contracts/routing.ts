// The routing contract, shared by lab 4 (which implements it), lab 7 (whose framework routes with
// it), the reference solutions and the hidden tests. Read it; don't edit it.

/**
 * A converter: how one variable part of a rule (`<int:id>`) is matched, turned into a value, and
 * turned back into URL text. The three members of Werkzeug's BaseConverter, in TypeScript.
 * The pattern matches one path segment (no '/'), except for the built-in `path` converter.
 */
export interface Converter<T = unknown> {
  /** Regular expression source a segment must match in full, like `\d+`. No anchors. */
  pattern: string;
  /** The segment's text (already percent-decoded) to a value. Throw to refuse the match. */
  toValue(text: string): T;
  /** A value to the segment's text (not yet percent-encoded). */
  toUrl(value: T): string;
}

/**
 * Makes a converter from the arguments written in a rule: `<string(length=2):code>` calls the
 * `string` factory with `{ length: 2 }`; `<any(about, help):page>` with `{ _: ['about', 'help'] }`
 * (positional arguments under `_`). Numbers and `true`/`false` arrive as such; the rest as strings.
 */
export type ConverterFactory = (args: ConverterArgs) => Converter;
export type ConverterArgs = { _: Array<string | number | boolean> } & Record<string, string | number | boolean | unknown[]>;

export interface RuleOptions {
  /** The name views and urlFor use for this rule. */
  endpoint: string;
  /** Methods it answers; default ['GET']. GET implies HEAD. */
  methods?: string[];
  /** With the default (true), a rule ending in '/' redirects the same path without it (308). */
  strictSlashes?: boolean;
  /**
   * Values a match of this rule gives besides its variables' (Flask's `defaults`): `/page/` with
   * `{ n: 1 }` next to `/page/<int:n>`, both for one endpoint. A default never names a variable of
   * its own rule.
   */
  defaults?: Record<string, unknown>;
}

/** What matching a path and method gives. */
export type MatchResult =
  | { kind: 'match'; endpoint: string; params: Record<string, unknown>; rule: string }
  /**
   * The rule ends in '/' and the path did not: go to `location`. It is a URL from the mount point
   * on, ready to send: the path percent-encoded segment by segment (encodeURIComponent), then '/',
   * then '?' and the query string exactly as match() was given it, if there is one. Put the mount
   * point (SCRIPT_NAME, encoded the same way) in front of it; never encode it again.
   */
  | { kind: 'redirect'; status: 308; location: string }
  /** Some rule matches the path, none the method; `allowed` is what the Allow header lists. */
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** A rule that can't be registered: bad syntax, an unknown converter or argument, a clashing default. */
export class RuleError extends Error {
  /** Where in the rule text the problem is (0-based), when there is one place. */
  readonly position: number | null;

  constructor(message: string, position: number | null = null) {
    super(message);
    this.name = 'RuleError';
    this.position = position;
  }
}

/** urlFor could not build a URL: an unknown endpoint, a value missing, or one its converter cannot write. */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}
