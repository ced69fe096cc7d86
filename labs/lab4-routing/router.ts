import {
  BuildError,
  RuleError,
  type ConverterFactory,
  type MatchResult,
  type RuleOptions,
} from '#contracts/routing';
import { builtInConverters } from './converters.ts';
import { parseRule, readMixed, variableNames, type ParsedRule, type Segment } from './rule.ts';

/** A registered rule with what it answers. */
interface Entry {
  rule: ParsedRule;
  endpoint: string;
  methods: Set<string>;
  strictSlashes: boolean;
  /** Values a match gives besides the variables' (Flask's `defaults`). */
  defaults: Record<string, unknown>;
  /** The names a match gives: the variables and the defaults. */
  names: Set<string>;
  /** Registration order: the last tie-breaker. */
  order: number;
}

/** A group of rules under a common prefix, Flask's blueprint in miniature. */
export interface RouteGroup {
  add(rule: string, options: RuleOptions): void;
}

/**
 * Text to URL form, slashes kept: each piece between slashes percent-encoded on its own, so a
 * `?`, `#`, `%`, space, control character or `é` in it can't be read as part of the URL's syntax.
 */
export function encodePath(text: string): string {
  // TODO(lab4): cut at '/', encodeURIComponent each piece, join with '/' again.
  throw new Error('TODO(lab4): encodePath is not written yet (lessons/04-routing.md#trailing-slashes)');
}

/**
 * A URL path that stays on this host. `//evil.example/` would be read as a URL of another host
 * (protocol-relative), so the second slash is written `%2F`, which the gateway decodes back to
 * the same path.
 */
function rooted(url: string): string {
  // TODO(lab4): a url that starts with '//' becomes '/%2F' and the rest; any other stays as it is.
  throw new Error('TODO(lab4): rooted is not written yet (lessons/04-routing.md#trailing-slashes)');
}

/** A request path cut into segments: `/a/b/` is [a, b] with a trailing slash. */
function splitPath(path: string): { segments: string[]; trailingSlash: boolean } {
  // TODO(lab4): '' counts as '/'. A final '/' (on anything longer than '/') is the trailing
  // slash; what lies between the first '/' and it, cut at '/', are the segments ('/' has none).
  throw new Error('TODO(lab4): splitPath is not written yet (lessons/04-routing.md#matching-segment-by-segment)');
}

/**
 * URL rules and the endpoints they lead to, Werkzeug's Map in miniature. Rules are kept sorted
 * from most to least specific, so matching tries them in an order that doesn't depend on the
 * order they were added in (see lessons/04-routing.md#which-rule-wins).
 */
export class Router {
  readonly #converters: Record<string, ConverterFactory>;
  readonly #entries: Entry[] = [];
  /** The same entries by endpoint, in the order urlFor tries them (byBuildOrder). */
  readonly #endpoints = new Map<string, Entry[]>();

  constructor(options: { converters?: Record<string, ConverterFactory> } = {}) {
    this.#converters = { ...builtInConverters, ...options.converters };
  }

  add(rule: string, options: RuleOptions): void {
    // TODO(lab4): parse the rule (parseRule) with this router's converters. Methods default to
    // ['GET'] when the option is left out (an empty list is a RuleError), uppercased; GET brings
    // HEAD. A default that names one of the rule's variables is a RuleError. The same endpoint
    // with the same rule again adds its methods (another strictSlashes or other defaults is a
    // RuleError). Otherwise store a new Entry (its names: the variables and the defaults' keys),
    // keep #entries sorted with bySpecificity and the endpoint's entries with byBuildOrder.
    // Check everything before storing anything: a failed add leaves the router as it was.
    throw new Error('TODO(lab4): Router.add is not written yet (lessons/04-routing.md#matching-segment-by-segment)');
  }

  /** Rules under `prefix` (like `/api`), their endpoints named `name.endpoint` if a name is given. */
  group(prefix: string, name?: string): RouteGroup {
    // TODO(lab4): refuse a prefix that does not start with '/' or ends with '/' (RuleError).
    // Return an object whose add refuses a rule that does not start with '/' (RuleError at 0),
    // and puts the prefix before the rule and `name.` before the endpoint.
    throw new Error('TODO(lab4): Router.group is not written yet (lessons/04-routing.md#groups)');
  }

  match(path: string, method: string, query = ''): MatchResult {
    // TODO(lab4): split the path, then try the entries in order (fitRule). The first that fits
    // and allows the method (in capitals) is the match. Remember what the others tell you: methods of rules
    // that fit the path but not the method (for a 405), a rule that accepts the method and wants
    // a trailing slash (for a 308 to rooted(encodePath(path) + '/'), then '?' + the query as it
    // came if there is one). No match: redirect, else 405 (methods sorted), else 404.
    // A match's params are the variables' values and the rule's defaults; a match that has a
    // canonical URL (#canonical) is a redirect there instead, with the query as it came.
    throw new Error('TODO(lab4): Router.match is not written yet (lessons/04-routing.md#matching-segment-by-segment)');
  }

  /**
   * The URL a match should redirect to, or null: a rule of the same endpoint that urlFor tries
   * first, with defaults equal to these values, names the same values and answers the method.
   * `/page/1` goes to `/page/` when `/page/` has the default `{ n: 1 }`: one URL per page.
   */
  #canonical(entry: Entry, params: Record<string, unknown>, method: string): string | null {
    // TODO(lab4): walk the endpoint's entries up to (not including) this one. The first with
    // defaults, the same names, the method, and defaults that suit the params gives its URL
    // (build); a BuildError there means: go on to the next.
    throw new Error('TODO(lab4): Router.#canonical is not written yet (lessons/04-routing.md#several-rules-for-one-endpoint)');
  }

  /**
   * Builds the URL of an endpoint: variables from `values`, other values as a query string. With
   * a `method`, only a rule that answers it will do (the URL a form posts to, say).
   */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: { method?: string } = {}): string {
    // TODO(lab4): find the endpoint's entries (else a BuildError with a suggestion). The first
    // that answers GET and suits the values builds the URL (build), else the first that suits;
    // none suits: a BuildError naming what the rules need. The values that are not names of that rule, except undefined and null (as
    // values or as items of an array), go to the query string (URLSearchParams).
    // Extension: with options.method, only the rules that answer it (in capitals) are tried.
    throw new Error('TODO(lab4): Router.urlFor is not written yet (lessons/04-routing.md#building-urls)');
  }
}

/** The rule's variable names, in order. */
function variablesOf(entry: Entry): string[] {
  return variableNames(entry.rule.segments);
}

/** The value of `name` in `values`: own keys only, so `constructor` never finds Object's. */
function given(values: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** Can this rule build these values? Every variable has a value; every default is left out or equal. */
function suits(entry: Entry, values: Record<string, unknown>): boolean {
  // TODO(lab4): every variable needs a value (not undefined or null); every default is either
  // not given (undefined or null) or given as the same value (===).
  throw new Error('TODO(lab4): suits is not written yet (lessons/04-routing.md#several-rules-for-one-endpoint)');
}

/** The rule's URL with these values, without the query string; a BuildError if a value cannot be written. */
function build(entry: Entry, values: Record<string, unknown>): string {
  // TODO(lab4): each variable's text comes from write. Every segment, static text too, is
  // percent-encoded (a path value with encodePath); add the trailing slash, and the URL goes
  // through rooted. (Extension: a mixed segment is its text and its variables' texts, which
  // readMixed must read back the same, else a BuildError; then encodePath.)
  throw new Error('TODO(lab4): build is not written yet (lessons/04-routing.md#building-urls)');
}

/** A variable's value as the text of a URL that matches it again, or a BuildError. */
function write(segment: Extract<Segment, { kind: 'variable' }>, values: Record<string, unknown>): string {
  // TODO(lab4): the value goes through its converter's toUrl, must match the segment's regex,
  // must be accepted by its toValue and must be encodable (encodeURIComponent); a throw in any
  // of them is a BuildError naming the variable.
  throw new Error('TODO(lab4): write is not written yet (lessons/04-routing.md#building-urls)');
}

/** Same keys, and the same value under each (===). */
function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function sameNames(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((name) => b.has(name));
}

/** urlFor's order among one endpoint's rules: more names first, then more defaults, then older. */
function byBuildOrder(a: Entry, b: Entry): number {
  // TODO(lab4): more names (variables and defaults) first; then more defaults; then older.
  throw new Error('TODO(lab4): byBuildOrder is not written yet (lessons/04-routing.md#several-rules-for-one-endpoint)');
}

/** Sorts rules by the weights of their segments, left to right; then longer first; then older. */
function bySpecificity(a: Entry, b: Entry): number {
  // TODO(lab4): compare the weights segment by segment; the first difference decides. Equal
  // as far as the shorter one goes: the longer rule first. Still equal: registration order.
  // (Extension: two mixed segments of equal weight are then compared by rank, compareRanks.)
  throw new Error('TODO(lab4): bySpecificity is not written yet (lessons/04-routing.md#which-rule-wins)');
}

/** Two mixed segments' ranks, compared left to right: the lower first. */
function compareRanks(a: number[], b: number[]): number {
  // TODO(lab4, extension): the first place where they differ decides, the lower first.
  throw new Error('TODO(lab4): compareRanks is not written yet (lessons/04-routing.md#variables-inside-a-segment)');
}

/**
 * Does the request's path fit the rule? Segment by segment, never one regular expression over the
 * whole path, so a long path costs time in proportion to its length. A `path` variable takes
 * however many segments are left over by the segments after it.
 */
function fitRule(
  entry: Entry,
  request: { segments: string[]; trailingSlash: boolean },
): { params: Record<string, unknown>; needsSlash: boolean } | null {
  // TODO(lab4): without a path variable, the segment counts must be equal. With one, join the
  // segments it spans back with '/' (at least one; a final slash of the request belongs to it
  // when it ends the rule). Then compare segment by segment: static text exactly, variables by
  // their regex and their converter's toValue (a throw means no fit); extension: a mixed
  // segment's variables by readMixed, then each one's toValue. Last, the trailing slash:
  // same as the rule's, or strictSlashes off, fits; a missing one the rule has needs a redirect;
  // an extra one the rule lacks does not fit.
  throw new Error('TODO(lab4): fitRule is not written yet (lessons/04-routing.md#matching-segment-by-segment)');
}

/** ` (did you mean "user"?)` when a known endpoint is a few edits away. */
function suggest(name: string, known: string[]): string {
  // TODO(lab4): the known name with the smallest editDistance, if it is at most
  // max(2, ⌊a third of the name's length⌋) edits away; of two as close, the first in `known`
  // (the order the rules were added in); '' if none is.
  throw new Error('TODO(lab4): suggest is not written yet (lessons/04-routing.md#building-urls)');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
