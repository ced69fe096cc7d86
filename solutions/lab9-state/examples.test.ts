// Visible examples for lab 9: run them with `npm run examples lab9`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab9`) check much
// more, and try every attack the lesson names. Add your own tests here freely.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { Environ, TsgiHeaders } from '#contracts/tsgi';
import { App } from '#framework';
import {
  cookieSessions,
  csrfField,
  hashPassword,
  migrate,
  ModelSource,
  redirectToHttps,
  safeNext,
  sign,
  SqlSource,
  unsign,
  verifyPassword,
  writeRecommendations,
} from './index.ts';

// One database for the file: a PGlite takes a few seconds to start.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
}, 120_000);
afterAll(async () => {
  await db?.close();
});

interface Note {
  id: string;
  title: string;
  body: string;
}

milestone('sql', () => {
  test('migrate applies each migration once; SqlSource stores and finds records through parameters', {
    rules: ['M1', 'Q1', 'Q6'],
    hint: 'migrate records each id in schema_migrations; SqlSource sends every value as a $n parameter.',
  }, async () => {
    const schema = [{ id: '001_notes', sql: 'CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text, body text)' }];
    expect(await migrate(db, schema)).toEqual(['001_notes']);
    expect(await migrate(db, schema)).toEqual([]);
    const notes = new SqlSource<Note>(db, { table: 'notes', columns: ['title', 'body'] });
    const added = await notes.add({ title: "O'Reilly", body: "'); DROP TABLE notes; --" });
    expect(added).toEqual({ id: '1', title: "O'Reilly", body: "'); DROP TABLE notes; --" });
    expect(await notes.get('1')).toEqual(added);
    expect(await notes.get('1 OR 1=1')).toBeUndefined();
    expect(await notes.search('reilly', ['title'])).toEqual([added]);
  });
});

milestone('model', () => {
  test("the model's output is read from its table, most alike first", {
    rules: ['R1', 'R4'],
    hint: 'writeRecommendations replaces the table in one transaction; similarTo orders by score.',
  }, async () => {
    await db.exec('CREATE TABLE recommendations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, book text, related text, score double precision)');
    await writeRecommendations(db, [{ book: '1', related: '2', score: 0.2 }, { book: '1', related: '3', score: 0.7 }]);
    const model = new ModelSource(db);
    expect((await model.similarTo('1', 5)).map((r) => r.related)).toEqual(['3', '2']);
    expect(await model.similarTo('9', 5)).toEqual([]);
  });
});

milestone('sessions', () => {
  test('sign and unsign: the value comes back, and a changed value does not', {
    rules: ['S1', 'S2'],
    hint: 'HMAC-SHA256 over value.timestamp with the first key; unsign tries every key.',
  }, () => {
    const now = 1_764_000_000_000;
    const signed = sign('{"user_id":"7"}', 'new key', now);
    expect(unsign(signed, ['new key'], 60, now)).toBe('{"user_id":"7"}');
    expect(unsign(signed, ['newer key', 'new key'], 60, now)).toBe('{"user_id":"7"}');
    expect(unsign(signed.replace('7', '1'), ['new key'], 60, now)).toBeNull();
    expect(unsign(signed, ['new key'], 60, now + 61_000)).toBeNull();
  });
});

milestone('csrf', () => {
  test('csrfField is a hidden input carrying the session\'s token', {
    rules: ['C1', 'C2'],
    hint: 'csrfToken keeps the token in session(request) under csrf_token; csrfField writes the input.',
  }, async () => {
    const app = new App();
    cookieSessions(app, { secretKeys: ['a key'] });
    app.get('/form', function form(request) {
      return csrfField(request);
    });
    const environ: Environ = {
      REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/form', QUERY_STRING: '', SERVER_NAME: 'localhost', SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.1', 'tsgi.version': [1, 0], 'tsgi.url_scheme': 'http',
      'tsgi.input': { read: async () => new Uint8Array(), async *[Symbol.asyncIterator]() {} },
      'tsgi.errors': { write() {}, flush() {} }, 'tsgi.multithread': false, 'tsgi.multiprocess': false, 'tsgi.run_once': false,
    };
    let headers: TsgiHeaders = [];
    const body = await app.tsgi(environ, (_status, sent) => void (headers = sent));
    let html = '';
    for await (const chunk of body as AsyncIterable<Uint8Array>) html += new TextDecoder().decode(chunk);
    expect(html).toMatch(/^<input type="hidden" name="csrf_token" value="[\w-]{43}">$/);
    expect(headers.some(([name]) => name.toLowerCase() === 'set-cookie'), 'the new token is kept in the session cookie').toBe(true);
  });
});

milestone('login', () => {
  test('a password hash verifies its password only; safeNext keeps only local paths', {
    rules: ['P1', 'P2', 'L8'],
    hint: 'scrypt with a random salt, the parameters in the stored string; safeNext returns / for anything not a local path.',
  }, async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(safeNext('/books?page=2')).toBe('/books?page=2');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
  });
});

milestone('https', () => {
  test('the plain-HTTP app redirects to the same path and query on https', {
    rules: ['H4', 'H5'],
    hint: 'Location: https://, the host name without its port, :the https port, the path, ?the query.',
  }, async () => {
    const app = redirectToHttps(8443);
    let status = '';
    let headers: TsgiHeaders = [];
    await app(
      {
        REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/books', QUERY_STRING: 'page=2', SERVER_NAME: 'localhost', SERVER_PORT: '8080',
        HTTP_HOST: 'localhost:8080', SERVER_PROTOCOL: 'HTTP/1.1', 'tsgi.version': [1, 0], 'tsgi.url_scheme': 'http',
        'tsgi.input': { read: async () => new Uint8Array(), async *[Symbol.asyncIterator]() {} },
        'tsgi.errors': { write() {}, flush() {} }, 'tsgi.multithread': false, 'tsgi.multiprocess': false, 'tsgi.run_once': false,
      },
      (sent, sentHeaders) => {
        status = sent;
        headers = sentHeaders;
      },
    );
    expect(status).toBe('301 Moved Permanently');
    expect(headers.find(([name]) => name === 'Location')?.[1]).toBe('https://localhost:8443/books?page=2');
  });
});
