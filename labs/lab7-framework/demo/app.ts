// The course's demo: a bookshelf built on the framework of lab 7, and through it on every layer
// below. Run it with `npm run serve`, or `npx tsx --conditions=reference labs/lab7-framework/demo/app.ts`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestApi } from '#contracts/toolkit';
// Through the lab's public surface only, so the demo runs on any design of the framework.
import { App, CsvFileSource, JsonFileSource } from '../index.ts';

interface Book extends Record<string, unknown> {
  id: string;
  title: string;
  authorId: string;
  year: number;
  summary: string;
}

interface Author extends Record<string, unknown> {
  id: string;
  name: string;
  country: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the demo app. Books added through the form stay in memory unless `persist` is set. */
export function createDemo(options: { debug?: boolean; persist?: boolean; templateEngine?: 'course' | 'nunjucks' } = {}): App {
  const app = new App({
    templateFolder: join(here, 'templates'),
    staticFolder: join(here, 'static'),
    templateEngine: options.templateEngine,
    config: { DEBUG: options.debug ?? false },
  });
  const books = new JsonFileSource<Book>(join(here, 'data', 'books.json'), { persist: options.persist });
  const authors = new CsvFileSource<Author>(join(here, 'data', 'authors.csv'));

  /** A book with its author's name and country, for the templates. */
  async function withAuthor(book: Book) {
    const author = await authors.get(book.authorId);
    return { ...book, author: author?.name ?? 'Unknown author', country: author?.country };
  }

  app.get('/', async function index() {
    const all = await Promise.all((await books.all()).map(withAuthor));
    return app.renderTemplate('list.html', { heading: 'All books', books: all, query: '' });
  });

  app.get('/books/<int:id>', async function book(_request: RequestApi, params) {
    const found = await books.get(String(params.id));
    if (!found) return [app.renderTemplate('404.html', { query: '' }), 404];
    return app.renderTemplate('detail.html', { book: await withAuthor(found), query: '' });
  });

  app.get('/search', async function search(request: RequestApi) {
    const query = (request.args.get('q') ?? '').trim();
    const found = query === '' ? [] : await books.search(query, ['title', 'summary']);
    const heading = query === '' ? 'Search' : `Results for "${query}"`;
    return app.renderTemplate('list.html', { heading, books: await Promise.all(found.map(withAuthor)), query });
  });

  app.route('/books/new', { methods: ['GET', 'POST'] }, async function new_book(request: RequestApi) {
    const everyone = await authors.all();
    if (request.method !== 'POST') {
      return app.renderTemplate('form.html', { authors: everyone, form: {}, errors: {}, query: '' });
    }
    const { fields } = await request.form();
    const form = {
      title: (fields.get('title') ?? '').trim(),
      year: (fields.get('year') ?? '').trim(),
      authorId: fields.get('authorId') ?? '',
      summary: (fields.get('summary') ?? '').trim(),
    };
    const errors = validate(form, everyone);
    if (Object.keys(errors).length > 0) {
      // 400 and the form again, with what the user typed and what is wrong with it.
      return [app.renderTemplate('form.html', { authors: everyone, form, errors, query: '' }), 400];
    }
    const added = await books.add({ title: form.title, year: Number(form.year), authorId: form.authorId, summary: form.summary });
    // Post/redirect/get: reloading the page that follows won't submit the form again.
    return ['', 303, { Location: app.urlFor('book', { id: Number(added.id) }) }];
  });

  app.get('/api/books', async function api_books() {
    return await books.all();
  });

  app.errorHandler(404, () => [app.renderTemplate('404.html', { query: '' }), 404]);
  return app;
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
  if (!authors.some((author) => author.id === form.authorId)) errors.authorId = 'Pick an author from the list.';
  return errors;
}

// Run directly: serve the demo on PORT (default 5000).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await createDemo({ debug: process.env.DEBUG === '1' }).run({ port: Number(process.env.PORT ?? 5000) });
}
