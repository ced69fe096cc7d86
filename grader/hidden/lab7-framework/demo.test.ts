// Hidden tests for lab 7: the bookshelf demo (demo/app.ts, given complete) running on the learner's
// framework. They check what a browser would notice: status codes, redirects, the data on the page,
// and that nothing a user typed comes back unescaped. Added books stay in memory (no persist).
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import { createDemo } from '@lab/framework';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, closeServers, serveApp } from './helpers.ts';

afterEach(closeServers);

const demo = (options: Parameters<typeof createDemo>[0] = {}) => bounded('createDemo()', () => createDemo(options));
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const valid = 'title=Clean+Code&year=2008&authorId=6&summary=Small+functions%2C+good+names.';

milestone('demo', () => {
  test('the home page lists the books, each linking to its own page', {
    points: 2,
    hint: 'If this fails while the other milestones pass, run the demo (see the lab README) and open http://127.0.0.1:5000/ to see what a browser gets.',
  }, async () => {
    const answer = await call(demo(), { path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^text\/html/);
    for (const title of ['The Pragmatic Programmer', 'The C Programming Language', 'Refactoring']) expect(answer.text).toContain(title);
    for (const id of [1, 2, 3, 4, 5, 6]) expect(answer.text).toContain(`href="/books/${id}"`);
    expect(answer.text).toContain('href="/static/style.css"');
  });

  test("a book's page joins the book (JSON file) with its author (CSV file)", { points: 2 }, async () => {
    const answer = await call(demo(), { path: '/books/4' });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Designing Data-Intensive Applications');
    expect(answer.text).toContain('Martin Kleppmann');
    expect(answer.text).toContain('2017');
  });

  test("an unknown book, an id that is not a number, and an unknown path all get the demo's 404 page", {
    points: 2,
    hint: 'The demo registers errorHandler(404, ...): unknown paths must reach it, and a view\'s [page, 404] must keep its status.',
  }, async () => {
    const app = demo();
    for (const path of ['/books/99', '/books/abc', '/no/such/page']) {
      const answer = await call(app, { path });
      expect(answer.status, path).toBe(404);
      expect(answer.text, path).toContain('href="/"');
      expect(answer.text, path).toContain('href="/static/style.css"');
    }
  });

  test('search finds titles and summaries, ignoring case, and prints the query escaped', {
    points: 2,
    hint: 'What the user typed comes back in the heading and the search box: the template engine must escape it.',
  }, async () => {
    const app = demo();
    const found = await call(app, { path: '/search?q=PROGRAM' });
    expect(found.status).toBe(200);
    expect(found.text).toContain('The Pragmatic Programmer');
    expect(found.text).toContain('The C Programming Language');
    expect(found.text).not.toContain('Refactoring');
    const nasty = await call(app, { path: '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(nasty.status).toBe(200);
    expect(nasty.text).toContain('alert(1)');
    expect(nasty.text).not.toContain('<script>');
  });

  test('the form: GET shows it; an invalid POST is a 400 with the errors and what was typed, escaped', {
    points: 2,
    hint: 'An invalid form is answered with [page, 400]: the tuple\'s status must reach the client.',
  }, async () => {
    const app = demo();
    const empty = await call(app, { path: '/books/new' });
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('action="/books/new"');
    const invalid = await call(app, { method: 'POST', path: '/books/new', headers: form, body: 'title=%3Cb%3EBold%3C%2Fb%3E&year=abc&authorId=99' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('Bold');
    expect(invalid.text).not.toContain('<b>Bold</b>');
    expect(invalid.text).toContain('value="abc"');
    expect((await call(app, { path: '/api/books' })).text).not.toContain('Bold');
  });

  test("a valid POST answers 303 See Other, pointing at the new book's page, which shows it", {
    points: 3,
    hint: 'The view returns ["", 303, { Location: ... }]: the status and the header of the tuple must both reach the client.',
  }, async () => {
    const app = demo();
    const posted = await call(app, { method: 'POST', path: '/books/new', headers: form, body: valid });
    expect(posted.status).toBe(303);
    expect(posted.header('location')).toBe('/books/7');
    const page = await call(app, { path: '/books/7' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Clean Code');
    expect(page.text).toContain('Martin Fowler');
    expect((await call(app, { path: '/' })).text).toContain('href="/books/7"');
  });

  test('/api/books is the list as JSON', {}, async () => {
    const answer = await call(demo(), { path: '/api/books' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^application\/json/);
    const list = JSON.parse(answer.text) as Array<{ id: string; title: string }>;
    expect(list.map((book) => book.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(list[2]!.title).toBe('The C Programming Language');
  });

  test('the stylesheet comes from the static folder', {}, async () => {
    const answer = await call(demo(), { path: '/static/style.css' });
    expect(answer.status).toBe(200);
    expect(answer.header('content-type')).toMatch(/^text\/css/);
    expect(answer.text).toContain('body {');
  });

  test('the nunjucks engine serves the same pages', {}, async () => {
    const course = demo();
    const nunjucks = demo({ templateEngine: 'nunjucks' });
    for (const path of ['/', '/books/2', '/search?q=the', '/books/new', '/nowhere']) {
      const expected = await call(course, { path });
      const actual = await call(nunjucks, { path });
      expect([actual.status, actual.text], path).toEqual([expected.status, expected.text]);
    }
  });

  test('the whole demo over a real server, as a browser uses it: post, redirect, get', {
    points: 3,
    hint: 'This is the demo on the reference server and gateway. Run it yourself: npx tsx --conditions=reference labs/lab7-framework/demo/app.ts',
  }, async () => {
    const base = await serveApp(demo());
    const home = await request(base).get('/').expect(200);
    expect(home.text).toContain('The Pragmatic Programmer');
    const posted = await request(base).post('/books/new').type('form').send(valid).redirects(0);
    expect(posted.status).toBe(303);
    const location = posted.headers.location as string;
    expect(location).toBe('/books/7');
    const page = await request(base).get(location).expect(200);
    expect(page.text).toContain('Clean Code');
    await request(base).get('/static/style.css').expect(200).expect('content-type', /^text\/css/);
    await request(base).get('/books/99').expect(404);
  });
});
