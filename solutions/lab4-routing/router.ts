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
  return text.split('/').map(encodeURIComponent).join('/');
}

/**
 * A URL path that stays on this host. `//evil.example/` would be read as a URL of another host
 * (protocol-relative), so the second slash is written `%2F`, which the gateway decodes back to
 * the same path.
 */
function rooted(url: string): string {
  return url.startsWith('//') ? `/%2F${url.slice(2)}` : url;
}

/** Anything but a capital A to Z: a method that has one may change when uppercased (M2). */
const NOT_CAPITALS = /[^A-Z]/;

/** A request path cut into segments: `/a/b/` is [a, b] with a trailing slash. */
function splitPath(path: string): { segments: string[]; trailingSlash: boolean } {
  // '' (an app mounted at /app, asked for /app) comes out as '/' does: no segments, no slash.
  const trailingSlash = path.length > 1 && path.endsWith('/');
  const end = trailingSlash ? path.length - 1 : path.length;
  const segments: string[] = [];
  // The segments lie between the first character and `end`. Cutting them out with indexOf is
  // about three times faster than path.slice(...).split('/'), which copies the path first.
  let start = 1;
  while (start < end) {
    const slash = path.indexOf('/', start);
    if (slash === -1 || slash >= end) break;
    segments.push(path.slice(start, slash));
    start = slash + 1;
  }
  if (end > 1) segments.push(path.slice(start, end)); // the last one, maybe empty ('/a/')
  return { segments, trailingSlash };
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
  /**
   * The rules as a tree of their leading fixed segments (see #tree); null after an add, built
   * again by the next match.
   */
  #root: RuleNode | null = null;

  constructor(options: { converters?: Record<string, ConverterFactory> } = {}) {
    this.#converters = { ...builtInConverters, ...options.converters };
  }

  add(rule: string, options: RuleOptions): void {
    const parsed = parseRule(rule, this.#converters);
    if (options.methods?.length === 0) throw new RuleError(`the rule ${rule} answers no method: leave methods out for GET`);
    const methods = new Set((options.methods ?? ['GET']).map((m) => m.toUpperCase()));
    if (methods.has('GET')) methods.add('HEAD'); // a HEAD is a GET without the body
    const defaults = { ...options.defaults };
    const variables = variableNames(parsed.segments);
    // A default for a variable would silently replace what the path says.
    const clash = variables.find((name) => Object.hasOwn(defaults, name));
    if (clash !== undefined) throw new RuleError(`the default "${clash}" of ${rule} names one of its variables`);
    const siblings = this.#endpoints.get(options.endpoint) ?? [];
    const existing = siblings.find((entry) => entry.rule.text === rule);
    if (existing) {
      // One entry, one strictSlashes and one set of defaults: it cannot both redirect and not.
      if ((options.strictSlashes ?? true) !== existing.strictSlashes || !sameValues(defaults, existing.defaults)) {
        throw new RuleError(`the rule ${rule} of "${options.endpoint}" was added with other strictSlashes or defaults`);
      }
      for (const method of methods) existing.methods.add(method);
      return;
    }
    const entry: Entry = {
      rule: parsed,
      endpoint: options.endpoint,
      methods,
      strictSlashes: options.strictSlashes ?? true,
      defaults,
      names: new Set([...variables, ...Object.keys(defaults)]),
      order: this.#entries.length,
    };
    this.#entries.push(entry);
    this.#entries.sort(bySpecificity);
    this.#root = null;
    this.#endpoints.set(options.endpoint, [...siblings, entry].sort(byBuildOrder));
  }

  /** Rules under `prefix` (like `/api`), their endpoints named `name.endpoint` if a name is given. */
  group(prefix: string, name?: string): RouteGroup {
    if (!prefix.startsWith('/') || prefix.endsWith('/')) {
      throw new RuleError(`a prefix starts with "/" and does not end with it, got "${prefix}"`, 0);
    }
    return {
      add: (rule, options) => {
        if (!rule.startsWith('/')) throw new RuleError(`a rule must start with "/", got "${rule}"`, 0); // not /apiusers
        this.add(prefix + rule, { ...options, endpoint: name ? `${name}.${options.endpoint}` : options.endpoint });
      },
    };
  }

  match(path: string, method: string, query = ''): MatchResult {
    const request = splitPath(path);
    // Once per request, not once per rule that fits. A method nearly always comes in capitals, and
    // testing that costs less than toUpperCase, which leaves JavaScript for the engine's C++.
    const verb = NOT_CAPITALS.test(method) ? method.toUpperCase() : method;
    const allowed = new Set<string>();
    let redirect: string | null = null;
    // Down the tree along the path's segments, as far as its fixed texts go: the node reached
    // lists every rule the path may fit.
    let node = this.#tree();
    for (const text of request.segments) {
      const child = node.children.get(text);
      if (child === undefined) break;
      node = child;
    }
    for (const entry of node.entries) {
      const fit = fitRule(entry, request);
      if (!fit) continue;
      if (!entry.methods.has(verb)) {
        for (const m of entry.methods) allowed.add(m);
      } else if (fit.needsSlash) {
        // A URL, ready to send: the path encoded, the query string as it came (never decoded).
        redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;
      } else {
        // fit.params is this match's own new object: the defaults go into it, without a copy.
        const params = Object.assign(fit.params, entry.defaults);
        const canonical = this.#canonical(entry, params, verb);
        if (canonical !== null) return { kind: 'redirect', status: 308, location: canonical + (query ? `?${query}` : '') };
        return { kind: 'match', endpoint: entry.endpoint, params, rule: entry.rule.text };
      }
    }
    if (redirect !== null) return { kind: 'redirect', status: 308, location: redirect };
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  }

  /**
   * The rules as a tree of their leading fixed segments, like the folders of a file system:
   * `/api/v1/users/<int:id>` hangs under the nodes api, v1, users. A rule can only fit a path
   * that starts with its leading fixed segments, so the rules a path may fit are those hanging at
   * the node its segments lead to, or above it on the way there: each node lists exactly those,
   * in #entries' order. Trying every rule costs time for each rule of the table; the walk down
   * costs one Map lookup per segment, and only the few rules that may fit are tried.
   */
  #tree(): RuleNode {
    if (this.#root === null) {
      const root: RuleNode = { entries: [], children: new Map() };
      // First every node, then each rule in the list of its node and of every node below it
      // (all made by then). #entries is sorted, so every list is too.
      for (const entry of this.#entries) nodeOf(root, entry);
      for (const entry of this.#entries) addBelow(nodeOf(root, entry), entry);
      this.#root = root;
    }
    return this.#root;
  }

  /**
   * The URL a match should redirect to, or null: a rule of the same endpoint that urlFor tries
   * first, with defaults equal to these values, names the same values and answers the method.
   * `/page/1` goes to `/page/` when `/page/` has the default `{ n: 1 }`: one URL per page.
   */
  #canonical(entry: Entry, params: Record<string, unknown>, method: string): string | null {
    for (const other of this.#endpoints.get(entry.endpoint)!) {
      if (other === entry) break; // only the rules urlFor prefers
      if (Object.keys(other.defaults).length === 0 || !sameNames(other.names, entry.names)) continue;
      if (!other.methods.has(method) || !suits(other, params)) continue;
      try {
        return build(other, params);
      } catch {
        // a value that rule cannot write: it is not this URL's canonical form
      }
    }
    return null;
  }

  /**
   * Builds the URL of an endpoint: variables from `values`, other values as a query string. With
   * a `method`, only a rule that answers it will do (the URL a form posts to, say).
   */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: { method?: string } = {}): string {
    const entries = this.#endpoints.get(endpoint);
    if (!entries) throw new BuildError(`no endpoint "${endpoint}"${suggest(endpoint, [...this.#endpoints.keys()])}`);
    // The first rule that suits the values builds the URL, or throws its BuildError. A link is
    // followed with GET: a rule that answers it goes first.
    const method = options.method?.toUpperCase();
    const entry = method !== undefined
      ? entries.find((e) => e.methods.has(method) && suits(e, values))
      : (entries.find((e) => e.methods.has('GET') && suits(e, values)) ?? entries.find((e) => suits(e, values)));
    if (entry) {
      const url = build(entry, values);
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(values)) {
        if (entry.names.has(key)) continue; // a variable, or a default the rule stands for
        // undefined and null are left out, as values and as items of an array
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item !== undefined && item !== null) query.append(key, String(item));
        }
      }
      return query.size > 0 ? `${url}?${query}` : url;
    }
    const needs = entries.map((e) => `${e.rule.text} needs ${[...e.names].join(', ')}${Object.keys(e.defaults).length > 0 ? ` (defaults ${JSON.stringify(e.defaults)})` : ''}`);
    const forMethod = method === undefined ? '' : ` and the method ${method}`;
    throw new BuildError(`urlFor("${endpoint}") has no rule for these values${forMethod}: ${needs.join('; ')}`);
  }
}

/** A node of the rule tree: its children by fixed text, and the rules a path that reaches it may fit. */
interface RuleNode {
  children: Map<string, RuleNode>;
  entries: Entry[];
}

/**
 * The node of a rule's leading fixed segments (`/blog/<int:year>`: root, then blog), made on the
 * way if it is not there yet. A rule that starts with a variable, or has no segment (`/`), is at the root: any
 * path may fit it.
 */
function nodeOf(root: RuleNode, entry: Entry): RuleNode {
  let node = root;
  for (const segment of entry.rule.segments) {
    if (segment.kind !== 'static') break;
    let child = node.children.get(segment.text);
    if (child === undefined) {
      child = { children: new Map(), entries: [] };
      node.children.set(segment.text, child);
    }
    node = child;
  }
  return node;
}

/** Lists the rule at this node and at every node below it. */
function addBelow(node: RuleNode, entry: Entry): void {
  node.entries.push(entry);
  for (const child of node.children.values()) addBelow(child, entry);
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
  for (const name of variablesOf(entry)) {
    if (given(values, name) === undefined || given(values, name) === null) return false;
  }
  for (const [name, value] of Object.entries(entry.defaults)) {
    const v = given(values, name);
    if (v !== undefined && v !== null && v !== value) return false;
  }
  return true;
}

/** The rule's URL with these values, without the query string; a BuildError if a value cannot be written. */
function build(entry: Entry, values: Record<string, unknown>): string {
  const parts = entry.rule.segments.map((segment) => {
    if (segment.kind === 'static') return encodeURIComponent(segment.text);
    if (segment.kind === 'variable') return encodePath(write(segment, values));
    // Text as it is, each variable by its converter; then the segment must read back as these
    // texts: { a: 'x', b: 'y-z' } for <a>-<b> writes x-y-z, which reads as a = 'x-y'.
    const texts = segment.variables.map((variable) => write(variable, values));
    const text = segment.parts.map((p) => (typeof p === 'string' ? p : texts[segment.variables.indexOf(p)])).join('');
    const back = readMixed(segment, text);
    if (back === null || back.some((t, i) => t !== texts[i])) {
      throw new BuildError(`the values of ${segment.variables.map((v) => `<${v.name}>`).join(', ')} write ${text}, which reads back otherwise`);
    }
    try {
      return encodePath(text);
    } catch {
      throw new BuildError(`the values of ${segment.variables.map((v) => `<${v.name}>`).join(', ')} cannot be written in a URL`);
    }
  });
  return rooted(`/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`);
}

/** A variable's value as the text of a URL that matches it again, or a BuildError. */
function write(segment: Extract<Segment, { kind: 'variable' }>, values: Record<string, unknown>): string {
  try {
    // The text must read back as match would read it: its pattern, then toValue (min, max).
    const text = segment.converter.toUrl(given(values, segment.name));
    if (segment.regex.test(text)) {
      segment.converter.toValue(text);
      encodeURIComponent(text); // a lone surrogate throws here, not later
      return text;
    }
  } catch {
    // toUrl, toValue or the encoding refused it: the same BuildError as a text that doesn't fit
  }
  throw new BuildError(`the value of <${segment.converterName}:${segment.name}> cannot be written in a URL that matches`);
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
  return (
    b.names.size - a.names.size ||
    Object.keys(b.defaults).length - Object.keys(a.defaults).length ||
    a.order - b.order
  );
}

/** Sorts rules by the weights of their segments, left to right; then longer first; then older. */
function bySpecificity(a: Entry, b: Entry): number {
  const wa = a.rule.segments.map((s) => s.weight);
  const wb = b.rule.segments.map((s) => s.weight);
  for (let i = 0; i < Math.min(wa.length, wb.length); i++) {
    if (wa[i] !== wb[i]) return wa[i]! - wb[i]!;
    const [sa, sb] = [a.rule.segments[i]!, b.rule.segments[i]!];
    if (sa.kind === 'mixed' && sb.kind === 'mixed') {
      const byRank = compareRanks(sa.rank, sb.rank);
      if (byRank !== 0) return byRank;
    }
  }
  return wb.length - wa.length || a.order - b.order;
}

/** Two mixed segments' ranks, compared left to right: the lower first. */
function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
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
  const { rule } = entry;
  let texts = request.segments;
  let trailingSlash = request.trailingSlash;
  if (rule.pathIndex === -1) {
    if (texts.length !== rule.segments.length) return null;
  } else {
    const after = rule.segments.length - rule.pathIndex - 1;
    const take = texts.length - rule.pathIndex - after;
    if (take < 1) return null;
    const rest = texts.slice(rule.pathIndex, rule.pathIndex + take).join('/');
    texts = [...texts.slice(0, rule.pathIndex), rest, ...texts.slice(rule.pathIndex + take)];
    if (after === 0 && trailingSlash && !rule.trailingSlash) {
      texts[rule.pathIndex] += '/'; // a path at the end keeps the request's final slash
      trailingSlash = false;
    }
  }
  // Plain counting loops: `for (const [i, x] of list.entries())` makes an iterator and an [i, x]
  // pair for each step, which these loops, run for every rule a request tries, cannot afford.
  // Fixed text first: comparing two strings costs much less than a regular expression and a
  // converter, and the rules a path reaches often differ only in fixed text further on
  // (`/users/<int:id>/posts` and `/users/<int:id>/avatar` would both read the id).
  for (let i = 0; i < rule.segments.length; i++) {
    const segment = rule.segments[i]!;
    if (segment.kind === 'static' && texts[i] !== segment.text) return null;
  }
  const params: Record<string, unknown> = {};
  for (let i = 0; i < rule.segments.length; i++) {
    const segment = rule.segments[i]!;
    const text = texts[i]!;
    if (segment.kind === 'static') continue;
    // A mixed segment's regular expression says which text each of its variables takes.
    const variables = segment.kind === 'mixed' ? segment.variables : [segment];
    const pieces = segment.kind === 'mixed' ? readMixed(segment, text) : segment.regex.test(text) ? [text] : null;
    if (pieces === null) return null;
    try {
      for (let j = 0; j < variables.length; j++) params[variables[j]!.name] = variables[j]!.converter.toValue(pieces[j]!);
    } catch {
      return null; // the converter refused the text (an int out of range, say)
    }
  }
  if (rule.trailingSlash === trailingSlash) return { params, needsSlash: false };
  if (!entry.strictSlashes) return { params, needsSlash: false };
  // The rule ends in '/', the path doesn't: send the client to the canonical URL. The other way
  // round is a different resource: no match.
  return rule.trailingSlash ? { params, needsSlash: true } : null;
}

/** ` (did you mean "user"?)` when a known endpoint is a few edits away; of two as close, the first known. */
function suggest(name: string, known: string[]): string {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === null ? '' : ` (did you mean "${best}"?)`;
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
