// Lab 4's public surface, at the open level: every export the grader and later labs use, with its
// final signature. Each one throws until you write it; the comment above it says what it is for and
// which part of lessons/04-routing.md specifies it. How you build them, and in which files, is
// yours to design: keep these names and signatures, and this file as the one the grader imports.
import type { ConverterFactory, MatchResult, RuleOptions } from '#contracts/routing';
import type { Environ, StartResponse, TsgiApp, TsgiBody } from '#contracts/tsgi';

/** What `Router.group` returns: an `add` that puts the group's prefix and name in front.
 * Specified in "Groups". */
export interface RouteGroup {
  add(rule: string, options: RuleOptions): void;
}

/** URL rules and the endpoints they lead to, Werkzeug's Map in miniature: matching a path and a
 * method, and building URLs back. Specified from "Rules and variables" to "Rule errors". */
export class Router {
  /** An empty router; `converters` adds custom converters to the built-in ones, by name.
   * Specified in "Rules and variables" and "Custom converters". */
  constructor(options: { converters?: Record<string, ConverterFactory> } = {}) {
    throw new Error('TODO(lab4): Router is not written yet (lessons/04-routing.md#rules-and-variables)');
  }

  /** Registers a rule for an endpoint, or throws a RuleError and leaves the router as it was.
   * Specified in "Rules and variables", "Methods, 404 and 405" and "Rule errors". */
  add(rule: string, options: RuleOptions): void {
    throw new Error('TODO(lab4): Router.add is not written yet (lessons/04-routing.md#rules-and-variables)');
  }

  /** Rules under `prefix` (like `/api`), their endpoints named `name.endpoint` if a name is given.
   * Specified in "Groups". */
  group(prefix: string, name?: string): RouteGroup {
    throw new Error('TODO(lab4): Router.group is not written yet (lessons/04-routing.md#groups)');
  }

  /** Which rule a request's path and method lead to: a match, a redirect, a 405 or a 404.
   * Specified in "Matching segment by segment" through "Trailing slashes". */
  match(path: string, method: string, query = ''): MatchResult {
    throw new Error('TODO(lab4): Router.match is not written yet (lessons/04-routing.md#matching-segment-by-segment)');
  }

  /** The URL of an endpoint with these values, or a BuildError. Specified in "Building URLs",
   * "Several rules for one endpoint" and (options.method) the extension "Building for a method". */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: { method?: string } = {}): string {
    throw new Error('TODO(lab4): Router.urlFor is not written yet (lessons/04-routing.md#building-urls)');
  }
}

/** Each built-in converter's factory stops here until you write it. */
const todo = (name: string): ConverterFactory => () => {
  throw new Error(`TODO(lab4): the ${name} converter is not written yet (lessons/04-routing.md#converters)`);
};

/** The built-in converters by the name a rule gives them (`<int:id>`): string, int, float, uuid,
 * any and path. Specified in "Converters". */
export const builtInConverters: Readonly<Record<string, ConverterFactory>> = {
  string: todo('string'),
  int: todo('int'),
  float: todo('float'),
  uuid: todo('uuid'),
  any: todo('any'),
  path: todo('path'),
};

/** A view: a TSGI application that also receives the values the rule's variables matched.
 * Specified in "The dispatcher". */
export type View = (
  environ: Environ,
  startResponse: StartResponse,
  params: Record<string, unknown>,
) => TsgiBody | Promise<TsgiBody>;

/** A TSGI application that routes each request to the view of its endpoint, or answers 404, 405
 * or 308 itself. Specified in "The dispatcher" (rules D1–D7). */
export function dispatcher(router: Router, views: Record<string, View>): TsgiApp {
  throw new Error('TODO(lab4): dispatcher is not written yet (lessons/04-routing.md#the-dispatcher)');
}
