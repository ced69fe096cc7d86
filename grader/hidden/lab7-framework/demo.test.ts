// Hidden tests for lab 7: the bookshelf demo (demo/app.ts, given complete) running on the learner's
// framework. They check what a browser would notice: status codes, redirects, the data on the page,
// and that nothing a user typed comes back unescaped. Added books stay in memory (no persist).
// The demo is given complete, so each test names the framework's rules it leans on.
import request from 'supertest';
import { createServer } from 'node:net';
import { afterEach, expect, vi } from 'vitest';
import { createDemo } from '@lab/framework';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, closeServers, delay, serveApp, told } from './helpers.ts';

afterEach(closeServers);

const demo = (options: Parameters<typeof createDemo>[0] = {}) => bounded('createDemo()', () => createDemo(options));
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const valid = 'title=Clean+Code&year=2008&authorId=6&summary=Small+functions%2C+good+names.';

/** A port nothing listens on right now (the system picks it, and we let it go). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

milestone('demo', () => {
  test('the home page lists the books, each linking to its own page', {
    rules: ['T1', 'T2', 'D4'],
    points: 2,
    hint: 'If this fails while the other milestones pass, run the demo (see the lab README) and open http://127.0.0.1:5000/ to see what a browser gets.',
  }, async () => {
    const answer = await call(demo(), { path: '/' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be HTML')).toMatch(/^text\/html/);
    for (const title of ['The Pragmatic Programmer', 'The C Programming Language', 'Refactoring']) expect(answer.text, answer.saysHead(`should list ${title}`)).toContain(title);
    for (const id of [1, 2, 3, 4, 5, 6]) expect(answer.text, answer.saysHead(`should link to /books/${id}`)).toContain(`href="/books/${id}"`);
    expect(answer.text, answer.saysHead('should link the stylesheet')).toContain('href="/static/style.css"');
  });

  test("a book's page joins the book (JSON file) with its author (CSV file)", { rules: ['V1', 'D5', 'D9'], points: 2 }, async () => {
    const answer = await call(demo(), { path: '/books/4' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    for (const text of ['Designing Data-Intensive Applications', 'Martin Kleppmann', '2017']) expect(answer.text, answer.saysHead(`should show ${text}`)).toContain(text);
  });

  test("an unknown book, an id that is not a number, and an unknown path all get the demo's 404 page", {
    rules: ['E2', 'V5'],
    points: 2,
    hint: 'The demo registers errorHandler(404, ...): unknown paths must reach it, and a view\'s [page, 404] must keep its status.',
  }, async () => {
    const app = demo();
    for (const path of ['/books/99', '/books/abc', '/no/such/page']) {
      const answer = await call(app, { path });
      expect(answer.status, answer.says('should be a 404')).toBe(404);
      expect(answer.text, answer.saysHead('should be the demo\'s page, linking home')).toContain('href="/"');
      expect(answer.text, answer.saysHead('should be the demo\'s page, in its layout')).toContain('href="/static/style.css"');
    }
  });

  test('search finds titles and summaries, ignoring case, and prints the query escaped', {
    rules: ['D6', 'T1'],
    points: 2,
    hint: 'What the user typed comes back in the heading and the search box: the template engine must escape it.',
  }, async () => {
    const app = demo();
    const found = await call(app, { path: '/search?q=PROGRAM' });
    expect(found.status, found.says('should be a 200')).toBe(200);
    expect(found.text, found.saysHead('should find The Pragmatic Programmer')).toContain('The Pragmatic Programmer');
    expect(found.text, found.saysHead('should find The C Programming Language')).toContain('The C Programming Language');
    expect(found.text, found.saysHead('should not list Refactoring')).not.toContain('Refactoring');
    const nasty = await call(app, { path: '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(nasty.status, nasty.says('should be a 200')).toBe(200);
    expect(nasty.text, nasty.saysHead('should show the query')).toContain('alert(1)');
    expect(nasty.text, nasty.saysHead('should show the query escaped')).not.toContain('<script>');
  });

  test('the form: GET shows it; an invalid POST is a 400 with the errors and what was typed, escaped', {
    rules: ['V5', 'T1'],
    points: 2,
    hint: 'An invalid form is answered with [page, 400]: the tuple\'s status must reach the client.',
  }, async () => {
    const app = demo();
    const empty = await call(app, { path: '/books/new' });
    expect(empty.status, empty.says('should be a 200')).toBe(200);
    expect(empty.text, empty.saysHead('should be the form')).toContain('action="/books/new"');
    const invalid = await call(app, { method: 'POST', path: '/books/new', headers: form, body: 'title=%3Cb%3EBold%3C%2Fb%3E&year=abc&authorId=99' });
    expect(invalid.status, invalid.says('should be a 400')).toBe(400);
    expect(invalid.text, invalid.saysHead('should show the title typed')).toContain('Bold');
    expect(invalid.text, invalid.saysHead('should show the title typed, escaped')).not.toContain('<b>Bold</b>');
    expect(invalid.text, invalid.saysHead('should keep the year typed')).toContain('value="abc"');
    const list = await call(app, { path: '/api/books' });
    expect(list.text, list.saysHead('the invalid book should not have been added')).not.toContain('Bold');
  });

  test("a valid POST answers 303 See Other, pointing at the new book's page, which shows it", {
    rules: ['V6', 'D7'],
    points: 3,
    hint: 'The view returns ["", 303, { Location: ... }]: the status and the header of the tuple must both reach the client.',
  }, async () => {
    const app = demo();
    const posted = await call(app, { method: 'POST', path: '/books/new', headers: form, body: valid });
    expect(posted.status, posted.says('should be a 303')).toBe(303);
    expect(posted.header('location'), posted.says('should point at /books/7')).toBe('/books/7');
    const page = await call(app, { path: '/books/7' });
    expect(page.status, page.says('should be a 200')).toBe(200);
    expect(page.text, page.saysHead('should show the new book')).toContain('Clean Code');
    expect(page.text, page.saysHead('should show its author')).toContain('Martin Fowler');
    const home = await call(app, { path: '/' });
    expect(home.text, home.saysHead('should link to the new book')).toContain('href="/books/7"');
  });

  test('/api/books is the list as JSON', { rules: ['V4'] }, async () => {
    const answer = await call(demo(), { path: '/api/books' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be JSON')).toMatch(/^application\/json/);
    const list = JSON.parse(answer.text) as Array<{ id: string; title: string }>;
    expect(list.map((book) => book.id), answer.says('should list the ids 1 to 6')).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(list[2]!.title, answer.says('the third book')).toBe('The C Programming Language');
  });

  test('the stylesheet and the icon come from the static folder', { rules: ['S1', 'S2'] }, async () => {
    const app = demo();
    const answer = await call(app, { path: '/static/style.css' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    expect(answer.header('content-type'), answer.says('should be CSS')).toMatch(/^text\/css/);
    expect(answer.text, answer.saysHead('should be the stylesheet')).toContain('body {');
    const icon = await call(app, { path: '/static/favicon.svg' });
    expect([icon.status, icon.header('content-type')], icon.says('should be the SVG icon')).toEqual([200, 'image/svg+xml']);
  });

  test('the nunjucks engine serves the same pages', { rules: ['T3'] }, async () => {
    const course = demo();
    const nunjucks = demo({ templateEngine: 'nunjucks' });
    for (const path of ['/', '/books/2', '/search?q=the', '/books/new', '/nowhere']) {
      const expected = await call(course, { path });
      const actual = await call(nunjucks, { path });
      expect([actual.status, actual.text], `with nunjucks, ${actual.story}; with the course's engine, ${expected.story}`).toEqual([expected.status, expected.text]);
    }
  });

  test('the whole demo over a real server, as a browser uses it: post, redirect, get', {
    rules: ['A5'],
    points: 3,
    hint: 'This is the demo on the reference server and gateway. Run it yourself: npx tsx --conditions=reference labs/lab7-framework/demo/app.ts',
  }, async () => {
    const base = await serveApp(demo());
    const home = await request(base).get('/');
    expect([home.status, home.text.includes('The Pragmatic Programmer')], told(home, 'GET /')('should be the list')).toEqual([200, true]);
    const posted = await request(base).post('/books/new').type('form').send(valid).redirects(0);
    const postSays = told(posted, `POST /books/new (${valid})`);
    expect(posted.status, postSays('should be a 303')).toBe(303);
    const location = posted.headers.location as string;
    expect(location, postSays('should point at /books/7')).toBe('/books/7');
    const page = await request(base).get(location);
    expect([page.status, page.text.includes('Clean Code')], told(page, `GET ${location}`)('should be the new book\'s page')).toEqual([200, true]);
    const css = await request(base).get('/static/style.css');
    expect([css.status, css.headers['content-type']], told(css, 'GET /static/style.css')('should be the stylesheet')).toEqual([200, expect.stringMatching(/^text\/css/)]);
    const missing = await request(base).get('/books/99');
    expect(missing.status, told(missing, 'GET /books/99')('should be a 404')).toBe(404);
  });

  test('app.run({ port, host }) serves the app there, resolves with the server and prints its URL', {
    rules: ['P1'],
    hint: 'app.run: serve(this.tsgi, { port: options.port ?? 5000, host: options.host }) with lab 3\'s serve, resolve with the server, and print its address (the guided starter gives it: put it back as it was).',
  }, async () => {
    const port = await freePort();
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    let server: Awaited<ReturnType<ReturnType<typeof demo>['run']>> | undefined;
    try {
      server = await demo().run({ port, host: '127.0.0.1' });
    } finally {
      spy.mockRestore();
    }
    try {
      expect(server?.address(), `app.run({ port: ${port}, host: '127.0.0.1' }) should resolve with a server bound there`).toMatchObject({ address: '127.0.0.1', port });
      const home = await request(`http://127.0.0.1:${port}`).get('/');
      expect([home.status, home.text.includes('The Pragmatic Programmer')], told(home, `GET http://127.0.0.1:${port}/`)('should be the list')).toEqual([200, true]);
      expect(printed.join('\n'), `app.run should print the URL it listens on, http://127.0.0.1:${port}/`).toContain(`http://127.0.0.1:${port}/`);
    } finally {
      await Promise.race([server?.close().catch(() => {}), delay(300)]);
    }
  });

  test('app.run() without a port listens on port 5000', {
    rules: ['P1'],
    hint: 'app.run: the port is options.port ?? 5000 (the guided starter gives it: put it back as it was).',
  }, async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    let server: Awaited<ReturnType<ReturnType<typeof demo>['run']>> | undefined;
    let failure: unknown;
    try {
      server = await demo().run({ host: '127.0.0.1' });
    } catch (error) {
      failure = error;
    } finally {
      spy.mockRestore();
    }
    try {
      if (server) {
        expect(server.address()?.port, "app.run({ host: '127.0.0.1' }) should listen on port 5000").toBe(5000);
      } else {
        // Port 5000 is taken on this machine (another grade, say): the refusal must name port 5000.
        const { code, port, message } = failure as { code?: string; port?: number; message?: string };
        expect(code, `app.run({ host: '127.0.0.1' }) failed with ${String(failure)}: only "port 5000 in use" is expected`).toBe('EADDRINUSE');
        if (port !== undefined || /\b\d{2,5}\b/.test(message ?? '')) {
          expect(port === 5000 || /\b5000\b/.test(message ?? ''), `app.run({ host: '127.0.0.1' }) failed on another port than 5000: ${String(failure)}`).toBe(true);
        }
      }
    } finally {
      await Promise.race([server?.close().catch(() => {}), delay(300)]);
    }
  });
});
