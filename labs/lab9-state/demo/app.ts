// GIVEN: the bookshelf of lab 7, grown up. Its books live in PostgreSQL (PGlite), visitors have
// accounts, only a logged-in user may add a book, every form carries a CSRF token, a book's page
// shows what readers also liked (the model's output), and it runs over HTTPS. It is built from
// your lab 9 (sessions, CSRF, login, SQL, the model's source, HTTPS) on lab 7's App.
//
// Run it: `npm run serve -- --lab 9`, or by hand (books kept in a folder between runs):
//   DATA_DIR=.grader/bookshelf npx tsx --conditions=reference labs/lab9-state/demo/app.ts
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Migration, User } from '#contracts/state';
import type { RequestApi } from '#contracts/toolkit';
import { App } from '#framework';
// Only through index.ts, the lab's public surface: the demo runs on any design of the inside.
import {
  cookieSessions,
  csrfField,
  currentUser,
  loginRequired,
  migrate,
  ModelSource,
  recommendationsMigration,
  serveHttps,
  SqlSource,
  train,
  useCsrf,
  useLogin,
  UsernameTaken,
  UserStore,
} from '../index.ts';

interface Book {
  id: string;
  title: string;
  author_id: number;
  year: number;
  summary: string;
}

interface Author {
  id: string;
  name: string;
  country: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The demo's schema. The seed data is added by code (parameters), never spliced into SQL. */
const MIGRATIONS: Migration[] = [
  {
    id: '001_authors',
    sql: `CREATE TABLE authors (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL,
      country text NOT NULL
    );`,
  },
  {
    id: '002_books',
    sql: `CREATE TABLE books (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      title text NOT NULL,
      author_id bigint NOT NULL REFERENCES authors (id),
      year integer NOT NULL,
      summary text NOT NULL DEFAULT ''
    );`,
  },
  recommendationsMigration,
];

/** Books on the home page at a time. */
const PER_PAGE = 10;

export interface DemoOptions {
  /** The database; an empty one in memory by default. The caller closes the one it gives. */
  db?: Database;
  /** Session signing keys, newest first. By default a random key: sessions end when the demo stops. */
  secretKeys?: string[];
  debug?: boolean;
}

/** Builds the demo: migrates and seeds the database, runs the batch job once if it never ran. */
export async function createDemo(options: DemoOptions = {}): Promise<App> {
  const db = options.db ?? new PGlite();
  await migrate(db, MIGRATIONS);
  const books = new SqlSource<Book>(db, { table: 'books', columns: ['title', 'author_id', 'year', 'summary'] });
  const authors = new SqlSource<Author>(db, { table: 'authors', columns: ['name', 'country'] });
  const model = new ModelSource(db);
  const users = new UserStore(db);
  await users.init();
  if ((await books.page(1, 1)).total === 0) await seed(authors, books);
  // The batch job runs here only so that a fresh demo has recommendations; after that, run it
  // by hand (train.ts). No view ever calls the model.
  if ((await model.all()).length === 0) await train(db);

  const app = new App({
    templateFolder: join(here, 'templates'),
    staticFolder: join(here, 'static'),
    config: { DEBUG: options.debug ?? false },
  });
  // Order matters: the session first (CSRF keeps its token there, login its user id), then the
  // CSRF check, then the login pages, whose form the CSRF check protects.
  cookieSessions(app, { secretKeys: options.secretKeys ?? [randomBytes(32).toString('hex')] });
  useCsrf(app);
  useLogin(app, {
    users,
    page: async (request, form) => render(request, 'account.html', { heading: 'Log in', action: '/login', next: form.next, error: form.message, notice: request.args.get('registered') ? 'Your account is ready: log in.' : '' }),
  });

  /**
   * Renders a page with what every page's layout needs: the user, the search box, and the CSRF field
   * for the pages with a form that posts (the logout button is one). Asking for the field makes a
   * token, and a session to keep it in: a visitor who only reads gets no cookie.
   */
  async function render(request: RequestApi, name: string, context: Record<string, unknown> = {}): Promise<string> {
    const user = await currentUser(request);
    const posts = user !== null || name === 'account.html' || name === 'form.html';
    return app.renderTemplate(name, { query: '', ...context, user, csrf: posts ? csrfField(request) : '' });
  }

  /** A book with its author's name and country, for the templates. */
  async function withAuthor(book: Book) {
    const author = await authors.get(String(book.author_id));
    return { ...book, author: author?.name ?? 'Unknown author', country: author?.country };
  }

  app.get('/', async function index(request: RequestApi) {
    const number = Number(request.args.get('page') ?? '1');
    if (!Number.isInteger(number) || number < 1) return [await render(request, '404.html'), 404];
    const page = await books.page(number, PER_PAGE);
    const all = await Promise.all(page.items.map(withAuthor));
    return render(request, 'list.html', { heading: 'All books', books: all, page });
  });

  app.get('/books/<int:id>', async function book(request: RequestApi, params) {
    const found = await books.get(String(params.id));
    if (!found) return [await render(request, '404.html'), 404];
    // The model's output, read from its table: this view never waits for the model.
    const related = await model.similarTo(found.id, 3);
    const also = (await Promise.all(related.map((row) => books.get(row.related)))).filter((b) => b !== undefined);
    return render(request, 'detail.html', { book: await withAuthor(found), also });
  });

  app.get('/search', async function search(request: RequestApi) {
    const query = (request.args.get('q') ?? '').trim();
    const found = query === '' ? [] : await books.search(query, ['title', 'summary']);
    const heading = query === '' ? 'Search' : `Results for "${query}"`;
    return render(request, 'list.html', { heading, books: await Promise.all(found.map(withAuthor)), query });
  });

  app.route('/books/new', { methods: ['GET', 'POST'] }, loginRequired(async function new_book(request: RequestApi) {
    const everyone = await authors.all();
    if (request.method !== 'POST') return render(request, 'form.html', { authors: everyone, form: {}, errors: {} });
    const { fields } = await request.form();
    const form = {
      title: (fields.get('title') ?? '').trim(),
      year: (fields.get('year') ?? '').trim(),
      author_id: fields.get('author_id') ?? '',
      summary: (fields.get('summary') ?? '').trim(),
    };
    const errors = validate(form, everyone);
    if (Object.keys(errors).length > 0) return [await render(request, 'form.html', { authors: everyone, form, errors }), 400];
    const added = await books.add({ title: form.title, year: Number(form.year), author_id: Number(form.author_id), summary: form.summary });
    // Post/redirect/get: reloading the page that follows won't submit the form again.
    return ['', 303, { Location: app.urlFor('book', { id: Number(added.id) }) }];
  }));

  app.route('/register', { methods: ['GET', 'POST'] }, async function register(request: RequestApi) {
    const page = { heading: 'Register', action: '/register', registering: true };
    if (request.method !== 'POST') return render(request, 'account.html', page);
    const { fields } = await request.form();
    const username = (fields.get('username') ?? '').trim();
    const password = fields.get('password') ?? '';
    const error = !/^[a-z0-9_.-]{3,32}$/i.test(username)
      ? 'A username is 3 to 32 letters, digits, dots, dashes or underscores.'
      : password.length < 8 ? 'Choose a password of 8 characters or more.' : '';
    if (error) return [await render(request, 'account.html', { ...page, username, error }), 400];
    try {
      await users.create(username, password);
    } catch (failure) {
      if (!(failure instanceof UsernameTaken)) throw failure;
      return [await render(request, 'account.html', { ...page, username, error: 'That username is taken.' }), 400];
    }
    return ['', 303, { Location: '/login?registered=1' }];
  });

  app.get('/api/books', async function api_books() {
    return await books.all();
  });

  app.errorHandler(404, async (_error, request) => [await render(request, '404.html'), 404]);
  return app;
}

/** The seed: lab 7's authors and books and a shelf more, in one transaction each. */
async function seed(authors: SqlSource<Author>, books: SqlSource<Book>): Promise<void> {
  const people: Array<Omit<Author, 'id'> & { key: string }> = readFileSync(join(here, 'data', 'authors.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [key = '', name = '', country = ''] = line.split(',');
      return { key, name, country };
    });
  const added = await authors.addMany(people.map(({ name, country }) => ({ name, country })));
  // The file's author ids are its own; the database gives new ones, so translate.
  const idOf = new Map(people.map((person, i) => [person.key, Number(added[i]!.id)]));
  const shelf: Array<{ title: string; authorId: string; year: number; summary: string }> = JSON.parse(readFileSync(join(here, 'data', 'books.json'), 'utf8'));
  await books.addMany(shelf.map((b) => ({ title: b.title, author_id: idOf.get(b.authorId)!, year: b.year, summary: b.summary })));
}

/** What is wrong with a submitted book, by field; empty when nothing is. */
export function validate(form: Record<string, string>, authors: Author[]): Record<string, string> {
  const errors: Record<string, string> = {};
  if (form.title === '') errors.title = 'A title is required.';
  else if ((form.title ?? '').length > 200) errors.title = 'Keep the title under 200 characters.';
  const year = Number(form.year);
  if (!/^\d{1,4}$/.test(form.year ?? '') || year < 1450 || year > new Date().getFullYear()) {
    errors.year = `The year must be a number from 1450 to ${new Date().getFullYear()}.`;
  }
  if (!authors.some((author) => author.id === form.author_id)) errors.author_id = 'Pick an author from the list.';
  return errors;
}

/** The demo's development certificate: public, for 127.0.0.1 and localhost only. */
export function devCertificate(): { key: string; cert: string } {
  const folder = join(here, '..', 'dev-cert');
  return { key: readFileSync(join(folder, 'key.pem'), 'utf8'), cert: readFileSync(join(folder, 'cert.pem'), 'utf8') };
}

// Run directly: HTTPS on HTTPS_PORT (5443), plain HTTP on PORT (5000) redirecting to it.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const dataDir = process.env.DATA_DIR;
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  const secretKeys = process.env.SECRET_KEY ? [process.env.SECRET_KEY] : undefined;
  const app = await createDemo({ db, secretKeys, debug: process.env.DEBUG === '1' });
  // A short HSTS max-age: a development certificate is no reason to pin a browser to https.
  const servers = await serveHttps(app.tsgi, { ...devCertificate(), host: '127.0.0.1', port: Number(process.env.HTTPS_PORT ?? 5443), httpPort: Number(process.env.PORT ?? 5000), hstsMaxAge: 300 });
  console.log(`The bookshelf: https://127.0.0.1:${servers.https.port}/ (http://127.0.0.1:${servers.http?.port}/ redirects there)`);
  if (!dataDir) console.log('Books and accounts are kept in memory: set DATA_DIR to a folder to keep them.');
  const stop = () => void servers.close().then(() => db.close()).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
