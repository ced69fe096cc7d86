// Hidden tests for lab 9: the bookshelf with accounts (demo/app.ts, given complete) running on the
// learner's lab 9. They do what a visitor, and an attacker, would: read pages, search, register,
// log in, add a book, post a forged form, tamper with a cookie, follow a poisoned next, and connect
// over real TLS. The demo is given, so each test names the rules of the lab it leans on.
// One PGlite for the file; each demo gets a schema of its own, so every test starts from the seed.
import https from 'node:https';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createDemo, serveHttps } from '@lab/state';
import type { HttpsServers } from '#contracts/state';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { type Answer, call, Jar } from './helpers-auth.ts';
import { startDatabase } from './database.ts';
import { TEST_CERT, TEST_KEY } from './test-cert.ts';

let db: PGlite;
let schemas = 0;
beforeAll(async () => {
  db = await startDatabase();
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const open: HttpsServers[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((servers) => servers.close()));
});

/** The demo on a schema of its own: migrated, seeded (18 books) and trained, as a first start is. */
async function demo() {
  schemas += 1;
  await db.exec(`CREATE SCHEMA demo${schemas}; SET search_path TO demo${schemas}`);
  return createDemo({ db, secretKeys: ['a key for the tests only'] });
}

type Demo = Awaited<ReturnType<typeof demo>>;

/** The CSRF token of the form on the page (the hidden field csrf_token). */
function tokenIn(answer: Answer): string {
  const token = /name="csrf_token" value="([^"]+)"/.exec(answer.text)?.[1];
  expect(token, answer.says('the page should carry a form with a hidden csrf_token field (csrfField)')).toBeDefined();
  return token!;
}

/** Registers and logs in a visitor (over https unless told), following the pages as a browser does. */
async function loggedIn(app: Demo, username = 'ada', scheme: 'http' | 'https' = 'https'): Promise<Jar> {
  const jar = new Jar();
  const form = await jar.call(app, { path: '/register', scheme });
  const registered = await jar.call(app, { method: 'POST', path: '/register', scheme, form: { csrf_token: tokenIn(form), username, password: 'correct horse' } });
  expect(registered.status, registered.says('registering should answer 303 to the login page')).toBe(303);
  const login = await jar.call(app, { path: '/login', scheme });
  const done = await jar.call(app, { method: 'POST', path: '/login', scheme, form: { csrf_token: tokenIn(login), username, password: 'correct horse', next: '/books/new' } });
  expect(done.status, done.says('a right login should answer 303')).toBe(303);
  return jar;
}

/** Book titles listed on a page, in order. */
const titles = (answer: Answer) => [...answer.text.matchAll(/<a href="\/books\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]!);

milestone('demo', () => {
  test('the home page lists the books ten at a time, in id order, from the database', {
    rules: ['Q9', 'Q6'],
    points: 2,
    hint: 'The demo calls books.page(number, 10) and shows page.items, page.page and page.pages: check SqlSource.page.',
  }, async () => {
    const app = await demo();
    const first = await call(app, { path: '/' });
    expect(first.status, first.says('should be a 200')).toBe(200);
    expect(titles(first).length, first.says('page 1 should list 10 books')).toBe(10);
    expect(titles(first)[0], first.says('the first book (id 1) comes first')).toBe('The Pragmatic Programmer');
    expect(first.text, first.says('should say which page of how many')).toContain('Page 1 of 2 (18 books)');
    const second = await call(app, { path: '/?page=2' });
    expect(titles(second), second.says('page 2 should list the 8 others, ending with book 18')).toHaveLength(8);
    expect(titles(second).at(-1), second.says('the last book is Web Security for Developers')).toBe('Web Security for Developers');
    const none = await call(app, { path: '/?page=0' });
    expect(none.status, none.says('page 0 does not exist: the demo answers 404')).toBe(404);
  });

  test("a book's page shows the book and what readers also liked, read from the model's table", {
    rules: ['R4', 'Q5', 'Q6'],
    points: 2,
    hint: 'The view calls model.similarTo(book.id, 3) and books.get for each related id: check ModelSource.similarTo and SqlSource.get.',
  }, async () => {
    const app = await demo();
    const page = await call(app, { path: '/books/11' });
    expect(page.status, page.says('should be a 200')).toBe(200);
    expect(page.text, page.says("should show the book's title, escaped")).toContain('The Web Application Hacker&#39;s Handbook');
    const also = page.text.slice(page.text.indexOf('Readers also liked'));
    expect(titles({ ...page, text: also }), page.says('readers also liked three books, most alike first')).toEqual(['Web Security for Developers', 'Flask Web Development', 'SQL Antipatterns']);
    for (const path of ['/books/99', '/books/abc']) {
      const missing = await call(app, { path });
      expect(missing.status, missing.says('an unknown book is the 404 page')).toBe(404);
    }
  });

  test('search finds books by title and summary, and a % in the query is a plain character', {
    rules: ['Q4', 'Q1'],
    points: 2,
    hint: "The demo calls books.search(query, ['title', 'summary']): escape %, _ and \\ in the text and pass it as a parameter.",
  }, async () => {
    const app = await demo();
    const found = await call(app, { path: '/search?q=postgres' });
    expect(titles(found), found.says('"postgres" should find The Art of PostgreSQL')).toEqual(['The Art of PostgreSQL']);
    for (const q of ['%25', '_', "'%20OR%20'1'%3D'1"]) {
      const none = await call(app, { path: `/search?q=${q}` });
      expect(none.status, none.says('should be a 200')).toBe(200);
      expect(titles(none), none.says('no title or summary holds this text')).toEqual([]);
    }
  });

  test('adding a book asks a visitor who is not logged in to log in first, and comes back after', {
    rules: ['L7', 'L14', 'L4'],
    points: 2,
    hint: 'The demo registers loginRequired(function new_book ...) at /books/new: the guarded view must keep its name, and the login must go back to next.',
  }, async () => {
    const app = await demo();
    const away = await call(app, { path: '/books/new' });
    expect(away.status, away.says('a visitor who is not logged in should be redirected')).toBe(302);
    expect(away.header('location'), away.saysHead('to the login page, with next')).toBe('/login?next=%2Fbooks%2Fnew');
    const jar = await loggedIn(app);
    const form = await jar.call(app, { path: '/books/new', scheme: 'https' });
    expect(form.status, form.says(`a logged-in user (cookies ${jar}) should get the form`)).toBe(200);
    expect(form.text, form.says('the form posts to /books/new (url_for("new_book"))')).toContain('action="/books/new"');
  });

  test('a logged-in user adds a book with the form; its page shows it escaped, with no recommendations yet', {
    rules: ['C2', 'Q7', 'R4'],
    points: 3,
    hint: "The form's hidden csrf_token comes from csrfField; the book is stored with books.add; a book the batch job has not seen has no recommendations.",
  }, async () => {
    const app = await demo();
    const jar = await loggedIn(app);
    const form = await jar.call(app, { path: '/books/new', scheme: 'https' });
    const added = await jar.call(app, {
      method: 'POST', path: '/books/new', scheme: 'https',
      form: { csrf_token: tokenIn(form), title: 'Security <script>alert(1)</script>', year: '2024', author_id: '18', summary: 'Tokens and hashes.' },
    });
    expect(added.status, added.says('adding should answer 303 to the new book')).toBe(303);
    expect(added.header('location'), added.saysHead('the new book is book 19')).toBe('/books/19');
    const page = await jar.call(app, { path: '/books/19', scheme: 'https' });
    expect(page.text, page.says('the title should be escaped')).toContain('Security &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text, page.says('the new book has no recommendations until the batch job runs')).toContain('batch job');
  });

  test('a forged form is refused: a POST without the token, or with another session\'s, stores nothing', {
    rules: ['C3', 'C4'],
    points: 3,
    hint: 'useCsrf checks every POST before the view runs: the form field csrf_token must equal the session\'s token.',
  }, async () => {
    const app = await demo();
    const jar = await loggedIn(app);
    const other = new Jar();
    const theirs = tokenIn(await other.call(app, { path: '/register', scheme: 'https' }));
    for (const token of [undefined, theirs]) {
      const fields: Record<string, string> = { title: 'Forged', year: '2020', author_id: '1', summary: '' };
      if (token) fields.csrf_token = token;
      const forged = await jar.call(app, { method: 'POST', path: '/books/new', scheme: 'https', form: fields });
      expect(forged.status, forged.says(`a POST with ${token ? "another visitor's token" : 'no token'} should get 400`)).toBe(400);
    }
    const page2 = await call(app, { path: '/?page=2' });
    expect(titles(page2), page2.says('no book should have been added')).not.toContain('Forged');
  });

  test('the session cookie after a login over https is HttpOnly, SameSite=Lax and Secure, and a tampered one is a stranger', {
    rules: ['S9', 'S7', 'L5'],
    points: 3,
    hint: 'cookieSessions sets HttpOnly, SameSite=Lax, Path=/ and Secure when request.scheme is https; a cookie that does not unsign is an empty session, never an error page.',
  }, async () => {
    const app = await demo();
    const jar = new Jar();
    const before = await jar.call(app, { path: '/login', scheme: 'https' });
    const anonymous = jar.get('session');
    await jar.call(app, { method: 'POST', path: '/register', scheme: 'https', form: { csrf_token: tokenIn(before), username: 'grace', password: 'correct horse' } });
    const login = await jar.call(app, { path: '/login', scheme: 'https' });
    const done = await jar.call(app, { method: 'POST', path: '/login', scheme: 'https', form: { csrf_token: tokenIn(login), username: 'grace', password: 'correct horse', next: '/' } });
    const cookie = done.cookie('session');
    expect(cookie, done.saysHead('the login should set the session cookie')).toBeDefined();
    expect(cookie!.attributes, done.saysHead('the cookie should be HttpOnly, SameSite=Lax and Secure')).toMatchObject({ httponly: '', samesite: 'Lax', secure: '' });
    expect(jar.get('session'), done.saysHead('the login should give a new cookie (rotated), not the one from before')).not.toBe(anonymous);
    const home = await jar.call(app, { path: '/', scheme: 'https' });
    expect(home.text, home.says('the header should name the user')).toContain('grace');
    const value = jar.get('session')!;
    const tampered = new Jar();
    tampered.set('session', value.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')));
    const stranger = await tampered.call(app, { path: '/', scheme: 'https' });
    expect(stranger.status, stranger.says('a tampered cookie should still get the page')).toBe(200);
    expect(stranger.text, stranger.says('a tampered cookie is nobody: the page offers to log in')).toContain('href="/login"');
    expect(stranger.text, stranger.says('and does not name the user')).not.toContain('grace');
  });

  test('a login with a next that leaves the site goes home; logging out ends the session', {
    rules: ['L8', 'L6'],
    points: 2,
    hint: 'After the login the demo goes to safeNext(next): //evil.example is another site. POST /logout clears the session.',
  }, async () => {
    const app = await demo();
    const jar = new Jar();
    const form = await jar.call(app, { path: '/register', scheme: 'https' });
    await jar.call(app, { method: 'POST', path: '/register', scheme: 'https', form: { csrf_token: tokenIn(form), username: 'lin', password: 'correct horse' } });
    const login = await jar.call(app, { path: '/login?next=%2F%2Fevil.example%2F', scheme: 'https' });
    const done = await jar.call(app, { method: 'POST', path: '/login', scheme: 'https', form: { csrf_token: tokenIn(login), username: 'lin', password: 'correct horse', next: '//evil.example/' } });
    expect(done.header('location'), done.saysHead('next=//evil.example/ must not be followed: go to /')).toBe('/');
    const home = await jar.call(app, { path: '/', scheme: 'https' });
    const out = await jar.call(app, { method: 'POST', path: '/logout', scheme: 'https', form: { csrf_token: tokenIn(home) } });
    expect(out.status, out.says('logging out should answer 303')).toBe(303);
    const after = await jar.call(app, { path: '/books/new', scheme: 'https' });
    expect(after.status, after.says('after logging out, adding a book asks for a login again')).toBe(302);
  });

  test('served with serveHttps, the bookshelf answers over real TLS with HSTS and a Secure session cookie', {
    rules: ['H1', 'H2', 'H7'],
    points: 2,
    hint: 'serveHttps puts the app on lab 2\'s server with the tls option, lab 3\'s gateway with urlScheme https, and wraps it in hsts.',
  }, async () => {
    const app = await demo();
    const servers = await serveHttps(bounded('app.tsgi', () => app.tsgi), { key: TEST_KEY, cert: TEST_CERT, host: '127.0.0.1', port: 0, httpPort: null });
    open.push(servers);
    const answer = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const request = https.get({ host: '127.0.0.1', port: servers.https.port, path: '/login', ca: TEST_CERT, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      });
      request.on('error', reject);
      request.setTimeout(5000, () => request.destroy(new Error('no answer within 5 s')));
    });
    const story = `GET /login over TLS was answered ${answer.status}, headers ${JSON.stringify(answer.headers)}, body ${show(answer.body.slice(0, 300))}`;
    expect(answer.status, `should be a 200; ${story}`).toBe(200);
    expect(answer.headers['strict-transport-security'], `should carry HSTS; ${story}`).toMatch(/^max-age=\d+$/);
    const cookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
    expect(cookies.some((c) => /^session=/.test(c) && /;\s*Secure/i.test(c)), `the session cookie should be Secure over https; ${story}`).toBe(true);
  });
});
