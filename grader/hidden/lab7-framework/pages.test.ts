// Hidden tests for lab 7: templates (with either engine), static files and configuration. Every
// file a test needs is written to a fresh folder under the system's temp folder.
import request from 'supertest';
import { afterAll, afterEach, expect } from 'vitest';
import type { AppOptions } from '#contracts/framework';
import { App, Config } from '@lab/framework';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, closeServers, removeTempFolders, serveApp, tempFolder, thrown } from './helpers.ts';

afterEach(closeServers);
afterAll(removeTempFolders);

function build(setup: (app: App) => void, options?: AppOptions): App {
  return bounded('new App() and registering its views', () => {
    const app = new App(options);
    setup(app);
    return app;
  });
}

const templates = {
  'hello.html': '<h1>Hello, {{ name }}!</h1>',
  'base.html': '<title>{% block title %}Shelf{% endblock %}</title><main>{% block body %}{% endblock %}</main>',
  'page.html': '{% extends "base.html" %}{% block title %}{{ heading }} - {{ super() }}{% endblock %}{% block body %}<p>{{ text }}</p>{% endblock %}',
  'links.html': '<a href="{{ url_for("book", { id: 3 }) }}">{{ urlFor("index") }}</a>',
  'site.html': '<footer>{{ config.get("SITE_NAME") }}</footer>',
  'list.html': '{% extends "base.html" %}{% block body %}{% for b in books %}<li>{{ loop.index }}. {{ b.title }}</li>{% else %}none{% endfor %}{% endblock %}',
};

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

milestone('templates', () => {
  test('renderTemplate renders a template of the templateFolder, escaping what it prints', {
    points: 2,
    hint: 'Make the renderer in the constructor (makeRenderer), then render(name, context) with it.',
  }, () => {
    const app = templated();
    expect(bounded('app.renderTemplate', () => app.renderTemplate('hello.html', { name: '<Ada>' }))).toBe('<h1>Hello, &lt;Ada&gt;!</h1>');
  });

  test('templates inherit: extends, blocks and super()', {}, () => {
    const app = templated();
    const page = bounded('app.renderTemplate', () => app.renderTemplate('page.html', { heading: 'About', text: 'hi' }));
    expect(page).toBe('<title>About - Shelf</title><main><p>hi</p></main>');
  });

  test('url_for and urlFor in a template build the URLs of the app\'s endpoints', {
    points: 2,
    hint: 'Put a urlFor function into the context under both names: urlFor and url_for (the name Flask\'s templates use).',
  }, () => {
    const app = templated();
    expect(bounded('app.renderTemplate', () => app.renderTemplate('links.html'))).toBe('<a href="/books/3">/</a>');
  });

  test('the config is in every template', {}, () => {
    const app = templated({ config: { SITE_NAME: 'Bookshelf' } });
    expect(bounded('app.renderTemplate', () => app.renderTemplate('site.html'))).toBe('<footer>Bookshelf</footer>');
  });

  test('a view returns a rendered page, and it is served as HTML', {}, async () => {
    const answer = await call(templated(), { path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toBe('<title>Home - Shelf</title><main><p>Welcome &lt;friend&gt;</p></main>');
  });

  test("templateEngine: 'nunjucks' renders the same pages as the course's engine", {
    points: 2,
    hint: 'makeRenderer: nunjucks has an Environment and a FileSystemLoader of its own, which take the same folder. Both engines must escape what they print.',
  }, () => {
    const course = templated();
    const nunjucks = templated({ templateEngine: 'nunjucks' });
    const pages: Array<[string, Record<string, unknown>]> = [
      ['page.html', { heading: 'Home', text: 'Welcome <friend>' }],
      ['links.html', {}],
      ['list.html', { books: [{ title: 'SICP' }, { title: 'K&R' }] }],
      ['list.html', { books: [] }],
    ];
    for (const [name, context] of pages) {
      const expected = bounded('renderTemplate (course engine)', () => course.renderTemplate(name, context));
      expect(bounded('renderTemplate (nunjucks)', () => nunjucks.renderTemplate(name, context)), name).toBe(expected);
    }
  });

  test('renderTemplate without a templateFolder is an error that says what is missing', {
    hint: 'Throw an Error that names the templateFolder option, so the fix is obvious.',
  }, async () => {
    const app = build(() => {});
    const error = await thrown(() => app.renderTemplate('hello.html'));
    expect(error, 'renderTemplate should throw').toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/templateFolder|template folder/i);
  });
});

milestone('static-and-config', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x80]);

  /** <root>/public is the static folder; the secrets next to it must stay out of reach. */
  function site() {
    const root = tempFolder({
      'public/style.css': 'body { color: teal; }\n',
      'public/img/logo.png': png,
      'public/js/app.js': 'console.log("hi");\n',
      'secret.txt': 'TOP SECRET',
      'public-keys/key.txt': 'SECRET KEY',
    });
    const app = build((app) => app.get('/', function index() {
      return 'home';
    }), { staticFolder: `${root}/public` });
    return { root, app };
  }

  test('files of the static folder are served under /static/, bytes as they are, with their type', {
    points: 2,
    hint: 'The constructor registers /static/<path:filename> (endpoint "static"); staticFile reads the file and picks the Content-Type by extension.',
  }, async () => {
    const { app } = site();
    const css = await call(app, { path: '/static/style.css' });
    expect(css.status).toBe(200);
    expect(css.header('content-type')).toMatch(/^text\/css/);
    expect(css.text).toBe('body { color: teal; }\n');
    const logo = await call(app, { path: '/static/img/logo.png' });
    expect(logo.header('content-type')).toBe('image/png');
    expect([...logo.bytes]).toEqual([...png]);
  });

  test('urlFor("static", { filename }) gives the URL of a static file', {}, () => {
    const { app } = site();
    expect(app.urlFor('static', { filename: 'img/logo.png' })).toBe('/static/img/logo.png');
  });

  test('a missing static file, or a folder, is a 404', {}, async () => {
    const { app } = site();
    expect((await call(app, { path: '/static/missing.css' })).status).toBe(404);
    expect((await call(app, { path: '/static/js' })).status).toBe(404);
  });

  test('a name that climbs out of the static folder is refused', {
    points: 3,
    hint: 'Resolve the name inside the folder, then check that the result still starts with the folder and a path separator. Checking the prefix without the separator lets "public-keys" pass as "public".',
  }, async () => {
    const { app } = site();
    for (const path of ['/static/../secret.txt', '/static/..%2fsecret.txt', '/static/%2e%2e/secret.txt', '/static/../public-keys/key.txt', '/static/img/../../secret.txt']) {
      const answer = await call(app, { path });
      expect(answer.status, path).toBe(404);
      expect(answer.text, path).not.toContain('SECRET');
    }
  });

  test('static files over a real server, traversal included', {}, async () => {
    const { app } = site();
    const base = await serveApp(app);
    const css = await request(base).get('/static/style.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const sneaky = await request(base).get('/static/..%2fsecret.txt');
    expect(sneaky.status).toBe(404);
    expect(sneaky.text).not.toContain('SECRET');
  });

  test('config.fromObject copies the UPPERCASE keys only', {
    points: 2,
    hint: 'Flask\'s convention: settings are UPPERCASE; other keys of the object are helpers and are skipped.',
  }, () => {
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromObject', () => config.fromObject({ DEBUG: true, SECRET_KEY: 'k', helper: 1, mixedCase: 2 }));
    expect([config.get('DEBUG'), config.get('SECRET_KEY'), config.get('helper'), config.get('mixedCase')]).toEqual([true, 'k', undefined, undefined]);
  });

  test('config.fromEnv reads the variables with the prefix, without it, parsing JSON values', {
    points: 2,
    hint: 'APP_PORT=8080 sets PORT to the number 8080: try JSON.parse, and keep the text when it is not JSON.',
  }, () => {
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromEnv', () => config.fromEnv('APP_', {
      APP_DEBUG: 'true',
      APP_PORT: '8080',
      APP_NAME: 'Bookshelf',
      APP_TAGS: '["a","b"]',
      APP_UNSET: undefined,
      HOME: '/home/ada',
    }));
    expect(config.get('DEBUG')).toBe(true);
    expect(config.get('PORT')).toBe(8080);
    expect(config.get('NAME')).toBe('Bookshelf');
    expect(config.get('TAGS')).toEqual(['a', 'b']);
    expect(config.get('HOME')).toBeUndefined();
    expect(config.get('UNSET')).toBeUndefined();
  });

  test('fromEnv takes another prefix; the default prefix is APP_', {}, () => {
    const config = bounded('new Config()', () => new Config());
    bounded('config.fromEnv', () => config.fromEnv('SHELF_', { SHELF_LIMIT: '10', APP_OTHER: '1' }));
    bounded('config.fromEnv', () => config.fromEnv(undefined, { APP_MODE: 'demo', SHELF_X: '2' }));
    expect([config.get('LIMIT'), config.get('OTHER'), config.get('MODE'), config.get('X')]).toEqual([10, undefined, 'demo', undefined]);
  });

  test('app.config: DEBUG off at first, the options on top, and APP_DEBUG=true turns the debug page on', {
    hint: 'The constructor makes the Config from { DEBUG: false, ...options.config }; #serverError reads DEBUG when the error happens, not at start.',
  }, async () => {
    const app = build((app) => app.get('/crash', function crashOnPurpose() {
      throw new Error('visible only in debug');
    }), { config: { SITE_NAME: 'Shelf' } });
    expect([app.config.get('DEBUG'), app.config.get('SITE_NAME')]).toEqual([false, 'Shelf']);
    expect((await call(app, { path: '/crash' })).text).not.toContain('visible only in debug');
    bounded('app.config.fromEnv', () => app.config.fromEnv('APP_', { APP_DEBUG: 'true' }));
    expect((await call(app, { path: '/crash' })).text).toContain('visible only in debug');
  });
});
