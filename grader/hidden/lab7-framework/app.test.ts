// Hidden tests for lab 7, the app object: routes and views, what views may return, error pages and
// handlers, and the hooks around every request. Most tests call app.tsgi with an environ built by
// hand (helpers.ts); a few go through a real server (the reference labs 2 and 3) with supertest.
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import type { AppOptions, View } from '#contracts/framework';
import type { RequestApi } from '#contracts/toolkit';
import { BadRequest, HttpException, NotFound, Response } from '#toolkit';
import { App, makeResponse } from '@lab/framework';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, closeServers, delay, errorLog, serveApp, thrown } from './helpers.ts';

afterEach(closeServers);

/** A new App, set up by `setup` (app.get, app.errorHandler, ...), all inside a time bound. */
function build(setup: (app: App) => void, options?: AppOptions): App {
  return bounded('new App() and registering its views and hooks', () => {
    const app = new App(options);
    setup(app);
    return app;
  });
}

const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

// In the hooks below, `void calls.push(...)` keeps a hook's result undefined: push returns a number,
// and a hook that returns something means it (a before hook answers, an after hook replaces).

milestone('routes-and-views', () => {
  test('app.get registers a view; app.tsgi answers with its string as an HTML page', {
    points: 2,
    hint: 'handle() makes a Request, #dispatch asks the router for a match and calls the view, makeResponse turns a string into a Response, and tsgi lets that Response answer.',
  }, async () => {
    const app = build((app) => app.get('/', function home() {
      return '<h1>Hello, TSGI!</h1>';
    }));
    const answer = await call(app, { path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toBe('<h1>Hello, TSGI!</h1>');
  });

  test("the view gets the request and the values of the rule's variables, already converted", {
    points: 2,
    hint: 'A match from the router carries params: pass them to the view as its second argument, with the Request as the first.',
  }, async () => {
    let seen: unknown;
    const app = build((app) => app.get('/books/<int:id>', function book(request: RequestApi, params) {
      seen = { method: request.method, path: request.path, q: request.args.get('q'), id: params.id };
      return `book ${params.id}`;
    }));
    const answer = await call(app, { path: '/books/42?q=tea' });
    expect(answer.text).toBe('book 42');
    expect(seen).toEqual({ method: 'GET', path: '/books/42', q: 'tea', id: 42 });
  });

  test('an async view is awaited', {}, async () => {
    const app = build((app) => app.get('/slow', async function slow() {
      await delay(5);
      return 'worth the wait';
    }));
    expect((await call(app, { path: '/slow' })).text).toBe('worth the wait');
  });

  test('route() with methods: one view answers GET and POST; app.post answers POST', {
    hint: 'Pass options.methods on to the router; app.post is route() with methods ["POST"].',
  }, async () => {
    const app = build((app) => {
      app.route('/name', { methods: ['GET', 'POST'] }, async function name(request: RequestApi) {
        if (request.method !== 'POST') return 'tell me your name';
        return `hello ${(await request.form()).fields.get('name')}`;
      });
      app.post('/ping', function ping() {
        return 'pong';
      });
    });
    expect((await call(app, { path: '/name' })).text).toBe('tell me your name');
    expect((await call(app, { method: 'POST', path: '/name', headers: form, body: 'name=Ada' })).text).toBe('hello Ada');
    expect((await call(app, { method: 'POST', path: '/ping', body: '' })).text).toBe('pong');
  });

  test("the endpoint defaults to the view function's name; urlFor builds URLs from it", {
    points: 2,
    hint: 'Every function has a .name. Register the rule with it as the endpoint, so app.urlFor("book", { id: 7 }) finds it.',
  }, () => {
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.get('/books/<int:id>', function book() {
        return 'a book';
      });
    });
    expect(app.urlFor('index')).toBe('/');
    expect(app.urlFor('book', { id: 7 })).toBe('/books/7');
    expect(app.urlFor('book', { id: 7, page: 2 })).toBe('/books/7?page=2');
  });

  test('the endpoint option names a view, whatever its function is called', {}, async () => {
    const app = build((app) => app.route('/about', { endpoint: 'about_page' }, function whatever() {
      return 'about us';
    }));
    expect(app.urlFor('about_page')).toBe('/about');
    expect(() => app.urlFor('whatever')).toThrow();
    expect((await call(app, { path: '/about' })).text).toBe('about us');
  });

  test('an anonymous view is refused when it is registered, with an error that says why', {
    points: 2,
    hint: 'An arrow function written inline has the name "". With no endpoint option either, throw an Error that tells the learner to name the function or pass { endpoint }.',
  }, async () => {
    const app = build((app) => app.get('/named', function named() {
      return 'fine';
    }));
    const error = await thrown(() => app.get('/', () => 'who am I?'));
    expect(error, 'app.get("/", () => ...) should throw').toBeInstanceOf(Error);
    expect((error as Error).message).not.toMatch(/TODO/);
    expect((error as Error).message).toMatch(/name|endpoint/i);
  });

  test('the same view may be registered again for more methods; another view under a taken endpoint is refused', {
    hint: 'Keep the view of each endpoint in #views. Registering the same function again is fine; another function under a taken endpoint is an error.',
  }, async () => {
    const app = build((app) => {
      const save = () => 'saved';
      app.get('/save', function save() {
        return 'saved';
      });
      app.route('/notes', { methods: ['GET'], endpoint: 'notes' }, save);
      app.route('/notes', { methods: ['POST'], endpoint: 'notes' }, save);
    });
    expect((await call(app, { method: 'POST', path: '/notes', body: '' })).text).toBe('saved');
    const error = await thrown(() => app.post('/save', function save() {
      return 'another view';
    }));
    expect(error, 'a second function under the endpoint "save" should be refused').toBeInstanceOf(Error);
    expect((error as Error).message).not.toMatch(/TODO/);
  });

  test('a path without the trailing slash its rule has is redirected (308), query kept', {
    hint: 'The router answers { kind: "redirect", location }: turn it into Response.redirect(location, 308).',
  }, async () => {
    const app = build((app) => app.get('/books/', function books() {
      return 'all books';
    }));
    const answer = await call(app, { path: '/books?page=2' });
    expect(answer.status).toBe(308);
    expect(answer.header('location')).toBe('/books/?page=2');
  });

  test('app.tsgi runs behind a real server (supertest)', {
    points: 2,
    hint: 'app.tsgi must return a TSGI app: (environ, startResponse) => body, here async.',
  }, async () => {
    const app = build((app) => {
      app.get('/hello/<name>', function hello(_request, params) {
        return `Hello, ${params.name}!`;
      });
      app.post('/echo', async function echo(request: RequestApi) {
        return `got ${(await request.form()).fields.get('word')}`;
      });
    });
    const base = await serveApp(app);
    const hello = await request(base).get('/hello/Ada').expect(200);
    expect(hello.text).toBe('Hello, Ada!');
    const echo = await request(base).post('/echo').type('form').send({ word: 'tea' }).expect(200);
    expect(echo.text).toBe('got tea');
  });
});

milestone('responses', () => {
  test('a plain object becomes JSON', {
    points: 2,
    hint: 'An object that is not a Response (and not a tuple) goes to Response.json.',
  }, async () => {
    const app = build((app) => app.get('/api/status', function status() {
      return { ok: true, books: 6, tags: ['a', 'b'] };
    }));
    const answer = await call(app, { path: '/api/status' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ ok: true, books: 6, tags: ['a', 'b'] });
  });

  test('an array becomes JSON', {}, async () => {
    const app = build((app) => app.get('/api/books', function books() {
      return [{ id: '1', title: 'SICP' }, { id: '2', title: 'K&R' }];
    }));
    const answer = await call(app, { path: '/api/books' });
    expect(answer.header('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual([{ id: '1', title: 'SICP' }, { id: '2', title: 'K&R' }]);
  });

  test('a Response is sent as it is', {
    hint: 'Check for a Response first: it needs no conversion.',
  }, async () => {
    const app = build((app) => app.get('/made', function made() {
      const response = new Response('made by hand', { status: 202, headers: { 'X-Made': 'by hand' } });
      response.setCookie('seen', 'yes');
      return response;
    }));
    const answer = await call(app, { path: '/made' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('made by hand');
    expect(answer.header('x-made')).toBe('by hand');
    expect(answer.header('set-cookie')).toMatch(/^seen=yes/);
  });

  test('[body, status] sets the status', {
    points: 2,
    hint: 'An array of two or three items whose second is a number is a tuple: make the response of its body, then set the status.',
  }, async () => {
    const app = build((app) => app.get('/gone', function gone() {
      return ['<p>This page is gone.</p>', 410];
    }));
    const answer = await call(app, { path: '/gone' });
    expect(answer.status).toBe(410);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toBe('<p>This page is gone.</p>');
  });

  test('[body, status, headers] adds headers, given as a record or as pairs', {
    hint: 'The third item is either { Name: value } or [[name, value], ...]: set each header on the response.',
  }, async () => {
    const app = build((app) => {
      app.post('/created', function created() {
        return ['created', 201, { Location: '/books/7', 'X-Id': '7' }];
      });
      app.post('/moved', function moved() {
        return ['', 303, [['Location', '/books/8'], ['X-Id', '8']]];
      });
    });
    const created = await call(app, { method: 'POST', path: '/created', body: '' });
    expect([created.status, created.header('location'), created.header('x-id')]).toEqual([201, '/books/7', '7']);
    const moved = await call(app, { method: 'POST', path: '/moved', body: '' });
    expect([moved.status, moved.header('location'), moved.header('x-id')]).toEqual([303, '/books/8', '8']);
  });

  test("a tuple's body may be an object: JSON, with the tuple's status", {}, async () => {
    const app = build((app) => app.post('/api/books', function addBook() {
      return [{ error: 'title is required' }, 400];
    }));
    const answer = await call(app, { method: 'POST', path: '/api/books', body: '' });
    expect(answer.status).toBe(400);
    expect(answer.header('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ error: 'title is required' });
  });

  test('text goes out as UTF-8 bytes', {
    hint: 'A Response with a string body is encoded as UTF-8 when it is sent; nothing to count by hand.',
  }, async () => {
    const app = build((app) => app.get('/cafe', function cafe() {
      return 'Café ✓';
    }));
    const answer = await call(app, { path: '/cafe' });
    expect([...answer.bytes], 'the body bytes').toEqual([...Buffer.from('Café ✓', 'utf8')]);
    const base = await serveApp(app);
    const response = await request(base).get('/cafe').expect(200);
    expect(response.text).toBe('Café ✓');
    expect(response.headers['content-type']).toMatch(/charset=utf-8/i);
  });

  test('makeResponse refuses what is not a page (undefined, a number), naming where it came from', {
    hint: 'Throw a TypeError whose message includes the `where` argument, so the learner knows which view forgot its return.',
  }, async () => {
    expect(bounded('makeResponse("hi", ...)', () => makeResponse('hi', 'the view "greet"')).status).toBe(200);
    for (const value of [undefined, 42]) {
      const error = await thrown(() => makeResponse(value, 'the view "forgetful"'));
      expect(error, `makeResponse(${value}) should throw`).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('forgetful');
    }
  });
});

milestone('errors', () => {
  test('an unknown path is a 404 page', {
    points: 2,
    hint: 'The router says not-found: throw NotFound, catch it in handle(), and let #errorResponse answer with its toResponse().',
  }, async () => {
    const app = build((app) => app.get('/', function index() {
      return 'home';
    }));
    const answer = await call(app, { path: '/nowhere' });
    expect(answer.status).toBe(404);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
  });

  test('a known path with another method is a 405 whose Allow header lists the methods', {
    points: 2,
    hint: 'The router says method-not-allowed with the allowed list: throw MethodNotAllowed(allowed).',
  }, async () => {
    const app = build((app) => app.get('/books', function books() {
      return 'books';
    }));
    const answer = await call(app, { method: 'DELETE', path: '/books' });
    expect(answer.status).toBe(405);
    const allow = (answer.header('allow') ?? '').split(',').map((m) => m.trim()).sort();
    expect(allow).toEqual(['GET', 'HEAD']);
  });

  test('a view may throw an HttpException: NotFound is a 404, BadRequest a 400', {}, async () => {
    const app = build((app) => {
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.get('/bad', function bad() {
        throw new BadRequest('no title');
      });
    });
    expect((await call(app, { path: '/missing' })).status).toBe(404);
    expect((await call(app, { path: '/bad' })).status).toBe(400);
  });

  test('errorHandler(404, ...) makes every 404 page: unknown URLs and NotFound from a view', {
    points: 2,
    hint: 'Look for a handler registered under the error\'s status before falling back to the error\'s own page.',
  }, async () => {
    const app = build((app) => {
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.errorHandler(404, function notFound() {
        return ['<h1>Nothing on this shelf</h1>', 404];
      });
    });
    for (const path of ['/nowhere', '/missing']) {
      const answer = await call(app, { path });
      expect(answer.status, path).toBe(404);
      expect(answer.text, path).toBe('<h1>Nothing on this shelf</h1>');
    }
  });

  test('errorHandler(SomeClass, ...) handles that class and its subclasses, with the error and the request', {
    points: 2,
    hint: 'Walk up the prototype chain of the error: the handler of a parent class also takes errors of its subclasses.',
  }, async () => {
    class Unpaid extends Error {}
    class LongUnpaid extends Unpaid {}
    const app = build((app) => {
      app.get('/invoice', function invoice() {
        throw new LongUnpaid('since March');
      });
      app.errorHandler(Unpaid, (error: Unpaid, request: RequestApi) => [`Pay ${request.path} (${error.message})`, 402]);
    });
    const answer = await call(app, { path: '/invoice' });
    expect(answer.status).toBe(402);
    expect(answer.text).toBe('Pay /invoice (since March)');
  });

  test('the nearest class wins, whatever order the handlers were registered in; a status beats a class', {
    points: 2,
    hint: 'Flask looks up handlers by status code first, then along the class chain from the error\'s own class upwards. Taking the first registered handler that matches is not enough.',
  }, async () => {
    const app = build((app) => {
      app.get('/type', function typeError() {
        throw new TypeError('t');
      });
      app.get('/range', function rangeError() {
        throw new RangeError('r');
      });
      app.get('/bad', function bad() {
        throw new BadRequest();
      });
      app.errorHandler(Error, () => ['any error', 500]);
      app.errorHandler(HttpException, () => ['an HTTP error', 418]);
      app.errorHandler(TypeError, () => ['a type error', 500]);
      app.errorHandler(404, () => ['not found', 404]);
    });
    expect((await call(app, { path: '/type' })).text).toBe('a type error');
    expect((await call(app, { path: '/range' })).text).toBe('any error');
    expect((await call(app, { path: '/bad' })).text).toBe('an HTTP error');
    expect((await call(app, { path: '/nowhere' })).text).toBe('not found');
  });

  test('an error handler that fails gives a 500 page, not a crash', {}, async () => {
    const app = build((app) => {
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.errorHandler(404, () => {
        throw new Error('the 404 page is broken too');
      });
    });
    const answer = await call(app, { path: '/missing' });
    expect(answer.status).toBe(500);
  });

  test('in production (DEBUG off) a crash is a 500 that shows nothing of the error; the log has it', {
    points: 3,
    hint: 'Without DEBUG, answer with InternalServerError\'s page; write the error\'s stack to environ["tsgi.errors"] for the operator.',
  }, async () => {
    const app = build((app) => app.get('/crash', function explodeOnPurpose() {
      throw new Error('db password is hunter2');
    }));
    const errors = errorLog();
    const answer = await call(app, { path: '/crash', errors });
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('hunter2');
    expect(answer.text).not.toContain('explodeOnPurpose');
    expect(errors.text).toContain('hunter2');
  });

  test('with DEBUG on, a crash shows the error and its stack, escaped', {
    points: 3,
    hint: 'debugPage: the message and the stack, each through escapeHtml. An error message can carry what a client typed.',
  }, async () => {
    const app = build((app) => app.get('/crash', function explodeOnPurpose() {
      throw new Error('bad input <script>alert(1)</script>');
    }), { config: { DEBUG: true } });
    const answer = await call(app, { path: '/crash' });
    expect(answer.status).toBe(500);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toContain('alert(1)');
    expect(answer.text).not.toContain('<script>');
    expect(answer.text).toContain('explodeOnPurpose');
  });

  test('a view that returns nothing is a 500, and the log names the view', {
    hint: 'makeResponse gets a `where` such as `the view "forgetful"`; the TypeError it throws becomes a 500 and is logged.',
  }, async () => {
    const app = build((app) => app.get('/oops', (function forgetful() {}) as unknown as View));
    const errors = errorLog();
    const answer = await call(app, { path: '/oops', errors });
    expect(answer.status).toBe(500);
    expect(errors.text).toContain('forgetful');
  });
});

milestone('hooks', () => {
  test('before-request hooks, the view, after-request hooks, then teardown hooks, each in the order registered', {
    points: 3,
    hint: 'Before hooks run first in #dispatch; after hooks get the response and the request in handle(); teardown hooks run last, with the error (undefined when all went well).',
  }, async () => {
    const calls: string[] = [];
    const requests = new Set<unknown>();
    const app = build((app) => {
      app.beforeRequest((request) => {
        calls.push('before 1');
        requests.add(request);
      });
      app.beforeRequest(() => {
        calls.push('before 2');
      });
      app.get('/', function index(request: RequestApi) {
        calls.push('view');
        requests.add(request);
        return 'home';
      });
      app.afterRequest((_response, request) => {
        calls.push('after 1');
        requests.add(request);
      });
      app.afterRequest(() => {
        calls.push('after 2');
      });
      app.teardown((error, request) => {
        calls.push(`teardown 1 (${error == null ? 'no error' : 'error'})`);
        requests.add(request);
      });
      app.teardown(() => {
        calls.push('teardown 2');
      });
    });
    const answer = await call(app, { path: '/' });
    expect(answer.text).toBe('home');
    expect(calls).toEqual(['before 1', 'before 2', 'view', 'after 1', 'after 2', 'teardown 1 (no error)', 'teardown 2']);
    expect(requests.size, 'the hooks and the view should all get the same request object').toBe(1);
  });

  test('a before-request hook that returns something answers instead of the view', {
    points: 2,
    hint: 'The first before hook whose result is not undefined ends #dispatch: makeResponse(result). The other before hooks and the view do not run; after and teardown hooks still do.',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest((request) => {
        calls.push('login check');
        if (request.headers.get('x-user') === undefined) return ['Sign in first', 401];
      });
      app.beforeRequest(() => void calls.push('before 2'));
      app.get('/account', function account() {
        calls.push('view');
        return 'your account';
      });
      app.afterRequest((response) => void calls.push(`after (${response.status})`));
      app.teardown(() => void calls.push('teardown'));
    });
    const refused = await call(app, { path: '/account' });
    expect([refused.status, refused.text]).toEqual([401, 'Sign in first']);
    expect(calls).toEqual(['login check', 'after (401)', 'teardown']);
    calls.length = 0;
    const allowed = await call(app, { path: '/account', headers: { 'X-User': 'ada' } });
    expect([allowed.status, allowed.text]).toEqual([200, 'your account']);
    expect(calls).toEqual(['login check', 'before 2', 'view', 'after (200)', 'teardown']);
  });

  test('an after-request hook can change the response, or return another that replaces it', {
    points: 2,
    hint: 'Each after hook gets the current response; if it returns a response, that one goes on to the next hook.',
  }, async () => {
    const app = build((app) => {
      app.get('/', function index() {
        return 'original';
      });
      app.afterRequest((response) => {
        response.headers.set('X-First', '1');
      });
      app.afterRequest(() => new Response('replaced', { status: 202 }));
      app.afterRequest((response) => {
        response.headers.set('X-Third', '3');
      });
    });
    const answer = await call(app, { path: '/' });
    expect(answer.status).toBe(202);
    expect(answer.text).toBe('replaced');
    expect(answer.header('x-third')).toBe('3');
    expect(answer.header('x-first')).toBeUndefined();
  });

  test('async hooks are awaited, in order', {}, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest(async () => {
        await delay(5);
        calls.push('before');
      });
      app.get('/', function index() {
        calls.push('view');
        return 'home';
      });
      app.afterRequest(async (response) => {
        await delay(5);
        response.headers.set('X-Late', 'yes');
      });
      app.teardown(async () => {
        await delay(5);
        calls.push('teardown');
      });
    });
    const answer = await call(app, { path: '/' });
    expect(answer.header('x-late')).toBe('yes');
    expect(calls).toEqual(['before', 'view', 'teardown']);
  });

  test('teardown runs after a view fails, and gets the error; the client still gets the error page', {
    points: 2,
    hint: 'Remember the error you caught around #dispatch, and hand it to every teardown hook.',
  }, async () => {
    const seen: unknown[] = [];
    const app = build((app) => {
      app.get('/crash', function crash() {
        throw new Error('kaboom');
      });
      app.teardown((error) => void seen.push(error));
    });
    const answer = await call(app, { path: '/crash' });
    expect(answer.status).toBe(500);
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('kaboom');
  });

  test('a before-request hook that throws: the error page, no view, and teardown still runs', {}, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest(() => {
        throw new NotFound();
      });
      app.get('/', function index() {
        calls.push('view');
        return 'home';
      });
      app.teardown((error) => void calls.push(`teardown (${(error as Error).name})`));
    });
    const answer = await call(app, { path: '/' });
    expect(answer.status).toBe(404);
    expect(calls).toEqual(['teardown (NotFound)']);
  });

  test('teardown runs when an after-request hook fails, which makes the response a 500', {
    points: 2,
    hint: 'Put the after hooks in a try of their own: a failure there becomes the error response, and teardown still follows.',
  }, async () => {
    const seen: unknown[] = [];
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.afterRequest(() => {
        throw new Error('after hook broke');
      });
      app.teardown((error) => void seen.push(error));
    });
    const answer = await call(app, { path: '/' });
    expect(answer.status).toBe(500);
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('after hook broke');
  });

  test('a failing teardown hook changes nothing: the response stands, the other hooks run, the log has it', {
    points: 2,
    hint: 'Run each teardown hook on its own, catching (sync throws and rejections alike) and logging what it throws.',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.teardown(() => {
        throw new Error('teardown broke');
      });
      app.teardown(async () => {
        throw new Error('async teardown broke');
      });
      app.teardown(() => void calls.push('last teardown'));
    });
    const errors = errorLog();
    const answer = await call(app, { path: '/', errors });
    expect([answer.status, answer.text]).toEqual([200, 'home']);
    expect(calls).toEqual(['last teardown']);
    expect(errors.text).toContain('teardown broke');
    expect(errors.text).toContain('async teardown broke');
  });
});
