// Visible examples for lab 3: run them with `npm run examples lab3`. They show the shape of the
// API; the hidden tests (`npm run grade lab3`) check much more. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import type { ServerRequest } from '#contracts/server';
import type { TsgiRule } from '#contracts/tsgi';
import { buildEnviron, helloApp, Input, tsgiHandler, validator } from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A request as lab 2's server hands it to a handler. */
function request(target: string, headers: Array<[string, string]> = [['host', 'localhost:8000']]): ServerRequest {
  return {
    method: 'GET',
    target,
    version: 'HTTP/1.1',
    headers,
    body: (async function* () {})(),
    signal: new AbortController().signal,
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localAddress: '127.0.0.1',
    localPort: 8000,
  };
}

describe('lab 3 examples', () => {
  it('builds the environ of a request', () => {
    const environ = buildEnviron(request('/caf%C3%A9?q=tea'))!;
    expect(environ.REQUEST_METHOD).toBe('GET');
    expect(environ.PATH_INFO).toBe('/caf\xc3\xa9'); // bytes as text: one character per byte
    expect(environ.QUERY_STRING).toBe('q=tea');
    expect(environ.HTTP_HOST).toBe('localhost:8000');
  });

  it('reads a request body in pieces of the size asked for', async () => {
    const input = new Input((async function* () {
      yield encode('Hello, ');
      yield encode('world');
    })());
    expect(decode(await input.read(3))).toBe('Hel');
    expect(decode(await input.read())).toBe('lo, world');
    expect((await input.read()).length).toBe(0);
  });

  it('turns helloApp into a handler for the lab 2 server', async () => {
    const response = await tsgiHandler(helloApp)(request('/'));
    expect(response.status).toBe(200);
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(decode(Buffer.concat(chunks))).toBe('Hello, WSGI!\n');
  });

  it('catches an app that sets a hop-by-hop header', async () => {
    const rules: TsgiRule[] = [];
    const app = validator((environ, startResponse) => {
      startResponse('200 OK', [['Connection', 'close']]);
      return [encode('bye')];
    }, { onViolation: (violation) => rules.push(violation.rule) });
    await app(buildEnviron(request('/'))!, () => {});
    expect(rules).toEqual(['start-response.hop-by-hop']);
  });
});
