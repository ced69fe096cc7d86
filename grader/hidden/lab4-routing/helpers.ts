// What lab 4's hidden tests share: building a router from a table of rules, asking it things, and
// expectations whose failure shows the rule table and the request that failed. Every call into the
// lab is bounded, so an endless loop fails one test instead of the grade. Nothing here routes:
// expected answers are written out in the tests.
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { BuildError, RuleError, type ConverterFactory, type MatchResult, type RuleOptions } from '#contracts/routing';
import { Router } from '@lab/routing';
import { bounded } from '../../harness/index.ts';

/** A rule and its endpoint (GET only), or a rule and its full options. */
export type RuleSpec = [rule: string, options: string | RuleOptions];

/** The rules each router was given, in the order they were added, as a failure shows them. */
const tables = new WeakMap<Router, string[]>();

/** `/upload/ -> upload [POST]`, `/docs/ -> docs (strictSlashes: false)`, `/page/ -> page (defaults: { n: 1 })`. */
function ruleLine(rule: string, options: string | RuleOptions): string {
  const opts = typeof options === 'string' ? { endpoint: options } : options;
  const methods = opts.methods ? ` [${opts.methods.join(', ')}]` : '';
  const slashes = opts.strictSlashes === false ? ' (strictSlashes: false)' : '';
  const defaults = opts.defaults ? ` (defaults: ${showValue(opts.defaults)})` : '';
  return `${rule} -> ${opts.endpoint}${methods}${slashes}${defaults}`;
}

/** A router with these rules added in this order (and these custom converters). */
export function routerWith(rules: RuleSpec[], converters?: Record<string, ConverterFactory>): Router {
  const router = bounded('new Router()', () => new Router(converters ? { converters } : {}));
  const table: string[] = converters ? [`converters: ${Object.keys(converters).join(', ')}`] : [];
  tables.set(router, table);
  for (const [rule, options] of rules) addRule(router, rule, options);
  return router;
}

/** router.add, bounded, and written into the router's table. */
export function addRule(router: Router, rule: string, options: string | RuleOptions): void {
  const opts = typeof options === 'string' ? { endpoint: options } : options;
  bounded(`router.add(${JSON.stringify(rule)}, ${inspect(opts)})`, () => router.add(rule, opts));
  tables.get(router)?.push(ruleLine(rule, options));
}

/** router.group, bounded; its add is bounded and written into the router's table too. */
export function groupOn(router: Router, prefix: string, name?: string): { add(rule: string, options: string | RuleOptions): void } {
  const call = `router.group(${JSON.stringify(prefix)}${name === undefined ? '' : `, ${JSON.stringify(name)}`})`;
  const group = bounded(call, () => router.group(prefix, name));
  return {
    add(rule, options) {
      const opts = typeof options === 'string' ? { endpoint: options } : options;
      bounded(`${call}.add(${JSON.stringify(rule)}, ${inspect(opts)})`, () => group.add(rule, opts));
      tables.get(router)?.push(`${call}: ${ruleLine(rule, options)}`);
    },
  };
}

/** The rule table of a router, as a failure shows it. */
export function rulesOf(router: Router): string {
  const table = tables.get(router) ?? [];
  return table.length === 0 ? 'no rules' : `the rules [ ${table.join(' | ')} ]`;
}

/** A value in full, on one line (undefined and null visible, unlike JSON). */
export function showValue(value: unknown): string {
  return inspect(value, { breakLength: Infinity, depth: 5 });
}

/** A path as a failure shows it: quoted, controls escaped, very long ones cut in the middle. */
function showPath(path: string): string {
  const shown = path.length > 80 ? `${path.slice(0, 40)}…(${path.length} characters)…${path.slice(-20)}` : path;
  return JSON.stringify(shown);
}

/** The call `router.match(path, method, query)`, as a failure shows it. */
export function matchCall(path: string, method = 'GET', query?: string): string {
  return `router.match(${showPath(path)}, ${JSON.stringify(method)}${query === undefined ? '' : `, ${JSON.stringify(query)}`})`;
}

/** router.match, bounded, with the call named in a failure. */
export function matchOn(router: Router, path: string, method = 'GET', query?: string, ms?: number): MatchResult {
  const call = `${matchCall(path, method, query)} with ${rulesOf(router)}`;
  return bounded(call, () => (query === undefined ? router.match(path, method) : router.match(path, method, query)), ms);
}

/** What a match says, without the parts a test did not ask about. */
function project(result: MatchResult, withParams: boolean): unknown {
  if (result.kind !== 'match') return result;
  return withParams ? { kind: 'match', endpoint: result.endpoint, params: result.params } : { kind: 'match', endpoint: result.endpoint };
}

export interface Ask {
  method?: string;
  query?: string;
  /** A bound on the call, in ms, for the long paths. */
  ms?: number;
}

/** Expects `path` to match `endpoint` (with exactly these params, if given). */
export function expectMatch(router: Router, path: string, endpoint: string, params?: Record<string, unknown>, ask: Ask = {}): void {
  const method = ask.method ?? 'GET';
  const result = matchOn(router, path, method, ask.query, ask.ms);
  const expected = params ? { kind: 'match', endpoint, params } : { kind: 'match', endpoint };
  expect(
    project(result, params !== undefined),
    `${matchCall(path, method, ask.query)} with ${rulesOf(router)} should match the endpoint ${JSON.stringify(endpoint)}${params ? ` with the params ${showValue(params)}` : ''}`,
  ).toEqual(expected);
}

/** Expects `path` to match no rule: not-found. */
export function expectNotFound(router: Router, path: string, ask: Ask = {}): void {
  const method = ask.method ?? 'GET';
  const result = matchOn(router, path, method, ask.query, ask.ms);
  expect(project(result, true), `${matchCall(path, method, ask.query)} with ${rulesOf(router)} should be not-found`).toEqual({ kind: 'not-found' });
}

/** Expects a 308 redirect to exactly `location`. */
export function expectRedirect(router: Router, path: string, location: string, ask: Ask = {}): void {
  const method = ask.method ?? 'GET';
  const result = matchOn(router, path, method, ask.query, ask.ms);
  expect(project(result, true), `${matchCall(path, method, ask.query)} with ${rulesOf(router)} should redirect (308) to ${JSON.stringify(location)}`).toEqual({
    kind: 'redirect',
    status: 308,
    location,
  });
}

/** Expects method-not-allowed with exactly these methods, in this order. */
export function expectNotAllowed(router: Router, path: string, method: string, allowed: string[]): void {
  const result = matchOn(router, path, method);
  expect(project(result, true), `${matchCall(path, method)} with ${rulesOf(router)} should be method-not-allowed, allowing ${allowed.join(', ')}`).toEqual({
    kind: 'method-not-allowed',
    allowed,
  });
}

/** The error `fn` throws (bounded), or 'no error'. */
export function errorOf(what: string, fn: () => unknown): unknown {
  try {
    bounded(what, fn);
  } catch (error) {
    // A loop, or a stub not written yet, is reported as itself, not as a wrong kind of error.
    if ((error as { name?: unknown }).name === 'TimeoutError' || /^TODO\(/.test(messageOf(error))) throw error;
    return error;
  }
  return 'no error';
}

/** The rule error `router.add(rule)` throws on a fresh router, or 'no error'. */
export function ruleErrorOf(rule: string, converters?: Record<string, ConverterFactory>): unknown {
  const router = bounded('new Router()', () => new Router(converters ? { converters } : {}));
  return errorOf(`router.add(${JSON.stringify(rule)})`, () => router.add(rule, { endpoint: 'e' }));
}

/** A message, for expectations on errors; what was thrown if it was not an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error `router.add(rule)` throws on a fresh router: a RuleError at `position`, or anywhere from..to. */
export function expectRuleErrorAt(rule: string, position: number | [from: number, to: number], converters?: Record<string, ConverterFactory>): void {
  const error = ruleErrorOf(rule, converters);
  const call = `router.add(${JSON.stringify(rule)})`;
  expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
  const at = (error as RuleError).position;
  if (typeof position === 'number') {
    expect(at, `the position of the RuleError of ${call}`).toBe(position);
  } else {
    expect(at !== null && at >= position[0] && at <= position[1], `${call}: the position (${at}) should be within the segment, from ${position[0]} to ${position[1]}`).toBe(true);
  }
}

/** The call `router.urlFor(endpoint, values)`, with `{ method }` when given (X1), as a failure shows it, with the rule table. */
export function urlForCall(router: Router, endpoint: string, values?: Record<string, unknown>, method?: string): string {
  const shown = values === undefined && method === undefined ? '' : `, ${showValue(values)}`;
  const options = method === undefined ? '' : `, { method: ${JSON.stringify(method)} }`;
  return `router.urlFor(${JSON.stringify(endpoint)}${shown}${options}) with ${rulesOf(router)}`;
}

/** The URL of an endpoint, bounded; a method goes to urlFor as its third argument (X1). */
export function urlForOn(router: Router, endpoint: string, values?: Record<string, unknown>, method?: string): string {
  const build = () => (method === undefined ? router.urlFor(endpoint, values) : router.urlFor(endpoint, values, { method }));
  return bounded(urlForCall(router, endpoint, values, method), build);
}

/** Expects urlFor to build exactly `url`. */
export function expectUrl(router: Router, endpoint: string, values: Record<string, unknown> | undefined, url: string, ask: { method?: string } = {}): void {
  const call = urlForCall(router, endpoint, values, ask.method);
  expect(urlForOn(router, endpoint, values, ask.method), `${call} should be ${JSON.stringify(url)}`).toBe(url);
}

/** Expects urlFor to throw a BuildError whose message mentions each of `names` and none of `not`. */
export function expectBuildError(
  router: Router,
  endpoint: string,
  values: Record<string, unknown> | undefined,
  names: string[] = [],
  not: string[] = [],
  ask: { method?: string } = {},
): void {
  const call = urlForCall(router, endpoint, values, ask.method);
  const build = () => (ask.method === undefined ? router.urlFor(endpoint, values) : router.urlFor(endpoint, values, { method: ask.method }));
  const error = errorOf(call, build);
  expect(error, `${call} should throw a BuildError`).toBeInstanceOf(BuildError);
  for (const name of names) expect(messageOf(error), `the BuildError of ${call} should name ${JSON.stringify(name)}`).toContain(name);
  for (const name of not) expect(messageOf(error), `the BuildError of ${call} should not mention ${JSON.stringify(name)}`).not.toContain(name);
}

/** Expects `router.add(rule, options)` to throw a RuleError, and gives it. */
export function expectRuleError(router: Router, rule: string, options: RuleOptions): RuleError {
  const call = `router.add(${JSON.stringify(rule)}, ${showValue(options)}) with ${rulesOf(router)}`;
  const error = errorOf(call, () => router.add(rule, options));
  expect(error, `${call} should throw a RuleError`).toBeInstanceOf(RuleError);
  return error as RuleError;
}
