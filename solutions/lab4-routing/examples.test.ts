// Visible examples for lab 4: run them with `npm run examples lab4`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab4`) check much
// more. Add your own tests here freely.
import { expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import { BuildError, RuleError } from '#contracts/routing';
import type { Environ, TsgiApp, TsgiHeaders } from '#contracts/tsgi';
import { Router, dispatcher } from './index.ts';

/** An environ with just what the dispatcher reads. PATH_INFO holds bytes, one character each. */
function environ(method: string, path: string, query = ''): Environ {
  return { REQUEST_METHOD: method, SCRIPT_NAME: '', PATH_INFO: path, QUERY_STRING: query } as Environ;
}

/** Calls a TSGI app and collects its answer: the status, the headers and the body as text. */
async function call(app: TsgiApp, env: Environ) {
  let status = '';
  let headers: TsgiHeaders = [];
  const body = await app(env, (s, h) => {
    status = s;
    headers = h;
  });
  let text = '';
  for await (const chunk of body) text += new TextDecoder().decode(chunk);
  return { status, headers, text };
}

milestone('static-rules', () => {
  test('matches a static rule: its endpoint, no params, and the rule text', {
    rules: ['P1', 'P3'],
    hint: 'Cut the path at "/" and compare segment by segment: a rule fits only a path with as many segments.',
  }, () => {
    const router = new Router();
    router.add('/contact', { endpoint: 'contact' });
    router.add('/contact/email', { endpoint: 'email' });
    expect(router.match('/contact/email', 'GET')).toEqual({ kind: 'match', endpoint: 'email', params: {}, rule: '/contact/email' });
    expect(router.match('/contact/email/work', 'GET')).toEqual({ kind: 'not-found' });
  });

  test('fixed text is compared exactly', {
    rules: ['P5'],
    hint: 'Compare fixed segments with ===: no lowercasing, and a "." is not a regular expression.',
  }, () => {
    const router = new Router();
    router.add('/Files/report.pdf', { endpoint: 'report' });
    expect(router.match('/Files/report.pdf', 'GET')).toMatchObject({ kind: 'match', endpoint: 'report' });
    expect(router.match('/files/report.pdf', 'GET')).toEqual({ kind: 'not-found' });
    expect(router.match('/Files/report-pdf', 'GET')).toEqual({ kind: 'not-found' });
  });
});

milestone('converters', () => {
  test('variables give typed values', {
    rules: ['R1', 'C1', 'C3'],
    hint: '<name> is a string variable; <int:name> matches digits and gives a number. A segment that does not match refuses the rule.',
  }, () => {
    const router = new Router();
    router.add('/orders/<int:number>/items/<name>', { endpoint: 'item' });
    expect(router.match('/orders/15/items/pen', 'GET')).toEqual({
      kind: 'match',
      endpoint: 'item',
      params: { number: 15, name: 'pen' },
      rule: '/orders/<int:number>/items/<name>',
    });
    expect(router.match('/orders/fifteen/items/pen', 'GET')).toEqual({ kind: 'not-found' });
  });

  test('converter arguments, and the path converter', {
    rules: ['C2', 'C4', 'C8', 'C10'],
    hint: 'Arguments in parentheses go to the converter\'s factory; path is the one converter that spans slashes.',
  }, () => {
    const router = new Router();
    router.add('/codes/<string(length=3):code>', { endpoint: 'code' });
    router.add('/pages/<int(min=1, max=9):page>', { endpoint: 'page' });
    router.add('/files/<path:file>', { endpoint: 'file' });
    expect(router.match('/codes/abc', 'GET')).toMatchObject({ params: { code: 'abc' } });
    expect(router.match('/codes/abcd', 'GET')).toEqual({ kind: 'not-found' });
    expect(router.match('/pages/9', 'GET')).toMatchObject({ params: { page: 9 } });
    expect(router.match('/pages/10', 'GET')).toEqual({ kind: 'not-found' });
    expect(router.match('/files/photos/cat.png', 'GET')).toMatchObject({ params: { file: 'photos/cat.png' } });
  });
});

milestone('methods', () => {
  test('a rule answers GET, and HEAD with it; another method is 405', {
    rules: ['M1', 'M3', 'M4'],
    hint: 'Methods default to ["GET"], and GET brings HEAD. A path some rule fits, with no rule for the method, is method-not-allowed.',
  }, () => {
    const router = new Router();
    router.add('/menu', { endpoint: 'menu' });
    expect(router.match('/menu', 'HEAD')).toMatchObject({ kind: 'match', endpoint: 'menu' });
    expect(router.match('/menu', 'PUT')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD'] });
    expect(router.match('/drinks', 'PUT')).toEqual({ kind: 'not-found' });
  });

  test('each method to its own endpoint; allowed lists them all, in order', {
    rules: ['M1', 'M2', 'M5'],
    hint: 'Uppercase the methods of a rule and of a request; collect the methods of every rule that fits the path, sorted.',
  }, () => {
    const router = new Router();
    router.add('/cart', { endpoint: 'show_cart' });
    router.add('/cart', { endpoint: 'add_item', methods: ['post'] });
    expect(router.match('/cart', 'post')).toMatchObject({ kind: 'match', endpoint: 'add_item' });
    expect(router.match('/cart', 'DELETE')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'POST'] });
  });
});

milestone('ordering', () => {
  test('static text beats a variable, whatever the order the rules were added in', {
    rules: ['O1', 'O2'],
    hint: 'Keep the rules sorted by the weights of their segments: fixed text weighs 0, a string variable 4.',
  }, () => {
    const router = new Router();
    router.add('/shop/<item>', { endpoint: 'item' });
    router.add('/shop/basket', { endpoint: 'basket' });
    expect(router.match('/shop/basket', 'GET')).toMatchObject({ endpoint: 'basket' });
    expect(router.match('/shop/teapot', 'GET')).toMatchObject({ endpoint: 'item', params: { item: 'teapot' } });
  });

  test('an int variable is tried before a string variable', {
    rules: ['O2', 'O3'],
    hint: 'int weighs 3 and string 4: the lower weight is tried first.',
  }, () => {
    const router = new Router();
    router.add('/chapters/<title>', { endpoint: 'by_title' });
    router.add('/chapters/<int:n>', { endpoint: 'by_number' });
    expect(router.match('/chapters/12', 'GET')).toMatchObject({ endpoint: 'by_number', params: { n: 12 } });
    expect(router.match('/chapters/intro', 'GET')).toMatchObject({ endpoint: 'by_title', params: { title: 'intro' } });
  });
});

milestone('slashes', () => {
  test('a rule that ends in "/" redirects the path without it (308), query kept', {
    rules: ['T1', 'T4'],
    hint: 'Remember a rule that would fit with a final slash; if nothing matches, redirect to the path + "/" + "?" + the query.',
  }, () => {
    const router = new Router();
    router.add('/recipes/', { endpoint: 'recipes' });
    expect(router.match('/recipes/', 'GET')).toMatchObject({ kind: 'match', endpoint: 'recipes' });
    expect(router.match('/recipes', 'GET', 'tag=soup')).toEqual({ kind: 'redirect', status: 308, location: '/recipes/?tag=soup' });
  });

  test('a rule without a final slash does not fit a path with one, unless strictSlashes is false', {
    rules: ['T2', 'T3'],
    hint: 'The trailing slash is part of what must fit; strictSlashes: false lets a rule ignore it.',
  }, () => {
    const router = new Router();
    router.add('/team', { endpoint: 'team' });
    router.add('/help', { endpoint: 'help', strictSlashes: false });
    expect(router.match('/team/', 'GET')).toEqual({ kind: 'not-found' });
    expect(router.match('/help', 'GET')).toMatchObject({ kind: 'match', endpoint: 'help' });
    expect(router.match('/help/', 'GET')).toMatchObject({ kind: 'match', endpoint: 'help' });
  });
});

milestone('building', () => {
  test('urlFor fills the variables, and puts other values in the query string', {
    rules: ['B1', 'B7'],
    hint: 'Write each variable with its converter\'s toUrl; the values left over go to URLSearchParams.',
  }, () => {
    const router = new Router();
    router.add('/recipes/<int:id>/', { endpoint: 'recipe' });
    expect(router.urlFor('recipe', { id: 12, print: 'yes' })).toBe('/recipes/12/?print=yes');
  });

  test('urlFor percent-encodes each segment, and refuses a missing value', {
    rules: ['B3', 'B6'],
    hint: 'encodeURIComponent every segment; a variable without a value is a BuildError that names it.',
  }, () => {
    const router = new Router();
    router.add('/tags/<name>', { endpoint: 'tag' });
    expect(router.urlFor('tag', { name: 'crème brûlée' })).toBe('/tags/cr%C3%A8me%20br%C3%BBl%C3%A9e');
    expect(() => router.urlFor('tag', {})).toThrow(BuildError);
    expect(() => router.urlFor('tag', {})).toThrow(/name/);
  });
});

milestone('defaults', () => {
  test('two rules for one endpoint: the page number is 1 by default', {
    rules: ['N1', 'N4', 'N5'],
    hint: 'A match gives the defaults with the params; urlFor picks the rule whose defaults equal the values; /page/1 redirects to /page/.',
  }, () => {
    const router = new Router();
    router.add('/page/', { endpoint: 'page', defaults: { n: 1 } });
    router.add('/page/<int:n>', { endpoint: 'page' });
    expect(router.match('/page/', 'GET')).toEqual({ kind: 'match', endpoint: 'page', params: { n: 1 }, rule: '/page/' });
    expect(router.match('/page/4', 'GET')).toMatchObject({ kind: 'match', params: { n: 4 } });
    expect(router.match('/page/1', 'GET')).toEqual({ kind: 'redirect', status: 308, location: '/page/' });
    expect(router.urlFor('page', { n: 1 })).toBe('/page/');
    expect(router.urlFor('page', { n: 4 })).toBe('/page/4');
  });
});

milestone('groups-and-errors', () => {
  test('a group puts its prefix before its rules and its name before their endpoints', {
    rules: ['G1'],
    hint: 'group(prefix, name).add(rule, options) is router.add(prefix + rule, { ...options, endpoint: name + "." + endpoint }).',
  }, () => {
    const router = new Router();
    const admin = router.group('/admin', 'admin');
    admin.add('/users', { endpoint: 'users' });
    expect(router.match('/admin/users', 'GET')).toMatchObject({ kind: 'match', endpoint: 'admin.users' });
    expect(router.urlFor('admin.users')).toBe('/admin/users');
  });

  test('a rule with a mistake is a RuleError that says where', {
    rules: ['E2', 'E4'],
    hint: 'Throw new RuleError(message, position) with the index of the character where the problem starts.',
  }, () => {
    const router = new Router();
    expect(() => router.add('recipes', { endpoint: 'recipes' })).toThrow(RuleError);
    expect(() => router.add('recipes', { endpoint: 'recipes' })).toThrow(expect.objectContaining({ position: 0 }));
    // "/meals/<" is 7 characters, so the converter's name starts at position 8.
    expect(() => router.add('/meals/<number:id>', { endpoint: 'meal' })).toThrow(expect.objectContaining({ position: 8 }));
  });
});

milestone('dispatch', () => {
  test('dispatches a request to its view, with the params', {
    rules: ['D1', 'D2'],
    hint: 'Decode PATH_INFO from bytes to UTF-8 text, match it, and call the view with environ, startResponse and the params.',
  }, async () => {
    const router = new Router();
    router.add('/greet/<name>', { endpoint: 'greet' });
    const app = dispatcher(router, {
      greet: (env, startResponse, params) => {
        startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
        return [new TextEncoder().encode(`Hi, ${params.name}!`)];
      },
    });
    // '/greet/Jos\xc3\xa9' is what a client sent as /greet/Jos%C3%A9: two bytes for the é.
    const answer = await call(app, environ('GET', '/greet/Jos\xc3\xa9'));
    expect(answer.status).toBe('200 OK');
    expect(answer.text).toBe('Hi, José!');
  });

  test('answers 404 and 405 itself, in plain text', {
    rules: ['D4', 'D5', 'D6'],
    hint: 'For not-found and method-not-allowed, call startResponse yourself; a 405 lists the allowed methods in Allow.',
  }, async () => {
    const router = new Router();
    router.add('/poll', { endpoint: 'poll' });
    const app = dispatcher(router, { poll: () => [] });
    const missing = await call(app, environ('GET', '/survey'));
    expect(missing.status).toBe('404 Not Found');
    const wrongMethod = await call(app, environ('PATCH', '/poll'));
    expect(wrongMethod.status).toBe('405 Method Not Allowed');
    expect(wrongMethod.headers).toContainEqual(['Allow', 'GET, HEAD']);
  });
});
