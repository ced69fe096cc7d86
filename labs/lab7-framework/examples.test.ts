// Visible examples for lab 7: run them with `npm run examples lab7`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab7`) check much
// more. Add your own tests here freely.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import { Response } from '#toolkit';
import type { Environ, TsgiErrors, TsgiHeaders } from '#contracts/tsgi';
import { App, Config, CsvFileSource, JsonFileSource, createDemo, makeResponse } from './index.ts';

/** Plays the gateway for one request: builds an environ, calls app.tsgi, collects the answer. */
async function call(app: App, method: string, target: string, options: { body?: string; errors?: TsgiErrors } = {}) {
  const [path = '', query = ''] = target.split('?');
  let body = new TextEncoder().encode(options.body ?? '');
  const environ: Environ = {
    REQUEST_METHOD: method,
    SCRIPT_NAME: '',
    // As lab 3's gateway does: the path percent-decoded, its bytes as text (one character each).
    PATH_INFO: Buffer.from(decodeURIComponent(path), 'utf8').toString('latin1'),
    QUERY_STRING: query,
    SERVER_NAME: 'localhost',
    SERVER_PORT: '5000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': {
      read: async () => {
        const all = body;
        body = new Uint8Array(0);
        return all;
      },
      async *[Symbol.asyncIterator]() {
        if (body.length > 0) yield body;
        body = new Uint8Array(0);
      },
    },
    'tsgi.errors': options.errors ?? { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  if (options.body !== undefined) {
    environ.CONTENT_TYPE = 'application/x-www-form-urlencoded';
    environ.CONTENT_LENGTH = String(body.length);
  }
  let status = '';
  let headers: TsgiHeaders = [];
  const chunks: Uint8Array[] = [];
  for await (const chunk of await app.tsgi(environ, (s, h) => {
    status = s;
    headers = h;
  })) {
    chunks.push(chunk);
  }
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  return { status, headers, header, text: Buffer.concat(chunks).toString('utf8') };
}

/** Temporary folders with these files in them (path to content); removed after each test. */
const folders: string[] = [];
function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'lab7-examples-'));
  folders.push(folder);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

milestone('routes-and-views', () => {
  test('routes a request to a view and sends the string it returns as HTML', {
    rules: ['A2', 'A5', 'V1', 'V2'],
    hint: 'route() adds the rule to a Router with the view\'s name as endpoint; handle() matches the path and calls the view.',
  }, async () => {
    const app = new App();
    app.get('/shelves/<int:n>', function shelf(request, params) {
      return `<h1>Shelf ${params.n + 1}</h1>`;
    });
    const answer = await call(app, 'GET', '/shelves/4');
    expect(answer.status).toBe('200 OK');
    expect(answer.header('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.text).toBe('<h1>Shelf 5</h1>');
    expect(app.urlFor('shelf', { n: 12 })).toBe('/shelves/12');
  });

  test('a view answers the methods it lists; a path without its trailing slash is redirected', {
    rules: ['A1', 'A8'],
    hint: 'Pass options.methods on to the router; a redirect match becomes a 308 to the path with its slash.',
  }, async () => {
    const app = new App();
    app.route('/notes', { methods: ['POST'] }, function add_note() {
      return 'saved';
    });
    app.get('/help/', function help() {
      return 'help';
    });
    expect((await call(app, 'POST', '/notes', { body: 'text=hi' })).text).toBe('saved');
    const redirect = await call(app, 'GET', '/help');
    expect(redirect.status).toBe('308 Permanent Redirect');
    expect(redirect.header('location')).toBe('/help/');
  });
});

milestone('responses', () => {
  test('an object is JSON; a tuple sets the status and headers', {
    rules: ['V4', 'V5', 'V6'],
    hint: 'makeResponse: a plain object or array goes through Response.json; [body, status, headers] applies the status and headers to the body\'s response.',
  }, async () => {
    const app = new App();
    app.get('/stock', function stock() {
      return { tea: 3, jam: 0 };
    });
    app.post('/stock', function restock() {
      return [{ ok: true }, 201, { Location: '/stock' }];
    });
    const list = await call(app, 'GET', '/stock');
    expect(list.header('content-type')).toBe('application/json');
    expect(JSON.parse(list.text)).toEqual({ tea: 3, jam: 0 });
    const created = await call(app, 'POST', '/stock', { body: '' });
    expect(created.status).toBe('201 Created');
    expect(created.header('location')).toBe('/stock');
  });

  test('makeResponse keeps a Response as it is, and refuses undefined', {
    rules: ['V3', 'V7'],
    hint: 'A Response goes out untouched; undefined, null, a number or a boolean is a TypeError that names `where`.',
  }, () => {
    const teapot = new Response('short and stout', { status: 418 });
    expect(makeResponse(teapot, 'the view "pot"')).toBe(teapot);
    expect(() => makeResponse(undefined, 'the view "nothing"')).toThrow(TypeError);
    expect(() => makeResponse(undefined, 'the view "nothing"')).toThrow(/nothing/);
  });
});

milestone('errors', () => {
  test('an unknown path is a 404; a known path with another method is a 405 with Allow', {
    rules: ['A6', 'A7'],
    hint: 'Turn the router\'s not-found and method-not-allowed into NotFound and MethodNotAllowed, and send their pages.',
  }, async () => {
    const app = new App();
    app.get('/menu', function menu() {
      return 'menu';
    });
    expect((await call(app, 'GET', '/drinks')).status).toBe('404 Not Found');
    const wrong = await call(app, 'DELETE', '/menu');
    expect(wrong.status).toBe('405 Method Not Allowed');
    expect(wrong.header('allow')).toBe('GET, HEAD');
  });

  test('an error handler makes the 404 page; a crash is a 500 that tells nothing, and is logged', {
    rules: ['E2', 'E9', 'E10'],
    hint: 'errorHandler(404, ...) takes every NotFound; any other error is a 500 page, with the stack written to tsgi.errors.',
  }, async () => {
    const app = new App();
    app.errorHandler(404, () => 'Nothing on this shelf');
    app.get('/crash', function crash() {
      throw new Error('the password is hunter2');
    });
    const missing = await call(app, 'GET', '/nowhere');
    expect([missing.status, missing.text]).toEqual(['404 Not Found', 'Nothing on this shelf']);
    const log = { text: '', write: (text: string) => void (log.text += text), flush: () => {} };
    const crash = await call(app, 'GET', '/crash', { errors: log });
    expect(crash.status).toBe('500 Internal Server Error');
    expect(crash.text).not.toContain('hunter2');
    expect(log.text).toContain('hunter2');
  });
});

milestone('hooks', () => {
  test('before hooks, the view, after hooks, then teardown hooks', {
    rules: ['H1', 'H4', 'H7'],
    hint: 'handle(): before hooks, then the view, then after hooks with the response, then teardown hooks, always.',
  }, async () => {
    const app = new App();
    const order: string[] = [];
    app.beforeRequest(() => void order.push('before'));
    app.afterRequest(() => void order.push('after'));
    app.teardown(() => void order.push('teardown'));
    app.get('/', function home() {
      order.push('view');
      return 'home';
    });
    await call(app, 'GET', '/');
    expect(order).toEqual(['before', 'view', 'after', 'teardown']);
  });

  test('a before hook that returns something answers instead of the view; an after hook may change the response', {
    rules: ['H2', 'H5'],
    hint: 'The first before hook that returns a value ends the dispatch; an after hook gets the response and may set headers on it.',
  }, async () => {
    const app = new App();
    app.beforeRequest((request) => (request.path === '/admin' ? ['Sign in first', 401] : undefined));
    app.afterRequest((response) => void response.headers.set('X-Served-By', 'examples'));
    app.get('/admin', function admin() {
      return 'secret settings';
    });
    const answer = await call(app, 'GET', '/admin');
    expect([answer.status, answer.text]).toEqual(['401 Unauthorized', 'Sign in first']);
    expect(answer.header('x-served-by')).toBe('examples');
  });
});

milestone('templates', () => {
  test('renderTemplate renders a template of the templateFolder, with url_for', {
    rules: ['T1', 'T2'],
    hint: 'Make an Environment over a FileSystemLoader of templateFolder; add urlFor, url_for and config to the context.',
  }, () => {
    const folder = folderWith({ 'hello.html': '<p>Hi {{ name }}</p><a href="{{ url_for("home") }}">home</a>' });
    const app = new App({ templateFolder: folder });
    app.get('/', function home() {
      return 'home';
    });
    expect(app.renderTemplate('hello.html', { name: 'Sam & Co' })).toBe('<p>Hi Sam &amp; Co</p><a href="/">home</a>');
  });

  test('nunjucks renders the same folder the same way; no folder is an error', {
    rules: ['T3', 'T4'],
    hint: 'templateEngine "nunjucks" uses nunjucks\'s Environment with autoescape on; without a templateFolder, throw.',
  }, () => {
    const folder = folderWith({ 'list.html': '{% for x in items %}<li>{{ x|upper }}</li>{% endfor %}' });
    const course = new App({ templateFolder: folder });
    const nunjucks = new App({ templateFolder: folder, templateEngine: 'nunjucks' });
    const context = { items: ['a<b', 'c'] };
    expect(course.renderTemplate('list.html', context)).toBe('<li>A&lt;B</li><li>C</li>');
    expect(nunjucks.renderTemplate('list.html', context)).toBe(course.renderTemplate('list.html', context));
    expect(() => new App().renderTemplate('list.html')).toThrow(/templateFolder/);
  });
});

milestone('static-and-config', () => {
  test('files of the staticFolder are served under /static/, and nothing outside it', {
    rules: ['S1', 'S2', 'S5'],
    hint: 'Resolve the name inside the folder; refuse (404) a path that does not start with the folder plus a separator.',
  }, async () => {
    const root = folderWith({ 'public/site.css': 'body { color: teal }', 'secret.txt': 'do not serve' });
    const app = new App({ staticFolder: join(root, 'public') });
    const css = await call(app, 'GET', '/static/site.css');
    expect(css.status).toBe('200 OK');
    expect(css.header('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toBe('body { color: teal }');
    // %2F is a slash once decoded: the file name is ../secret.txt, outside the static folder.
    expect((await call(app, 'GET', '/static/..%2Fsecret.txt')).status).toBe('404 Not Found');
  });

  test('config reads UPPERCASE keys from objects, and prefixed variables from the environment', {
    rules: ['C2', 'C3', 'C4'],
    hint: 'fromObject keeps keys equal to their uppercase; fromEnv strips the prefix and JSON.parses the value when it can.',
  }, () => {
    const config = new Config();
    config.fromObject({ SITE_NAME: 'Bookshelf', helper: 'not a setting' });
    config.fromEnv('SHELF_', { SHELF_DEBUG: 'true', SHELF_PAGE_SIZE: '25', SHELF_THEME: 'dark', HOME: '/root' });
    expect(config.get('SITE_NAME')).toBe('Bookshelf');
    expect(config.get('helper')).toBeUndefined();
    expect([config.get('DEBUG'), config.get('PAGE_SIZE'), config.get('THEME'), config.get('HOME')]).toEqual([true, 25, 'dark', undefined]);
  });
});

milestone('data', () => {
  test('a JSON file source: all, get and search', {
    rules: ['D1', 'D5', 'D6'],
    hint: 'Read the file on first use and keep the records; search looks in the listed fields, ignoring case.',
  }, async () => {
    const folder = folderWith({
      'teas.json': JSON.stringify([
        { id: '1', name: 'Sencha', origin: 'Japan' },
        { id: '2', name: 'Assam', origin: 'India' },
        { id: '3', name: 'Darjeeling', origin: 'India' },
      ]),
    });
    const teas = new JsonFileSource<{ id: string; name: string; origin: string }>(join(folder, 'teas.json'));
    expect((await teas.all()).length).toBe(3);
    expect(await teas.get('2')).toEqual({ id: '2', name: 'Assam', origin: 'India' });
    expect(await teas.get('9')).toBeUndefined();
    expect((await teas.search('INDIA', ['origin'])).map((tea) => tea.name)).toEqual(['Assam', 'Darjeeling']);
  });

  test('add gives the next id; a CSV source reads quoted fields', {
    rules: ['D7', 'D8', 'D9'],
    hint: 'The new id is one more than the largest numeric id, as a string. Without persist, the file is left as it was.',
  }, async () => {
    const folder = folderWith({
      'teas.json': '[{ "id": "4", "name": "Oolong" }]',
      'shops.csv': 'id,name,city\n1, Leaf & Co ,Leeds\n2,"Cups, Pots and More",York\n',
    });
    const teas = new JsonFileSource<{ id: string; name: string }>(join(folder, 'teas.json'));
    expect(await teas.add({ name: 'Rooibos' })).toEqual({ id: '5', name: 'Rooibos' });
    expect(await teas.get('5')).toEqual({ id: '5', name: 'Rooibos' });
    expect(readFileSync(join(folder, 'teas.json'), 'utf8')).toBe('[{ "id": "4", "name": "Oolong" }]');
    const shops = new CsvFileSource<{ id: string; name: string; city: string }>(join(folder, 'shops.csv'));
    expect(await shops.get('1')).toEqual({ id: '1', name: 'Leaf & Co', city: 'Leeds' });
    expect((await shops.get('2'))?.name).toBe('Cups, Pots and More');
  });
});

milestone('demo', () => {
  test("the bookshelf shows a book's page, with its author", {
    rules: ['V1', 'D5', 'D9'],
    hint: 'If this fails while the other milestones pass, run the demo (see the lab README) and open the page in a browser.',
  }, async () => {
    const answer = await call(createDemo(), 'GET', '/books/2');
    expect(answer.status).toBe('200 OK');
    expect(answer.text).toContain('Structure and Interpretation of Computer Programs');
    expect(answer.text).toContain('Harold Abelson');
  });

  test('the bookshelf searches summaries, and lists its books as JSON', {
    rules: ['D6', 'V4'],
    hint: 'The demo\'s /search and /api/books views use JsonFileSource.search and .all.',
  }, async () => {
    const app = createDemo();
    const found = await call(app, 'GET', '/search?q=scheme');
    expect(found.text).toContain('Structure and Interpretation of Computer Programs');
    expect(found.text).not.toContain('The C Programming Language');
    const api = await call(app, 'GET', '/api/books');
    const books = JSON.parse(api.text) as Array<{ id: string; year: number }>;
    expect(books.find((book) => book.id === '3')?.year).toBe(1978);
  });
});
