// Replays werkzeug-corpus.json (recorded by werkzeug-record.py) against a router: each case's rules
// added in order, then each query asked, every answer put in the corpus's shape. werkzeug.test.ts
// checks the learner's router with it; werkzeug-agreement.ts counts how often the reference agrees.
import { isDeepStrictEqual } from 'node:util';
import type { MatchResult, RuleOptions } from '#contracts/routing';

export type Answer = Record<string, unknown> & { kind: string };

export interface Query {
  op: 'match' | 'build';
  path?: string;
  /** The request's method, or a build's (the extension of urlFor). */
  method?: string;
  query?: string;
  endpoint?: string;
  values?: Record<string, unknown>;
  /** What Werkzeug answered. */
  werkzeug: Answer;
  /** What the lesson asks for: Werkzeug's answer, unless `differs` says why not; null when the rules are refused. */
  expected: Answer | null;
  differs?: string;
}

export interface Case {
  rules: Array<[string, RuleOptions]>;
  /** Set when the rule table itself is the question: `rule-error` or Werkzeug's `accepted`. */
  werkzeug?: Answer;
  expected?: Answer;
  differs?: string;
  queries: Query[];
}

export interface Group {
  name: string;
  milestone: string;
  cases: Case[];
}

export interface RouterLike {
  add(rule: string, options: RuleOptions): void;
  match(path: string, method: string, query?: string): MatchResult;
  urlFor(endpoint: string, values?: Record<string, unknown>, options?: { method?: string }): string;
}

/** One answer of the router next to the corpus's. */
export interface Outcome {
  what: string;
  actual: Answer;
  werkzeug: Answer;
  expected: Answer | null;
  differs?: string;
}

/** Calls `fn`, bounded by `guard` (the harness's bounded() in tests). */
export type Guard = <T>(what: string, fn: () => T) => T;

function describeQuery(q: Query): string {
  return q.op === 'match'
    ? `match(${JSON.stringify(q.path)}, ${JSON.stringify(q.method)}${q.query ? `, ${JSON.stringify(q.query)}` : ''})`
    : `urlFor(${JSON.stringify(q.endpoint)}, ${JSON.stringify(q.values)}${q.method ? `, { method: ${JSON.stringify(q.method)} }` : ''})`;
}

export function describeRules(c: Case): string {
  return c.rules.map(([rule, options]) => `${rule} ${JSON.stringify(options)}`).join(' | ');
}

function fromMatch(result: MatchResult): Answer {
  switch (result.kind) {
    case 'match':
      return { kind: 'match', endpoint: result.endpoint, params: result.params };
    case 'redirect':
      return { kind: 'redirect', location: result.location };
    case 'method-not-allowed':
      return { kind: 'method-not-allowed', allowed: result.allowed };
    default:
      return { kind: result.kind };
  }
}

function thrown(error: unknown): Answer {
  if ((error as { name?: string } | null)?.name === 'TimeoutError') throw error;
  const name = (error as { name?: string } | null)?.name ?? 'a non-error';
  if (name === 'BuildError') return { kind: 'build-error' };
  if (name === 'RuleError') return { kind: 'rule-error' };
  return { kind: 'threw', name, message: String((error as Error)?.message ?? error) };
}

/** Werkzeug's answer in the router's terms (a build error's detail left out). */
export function werkzeugAnswer(answer: Answer): Answer {
  if (answer.kind === 'build-error') return { kind: 'build-error' };
  if (answer.kind === 'rule-error') return { kind: 'rule-error' };
  return answer;
}

export function same(a: Answer | null, b: Answer | null): boolean {
  return isDeepStrictEqual(a, b);
}

/** Every answer the router gives for one case: the rule table's, then each query's. */
export function replay(c: Case, makeRouter: () => RouterLike, guard: Guard): Outcome[] {
  const router = guard('new Router()', makeRouter);
  let refused: Answer | null = null;
  for (const [rule, options] of c.rules) {
    try {
      guard(`router.add(${JSON.stringify(rule)}, ${JSON.stringify(options)})`, () => router.add(rule, options));
    } catch (error) {
      refused = thrown(error);
      break;
    }
  }
  const outcomes: Outcome[] = [];
  if (c.expected !== undefined) {
    outcomes.push({ what: 'adding the rules', actual: refused ?? { kind: 'accepted' }, werkzeug: werkzeugAnswer(c.werkzeug!), expected: c.expected, differs: c.differs });
  } else if (refused !== null) {
    outcomes.push({ what: 'adding the rules', actual: refused, werkzeug: { kind: 'accepted' }, expected: { kind: 'accepted' } });
  }
  if (refused !== null) return outcomes;
  for (const q of c.queries) {
    const what = describeQuery(q);
    let actual: Answer;
    try {
      actual = q.op === 'match'
        ? fromMatch(guard(what, () => router.match(q.path!, q.method!, q.query ?? '')))
        : { kind: 'url', url: guard(what, () => (q.method ? router.urlFor(q.endpoint!, q.values, { method: q.method }) : router.urlFor(q.endpoint!, q.values))) };
    } catch (error) {
      actual = thrown(error);
    }
    outcomes.push({ what, actual, werkzeug: werkzeugAnswer(q.werkzeug), expected: q.expected, differs: q.differs });
  }
  return outcomes;
}
