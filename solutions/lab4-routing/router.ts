import {
  BuildError,
  RuleError,
  type ConverterFactory,
  type MatchResult,
  type RuleOptions,
} from '#contracts/routing';
import { builtInConverters } from './converters.ts';
import { parseRule, type ParsedRule } from './rule.ts';

/** A registered rule with what it answers. */
interface Entry {
  rule: ParsedRule;
  endpoint: string;
  methods: Set<string>;
  strictSlashes: boolean;
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

/** A request path cut into segments: `/a/b/` is [a, b] with a trailing slash. */
function splitPath(path: string): { segments: string[]; trailingSlash: boolean } {
  // '' (an app mounted at /app, asked for /app) comes out as '/' does: no segments, no slash.
  const trailingSlash = path.length > 1 && path.endsWith('/');
  const body = path.slice(1, trailingSlash ? -1 : undefined);
  return { segments: body === '' ? [] : body.split('/'), trailingSlash };
}

/**
 * URL rules and the endpoints they lead to, Werkzeug's Map in miniature. Rules are kept sorted
 * from most to least specific, so matching tries them in an order that doesn't depend on the
 * order they were added in (see lessons/04-routing.md#which-rule-wins).
 */
export class Router {
  readonly #converters: Record<string, ConverterFactory>;
  readonly #entries: Entry[] = [];
  /** The same entries by endpoint, in the order they were added. */
  readonly #endpoints = new Map<string, Entry>();

  constructor(options: { converters?: Record<string, ConverterFactory> } = {}) {
    this.#converters = { ...builtInConverters, ...options.converters };
  }

  add(rule: string, options: RuleOptions): void {
    const parsed = parseRule(rule, this.#converters);
    if (options.methods?.length === 0) throw new RuleError(`the rule ${rule} answers no method: leave methods out for GET`);
    const methods = new Set((options.methods ?? ['GET']).map((m) => m.toUpperCase()));
    if (methods.has('GET')) methods.add('HEAD'); // a HEAD is a GET without the body
    const existing = this.#endpoints.get(options.endpoint);
    if (existing) {
      if (existing.rule.text !== rule) {
        throw new RuleError(`endpoint "${options.endpoint}" is already used by the rule ${existing.rule.text}`);
      }
      // One entry, one strictSlashes: it cannot both redirect and not.
      if ((options.strictSlashes ?? true) !== existing.strictSlashes) {
        throw new RuleError(`the rule ${rule} of "${options.endpoint}" was added with strictSlashes ${existing.strictSlashes}`);
      }
      for (const method of methods) existing.methods.add(method);
      return;
    }
    const entry: Entry = {
      rule: parsed,
      endpoint: options.endpoint,
      methods,
      strictSlashes: options.strictSlashes ?? true,
      order: this.#entries.length,
    };
    this.#entries.push(entry);
    this.#entries.sort(bySpecificity);
    this.#endpoints.set(options.endpoint, entry);
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
    const allowed = new Set<string>();
    let redirect: string | null = null;
    for (const entry of this.#entries) {
      const fit = fitRule(entry, request);
      if (!fit) continue;
      if (!entry.methods.has(method.toUpperCase())) {
        for (const m of entry.methods) allowed.add(m);
      } else if (fit.needsSlash) {
        // A URL, ready to send: the path encoded, the query string as it came (never decoded).
        redirect ??= `${rooted(`${encodePath(path)}/`)}${query ? `?${query}` : ''}`;
      } else {
        return { kind: 'match', endpoint: entry.endpoint, params: fit.params, rule: entry.rule.text };
      }
    }
    if (redirect !== null) return { kind: 'redirect', status: 308, location: redirect };
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  }

  /** Builds the URL of an endpoint: variables from `values`, other values as a query string. */
  urlFor(endpoint: string, values: Record<string, unknown> = {}): string {
    const entry = this.#endpoints.get(endpoint);
    if (!entry) throw new BuildError(`no endpoint "${endpoint}"${suggest(endpoint, [...this.#endpoints.keys()])}`);
    // Own keys only: a variable named `constructor` must not find Object's.
    const given = (name: string) => (Object.hasOwn(values, name) ? values[name] : undefined);
    const variables = entry.rule.segments.flatMap((s) => (s.kind === 'variable' ? [s.name] : []));
    const missing = variables.filter((name) => given(name) === undefined || given(name) === null);
    if (missing.length > 0) {
      throw new BuildError(`urlFor("${endpoint}") needs ${missing.join(', ')} for the rule ${entry.rule.text}`);
    }
    const parts = entry.rule.segments.map((segment) => {
      if (segment.kind === 'static') return encodeURIComponent(segment.text);
      try {
        // The text must read back as match would read it: its pattern, then toValue (min, max).
        const text = segment.converter.toUrl(given(segment.name));
        if (segment.regex.test(text)) {
          segment.converter.toValue(text);
          return encodePath(text); // a path value keeps its slashes; a lone surrogate throws
        }
      } catch {
        // toUrl, toValue or the encoding refused it: the same BuildError as a text that doesn't fit
      }
      throw new BuildError(`the value of <${segment.converterName}:${segment.name}> cannot be written in a URL that matches`);
    });
    const url = rooted(`/${parts.join('/')}${entry.rule.trailingSlash ? '/' : ''}`);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) {
      if (variables.includes(key)) continue;
      // undefined and null are left out, as values and as items of an array
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null) query.append(key, String(item));
      }
    }
    return query.size > 0 ? `${url}?${query}` : url;
  }
}

/** Sorts rules by the weights of their segments, left to right; then longer first; then older. */
function bySpecificity(a: Entry, b: Entry): number {
  const wa = a.rule.segments.map((s) => s.weight);
  const wb = b.rule.segments.map((s) => s.weight);
  for (let i = 0; i < Math.min(wa.length, wb.length); i++) {
    if (wa[i] !== wb[i]) return wa[i]! - wb[i]!;
  }
  return wb.length - wa.length || a.order - b.order;
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
  const params: Record<string, unknown> = {};
  for (const [i, segment] of rule.segments.entries()) {
    const text = texts[i]!;
    if (segment.kind === 'static') {
      if (text !== segment.text) return null;
      continue;
    }
    if (!segment.regex.test(text)) return null;
    try {
      params[segment.name] = segment.converter.toValue(text);
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
