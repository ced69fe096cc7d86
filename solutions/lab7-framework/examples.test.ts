// Visible examples for lab 7: run them with `npm run examples lab7`. They show the shape of the
// API; the hidden tests (`npm run grade lab7`) check much more. Add your own tests here freely.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Environ, TsgiHeaders } from '#contracts/tsgi';
import { App, Config, CsvFileSource, makeResponse } from './index.ts';

/** Plays the gateway for one GET: builds an environ, calls the app, returns status and body. */
async function get(app: App, path: string): Promise<{ status: string; headers: TsgiHeaders; body: string }> {
  const environ: Environ = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: path,
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '5000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': { read: async () => new Uint8Array(0), async *[Symbol.asyncIterator]() {} },
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  let status = '';
  let headers: TsgiHeaders = [];
  const body = await app.tsgi(environ, (s, h) => {
    status = s;
    headers = h;
  });
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return { status, headers, body: Buffer.concat(chunks).toString('utf8') };
}

describe('lab 7 examples', () => {
  it('routes a request to a view and sends what it returns', async () => {
    const app = new App();
    app.get('/hello/<name>', function hello(_request, params) {
      return `<h1>Hello, ${params.name}!</h1>`;
    });
    expect(await get(app, '/hello/Ada')).toMatchObject({ status: '200 OK', body: '<h1>Hello, Ada!</h1>' });
    expect((await get(app, '/nowhere')).status).toBe('404 Not Found');
    expect(app.urlFor('hello', { name: 'Grace' })).toBe('/hello/Grace');
  });

  it('turns what a view returns into a response', () => {
    const json = makeResponse({ ok: true }, 'an example');
    expect(json.headers.get('content-type')).toBe('application/json');
    const created = makeResponse(['made it', 201, { Location: '/things/1' }], 'an example');
    expect([created.status, created.headers.get('location')]).toEqual([201, '/things/1']);
  });

  it('reads settings from the environment, parsing JSON values', () => {
    const config = new Config();
    config.fromEnv('APP_', { APP_DEBUG: 'true', APP_PORT: '8080', APP_NAME: 'Bookshelf', PATH: '/usr/bin' });
    expect([config.get('DEBUG'), config.get('PORT'), config.get('NAME'), config.get('PATH')]).toEqual([true, 8080, 'Bookshelf', undefined]);
  });

  it("reads the demo's authors from a CSV file", async () => {
    const authors = new CsvFileSource<{ id: string; name: string; country: string }>(fileURLToPath(new URL('./demo/data/authors.csv', import.meta.url)));
    expect(await authors.get('4')).toEqual({ id: '4', name: 'Martin Kleppmann', country: 'UK' });
    expect((await authors.search('martin', ['name'])).map((author) => author.id)).toEqual(['4', '6']);
  });
});
