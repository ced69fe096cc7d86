// Visible examples for lab 4: run them with `npm run examples lab4`. They show the shape of the
// API; the hidden tests (`npm run grade lab4`) check much more. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import type { Environ } from '#contracts/tsgi';
import { Router, dispatcher } from './index.ts';

describe('lab 4 examples', () => {
  it('matches a path to an endpoint, with typed values', () => {
    const router = new Router();
    router.add('/users/<int:id>', { endpoint: 'user' });
    expect(router.match('/users/42', 'GET')).toEqual({
      kind: 'match',
      endpoint: 'user',
      params: { id: 42 },
      rule: '/users/<int:id>',
    });
    expect(router.match('/users/ada', 'GET')).toEqual({ kind: 'not-found' });
  });

  it('tries static text first, and says 405 or 308 when that is the answer', () => {
    const router = new Router();
    router.add('/users/<name>', { endpoint: 'user' });
    router.add('/users/new', { endpoint: 'new_user' });
    router.add('/docs/', { endpoint: 'docs' });
    expect(router.match('/users/new', 'GET')).toMatchObject({ kind: 'match', endpoint: 'new_user' });
    expect(router.match('/users/new', 'POST')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD'] });
    expect(router.match('/docs', 'GET', 'v=2')).toEqual({ kind: 'redirect', status: 308, location: '/docs/?v=2' });
  });

  it('builds URLs from an endpoint and values', () => {
    const router = new Router();
    router.add('/users/<name>/posts/<int:id>', { endpoint: 'post' });
    expect(router.urlFor('post', { name: 'zoë', id: 7, tab: 'comments' })).toBe('/users/zo%C3%AB/posts/7?tab=comments');
  });

  it('dispatches a TSGI request to its view', async () => {
    const router = new Router();
    router.add('/hello/<name>', { endpoint: 'hello' });
    const app = dispatcher(router, {
      hello: (environ, startResponse, params) => {
        startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
        return [new TextEncoder().encode(`Hello, ${params.name}!`)];
      },
    });
    // PATH_INFO holds bytes, one character each: '/hello/Zo\xc3\xab' is what a client sent as /hello/Zo%C3%AB.
    const environ = { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/hello/Zo\xc3\xab', QUERY_STRING: '' } as Environ;
    let status = '';
    const body = await app(environ, (s) => {
      status = s;
    });
    let text = '';
    for await (const chunk of body) text += new TextDecoder().decode(chunk);
    expect(status).toBe('200 OK');
    expect(text).toBe('Hello, Zoë!');
  });
});
