// The router benchmark: the reference router (lab 4) against find-my-way, Fastify's radix-tree
// router, on the same 52-rule table and the same request mix (hits, misses, wrong methods).
// Before timing, `check` proves the two agree on what every request in the mix matches.
import FindMyWay from 'find-my-way';
import { Router } from '#routing';
import type { Workload } from './workload.ts';

/** A REST-ish site: pages, a blog, a JSON API with nested resources, an admin area, two wildcards. */
const RULES: Array<[rule: string, methods: string]> = [
  ['/', 'GET'],
  ['/about', 'GET'],
  ['/contact', 'GET POST'],
  ['/login', 'GET POST'],
  ['/logout', 'POST'],
  ['/signup', 'GET POST'],
  ['/search', 'GET'],
  ['/health', 'GET'],
  ['/robots.txt', 'GET'],
  ['/favicon.ico', 'GET'],
  ['/static/<path:file>', 'GET'],
  ['/blog', 'GET'],
  ['/blog/feed.xml', 'GET'],
  ['/blog/<int:year>', 'GET'],
  ['/blog/<int:year>/<int:month>', 'GET'],
  ['/blog/<int:year>/<int:month>/<slug>', 'GET'],
  ['/api/v1/users', 'GET POST'],
  ['/api/v1/users/me', 'GET'],
  ['/api/v1/users/<int:id>', 'GET PUT PATCH DELETE'],
  ['/api/v1/users/<int:id>/posts', 'GET POST'],
  ['/api/v1/users/<int:id>/posts/<int:post_id>', 'GET PUT DELETE'],
  ['/api/v1/users/<int:id>/followers', 'GET'],
  ['/api/v1/users/<int:id>/following', 'GET'],
  ['/api/v1/users/<int:id>/avatar', 'GET PUT'],
  ['/api/v1/posts', 'GET POST'],
  ['/api/v1/posts/<int:id>', 'GET PUT DELETE'],
  ['/api/v1/posts/<int:id>/comments', 'GET POST'],
  ['/api/v1/posts/<int:id>/comments/<int:comment_id>', 'GET DELETE'],
  ['/api/v1/posts/<int:id>/likes', 'GET POST DELETE'],
  ['/api/v1/tags', 'GET'],
  ['/api/v1/tags/<tag>', 'GET'],
  ['/api/v1/tags/<tag>/posts', 'GET'],
  ['/api/v1/search', 'GET'],
  ['/api/v1/notifications', 'GET'],
  ['/api/v1/notifications/<int:id>', 'GET PATCH'],
  ['/api/v1/orgs', 'GET POST'],
  ['/api/v1/orgs/<org>', 'GET PATCH DELETE'],
  ['/api/v1/orgs/<org>/members', 'GET POST'],
  ['/api/v1/orgs/<org>/members/<user>', 'GET DELETE'],
  ['/api/v1/orgs/<org>/repos', 'GET POST'],
  ['/api/v1/orgs/<org>/repos/<repo>', 'GET PATCH DELETE'],
  ['/api/v1/orgs/<org>/repos/<repo>/issues', 'GET POST'],
  ['/api/v1/orgs/<org>/repos/<repo>/issues/<int:number>', 'GET PATCH'],
  ['/api/v1/orgs/<org>/repos/<repo>/pulls', 'GET POST'],
  ['/api/v1/orgs/<org>/repos/<repo>/pulls/<int:number>', 'GET PATCH'],
  ['/admin', 'GET'],
  ['/admin/users', 'GET'],
  ['/admin/users/<int:id>', 'GET POST'],
  ['/admin/settings', 'GET POST'],
  ['/admin/logs/<date>', 'GET'],
  ['/docs/<path:page>', 'GET'],
  ['/u/<username>', 'GET'],
  ['/u/<username>/settings', 'GET POST'],
];

/**
 * The same rule in find-my-way's syntax: `<name>` is `:name`, `<int:id>` a parameter with a
 * regular expression, `:id(^\d+$)`, and `<path:file>` the wildcard `*`.
 */
export function toFindMyWay(rule: string): string {
  return rule.replace(/<(?:(\w+):)?(\w+)>/g, (_, converter: string | undefined, name: string) => {
    if (converter === 'int') return `:${name}(^\\d+$)`;
    if (converter === 'path') return '*';
    return `:${name}`;
  });
}

/** 100 requests: 70 hits spread over the table, 18 misses (404), 12 wrong methods (405). */
const MIX: Array<[method: string, path: string]> = [
  ...[
    '/', '/about', '/search', '/health', '/favicon.ico', '/static/css/site.css', '/static/js/app.js',
    '/static/img/logo/large.png', '/blog', '/blog/feed.xml', '/blog/2024', '/blog/2024/05',
    '/blog/2024/05/hello-world', '/blog/2023/12/year-in-review', '/api/v1/users', '/api/v1/users/me',
    '/api/v1/users/42', '/api/v1/users/7', '/api/v1/users/42/posts', '/api/v1/users/42/posts/1001',
    '/api/v1/users/3/followers', '/api/v1/users/3/following', '/api/v1/users/42/avatar', '/api/v1/posts',
    '/api/v1/posts/1001', '/api/v1/posts/1001/comments', '/api/v1/posts/1001/comments/55',
    '/api/v1/posts/9/likes', '/api/v1/tags', '/api/v1/tags/typescript', '/api/v1/tags/node.js/posts',
    '/api/v1/search', '/api/v1/notifications', '/api/v1/notifications/12', '/api/v1/orgs',
    '/api/v1/orgs/acme', '/api/v1/orgs/acme/members', '/api/v1/orgs/acme/members/ada', '/api/v1/orgs/acme/repos',
    '/api/v1/orgs/acme/repos/rocket', '/api/v1/orgs/acme/repos/rocket/issues',
    '/api/v1/orgs/acme/repos/rocket/issues/17', '/api/v1/orgs/acme/repos/rocket/pulls',
    '/api/v1/orgs/acme/repos/rocket/pulls/18', '/admin', '/admin/users', '/admin/users/5', '/admin/settings',
    '/admin/logs/2024-05-01', '/docs/intro', '/docs/guide/routing/rules', '/u/ada', '/u/ada/settings',
  ].map((path): [string, string] => ['GET', path]),
  ['POST', '/contact'], ['POST', '/login'], ['POST', '/logout'], ['POST', '/signup'], ['POST', '/api/v1/users'],
  ['PUT', '/api/v1/users/42'], ['PATCH', '/api/v1/users/42'], ['DELETE', '/api/v1/users/7'],
  ['POST', '/api/v1/posts/1001/comments'], ['DELETE', '/api/v1/posts/9/likes'], ['PATCH', '/api/v1/orgs/acme'],
  ['POST', '/api/v1/orgs/acme/repos/rocket/issues'], ['PATCH', '/api/v1/orgs/acme/repos/rocket/pulls/18'],
  ['PUT', '/api/v1/users/42/avatar'], ['POST', '/admin/users/5'], ['POST', '/u/ada/settings'], ['GET', '/login'],
  // misses: no such page, a trailing slash the rule doesn't have, an id that isn't a number
  ...[
    '/nope', '/about/', '/blog/latest', '/blog/2024/may', '/api', '/api/v2/users', '/api/v1/users/ada',
    '/api/v1/users/42/unknown', '/api/v1/posts/1001/comments/55/replies', '/api/v1/orgs/acme/repos/rocket/wiki',
    '/admin/users/bob', '/wp-login.php', '/.env', '/u', '/docs', '/static', '/api/v1/notifications/all',
    '/favicon.png',
  ].map((path): [string, string] => ['GET', path]),
  // wrong methods: the path exists, the method doesn't (405 with an Allow header)
  ['POST', '/about'], ['DELETE', '/api/v1/tags'], ['PUT', '/api/v1/users/42/followers'], ['POST', '/'],
  ['DELETE', '/api/v1/orgs/acme/members'], ['PUT', '/blog/2024'], ['POST', '/static/css/site.css'],
  ['DELETE', '/admin/settings'], ['PATCH', '/api/v1/posts'], ['GET', '/logout'], ['PUT', '/docs/intro'],
  ['DELETE', '/u/ada'],
];

/** Every method used in the table, in the order an Allow header lists them. */
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

type Outcome = { kind: 'match'; rule: string; params: Record<string, string> } | { kind: 'not-found' } | { kind: 'method-not-allowed'; allowed: string[] };

export function routerWorkload(): Workload {
  const ours = new Router();
  const theirs = FindMyWay();
  for (const [rule, methodList] of RULES) {
    const methods = methodList.split(' ');
    ours.add(rule, { endpoint: rule, methods });
    // Lab 4 lets a GET rule answer HEAD; Fastify does the same by adding HEAD routes to find-my-way.
    if (methods.includes('GET')) methods.push('HEAD');
    theirs.on(methods as FindMyWay.HTTPMethod[], toFindMyWay(rule), () => {}, { rule });
  }

  // find-my-way answers "no route for this method and path"; a 405 needs a look at the other
  // methods, as a framework answering 405 with an Allow header would do.
  const theirsMatch = (method: string, path: string) => {
    const found = theirs.find(method as FindMyWay.HTTPMethod, path);
    if (found) return { found };
    return { allowed: METHODS.filter((m) => m !== method && theirs.find(m as FindMyWay.HTTPMethod, path) !== null) };
  };

  // What each router said, in one shape, for the check (not timed).
  const describeOurs = (method: string, path: string): Outcome => {
    const result = ours.match(path, method);
    if (result.kind === 'match') {
      return { kind: 'match', rule: result.endpoint, params: Object.fromEntries(Object.entries(result.params).map(([k, v]) => [k, String(v)])) };
    }
    if (result.kind === 'redirect') throw new Error(`unexpected redirect for ${path}`);
    return result;
  };
  const describeTheirs = (method: string, path: string): Outcome => {
    const { found, allowed } = theirsMatch(method, path);
    if (!found) return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
    const { '*': rest, ...params } = found.params as Record<string, string>;
    const rule = (found.store as { rule: string }).rule;
    const pathName = /<path:(\w+)>/.exec(rule)?.[1];
    if (pathName && rest !== undefined) params[pathName] = rest;
    // lab 4's int converter gives numbers: `05` is 5
    for (const [, name] of rule.matchAll(/<int:(\w+)>/g)) params[name!] = String(Number(params[name!]));
    return { kind: 'match', rule, params };
  };

  return {
    subject: () => {
      let hits = 0;
      for (const [method, path] of MIX) if (ours.match(path, method).kind === 'match') hits++;
      return hits;
    },
    peer: () => {
      let hits = 0;
      for (const [method, path] of MIX) if (theirsMatch(method, path).found) hits++;
      return hits;
    },
    unit: 'lookups/CPU-s',
    perCall: MIX.length,
    check() {
      if (RULES.length < 50 || MIX.length !== 100) throw new Error(`${RULES.length} rules, ${MIX.length} requests`);
      const kinds: Record<string, number> = {};
      for (const [method, path] of MIX) {
        const a = JSON.stringify(describeOurs(method, path));
        const b = JSON.stringify(describeTheirs(method, path));
        if (a !== b) throw new Error(`the routers disagree on ${method} ${path}:\n  lab 4:       ${a}\n  find-my-way: ${b}`);
        const kind = JSON.parse(a).kind as string;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      if (kinds.match !== 70 || kinds['not-found'] !== 18 || kinds['method-not-allowed'] !== 12) {
        throw new Error(`the mix is not 70 hits, 18 misses, 12 wrong methods: ${JSON.stringify(kinds)}`);
      }
    },
  };
}
