// Visible examples for lab 5: run them with `npm run examples lab5`. They show the shape of the
// API; the hidden tests (`npm run grade lab5`) check much more. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import type { Environ, TsgiInput } from '#contracts/tsgi';
import { Headers, parseQuery, Request, Response } from './index.ts';

/** A tsgi.input over one piece of text. */
function input(body: string): TsgiInput {
  const chunks = body === '' ? [] : [new TextEncoder().encode(body)];
  return {
    async read() {
      return chunks.shift() ?? new Uint8Array(0);
    },
    async *[Symbol.asyncIterator]() {
      while (chunks.length > 0) yield chunks.shift()!;
    },
  };
}

/** The environ a gateway (lab 3) would build for `POST /notes?draft=1` with a form body. */
function formPost(body: string): Environ {
  return {
    REQUEST_METHOD: 'POST',
    SCRIPT_NAME: '',
    PATH_INFO: '/notes',
    QUERY_STRING: 'draft=1',
    CONTENT_TYPE: 'application/x-www-form-urlencoded',
    CONTENT_LENGTH: String(body.length),
    SERVER_NAME: 'localhost',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: 'localhost:8000',
    HTTP_COOKIE: 'session=abc123',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': input(body),
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
}

describe('lab 5 examples', () => {
  it('finds headers whatever the case of their names', () => {
    const headers = new Headers([['Content-Type', 'text/html']]);
    headers.add('Set-Cookie', 'a=1');
    headers.add('Set-Cookie', 'b=2');
    expect(headers.get('content-type')).toBe('text/html');
    expect(headers.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('decodes a query string, repeated keys included', () => {
    const args = parseQuery('q=tea+time&tag=a&tag=b');
    expect(args.get('q')).toBe('tea time');
    expect(args.getAll('tag')).toEqual(['a', 'b']);
  });

  it('reads a form POST through a Request', async () => {
    const request = new Request(formPost('title=Hello%2C+world&tags=a&tags=b'));
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://localhost:8000/notes?draft=1');
    expect(request.cookies).toEqual({ session: 'abc123' });
    const { fields } = await request.form();
    expect(fields.get('title')).toBe('Hello, world');
    expect(fields.getAll('tags')).toEqual(['a', 'b']);
  });

  it('sends a Response through TSGI', async () => {
    const response = new Response('<p>Saved.</p>', { status: 201 });
    response.setCookie('flash', 'saved', { httpOnly: true });
    const calls: Array<[string, Array<[string, string]>]> = [];
    const body = await response.app(formPost(''), (status, headers) => void calls.push([status, headers]));
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    expect(calls[0]?.[0]).toBe('201 Created');
    expect(calls[0]?.[1]).toContainEqual(['Set-Cookie', 'flash=saved; HttpOnly']);
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('<p>Saved.</p>');
  });
});
