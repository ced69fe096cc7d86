// Hidden tests for lab 7, the app object: routes and views, what views may return, error pages and
// handlers, and the hooks around every request. Most tests call app.tsgi with an environ built by
// hand (helpers.ts); a few go through a real server (the reference labs 2 and 3) with supertest.
// Every assertion about an answer carries the request and the whole response (answer.says), so a
// failure shows what was sent and what came back.
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import type { AppOptions, View } from '#contracts/framework';
import type { RequestApi } from '#contracts/toolkit';
import { BadRequest, HttpException, InternalServerError, NotFound, Response } from '#toolkit';
import { App, makeResponse } from '@lab/framework';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { call, closeServers, delay, errorLog, serveApp, thrown, told } from './helpers.ts';

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

/** The methods an Allow header lists, sorted: 'GET, HEAD' -> ['GET', 'HEAD']. */
const methodsIn = (allow: string | undefined) => (allow ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();

// In the hooks below, `void calls.push(...)` keeps a hook's result undefined: push returns a number,
// and a hook that returns something means it (a before hook answers, an after hook replaces).

milestone('routes-and-views', () => {
  test('app.get registers a view; app.tsgi answers with its string as an HTML page', {
    rules: ['A5', 'V2'],
    points: 2,
    hint: 'handle() makes a Request, #dispatch asks the router for a match and calls the view, makeResponse turns a string into a Response, and tsgi lets that Response answer.',
  }, async () => {
    const app = build((app) => app.get('/', function home() {
      return '<h1>Hello, TSGI!</h1>';
    }));
    const answer = await call(app, { path: '/' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be an HTML page in UTF-8')).toBe('text/html; charset=utf-8');
    expect(answer.text, answer.saysHead("should be the view's string")).toBe('<h1>Hello, TSGI!</h1>');
  });

  test("the view gets the request and the values of the rule's variables, already converted", {
    rules: ['V1'],
    points: 2,
    hint: 'A match from the router carries params: pass them to the view as its second argument, with the Request as the first.',
  }, async () => {
    let seen: unknown;
    const app = build((app) => app.get('/books/<int:id>', function book(request: RequestApi, params) {
      seen = { method: request.method, path: request.path, q: request.args.get('q'), id: params.id };
      return `book ${params.id}`;
    }));
    const answer = await call(app, { path: '/books/42?q=tea' });
    expect(answer.text, answer.saysHead('should be the view\'s page')).toBe('book 42');
    expect(seen, 'the view should get the request (GET /books/42?q=tea) and params.id as the number 42').toEqual({ method: 'GET', path: '/books/42', q: 'tea', id: 42 });
  });

  test('an async view is awaited', { rules: ['V1'] }, async () => {
    const app = build((app) => app.get('/slow', async function slow() {
      await delay(5);
      return 'worth the wait';
    }));
    const answer = await call(app, { path: '/slow' });
    expect(answer.text, answer.saysHead('should be the string the async view resolved with')).toBe('worth the wait');
  });

  test('route() answers the methods it lists and no other; app.post answers POST only; GET is the default', {
    rules: ['A1'],
    hint: 'Pass options.methods on to the router (which adds HEAD to GET); without the option, the router\'s default is GET.',
  }, async () => {
    const app = build((app) => {
      app.route('/name', { methods: ['GET', 'POST'] }, async function name(request: RequestApi) {
        if (request.method !== 'POST') return 'tell me your name';
        return `hello ${(await request.form()).fields.get('name')}`;
      });
      app.post('/ping', function ping() {
        return 'pong';
      });
      app.route('/plain', {}, function plain() {
        return 'plain';
      });
    });
    const get = await call(app, { path: '/name' });
    expect(get.text, get.saysHead('should answer GET')).toBe('tell me your name');
    const post = await call(app, { method: 'POST', path: '/name', headers: form, body: 'name=Ada' });
    expect(post.text, post.saysHead('should answer POST')).toBe('hello Ada');
    const ping = await call(app, { method: 'POST', path: '/ping', body: '' });
    expect(ping.text, ping.saysHead('app.post should answer POST')).toBe('pong');
    const pingGet = await call(app, { path: '/ping' });
    expect(pingGet.status, pingGet.says('app.post should not answer GET: 405')).toBe(405);
    const plainGet = await call(app, { path: '/plain' });
    expect(plainGet.text, plainGet.saysHead('a route without methods should answer GET')).toBe('plain');
    const plainPost = await call(app, { method: 'POST', path: '/plain', body: '' });
    expect(plainPost.status, plainPost.says('a route without methods should not answer POST: 405')).toBe(405);
  });

  test("the endpoint defaults to the view function's name; urlFor builds URLs from it", {
    rules: ['A2'],
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
    expect(app.urlFor('index'), 'urlFor("index") for the view `function index` at /').toBe('/');
    expect(app.urlFor('book', { id: 7 }), 'urlFor("book", { id: 7 }) for `function book` at /books/<int:id>').toBe('/books/7');
    expect(app.urlFor('book', { id: 7, page: 2 }), 'urlFor("book", { id: 7, page: 2 })').toBe('/books/7?page=2');
  });

  test('urlFor gives the URL percent-encoded, as the router built it, never decoded', {
    rules: ['A2'],
    hint: 'Return what the router\'s urlFor gives: it escapes each value once. Decoding it again gives a URL with spaces and a bare %.',
  }, () => {
    const app = build((app) => app.get('/tags/<name>', function tag() {
      return 'a tag';
    }));
    expect(app.urlFor('tag', { name: 'crème brûlée' }), 'urlFor("tag", { name: "crème brûlée" }) for /tags/<name>').toBe('/tags/cr%C3%A8me%20br%C3%BBl%C3%A9e');
    expect(app.urlFor('tag', { name: '100%' }), 'urlFor("tag", { name: "100%" }) for /tags/<name>').toBe('/tags/100%25');
  });

  test('the endpoint option names a view, whatever its function is called', { rules: ['A2'] }, async () => {
    const app = build((app) => app.route('/about', { endpoint: 'about_page' }, function whatever() {
      return 'about us';
    }));
    expect(app.urlFor('about_page'), 'urlFor("about_page") for route("/about", { endpoint: "about_page" }, function whatever ...)').toBe('/about');
    expect(() => app.urlFor('whatever'), 'urlFor("whatever") should throw: the endpoint is about_page, not the function\'s name').toThrow();
    const answer = await call(app, { path: '/about' });
    expect(answer.text, answer.saysHead('should be the view\'s page')).toBe('about us');
  });

  test('an anonymous view is refused when it is registered; with an endpoint it is fine', {
    rules: ['A3'],
    points: 2,
    hint: 'An arrow function written inline has the name "". With no endpoint option either, throw an Error that tells the learner to name the function or pass { endpoint }.',
  }, async () => {
    const app = build((app) => app.get('/named', function named() {
      return 'fine';
    }));
    const error = await thrown(() => app.get('/', () => 'who am I?'));
    expect(error, 'app.get("/", () => "who am I?") should throw').toBeInstanceOf(Error);
    expect((error as Error).message, 'the error should be your own, not the TODO stub').not.toMatch(/TODO/);
    const accepted = await thrown(() => app.route('/home', { endpoint: 'home' }, () => 'home page'));
    expect(accepted, 'app.route("/home", { endpoint: "home" }, () => ...) has an endpoint and should be accepted').toBeNull();
    const answer = await call(app, { path: '/home' });
    expect(answer.text, answer.saysHead('the anonymous view with an endpoint should answer')).toBe('home page');
  });

  test('the same view may be registered again for more methods; another view under a taken endpoint is refused', {
    rules: ['A4'],
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
    const post = await call(app, { method: 'POST', path: '/notes', body: '' });
    expect(post.text, post.saysHead('the second registration of the same view should add POST')).toBe('saved');
    const error = await thrown(() => app.post('/save', function save() {
      return 'another view';
    }));
    expect(error, 'a second, different function under the endpoint "save" should be refused').toBeInstanceOf(Error);
    expect((error as Error).message, 'the error should be your own, not the TODO stub').not.toMatch(/TODO/);
  });

  test('a path without the trailing slash its rule has is redirected with 308, method and query kept', {
    rules: ['A8', 'A9'],
    hint: 'The router answers { kind: "redirect" }: answer Response.redirect(location, 308). 308 keeps the method: a POST is repeated as a POST.',
  }, async () => {
    const app = build((app) => {
      app.get('/books/', function books() {
        return 'all books';
      });
      app.post('/upload/', function upload() {
        return 'uploaded';
      });
    });
    const answer = await call(app, { path: '/books?page=2' });
    expect(answer.status, answer.says('should be a 308')).toBe(308);
    expect(answer.header('location'), answer.says('should send the browser to /books/?page=2')).toBe('/books/?page=2');
    const post = await call(app, { method: 'POST', path: '/upload', headers: form, body: 'a=1' });
    expect(post.status, post.says('a POST should be redirected with 308 too')).toBe(308);
    expect(post.header('location'), post.says('should send the POST to /upload/')).toBe('/upload/');
  });

  test("the redirect's Location: the mount point, the path encoded once, the query exactly as sent", {
    rules: ['A9'],
    points: 2,
    hint: 'The mount point (request.scriptRoot, each piece between slashes through encodeURIComponent), then the router\'s location as it comes: its path is encoded and its query is QUERY_STRING untouched. Encoding it again turns a%20b into a%2520b.',
  }, async () => {
    const app = build((app) => {
      app.get('/books/', function books() {
        return 'all books';
      });
      app.get('/<name>/', function folder(_request, params) {
        return `folder ${params.name}`;
      });
    });
    const cases: Array<[{ path: string; scriptName?: string }, string]> = [
      [{ path: '/books?q=a%20b&next=%2Fhome' }, '/books/?q=a%20b&next=%2Fhome'],
      [{ path: '/books?q=caf%C3%A9+au+lait' }, '/books/?q=caf%C3%A9+au+lait'],
      [{ path: '/caf%C3%A9' }, '/caf%C3%A9/'],
      [{ path: '/a%20b?x=%20' }, '/a%20b/?x=%20'],
      [{ path: '/100%25' }, '/100%25/'],
      [{ path: '/what%3F' }, '/what%3F/'],
      [{ path: '/no%23tag' }, '/no%23tag/'],
      [{ path: '/books', scriptName: '/app' }, '/app/books/'],
      [{ path: '/books' }, '/books/'],
      [{ path: '/books?' }, '/books/'],
      [{ path: '/a%20b?q=a%20b', scriptName: '/my app' }, '/my%20app/a%20b/?q=a%20b'],
    ];
    for (const [init, location] of cases) {
      const answer = await call(app, init);
      expect(answer.status, answer.says('should be a 308')).toBe(308);
      expect(answer.header('location'), answer.says(`the Location should be ${location}`)).toBe(location);
    }
  });

  test("a rule's defaults redirect too: the Location is the router's, behind the mount point", {
    rules: ['A9'],
    hint: "Don't rebuild the Location from the request: the router's location may be another URL (/page/1 -> /page/). Put the encoded mount point in front of it, as it comes.",
  }, async () => {
    const app = build((app) => {
      const page: View = (_request, params) => `page ${params.n}`;
      app.route('/page/', { defaults: { n: 1 } }, page);
      app.route('/page/<int:n>', {}, page);
    });
    const cases: Array<[{ path: string; scriptName?: string }, string]> = [
      [{ path: '/page/1' }, '/page/'],
      [{ path: '/page/1?s=a%20b' }, '/page/?s=a%20b'],
      [{ path: '/page/1', scriptName: '/my app' }, '/my%20app/page/'],
      [{ path: '/page' }, '/page/'],
    ];
    for (const [init, location] of cases) {
      const answer = await call(app, init);
      expect(answer.status, answer.says('should be a 308')).toBe(308);
      expect(answer.header('location'), answer.says(`the Location should be ${location}`)).toBe(location);
    }
  });

  test('one view, two rules: /page/ with defaults { n: 1 } and /page/<int:n> (Flask\'s pagination)', {
    rules: ['A10'],
    points: 2,
    hint: 'Pass options.defaults to the router with the rule: a match of /page/ then gives { n: 1 }.',
  }, async () => {
    const app = build((app) => {
      const page: View = (_request, params) => `page ${JSON.stringify(params)}`;
      app.route('/page/', { defaults: { n: 1 } }, page);
      app.route('/page/<int:n>', {}, page);
      app.route('/feed/', { endpoint: 'feed', defaults: { format: 'atom' } }, (_request, params) => `feed ${params.format}`);
    });
    for (const [path, text] of [['/page/', 'page {"n":1}'], ['/page/7', 'page {"n":7}'], ['/feed/', 'feed atom']]) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 200')).toBe(200);
      expect(answer.text, answer.says(`the view should answer ${text}`)).toBe(text);
    }
    expect(app.urlFor('page', { n: 1 }), "urlFor('page', { n: 1 }) builds with the rule whose default is 1").toBe('/page/');
    expect(app.urlFor('page', { n: 7 }), "urlFor('page', { n: 7 })").toBe('/page/7');
    expect(app.urlFor('feed', {}), "urlFor('feed', {}) leaves the default out of the query string").toBe('/feed/');
  });

  test('app.tsgi runs behind a real server (supertest)', {
    rules: ['A5'],
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
    const hello = await request(base).get('/hello/Ada');
    const helloSays = told(hello, 'GET /hello/Ada');
    expect(hello.status, helloSays('should be a 200')).toBe(200);
    expect(hello.text, helloSays('should be the view\'s page')).toBe('Hello, Ada!');
    const echo = await request(base).post('/echo').type('form').send({ word: 'tea' });
    const echoSays = told(echo, 'POST /echo (word=tea)');
    expect(echo.status, echoSays('should be a 200')).toBe(200);
    expect(echo.text, echoSays('should echo the form field')).toBe('got tea');
  });
});

milestone('responses', () => {
  test('a plain object becomes JSON', {
    rules: ['V4'],
    points: 2,
    hint: 'An object that is not a Response (and not a tuple) goes to Response.json.',
  }, async () => {
    const app = build((app) => app.get('/api/status', function status() {
      return { ok: true, books: 6, tags: ['a', 'b'] };
    }));
    const answer = await call(app, { path: '/api/status' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be JSON')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text), answer.says('should be the object as JSON')).toEqual({ ok: true, books: 6, tags: ['a', 'b'] });
  });

  test('an array becomes JSON', { rules: ['V4'] }, async () => {
    const app = build((app) => app.get('/api/books', function books() {
      return [{ id: '1', title: 'SICP' }, { id: '2', title: 'K&R' }];
    }));
    const answer = await call(app, { path: '/api/books' });
    expect(answer.header('content-type'), answer.says('should be JSON')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text), answer.says('should be the array as JSON')).toEqual([{ id: '1', title: 'SICP' }, { id: '2', title: 'K&R' }]);
  });

  test('a Response is sent as it is', {
    rules: ['V3'],
    hint: 'Check for a Response first: it is an object too, and needs no conversion.',
  }, async () => {
    const app = build((app) => app.get('/made', function made() {
      const response = new Response('made by hand', { status: 202, headers: { 'X-Made': 'by hand' }, contentType: 'text/plain' });
      response.setCookie('seen', 'yes');
      return response;
    }));
    const answer = await call(app, { path: '/made' });
    expect(answer.status, answer.says('should keep the status 202')).toBe(202);
    expect(answer.text, answer.saysHead('should keep the body')).toBe('made by hand');
    expect(answer.header('content-type'), answer.says('should keep the Content-Type')).toBe('text/plain');
    expect(answer.header('x-made'), answer.says('should keep X-Made')).toBe('by hand');
    expect(answer.header('set-cookie'), answer.says('should keep the cookie')).toMatch(/^seen=yes/);
  });

  test('[body, status] sets the status', {
    rules: ['V5'],
    points: 2,
    hint: 'An array of two or three items whose second is a number is a tuple: make the response of its body, then set the status.',
  }, async () => {
    const app = build((app) => app.get('/gone', function gone() {
      return ['<p>This page is gone.</p>', 410];
    }));
    const answer = await call(app, { path: '/gone' });
    expect(answer.status, answer.says('should be a 410')).toBe(410);
    expect(answer.header('content-type'), answer.says('the body is a string: HTML')).toMatch(/^text\/html/);
    expect(answer.text, answer.saysHead('should be the tuple\'s body')).toBe('<p>This page is gone.</p>');
  });

  test("a tuple's body may be an object (JSON) or a Response, and takes the tuple's status", { rules: ['V5'] }, async () => {
    const app = build((app) => {
      app.post('/api/books', function addBook() {
        return [{ error: 'title is required' }, 400];
      });
      app.get('/teapot', function teapot() {
        return [new Response('short and stout', { contentType: 'text/plain' }), 418];
      });
    });
    const answer = await call(app, { method: 'POST', path: '/api/books', body: '' });
    expect(answer.status, answer.says('should be a 400')).toBe(400);
    expect(answer.header('content-type'), answer.says('the body is an object: JSON')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text), answer.says('should be the object as JSON')).toEqual({ error: 'title is required' });
    const teapot = await call(app, { path: '/teapot' });
    expect([teapot.status, teapot.text, teapot.header('content-type')], teapot.says('should be the Response, with the status 418')).toEqual([418, 'short and stout', 'text/plain']);
  });

  test('a tuple whose body is a Response sets its status and headers on that Response itself', {
    rules: ['V5'],
    hint: 'As Flask\'s make_response: the tuple\'s status and headers are set on the body\'s Response, not on a copy, so a Response a view keeps and returns again carries them.',
  }, async () => {
    const shared = new Response('kept in a variable');
    const app = build((app) => {
      app.get('/tuple', function tuple() {
        return [shared, 404, { 'X-Set-By': 'the tuple' }];
      });
      app.get('/again', function again() {
        return shared;
      });
    });
    const first = await call(app, { path: '/tuple' });
    expect(first.status, first.says('[shared, 404, headers] should be a 404')).toBe(404);
    expect([shared.status, shared.headers.get('x-set-by')], 'the shared Response after a view returned [shared, 404, { "X-Set-By": "the tuple" }]: its status and header').toEqual([404, 'the tuple']);
    const again = await call(app, { path: '/again' });
    expect([again.status, again.header('x-set-by')], again.says('the same Response returned again carries what the tuple set')).toEqual([404, 'the tuple']);
  });

  test('an array is a tuple only with two or three items and a number second', {
    rules: ['V5'],
    hint: 'Check the length (2 or 3) and typeof result[1] === "number" before taking an array for a tuple; every other array is JSON.',
  }, async () => {
    const lists: unknown[][] = [[1, 2, 3, 4], ['a', 'b'], [{ id: '1' }, { id: '2' }], ['only']];
    const app = build((app) => app.get('/list/<int:n>', function list(_request, params) {
      return lists[params.n]!;
    }));
    for (const [n, list] of lists.entries()) {
      const answer = await call(app, { path: `/list/${n}` });
      expect(answer.status, answer.says(`the view returned ${JSON.stringify(list)}: JSON with 200`)).toBe(200);
      expect(answer.header('content-type'), answer.says(`the view returned ${JSON.stringify(list)}: JSON`)).toMatch(/^application\/json/);
      expect(JSON.parse(answer.text), answer.says(`the view returned ${JSON.stringify(list)}`)).toEqual(list);
    }
  });

  test('[body, status, headers] sets headers, given as a record or as pairs, replacing those of the body', {
    rules: ['V6'],
    hint: 'The third item is either { Name: value } or [[name, value], ...]: set each header on the response (set, not add: a Content-Type replaces the one the body had).',
  }, async () => {
    const app = build((app) => {
      app.post('/created', function created() {
        return ['created', 201, { Location: '/books/7', 'X-Id': '7' }];
      });
      app.post('/moved', function moved() {
        return ['', 303, [['Location', '/books/8'], ['X-Id', '8']]];
      });
      app.get('/export', function exportCsv() {
        return ['id,title\n1,SICP\n', 200, { 'Content-Type': 'text/csv' }];
      });
    });
    const created = await call(app, { method: 'POST', path: '/created', body: '' });
    expect([created.status, created.header('location'), created.header('x-id')], created.says('should be 201 with Location and X-Id')).toEqual([201, '/books/7', '7']);
    const moved = await call(app, { method: 'POST', path: '/moved', body: '' });
    expect([moved.status, moved.header('location'), moved.header('x-id')], moved.says('should be 303 with Location and X-Id')).toEqual([303, '/books/8', '8']);
    const csv = await call(app, { path: '/export' });
    const types = csv.headers.filter(([name]) => name.toLowerCase() === 'content-type').map(([, value]) => value);
    expect(types, csv.says('should have one Content-Type, the tuple\'s')).toEqual(['text/csv']);
  });

  test('text goes out as UTF-8 bytes, and says so', {
    rules: ['V2'],
    hint: 'A Response with a string body is encoded as UTF-8 when it is sent, and its Content-Type says charset=utf-8; nothing to count by hand.',
  }, async () => {
    const app = build((app) => app.get('/cafe', function cafe() {
      return 'Café ✓';
    }));
    const answer = await call(app, { path: '/cafe' });
    expect(show(answer.bytes), answer.says('the body should be the UTF-8 bytes of "Café ✓"')).toBe(show(new Uint8Array(Buffer.from('Café ✓', 'utf8'))));
    const base = await serveApp(app);
    const response = await request(base).get('/cafe');
    const says = told(response, 'GET /cafe');
    expect(response.status, says('should be a 200')).toBe(200);
    expect(response.text, says('should read back as "Café ✓"')).toBe('Café ✓');
    expect(response.headers['content-type'], says('should say charset=utf-8')).toMatch(/charset=utf-8/i);
  });

  test('makeResponse refuses what is not a page (undefined, null, a number, a boolean), naming where it came from', {
    rules: ['V7'],
    hint: 'Throw a TypeError whose message includes the `where` argument, so the learner knows which view forgot its return.',
  }, async () => {
    expect(bounded('makeResponse("hi", ...)', () => makeResponse('hi', 'the view "greet"')).status, 'makeResponse("hi", ...) should be a 200 page').toBe(200);
    for (const value of [undefined, null, 42, true]) {
      const error = await thrown(() => makeResponse(value, 'the view "forgetful"'));
      expect(error, `makeResponse(${String(value)}, 'the view "forgetful"') should throw a TypeError`).toBeInstanceOf(TypeError);
      expect((error as Error).message, `the error for ${String(value)} should name the view "forgetful"`).toContain('forgetful');
    }
  });
});

milestone('errors', () => {
  test('an unknown path is a 404 page', {
    rules: ['A6', 'E1'],
    points: 2,
    hint: 'The router says not-found: throw NotFound, catch it in handle(), and let #errorResponse answer with its toResponse().',
  }, async () => {
    const app = build((app) => app.get('/', function index() {
      return 'home';
    }));
    const answer = await call(app, { path: '/nowhere' });
    expect(answer.status, answer.says('should be a 404')).toBe(404);
    expect(answer.header('content-type'), answer.says('should be an HTML page')).toMatch(/^text\/html/);
  });

  test('a known path with another method is a 405 whose Allow header lists the methods', {
    rules: ['A7', 'E1'],
    points: 2,
    hint: 'The router says method-not-allowed with the allowed list: throw MethodNotAllowed(allowed); its page carries the Allow header.',
  }, async () => {
    const app = build((app) => {
      app.get('/books', function books() {
        return 'books';
      });
      app.route('/books/<int:id>', { methods: ['GET', 'PUT'] }, function book() {
        return 'a book';
      });
    });
    const answer = await call(app, { method: 'DELETE', path: '/books' });
    expect(answer.status, answer.says('should be a 405')).toBe(405);
    expect(methodsIn(answer.header('allow')), answer.says('Allow should list GET and HEAD')).toEqual(['GET', 'HEAD']);
    const put = await call(app, { method: 'POST', path: '/books/3', body: '' });
    expect(put.status, put.says('should be a 405')).toBe(405);
    expect(methodsIn(put.header('allow')), put.says('Allow should list GET, HEAD and PUT')).toEqual(['GET', 'HEAD', 'PUT']);
  });

  test('a view may throw an HttpException: NotFound is a 404, BadRequest a 400', { rules: ['E1'] }, async () => {
    const app = build((app) => {
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.get('/bad', function bad() {
        throw new BadRequest('no title');
      });
    });
    const missing = await call(app, { path: '/missing' });
    expect(missing.status, missing.says('should be a 404')).toBe(404);
    const bad = await call(app, { path: '/bad' });
    expect(bad.status, bad.says('should be a 400')).toBe(400);
    expect(bad.text, bad.saysHead('should be the error\'s own page, with its description')).toContain('no title');
  });

  test('no default error page prints what the client sent unescaped', {
    rules: ['E1'],
    points: 2,
    hint: 'Without a handler, answer with error.toResponse(): lab 5\'s pages escape the description. A page of your own that prints error.description or the path as they are is an open door.',
  }, async () => {
    const app = build((app) => {
      app.get('/books', function books() {
        return 'books';
      });
      app.get('/search', function search(request: RequestApi) {
        throw new BadRequest(`no book called ${request.args.get('q')}`);
      });
    });
    const payload = '<script>alert(1)</script>';
    const requests = [
      { path: `/search?q=${payload}` },
      { path: `/search?q=${encodeURIComponent(payload)}` },
      { path: `/${encodeURIComponent(payload)}` },
      { method: 'DELETE', path: `/books?${payload}` },
    ];
    for (const init of requests) {
      const answer = await call(app, init);
      expect(answer.status, answer.says('should be an error page')).toBeGreaterThanOrEqual(400);
      expect(answer.text, answer.saysHead('should not print <script> as it came')).not.toContain('<script>');
    }
  });

  test('errorHandler(404, ...) makes every 404 page: unknown URLs and NotFound from a view', {
    rules: ['E2'],
    points: 2,
    hint: 'Throw NotFound for the router\'s not-found too, so it reaches #errorResponse; look for a handler registered under the error\'s status first.',
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
      expect(answer.status, answer.says('should be a 404')).toBe(404);
      expect(answer.text, answer.saysHead("should be the handler's page")).toBe('<h1>Nothing on this shelf</h1>');
    }
  });

  test('errorHandler(SomeClass, ...) handles that class and its subclasses, with the error and the request', {
    rules: ['E3', 'E5'],
    points: 2,
    hint: 'Walk up the prototype chain of the error: the handler of a parent class also takes errors of its subclasses. Call it with (error, request) and turn its result into a response as a view\'s.',
  }, async () => {
    class Unpaid extends Error {}
    class LongUnpaid extends Unpaid {}
    const app = build((app) => {
      app.get('/invoice', function invoice() {
        throw new LongUnpaid('since March');
      });
      app.get('/bill', function bill() {
        throw new Unpaid('since May');
      });
      app.errorHandler(Unpaid, (error: Unpaid, request: RequestApi) => [{ pay: request.path, why: error.message }, 402]);
    });
    const answer = await call(app, { path: '/invoice' });
    expect(answer.status, answer.says('should be the handler\'s 402')).toBe(402);
    expect(answer.header('content-type'), answer.says('the handler returned an object: JSON')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text), answer.says('should be the handler\'s object, built from the error and the request')).toEqual({ pay: '/invoice', why: 'since March' });
    const bill = await call(app, { path: '/bill' });
    expect(JSON.parse(bill.text), bill.says('should be the handler\'s object for Unpaid itself')).toEqual({ pay: '/bill', why: 'since May' });
  });

  test('the nearest class wins, whatever order the handlers were registered in', {
    rules: ['E3'],
    points: 2,
    hint: 'Flask looks up handlers along the class chain from the error\'s own class upwards. Taking the first registered handler that matches (instanceof) is not enough.',
  }, async () => {
    const app = build((app) => {
      app.get('/type', function typeError() {
        throw new TypeError('t');
      });
      app.get('/range', function rangeError() {
        throw new RangeError('r');
      });
      app.errorHandler(Error, () => ['any error', 500]);
      app.errorHandler(TypeError, () => ['a type error', 500]);
    });
    const type = await call(app, { path: '/type' });
    expect(type.text, type.saysHead('a TypeError should get the TypeError handler, registered after the Error one')).toBe('a type error');
    const range = await call(app, { path: '/range' });
    expect(range.text, range.saysHead('a RangeError should get the Error handler')).toBe('any error');
    const reversed = build((app) => {
      app.get('/type', function typeError() {
        throw new TypeError('t');
      });
      app.errorHandler(TypeError, () => ['a type error', 500]);
      app.errorHandler(Error, () => ['any error', 500]);
    });
    const first = await call(reversed, { path: '/type' });
    expect(first.text, first.saysHead('a TypeError should get the TypeError handler, registered before the Error one')).toBe('a type error');
  });

  test('an async error handler is awaited: its page, not a promise', {
    rules: ['E5'],
    hint: 'await handler(error, request) before makeResponse: a promise is an object, and makeResponse would send it as JSON ({}).',
  }, async () => {
    const app = build((app) => {
      app.get('/gone', function gone() {
        throw new NotFound();
      });
      app.errorHandler(NotFound, async (error) => {
        await delay(1);
        return [`<h1>async page for ${(error as NotFound).status}</h1>`, 404];
      });
      app.errorHandler(RangeError, async () => {
        await delay(1);
        return 'a range page';
      });
      app.get('/range', function range() {
        throw new RangeError('r');
      });
    });
    const gone = await call(app, { path: '/gone' });
    expect([gone.status, gone.text], gone.says('the async handler\'s tuple')).toEqual([404, '<h1>async page for 404</h1>']);
    const range = await call(app, { path: '/range' });
    expect([range.status, range.text], range.says('the async handler\'s string')).toEqual([200, 'a range page']);
  });

  test('for an HttpException, a handler for its status beats a handler for its class', {
    rules: ['E4'],
    points: 2,
    hint: 'For an HttpException, look up its status first; only then walk the class chain.',
  }, async () => {
    const app = build((app) => {
      app.get('/bad', function bad() {
        throw new BadRequest();
      });
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.errorHandler(Error, () => ['any error', 500]);
      app.errorHandler(HttpException, () => ['an HTTP error', 418]);
      app.errorHandler(404, () => ['not found', 404]);
    });
    const bad = await call(app, { path: '/bad' });
    expect(bad.text, bad.saysHead('a BadRequest (no handler for 400) should get the HttpException handler')).toBe('an HTTP error');
    for (const path of ['/nowhere', '/missing']) {
      const answer = await call(app, { path });
      expect(answer.text, answer.saysHead('a 404 should get the handler for 404, not the one for its class')).toBe('not found');
    }
  });

  test("a handler's own status wins; a bare body takes the HTTP error's status", {
    rules: ['E6'],
    points: 2,
    hint: 'Give makeResponse the error\'s status as its third argument: a string or an object from the handler takes it, a tuple or a Response keeps its own (even 200).',
  }, async () => {
    class Quirk extends Error {}
    const app = build((app) => {
      app.get('/api/<int:id>', function item() {
        throw new BadRequest();
      });
      app.get('/quirk', function quirk() {
        throw new Quirk('odd');
      });
      app.get('/gone', function gone() {
        throw new BadRequest('gone');
      });
      app.errorHandler(404, (_error, request: RequestApi) => (request.path.startsWith('/app') ? ['<p>the single-page app</p>', 200] : '<h1>Lost?</h1>'));
      app.errorHandler(400, (_error, request: RequestApi) => (request.path === '/gone' ? new Response('gone for good', { status: 410 }) : { error: 'bad request' }));
      app.errorHandler(Quirk, () => 'handled quietly');
    });
    const cases: Array<[string, number, string]> = [
      ['/nowhere', 404, 'a bare string from the 404 handler should keep the 404'],
      ['/app/settings', 200, 'the 404 handler returned [page, 200]: its 200 should win'],
      ['/api/3', 400, 'a bare object from the 400 handler should keep the 400'],
      ['/gone', 410, 'the 400 handler returned a Response with 410: it should win'],
      ['/quirk', 200, 'a bare string for an error that is not an HttpException is a 200'],
    ];
    for (const [path, status, expectation] of cases) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says(expectation)).toBe(status);
    }
  });

  test('a custom 405 page keeps the Allow header', {
    rules: ['E7'],
    hint: 'After a handler answered a MethodNotAllowed, add Allow (the error\'s allowed list) if the handler\'s response has none.',
  }, async () => {
    const app = build((app) => {
      app.get('/books', function books() {
        return 'books';
      });
      app.route('/admin', { methods: ['GET', 'POST'] }, function admin() {
        return 'admin';
      });
      app.errorHandler(405, (_error, request: RequestApi) =>
        (request.path === '/admin' ? new Response('no', { status: 405, headers: { Allow: 'GET' } }) : ['<h1>Not that way</h1>', 405]));
    });
    const answer = await call(app, { method: 'DELETE', path: '/books' });
    expect(answer.status, answer.says('should be the handler\'s 405')).toBe(405);
    expect(answer.text, answer.saysHead('should be the handler\'s page')).toBe('<h1>Not that way</h1>');
    expect(methodsIn(answer.header('allow')), answer.says('should still list GET and HEAD in Allow')).toEqual(['GET', 'HEAD']);
    const own = await call(app, { method: 'DELETE', path: '/admin' });
    const allows = own.headers.filter(([name]) => name.toLowerCase() === 'allow').map(([, value]) => value);
    expect(allows, own.says('the handler set its own Allow: it should be kept, once')).toEqual(['GET']);
  });

  test('an error handler that fails gives a 500 page, not a crash, and the log has its error', {
    rules: ['E8'],
    hint: 'Call the handler inside a try: if it throws, answer with #serverError of that new error.',
  }, async () => {
    const app = build((app) => {
      app.get('/missing', function missing() {
        throw new NotFound();
      });
      app.errorHandler(404, () => {
        throw new Error('the 404 page is broken too');
      });
    });
    const errors = errorLog();
    const answer = await call(app, { path: '/missing', errors });
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    expect(errors.text, `tsgi.errors should have the handler's error; it has ${show(errors.text)}`).toContain('the 404 page is broken too');
  });

  test('in production (DEBUG off) a crash is a 500 that shows nothing of the error; the log has it with its stack', {
    rules: ['E9', 'E10'],
    points: 3,
    hint: 'Without DEBUG, answer with InternalServerError\'s page; write the error\'s stack to environ["tsgi.errors"] for the operator.',
  }, async () => {
    class VaultError extends Error {
      override name = 'VaultError';
    }
    const app = build((app) => app.get('/crash', function explodeOnPurpose() {
      throw new VaultError('db password is hunter2');
    }));
    const errors = errorLog();
    const answer = await call(app, { path: '/crash', errors });
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    for (const secret of ['hunter2', 'VaultError', 'explodeOnPurpose']) {
      expect(answer.text, answer.saysHead(`the page should not show "${secret}"`)).not.toContain(secret);
    }
    expect(errors.text, `tsgi.errors should have the message; it has ${show(errors.text)}`).toContain('hunter2');
    expect(errors.text, `tsgi.errors should have the stack (the view's name in it); it has ${show(errors.text)}`).toContain('explodeOnPurpose');
  });

  test('with DEBUG on, a crash shows the error, the request and the stack', {
    rules: ['E11'],
    points: 2,
    hint: 'debugPage(error, request): the error\'s name and message, request.method and request.url, and error.stack, each through escapeHtml.',
  }, async () => {
    class ShelfError extends Error {
      override name = 'ShelfError';
    }
    const app = build((app) => app.get('/crash', function crash() {
      const error = new ShelfError('the shelf fell');
      error.stack = '    at explodeOnPurpose (shelf.ts:12:7)'; // a stack without the name and the message
      throw error;
    }), { config: { DEBUG: true } });
    const answer = await call(app, { path: '/crash?page=2' });
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    expect(answer.header('content-type'), answer.says('should be an HTML page')).toMatch(/^text\/html/);
    for (const [what, text] of [['the name', 'ShelfError'], ['the message', 'the shelf fell'], ['the method', 'GET'], ['the URL', 'http://localhost/crash?page=2'], ['the stack', 'explodeOnPurpose']]) {
      expect(answer.text, answer.saysHead(`the page should show ${what}, ${text}`)).toContain(text);
    }
  });

  test('with DEBUG on, every value the debug page prints is escaped: name, message, URL, stack', {
    rules: ['E12'],
    points: 3,
    hint: 'Each piece of text on the debug page goes through escapeHtml: the title, the heading, the request line and the stack. A message, a name and a query string can all carry what a client typed.',
  }, async () => {
    const payload = '<script>alert(1)</script>';
    class Sneaky extends Error {
      override name = '<img src=x onerror=alert(2)>';
    }
    const app = build((app) => {
      app.get('/message', function message() {
        throw new Error(`bad input ${payload}`);
      });
      app.get('/name', function name() {
        throw new Sneaky('named');
      });
      app.get('/url', function url() {
        throw new Error('plain');
      });
      app.get('/stack', function stack() {
        const error = new Error('plain');
        error.stack = `Error: plain\n    at ${payload}`;
        throw error;
      });
    }, { config: { DEBUG: true } });
    const cases: Array<[string, string, string]> = [
      ['/message', payload, 'alert(1)'],
      ['/name', '<img', 'alert(2)'],
      [`/url?q="><svg onload=alert(3)>`, '<svg', 'alert(3)'],
      ['/stack', payload, 'alert(1)'],
    ];
    for (const [path, raw, visible] of cases) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 500')).toBe(500);
      expect(answer.text, answer.saysHead(`should show ${visible}, escaped`)).toContain(visible);
      expect(answer.text, answer.saysHead(`should not contain ${raw} as it came`)).not.toContain(raw);
    }
  });

  test('a view that returns nothing is a 500, and the log names the view', {
    rules: ['V7', 'E9'],
    hint: 'makeResponse gets a `where` such as `the view "forgetful"`; the TypeError it throws becomes a 500 and is logged.',
  }, async () => {
    const app = build((app) => app.get('/oops', (function forgetful() {}) as unknown as View));
    const errors = errorLog();
    const answer = await call(app, { path: '/oops', errors });
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    expect(errors.text, `tsgi.errors should name the view "forgetful"; it has ${show(errors.text)}`).toContain('forgetful');
  });

  test('a handler for 500 answers a thrown InternalServerError, and no unhandled bug', {
    rules: ['E13'],
    hint: 'The handler for 500 is found by status, so only an HttpException with status 500 reaches it; an error that no handler takes goes to #serverError.',
  }, async () => {
    const app = build((app) => {
      app.get('/down', function down() {
        throw new InternalServerError('maintenance');
      });
      app.get('/bug', function bug() {
        throw new TypeError('undefined is not a function');
      });
      app.errorHandler(500, () => ['<h1>Our own 500 page</h1>', 500]);
    });
    const down = await call(app, { path: '/down' });
    expect(down.text, down.saysHead('a thrown InternalServerError should get the 500 handler')).toBe('<h1>Our own 500 page</h1>');
    const bug = await call(app, { path: '/bug' });
    expect(bug.status, bug.says('should be a 500')).toBe(500);
    expect(bug.text, bug.saysHead('an unhandled TypeError should get the plain 500 page, not the handler\'s')).not.toContain('Our own 500 page');
  });

  test('whatever a view throws (a string, null, undefined, an Error with a status) is a 500, never a crash or a status handler\'s page', {
    rules: ['E14', 'E9', 'E12'],
    points: 2,
    hint: 'In #handlerFor, look a status up only for an HttpException (instanceof), and walk the class chain only for an object that is not null: Object.getPrototypeOf(null) throws.',
  }, async () => {
    const thrownBy: Array<[string, () => unknown]> = [
      ['a string', () => 'the shelf fell'],
      ['null', () => null],
      ['undefined', () => undefined],
      ['an Error with status 404', () => Object.assign(new Error('gone'), { status: 404 })],
      ['an object with status 404', () => ({ status: 404 })],
      ['Object.create(null), which String() cannot turn into text', () => Object.create(null)],
      ['an object whose prototype is Object.create(null)', () => Object.create(Object.create(null))],
    ];
    const app = build((app) => {
      thrownBy.forEach(([, value], i) => app.route(`/throws/${i}`, { endpoint: `throws${i}` }, function throwing() {
        throw value();
      }));
      app.errorHandler(404, () => ['<h1>our 404 page</h1>', 404]);
    });
    for (const [i, [what]] of thrownBy.entries()) {
      const errors = errorLog();
      const answer = await call(app, { path: `/throws/${i}`, errors });
      expect(answer.status, answer.says(`a view that throws ${what} should get a 500 (no handler takes it)`)).toBe(500);
      expect(answer.text, answer.saysHead(`a view that throws ${what} should not get the 404 handler's page`)).not.toContain('our 404 page');
      expect(errors.text, `tsgi.errors should have what the view threw (${what}); it has ${show(errors.text)}`).not.toBe('');
    }
    const debug = build((app) => app.get('/say', function say() {
      throw '<script>alert(4)</script>';
    }), { config: { DEBUG: true } });
    const answer = await call(debug, { path: '/say' });
    expect(answer.status, answer.says('a thrown string with DEBUG on should be a 500')).toBe(500);
    expect(answer.text, answer.saysHead('the debug page should show the thrown string, alert(4), escaped')).toContain('alert(4)');
    expect(answer.text, answer.saysHead('the debug page should not contain <script> as it was thrown')).not.toContain('<script>');
    const bare = build((app) => app.get('/bare', function bare() {
      throw Object.create(null);
    }), { config: { DEBUG: true } });
    const errors = errorLog();
    const page = await call(bare, { path: '/bare', errors });
    expect(page.status, page.says('a thrown Object.create(null) with DEBUG on should be a 500 (the debug page)')).toBe(500);
    expect(errors.text, `tsgi.errors should have a line for the thrown Object.create(null); it has ${show(errors.text)}`).not.toBe('');
  });

  test('tsgi.errors gets server errors only: a page, a redirect, a 404, a 405 and a handler\'s page write nothing', {
    rules: ['E15'],
    hint: 'Write to environ["tsgi.errors"] in #serverError (and for a failing teardown hook), not for every error handle() catches: an HttpException is the client\'s mistake.',
  }, async () => {
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.get('/books/', function books() {
        return 'books';
      });
      app.get('/refuse', function refuse() {
        throw new BadRequest('no title');
      });
      app.errorHandler(400, () => '<h1>please give a title</h1>');
      app.afterRequest((response) => response);
      app.teardown(() => {});
    });
    const requests: Array<[string, string, number]> = [
      ['GET', '/', 200],
      ['GET', '/books', 308],
      ['GET', '/nowhere', 404],
      ['DELETE', '/', 405],
      ['GET', '/refuse', 400],
    ];
    for (const [method, path, status] of requests) {
      const errors = errorLog();
      const answer = await call(app, { method, path, errors });
      expect(answer.status, answer.says(`should be a ${status}`)).toBe(status);
      expect(errors.text, `${method} ${path} (a ${status}, no server error) should write nothing to tsgi.errors; it wrote ${show(errors.text)}`).toBe('');
    }
  });
});

milestone('hooks', () => {
  test('before-request hooks, the view, after-request hooks, then teardown hooks, each in the order registered', {
    rules: ['H1', 'H4', 'H7'],
    points: 3,
    hint: 'Before hooks run first in #dispatch; after hooks get the response and the request in handle(); teardown hooks run last, with the error (undefined when all went well).',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest(() => void calls.push('before 1'));
      app.beforeRequest(() => void calls.push('before 2'));
      app.get('/', function index() {
        calls.push('view');
        return 'home';
      });
      app.afterRequest((response) => void calls.push(`after 1 (${response.status})`));
      app.afterRequest(() => void calls.push('after 2'));
      app.teardown((error) => void calls.push(`teardown 1 (${error === undefined ? 'no error' : String(error)})`));
      app.teardown(() => void calls.push('teardown 2'));
    });
    const answer = await call(app, { path: '/' });
    expect(answer.text, answer.saysHead('should be the view\'s page')).toBe('home');
    expect(calls, 'the order of the hooks and the view for GET /').toEqual(['before 1', 'before 2', 'view', 'after 1 (200)', 'after 2', 'teardown 1 (no error)', 'teardown 2']);
  });

  test('the view, every hook and the error handler get the same Request object', {
    rules: ['R1'],
    hint: 'Make one Request in handle() and pass that object to #dispatch, the hooks, #errorResponse and the handlers.',
  }, async () => {
    const seen: Array<[string, unknown]> = [];
    const app = build((app) => {
      app.beforeRequest((request) => void seen.push(['before hook', request]));
      app.get('/', function index(request: RequestApi) {
        seen.push(['view', request]);
        throw new NotFound();
      });
      app.errorHandler(404, (_error, request: RequestApi) => {
        seen.push(['error handler', request]);
        return ['gone', 404];
      });
      app.afterRequest((_response, request) => void seen.push(['after hook', request]));
      app.teardown((_error, request) => void seen.push(['teardown hook', request]));
    });
    const answer = await call(app, { path: '/' });
    expect(answer.status, answer.says('should be the handler\'s 404')).toBe(404);
    expect(seen.map(([who]) => who), 'who was called, for GET /').toEqual(['before hook', 'view', 'error handler', 'after hook', 'teardown hook']);
    for (const [who, request] of seen) {
      expect(request === seen[0]![1], `the ${who} should get the same Request object as the before hook`).toBe(true);
      expect((request as RequestApi | undefined)?.path, `the ${who} should get the request for /`).toBe('/');
    }
  });

  test('before-request hooks run before routing: for an unknown path and a wrong method too', {
    rules: ['H1'],
    points: 2,
    hint: 'Run the before hooks at the very start of #dispatch, before this.#router.match: Flask runs them whatever routing will say.',
  }, async () => {
    const seen: string[] = [];
    const app = build((app) => {
      app.beforeRequest((request) => {
        seen.push(`${request.method} ${request.path}`);
        if (request.path.startsWith('/private')) return ['Sign in first', 401];
      });
      app.get('/books', function books() {
        return 'books';
      });
    });
    const unknown = await call(app, { path: '/nowhere' });
    expect(unknown.status, unknown.says('should be a 404')).toBe(404);
    const wrong = await call(app, { method: 'DELETE', path: '/books' });
    expect(wrong.status, wrong.says('should be a 405')).toBe(405);
    expect(seen, 'the before hook should have seen GET /nowhere and DELETE /books').toEqual(['GET /nowhere', 'DELETE /books']);
    const hidden = await call(app, { path: '/private/plans' });
    expect([hidden.status, hidden.text], hidden.says('the before hook should answer for a path that no rule matches')).toEqual([401, 'Sign in first']);
  });

  test('a before-request hook that returns something answers instead of the view', {
    rules: ['H2'],
    points: 2,
    hint: 'The first before hook whose result is not undefined ends #dispatch: makeResponse(result). The other before hooks and the view do not run; after and teardown hooks still do.',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest((request) => {
        calls.push('login check');
        if (request.headers.get('x-user') === undefined) return [{ error: 'Sign in first' }, 401];
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
    expect(refused.status, refused.says('the hook\'s tuple should answer: 401')).toBe(401);
    expect(refused.header('content-type'), refused.says('the hook returned an object in its tuple: JSON')).toMatch(/^application\/json/);
    expect(JSON.parse(refused.text), refused.says('should be the hook\'s object')).toEqual({ error: 'Sign in first' });
    expect(calls, 'GET /account without X-User: the other before hook and the view should not run').toEqual(['login check', 'after (401)', 'teardown']);
    calls.length = 0;
    const allowed = await call(app, { path: '/account', headers: { 'X-User': 'ada' } });
    expect([allowed.status, allowed.text], allowed.says('should be the view\'s page')).toEqual([200, 'your account']);
    expect(calls, 'GET /account with X-User: every hook and the view').toEqual(['login check', 'before 2', 'view', 'after (200)', 'teardown']);
  });

  test('"other than undefined" exactly: an empty string answers with an empty page, null with a 500', {
    rules: ['H2', 'V7'],
    hint: 'Compare with undefined (result !== undefined), not truthiness: "" is an answer, and null is one too, which makeResponse refuses (a 500).',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest((request) => {
        if (request.path === '/empty') return '';
        if (request.path === '/null') return null as unknown as undefined;
      });
      app.get('/<name>', function page(_request, params) {
        calls.push(`view ${params.name}`);
        return 'the view';
      });
    });
    const empty = await call(app, { path: '/empty' });
    expect([empty.status, empty.text], empty.says('a before hook that returns "" answers: an empty page, 200')).toEqual([200, '']);
    const nothing = await call(app, { path: '/null', errors: errorLog() });
    expect(nothing.status, nothing.says('a before hook that returns null answers, and null is no page: a 500')).toBe(500);
    expect(calls, 'the view should run for neither /empty nor /null').toEqual([]);
  });

  test('a before-request hook that throws: the error page, no view, and teardown still runs', {
    rules: ['H3', 'H7'],
    hint: 'The before hooks run inside #dispatch, so what they throw is caught in handle() like a view\'s error.',
  }, async () => {
    const calls: string[] = [];
    const app = build((app) => {
      app.beforeRequest((request) => {
        if (request.path === '/gone') throw new NotFound();
        if (request.path === '/broken') throw new Error('the hook broke');
      });
      app.get('/gone', function gone() {
        calls.push('view');
        return 'home';
      });
      app.get('/broken', function broken() {
        calls.push('view');
        return 'home';
      });
      app.teardown((error) => void calls.push(`teardown (${(error as Error).name})`));
    });
    const gone = await call(app, { path: '/gone' });
    expect(gone.status, gone.says('should be the NotFound\'s 404')).toBe(404);
    const broken = await call(app, { path: '/broken' });
    expect(broken.status, broken.says('should be a 500')).toBe(500);
    expect(calls, 'no view; teardown with each error').toEqual(['teardown (NotFound)', 'teardown (Error)']);
  });

  test('an after-request hook can change the response, or return another that replaces it', {
    rules: ['H5'],
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
    expect(answer.status, answer.says('should be the replacement\'s 202')).toBe(202);
    expect(answer.text, answer.saysHead('should be the replacement\'s body')).toBe('replaced');
    expect(answer.header('x-third'), answer.says('the third hook should have changed the replacement')).toBe('3');
    expect(answer.header('x-first'), answer.says('X-First was set on the response that was replaced')).toBeUndefined();
  });

  test('what an after hook returns goes through makeResponse: a string is a new page, a number a 500', {
    rules: ['H5', 'H6'],
    hint: 'A result other than undefined replaces the response through makeResponse, as a view\'s: a number is its TypeError, so the error page (a 500).',
  }, async () => {
    const app = build((app) => {
      app.get('/text', function text() {
        return 'original';
      });
      app.get('/count', function count() {
        return 'original';
      });
      // The contract types an after hook's result as a Response; at run time anything goes through makeResponse.
      app.afterRequest((_response, request) => (request.path === '/text' ? 'replaced by a string' : undefined) as unknown as undefined);
      app.afterRequest((_response, request) => (request.path === '/count' ? 3 : undefined) as unknown as undefined);
    });
    const text = await call(app, { path: '/text' });
    expect([text.status, text.header('content-type'), text.text], text.says('an after hook that returns a string: a new HTML page')).toEqual([200, expect.stringMatching(/^text\/html/), 'replaced by a string']);
    const count = await call(app, { path: '/count', errors: errorLog() });
    expect(count.status, count.says('an after hook that returns a number (3): no page, a 500')).toBe(500);
  });

  test('after-request hooks run on every response: 404, 405, 500, a handler\'s page, a before hook\'s answer', {
    rules: ['H4'],
    points: 2,
    hint: 'Run the after hooks in handle(), after the try/catch around #dispatch, whatever made the response.',
  }, async () => {
    const app = build((app) => {
      app.beforeRequest((request) => (request.path === '/early' ? ['early', 200] : undefined));
      app.get('/books', function books() {
        return 'books';
      });
      app.get('/crash', function crash() {
        throw new Error('crash');
      });
      app.get('/teapot', function teapot() {
        throw new RangeError('short and stout');
      });
      app.errorHandler(RangeError, () => ['a teapot', 418]);
      app.afterRequest((response, request) => {
        response.headers.set('X-Content-Type-Options', 'nosniff');
        response.headers.set('X-Path', request.path);
      });
    });
    const requests: Array<[{ method?: string; path: string }, number]> = [
      [{ path: '/books' }, 200],
      [{ path: '/nowhere' }, 404],
      [{ method: 'DELETE', path: '/books' }, 405],
      [{ path: '/crash' }, 500],
      [{ path: '/teapot' }, 418],
      [{ path: '/early' }, 200],
    ];
    for (const [init, status] of requests) {
      const answer = await call(app, init);
      expect(answer.status, answer.says(`should be a ${status}`)).toBe(status);
      expect(answer.header('x-content-type-options'), answer.says('the after hook should have set X-Content-Type-Options')).toBe('nosniff');
      expect(answer.header('x-path'), answer.says('the after hook should have got the request')).toBe(init.path);
    }
  });

  test('async hooks are awaited, in order', { rules: ['H10'] }, async () => {
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
        calls.push('after');
        response.headers.set('X-Late', 'yes');
      });
      app.teardown(async () => {
        await delay(5);
        calls.push('teardown');
      });
    });
    const answer = await call(app, { path: '/' });
    expect(answer.text, answer.saysHead('should be the view\'s page')).toBe('home');
    expect(answer.header('x-late'), answer.says('the async after hook should have set X-Late before the response went out')).toBe('yes');
    expect(calls, 'each hook should finish before the next step').toEqual(['before', 'view', 'after', 'teardown']);
  });

  test('teardown runs after a view fails, and gets the error; the client still gets the error page', {
    rules: ['H7'],
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
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    expect(seen.map((e) => (e as Error | undefined)?.message), 'teardown should have run once, with the view\'s error').toEqual(['kaboom']);
  });

  test('teardown gets the first error of the request: a NotFound, or the view\'s when an after hook fails too', {
    rules: ['H7'],
    hint: 'failure = the error caught around #dispatch; an after hook\'s error only fills it when it is still empty (failure ??= error).',
  }, async () => {
    const seen: string[] = [];
    const app = build((app) => {
      app.get('/crash', function crash() {
        throw new Error('the view broke');
      });
      app.afterRequest((_response, request) => {
        if (request.path === '/crash') throw new Error('the after hook broke');
      });
      app.teardown((error) => void seen.push(error === undefined ? 'no error' : `${(error as Error).name}: ${(error as Error).message}`));
    });
    const missing = await call(app, { path: '/nowhere' });
    expect(missing.status, missing.says('should be a 404')).toBe(404);
    const crash = await call(app, { path: '/crash' });
    expect(crash.status, crash.says('should be a 500')).toBe(500);
    expect(seen, 'teardown should get the NotFound for /nowhere, and the view\'s error for /crash').toEqual([
      expect.stringMatching(/^NotFound/),
      'Error: the view broke',
    ]);
  });

  test('an after-request hook that fails makes the response its error\'s page; later after hooks skip, teardown runs', {
    rules: ['H6', 'H7'],
    points: 2,
    hint: 'Put the after hooks in a try of their own: a failure there becomes the error response (#errorResponse), and teardown still follows.',
  }, async () => {
    const seen: unknown[] = [];
    const calls: string[] = [];
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.get('/hidden', function hidden() {
        return 'hidden';
      });
      app.afterRequest((_response, request) => {
        if (request.path === '/hidden') throw new NotFound();
        throw new Error('after hook broke');
      });
      app.afterRequest(() => void calls.push('second after hook'));
      app.teardown((error) => void seen.push(error));
    });
    const answer = await call(app, { path: '/' });
    expect(answer.status, answer.says('should be a 500')).toBe(500);
    const hidden = await call(app, { path: '/hidden' });
    expect(hidden.status, hidden.says('the after hook threw NotFound: a 404')).toBe(404);
    expect(calls, 'the after hook registered after the failing one should not run').toEqual([]);
    expect(seen.map((e) => (e as Error | undefined)?.name), 'teardown should get each after hook\'s error').toEqual(['Error', 'NotFound']);
  });

  test('a teardown hook cannot change the response', {
    rules: ['H8'],
    hint: 'Call each teardown hook and ignore what it returns: the response was decided before teardown began.',
  }, async () => {
    const app = build((app) => {
      app.get('/', function index() {
        return 'home';
      });
      app.teardown(() => new Response('replaced by teardown', { status: 500 }) as unknown as void);
    });
    const answer = await call(app, { path: '/' });
    expect([answer.status, answer.text], answer.says('should be the view\'s page, whatever teardown returned')).toEqual([200, 'home']);
  });

  test('a failing teardown hook changes nothing: the response stands, the other hooks run, the log has it', {
    rules: ['H9'],
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
    expect([answer.status, answer.text], answer.says('should be the view\'s page')).toEqual([200, 'home']);
    expect(calls, 'the last teardown hook should still run').toEqual(['last teardown']);
    expect(errors.text, `tsgi.errors should have the first hook's error; it has ${show(errors.text)}`).toContain('teardown broke');
    expect(errors.text, `tsgi.errors should have the async hook's error; it has ${show(errors.text)}`).toContain('async teardown broke');
  });
});
