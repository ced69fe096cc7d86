// What lab 4's hidden tests share: building a router from a list of rules and asking it things,
// every call into the lab bounded so an endless loop fails one test instead of the grade, and
// catching the error a call throws. Nothing here routes: expectations are written out in the tests.
import type { ConverterFactory, MatchResult, RuleOptions } from '#contracts/routing';
import { Router } from '@lab/routing';
import { bounded } from '../../harness/index.ts';

/** A rule and its endpoint (GET only), or a rule and its full options. */
export type RuleSpec = [rule: string, options: string | RuleOptions];

/** A router with these rules added in this order. */
export function routerWith(rules: RuleSpec[], converters?: Record<string, ConverterFactory>): Router {
  const router = bounded('new Router()', () => new Router(converters ? { converters } : {}));
  for (const [rule, options] of rules) {
    const opts = typeof options === 'string' ? { endpoint: options } : options;
    bounded(`router.add(${JSON.stringify(rule)})`, () => router.add(rule, opts));
  }
  return router;
}

/** router.match, bounded, with the call named in a failure. */
export function matchOn(router: Router, path: string, method = 'GET', query?: string, ms?: number): MatchResult {
  const what = `router.match(${JSON.stringify(path.length > 60 ? path.slice(0, 60) + '...' : path)}, '${method}')`;
  return bounded(what, () => (query === undefined ? router.match(path, method) : router.match(path, method, query)), ms);
}

/** The endpoint a path leads to, or the kind of the result when it is not a match. */
export function endpointOf(router: Router, path: string, method = 'GET'): string {
  const result = matchOn(router, path, method);
  return result.kind === 'match' ? result.endpoint : `(${result.kind})`;
}

/** The params of a match, or null when the path does not match. */
export function paramsOf(router: Router, path: string, method = 'GET'): Record<string, unknown> | null {
  const result = matchOn(router, path, method);
  return result.kind === 'match' ? result.params : null;
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
