// Hidden tests for lab 7: templates (with either engine), static files and configuration. Every
// file a test needs is written to a fresh folder under the system's temp folder. Failures show the
// template and its context, the request and the whole response, or the environment given to fromEnv.
import request from 'supertest';
import { join, relative } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type { AppOptions } from '#contracts/framework';
import { markSafe } from '#templates';
import { App, Config } from '@lab/framework';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { call, closeServers, removeTempFolders, serveApp, tempFolder, thrown, told } from './helpers.ts';

afterEach(closeServers);
afterAll(removeTempFolders);

function build(setup: (app: App) => void, options?: AppOptions): App {
  return bounded('new App() and registering its views', () => {
    const app = new App(options);
    setup(app);
    return app;
  });
}

const templates: Record<string, string> = {
  'hello.html': '<h1>Hello, {{ name }}!</h1>',
  'base.html': '<title>{% block title %}Shelf{% endblock %}</title><main>{% block body %}{% endblock %}</main>',
  'page.html': '{% extends "base.html" %}{% block title %}{{ heading }} - {{ super() }}{% endblock %}{% block body %}<p>{{ text }}</p>{% endblock %}',
  'links.html': '<a href="{{ url_for("book", { id: 3 }) }}">{{ urlFor("index") }}</a>',
  'site.html': '<footer>{{ config.get("SITE_NAME") }}</footer>',
  'list.html': '{% extends "base.html" %}{% block body %}{% for b in books %}<li>{{ loop.index }}. {{ b.title }}</li>{% else %}none{% endfor %}{% endblock %}',
  // nunjucks escapes a backslash as &#92;; lab 6's engine, as Jinja2, leaves it (lesson 6, "Jinja2 and nunjucks").
  'slash.html': '{{ path }}',
  'raw.html': '<div>{{ html }}</div><p>{{ text }}</p>',
};

/** A template, its context and what came out, for a failure to show. */
function rendered(name: string, context: Record<string, unknown>, page: unknown): string {
  return `renderTemplate(${JSON.stringify(name)}, ${JSON.stringify(context)}) of the template ${show(templates[name] ?? '')} gave ${show(String(page))}`;
}

/** An app over the templates above, with the endpoints `index` and `book`. */
function templated(options: AppOptions = {}): App {
  const folder = tempFolder(templates);
  return build((app) => {
    app.get('/', function index() {
      return app.renderTemplate('page.html', { heading: 'Home', text: 'Welcome <friend>' });
    });
    app.get('/books/<int:id>', function book() {
      return 'a book';
    });
  }, { templateFolder: folder, ...options });
}

/** Renders inside a time bound, and says what it rendered. */
function render(app: App, name: string, context: Record<string, unknown> = {}): { page: string; story: string } {
  const page = bounded(`app.renderTemplate(${JSON.stringify(name)})`, () => app.renderTemplate(name, context));
  return { page, story: rendered(name, context, page) };
}

milestone('templates', () => {
  test('renderTemplate renders a template of the templateFolder with its context, escaping what it prints', {
    rules: ['T1'],
    points: 2,
    hint: 'Make the renderer in the constructor (makeRenderer), then render(name, context) with it.',
  }, () => {
    const app = templated();
    const { page, story } = render(app, 'hello.html', { name: '<Ada>' });
    expect(page, story).toBe('<h1>Hello, &lt;Ada&gt;!</h1>');
  });

  test('templates inherit: extends, blocks and super()', { rules: ['T1'] }, () => {
    const app = templated();
    const { page, story } = render(app, 'page.html', { heading: 'About', text: 'hi' });
    expect(page, story).toBe('<title>About - Shelf</title><main><p>hi</p></main>');
  });

  test("url_for and urlFor in a template build the URLs of the app's endpoints", {
    rules: ['T2'],
    points: 2,
    hint: 'Put a urlFor function into the context under both names: urlFor and url_for (the name Flask\'s templates use).',
  }, () => {
    const app = templated();
    const { page, story } = render(app, 'links.html');
    expect(page, story).toBe('<a href="/books/3">/</a>');
  });

  test('the config is in every template; a context value of the same name wins over it', {
    rules: ['T2'],
    hint: 'The context goes on top of urlFor, url_for and config: spread it last.',
  }, () => {
    const app = templated({ config: { SITE_NAME: 'Bookshelf' } });
    const site = render(app, 'site.html');
    expect(site.page, site.story).toBe('<footer>Bookshelf</footer>');
    const mine = { config: { get: (key: string) => `my own ${key}` } };
    const own = render(app, 'site.html', mine);
    expect(own.page, own.story).toBe('<footer>my own SITE_NAME</footer>');
    const link = render(app, 'links.html', { url_for: () => '/elsewhere' });
    expect(link.page, link.story).toBe('<a href="/elsewhere">/</a>');
  });

  test('a view returns a rendered page, and it is served as HTML', { rules: ['T1'] }, async () => {
    const answer = await call(templated(), { path: '/' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be HTML')).toMatch(/^text\/html/);
    expect(answer.text, answer.saysHead('should be page.html, rendered and escaped')).toBe('<title>Home - Shelf</title><main><p>Welcome &lt;friend&gt;</p></main>');
  });

  test("templateEngine: 'nunjucks' renders with nunjucks, escaping, and gives the same pages as the course's engine", {
    rules: ['T3'],
    points: 2,
    hint: 'makeRenderer: nunjucks has an Environment and a FileSystemLoader of its own, which take the same folder. Give it autoescape: true (its default too; false would print scripts).',
  }, () => {
    const course = templated();
    const nunjucks = templated({ templateEngine: 'nunjucks' });
    const pages: Array<[string, Record<string, unknown>]> = [
      ['hello.html', { name: '<Ada>' }],
      ['page.html', { heading: 'Home', text: 'Welcome <friend>' }],
      ['links.html', {}],
      ['list.html', { books: [{ title: 'SICP' }, { title: 'K&R' }] }],
      ['list.html', { books: [] }],
    ];
    for (const [name, context] of pages) {
      const expected = bounded('renderTemplate (course engine)', () => course.renderTemplate(name, context));
      const actual = render(nunjucks, name, context);
      expect(actual.page, `with nunjucks, ${actual.story}; the course's engine gave ${show(expected)}`).toBe(expected);
    }
    const slash = render(nunjucks, 'slash.html', { path: 'C:\\docs' });
    expect(slash.page, `nunjucks escapes a backslash as &#92; (lab 6's engine leaves it): ${slash.story}`).toBe('C:&#92;docs');
  });

  test("without templateEngine, lab 6's engine renders: what lab 6's markSafe marked is printed as it is", {
    rules: ['T5', 'T1'],
    hint: "makeRenderer: any engine but 'nunjucks' is this course's Environment (lab 6) over a FileSystemLoader of the folder; nunjucks escapes lab 6's safe strings.",
  }, () => {
    const context = { html: markSafe('<b>bold</b>'), text: '<i>typed</i>' };
    const page = render(templated(), 'raw.html', context);
    expect(page.page, `the value marked safe should be printed as it is: ${page.story} (html is markSafe('<b>bold</b>'))`).toContain('<div><b>bold</b></div>');
    expect(page.page, `the text not marked safe should still be escaped: ${page.story}`).not.toContain('<i>');
  });

  test('renderTemplate without a templateFolder is an error', {
    rules: ['T4'],
    hint: 'Throw an Error that names the templateFolder option, so the fix is obvious; an empty page would hide the mistake.',
  }, async () => {
    const app = build(() => {});
    const error = await thrown(() => app.renderTemplate('hello.html'));
    expect(error, `renderTemplate("hello.html") on new App() (no templateFolder) should throw; it gave ${show(String(error))}`).toBeInstanceOf(Error);
    expect((error as Error).message, 'the error should be your own, not the TODO stub').not.toMatch(/TODO/);
    // package.json is in the working directory the grade runs in: no folder means no fallback to it.
    const fallback = await thrown(() => app.renderTemplate('package.json'));
    expect(fallback, `renderTemplate("package.json") on new App() (no templateFolder) should throw, not render a file of the working directory; it gave ${show(String(fallback).slice(0, 80))}`).toBeInstanceOf(Error);
  });
});

milestone('static-and-config', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x80, 0xc3, 0x28]);

  /** <root>/public is the static folder; the secrets next to it must stay out of reach. */
  function site() {
    const root = tempFolder({
      'public/style.css': 'body { color: teal; }\n',
      'public/img/logo.png': png,
      'public/img/LOGO.PNG': png,
      'public/js/app.js': 'console.log("hi");\n',
      'public/notes.xyz': '<script>alert(1)</script>',
      'public/LICENSE': '<b>MIT</b>',
      'secret.txt': 'TOP SECRET',
      'public-keys/key.txt': 'SECRET KEY',
    });
    const app = build((app) => app.get('/', function index() {
      return 'home';
    }), { staticFolder: `${root}/public` });
    return { root, app };
  }

  test('files of the static folder are served under /static/, bytes as they are, with their type', {
    rules: ['S2'],
    points: 2,
    hint: 'staticFile reads the file as bytes (no text decoding) and picks the Content-Type from TYPES by its extension, in lower case.',
  }, async () => {
    const { app } = site();
    const css = await call(app, { path: '/static/style.css' });
    expect(css.status, css.says('should be a 200')).toBe(200);
    expect(css.header('content-type'), css.says('should be CSS')).toMatch(/^text\/css/);
    expect(css.text, css.saysHead('should be the file')).toBe('body { color: teal; }\n');
    const js = await call(app, { path: '/static/js/app.js' });
    expect(js.header('content-type'), js.says('should be JavaScript')).toMatch(/^text\/javascript/);
    for (const path of ['/static/img/logo.png', '/static/img/LOGO.PNG']) {
      const logo = await call(app, { path });
      expect(logo.header('content-type'), logo.says('should be a PNG, whatever the case of the extension')).toBe('image/png');
      expect(show(logo.bytes), logo.says('should be the bytes of the file, exactly')).toBe(show(png));
    }
  });

  test('a file whose extension is unknown, or that has none, is application/octet-stream', {
    rules: ['S3'],
    hint: 'TYPES has no entry for it: give application/octet-stream, never the Response\'s default (HTML), or the browser runs what is in the file.',
  }, async () => {
    const { app } = site();
    for (const path of ['/static/notes.xyz', '/static/LICENSE']) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 200')).toBe(200);
      expect(answer.header('content-type'), answer.says('should be application/octet-stream')).toBe('application/octet-stream');
    }
  });

  test('urlFor("static", { filename }) gives the URL of a static file; without a static folder there is no such rule', {
    rules: ['S1'],
    hint: 'The constructor registers /static/<path:filename> with the endpoint "static", only when options.staticFolder is set.',
  }, async () => {
    const { app } = site();
    expect(app.urlFor('static', { filename: 'img/logo.png' }), 'urlFor("static", { filename: "img/logo.png" })').toBe('/static/img/logo.png');
    const plain = build((app) => app.get('/', function index() {
      return 'home';
    }));
    expect(() => plain.urlFor('static', { filename: 'style.css' }), 'urlFor("static") on an app without a staticFolder should throw').toThrow();
    const answer = await call(plain, { path: '/static/style.css' });
    expect(answer.status, answer.says('an app without a staticFolder has no /static/ rule: 404')).toBe(404);
  });

  test('a missing static file, or a folder, is a 404', {
    rules: ['S4'],
    hint: 'stat the path: nothing there, or not a regular file (isFile()), is a NotFound.',
  }, async () => {
    const { app } = site();
    for (const path of ['/static/missing.css', '/static/js', '/static/img/', '/static/js/missing/app.js']) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 404')).toBe(404);
    }
  });

  test('a name that climbs out of the static folder is refused', {
    rules: ['S5'],
    points: 3,
    hint: 'Resolve the name inside the folder, then check that the result still starts with the folder and a path separator. Checking the prefix without the separator lets "public-keys" pass as "public".',
  }, async () => {
    const { app } = site();
    for (const path of ['/static/../secret.txt', '/static/..%2fsecret.txt', '/static/%2e%2e/secret.txt', '/static/../public-keys/key.txt', '/static/img/../../secret.txt']) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 404')).toBe(404);
      expect(answer.text, answer.saysHead('should not show the secret')).not.toContain('SECRET');
    }
  });

  test('a static folder given relative to the working directory serves its files, and only them', {
    rules: ['S5', 'S2'],
    hint: 'resolve(folder) first: a relative folder compared with the resolved path of a file never matches, and every file is a 404.',
  }, async () => {
    const { root } = site();
    const folder = relative(process.cwd(), join(root, 'public'));
    const app = build((app) => app.get('/', function index() {
      return 'home';
    }), { staticFolder: folder });
    const css = await call(app, { path: '/static/style.css' });
    expect([css.status, css.text], css.says(`staticFolder ${show(folder)} (relative): should be the file`)).toEqual([200, 'body { color: teal; }\n']);
    const secret = await call(app, { path: '/static/../secret.txt' });
    expect(secret.status, secret.says(`staticFolder ${show(folder)} (relative): should be a 404`)).toBe(404);
  });

  test('a name with a NUL byte is a 404, not a 500', {
    rules: ['S6'],
    hint: 'Refuse a name that contains "\\0" before it reaches the file system: Node throws ERR_INVALID_ARG_VALUE for such a path, which is not "no such file".',
  }, async () => {
    const { app } = site();
    for (const path of ['/static/style.css%00', '/static/style.css%00.png', '/static/%00', '/static/img/%00/logo.png']) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 404')).toBe(404);
    }
  });

  test('static files over a real server, traversal included', { rules: ['S2', 'S5'] }, async () => {
    const { app } = site();
    const base = await serveApp(app);
    const css = await request(base).get('/static/style.css');
    expect(css.status, told(css, 'GET /static/style.css')('should be a 200')).toBe(200);
    expect(css.headers['content-type'], told(css, 'GET /static/style.css')('should be CSS')).toMatch(/^text\/css/);
    const sneaky = await request(base).get('/static/..%2fsecret.txt');
    const says = told(sneaky, 'GET /static/..%2fsecret.txt');
    expect(sneaky.status, says('should be a 404')).toBe(404);
    expect(sneaky.text, says('should not show the secret')).not.toContain('SECRET');
  });

  test('app.config: DEBUG off at first, the options on top, every key as it is', {
    rules: ['C1'],
    hint: 'The constructor makes the Config from { DEBUG: false, ...options.config }: the options last, so they win.',
  }, () => {
    const plain = build(() => {});
    expect(plain.config.get('DEBUG'), 'new App(): DEBUG should be false').toBe(false);
    const app = build(() => {}, { config: { DEBUG: true, SITE_NAME: 'Shelf', pageSize: 20 } });
    const got = { DEBUG: app.config.get('DEBUG'), SITE_NAME: app.config.get('SITE_NAME'), pageSize: app.config.get('pageSize') };
    expect(got, 'new App({ config: { DEBUG: true, SITE_NAME: "Shelf", pageSize: 20 } }).config').toEqual({ DEBUG: true, SITE_NAME: 'Shelf', pageSize: 20 });
  });

  test('config.fromObject copies the UPPERCASE keys only', {
    rules: ['C2'],
    points: 2,
    hint: 'Flask\'s convention: settings are UPPERCASE (key === key.toUpperCase()); other keys of the object are helpers and are skipped.',
  }, () => {
    const config = bounded('new Config()', () => new Config());
    const source = { DEBUG: true, SECRET_KEY: 'k', PAGE_SIZE_2: 2, helper: 1, mixedCase: 2, Title: 3 };
    bounded('config.fromObject', () => config.fromObject(source));
    const got = Object.fromEntries(Object.keys(source).map((key) => [key, config.get(key)]));
    expect(got, 'config.fromObject({ DEBUG: true, SECRET_KEY: "k", PAGE_SIZE_2: 2, helper: 1, mixedCase: 2, Title: 3 }), then get of each key')
      .toEqual({ DEBUG: true, SECRET_KEY: 'k', PAGE_SIZE_2: 2, helper: undefined, mixedCase: undefined, Title: undefined });
  });

  test('config.fromEnv reads the variables with the prefix, under their name without it', {
    rules: ['C3'],
    points: 2,
    hint: 'For each name that starts with the prefix, set name.slice(prefix.length); skip a variable whose value is undefined.',
  }, () => {
    const env = { APP_NAME: 'Bookshelf', APP_UNSET: undefined, HOME: '/home/ada', MY_APP_X: 'y' };
    const config = bounded('new Config()', () => new Config({ UNSET: 'kept' }));
    bounded('config.fromEnv', () => config.fromEnv('APP_', env));
    const got = { NAME: config.get('NAME'), APP_NAME: config.get('APP_NAME'), UNSET: config.get('UNSET'), HOME: config.get('HOME'), X: config.get('X') };
    expect(got, `new Config({ UNSET: "kept" }).fromEnv("APP_", ${JSON.stringify(env)} with APP_UNSET undefined)`).toEqual({ NAME: 'Bookshelf', APP_NAME: undefined, UNSET: 'kept', HOME: undefined, X: undefined });
  });

  test('fromEnv takes another prefix; the prefix is APP_ and the environment process.env unless given', { rules: ['C3'] }, () => {
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromEnv', () => config.fromEnv('SHELF_', { SHELF_LIMIT: '10', APP_OTHER: '1' }));
    bounded('config.fromEnv', () => config.fromEnv(undefined, { APP_MODE: 'demo', SHELF_X: '2' }));
    const got = { LIMIT: config.get('LIMIT'), OTHER: config.get('OTHER'), MODE: config.get('MODE'), X: config.get('X') };
    expect(got, 'fromEnv("SHELF_", { SHELF_LIMIT: "10", APP_OTHER: "1" }), then fromEnv(undefined, { APP_MODE: "demo", SHELF_X: "2" })').toEqual({ LIMIT: 10, OTHER: undefined, MODE: 'demo', X: undefined });
    const name = 'APP_LAB7_HIDDEN_TEST';
    process.env[name] = '"from process.env"';
    try {
      bounded('config.fromEnv()', () => config.fromEnv());
    } finally {
      delete process.env[name];
    }
    expect(config.get('LAB7_HIDDEN_TEST'), `fromEnv() with ${name}='"from process.env"' in process.env`).toBe('from process.env');
  });

  test('fromEnv matches the prefix case and all', { rules: ['C3'] }, () => {
    const env = { app_name: 'lower', App_Mode: 'mixed', APP_KEPT: 'upper' };
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromEnv', () => config.fromEnv('APP_', env));
    const got = { name: config.get('name'), NAME: config.get('NAME'), Mode: config.get('Mode'), MODE: config.get('MODE'), KEPT: config.get('KEPT') };
    expect(got, `fromEnv("APP_", ${JSON.stringify(env)}): only APP_KEPT starts with APP_`).toEqual({ name: undefined, NAME: undefined, Mode: undefined, MODE: undefined, KEPT: 'upper' });
  });

  test('fromEnv reads each value as JSON when it parses, and keeps the text when not', {
    rules: ['C4'],
    points: 2,
    hint: 'APP_PORT=8080 sets PORT to the number 8080: try JSON.parse, and keep the text when it throws.',
  }, () => {
    const env = { APP_DEBUG: 'true', APP_PORT: '8080', APP_NAME: 'Bookshelf', APP_TAGS: '["a","b"]', APP_QUOTED: '"42"', APP_OFF: 'False', APP_EMPTY: '' };
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromEnv', () => config.fromEnv('APP_', env));
    const got = Object.fromEntries(Object.keys(env).map((name) => [name.slice(4), config.get(name.slice(4))]));
    expect(got, `config.fromEnv("APP_", ${JSON.stringify(env)})`).toEqual({ DEBUG: true, PORT: 8080, NAME: 'Bookshelf', TAGS: ['a', 'b'], QUOTED: '42', OFF: 'False', EMPTY: '' });
  });

  test('only DEBUG === true shows the debug page: 1, "yes", "true" as text and "False" leave it off', {
    rules: ['C5'],
    points: 2,
    hint: 'Compare with true (=== true), not truthiness: APP_DEBUG=False is the text "False", which is truthy, and must not turn the debug page on in production.',
  }, async () => {
    for (const value of [1, 'yes', 'true', 'False', 'off', {}]) {
      const app = build((app) => app.get('/crash', function crashOnPurpose() {
        throw new Error('visible only in debug');
      }), { config: { DEBUG: value } });
      const answer = await call(app, { path: '/crash' });
      expect(answer.status, answer.says(`with DEBUG ${JSON.stringify(value)}: a 500`)).toBe(500);
      expect(answer.text, answer.saysHead(`with DEBUG ${JSON.stringify(value)} the page should show nothing of the error`)).not.toContain('visible only in debug');
    }
    const app = build((app) => app.get('/crash', function crashOnPurpose() {
      throw new Error('visible only in debug');
    }));
    bounded('app.config.fromEnv', () => app.config.fromEnv('APP_', { APP_DEBUG: 'False' }));
    const answer = await call(app, { path: '/crash' });
    expect(answer.text, answer.saysHead('after fromEnv with APP_DEBUG=False the page should show nothing of the error')).not.toContain('visible only in debug');
  });

  test('DEBUG is read when the error happens: APP_DEBUG=true later turns the debug page on, and off again', {
    rules: ['C6'],
    hint: '#serverError reads this.config.get("DEBUG") each time, not once in the constructor.',
  }, async () => {
    const app = build((app) => app.get('/crash', function crashOnPurpose() {
      throw new Error('visible only in debug');
    }), { config: { SITE_NAME: 'Shelf' } });
    const before = await call(app, { path: '/crash' });
    expect(before.text, before.saysHead('DEBUG is off: nothing of the error')).not.toContain('visible only in debug');
    bounded('app.config.fromEnv', () => app.config.fromEnv('APP_', { APP_DEBUG: 'true' }));
    const on = await call(app, { path: '/crash' });
    expect(on.text, on.saysHead('after fromEnv with APP_DEBUG=true the debug page should show the error')).toContain('visible only in debug');
    bounded('app.config.set', () => app.config.set('DEBUG', false));
    const off = await call(app, { path: '/crash' });
    expect(off.text, off.saysHead('after config.set("DEBUG", false): nothing of the error')).not.toContain('visible only in debug');
  });
});
