// Visible examples for lab 3: run them with `npm run examples lab3`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab3`) check much
// more. Add your own tests here freely.
import { expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { ServerRequest, ServerResponse } from '#contracts/server';
import type { TsgiBody, TsgiErrors, TsgiRule } from '#contracts/tsgi';
import { Input, buildEnviron, environApp, helloApp, serve, tsgiHandler, validator } from './index.ts';

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

/** A request body that arrives in these pieces. */
async function* pieces(...texts: string[]) {
  for (const text of texts) yield encode(text);
}

/** The chunks of a response's body, as text, one string per chunk. */
async function chunksOf(response: ServerResponse): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) chunks.push(decode(chunk));
  return chunks;
}

/** A tsgi.errors that keeps what is written to it. */
function errorLog(): TsgiErrors & { text: string } {
  const log = { text: '', write: (text: string) => void (log.text += text), flush: () => {} };
  return log;
}

milestone('environ', () => {
  test('builds the environ of a request', {
    rules: ['E2', 'E7', 'E8', 'E13', 'E15'],
    hint: 'Split the target at the first ?, percent-decode the path into bytes as text, and map each header to its key.',
  }, () => {
    const environ = buildEnviron(request('/na%C3%AFve/notes?sort=new%20first', [
      ['host', 'localhost:8000'],
      ['user-agent', 'curl/8.0'],
      ['content-type', 'text/plain'],
    ]))!;
    expect(environ.REQUEST_METHOD).toBe('GET');
    expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.1');
    expect(environ.PATH_INFO).toBe('/na\xc3\xafve/notes'); // bytes as text: one character per byte
    expect(environ.QUERY_STRING).toBe('sort=new%20first'); // not decoded
    expect(environ.HTTP_USER_AGENT).toBe('curl/8.0');
    expect(environ.CONTENT_TYPE).toBe('text/plain');
    expect(environ).not.toHaveProperty('HTTP_CONTENT_TYPE');
  });

  test('an app mounted at scriptName gets the rest of the path, and nothing outside it', {
    rules: ['E10', 'E11'],
    hint: 'The path is the app\'s when it equals the mount point or goes on with a /; PATH_INFO is what follows the mount point.',
  }, () => {
    const environ = buildEnviron(request('/blog/posts/3'), { scriptName: '/blog' })!;
    expect(environ.SCRIPT_NAME).toBe('/blog');
    expect(environ.PATH_INFO).toBe('/posts/3');
    expect(buildEnviron(request('/blogroll'), { scriptName: '/blog' })).toBeNull();
  });
});

milestone('input', () => {
  test('read(size) gives that many bytes, read() the rest, and the end gives an empty array', {
    rules: ['I1', 'I2', 'I3'],
    hint: 'Keep the bytes left over from the last chunk; pull the next chunk only when you need more.',
  }, async () => {
    const input = new Input(pieces('Good', ' mor', 'ning'));
    expect(decode(await input.read(6))).toBe('Good m');
    expect(decode(await input.read())).toBe('orning');
    expect((await input.read(3)).length).toBe(0);
  });

  test('iterating goes on from where read(size) stopped', {
    rules: ['I4'],
    hint: 'The bytes a read(size) left over come first, then the chunks that follow.',
  }, async () => {
    const input = new Input(pieces('apple,', 'pear'));
    expect(decode(await input.read(2))).toBe('ap');
    const rest: string[] = [];
    for await (const chunk of input) rest.push(decode(chunk));
    expect(rest.join('')).toBe('ple,pear');
  });
});

milestone('start-response', () => {
  test('tsgiHandler hands the app\'s status, reason and headers to the server', {
    rules: ['H1', 'H3', 'H4', 'H5'],
    hint: 'The status code is the number before the first space, the reason the text after it; headers go on unchanged.',
  }, async () => {
    const handler = tsgiHandler((environ, startResponse) => {
      startResponse('202 Accepted For Later', [['X-Queue', 'a'], ['X-Queue', 'b']]);
      return [encode('queued')];
    });
    const response = await handler(request('/jobs'));
    expect(response.status).toBe(202);
    expect(response.reason).toBe('Accepted For Later');
    expect(response.headers).toEqual([['X-Queue', 'a'], ['X-Queue', 'b']]);
    expect(await chunksOf(response)).toEqual(['queued']);
  });

  test('a path outside the mount point gets 404 without calling the app', {
    rules: ['E12', 'H2'],
    hint: 'When buildEnviron returns null, answer 404 Not Found yourself.',
  }, async () => {
    let calls = 0;
    const handler = tsgiHandler((environ, startResponse) => {
      calls++;
      startResponse('200 OK', []);
      return [];
    }, { scriptName: '/shop' });
    const response = await handler(request('/admin'));
    expect(response.status).toBe(404);
    expect(calls).toBe(0);
  });

  test('startResponse refuses a hop-by-hop header when it is called', {
    rules: ['S1', 'S5'],
    hint: 'Check each header name against HOP_BY_HOP_HEADERS (lowercased) and throw before keeping anything.',
  }, async () => {
    let refused: unknown;
    const handler = tsgiHandler((environ, startResponse) => {
      try {
        startResponse('200 OK', [['Keep-Alive', 'timeout=5']]);
      } catch (error) {
        refused = error;
      }
      return [];
    }, { errors: errorLog() });
    await handler(request('/'));
    expect(refused).toBeInstanceOf(Error);
  });
});

milestone('body', () => {
  test('an async app may return an async generator; empty chunks are skipped', {
    rules: ['A2', 'A3', 'B3', 'B6'],
    hint: 'Await what the app returns, then read its body chunk by chunk; call nothing a chunk that has no bytes.',
  }, async () => {
    const handler = tsgiHandler(async (environ, startResponse) => {
      async function* body() {
        startResponse('200 OK', [['Content-Type', 'text/plain']]); // as late as the first iteration
        yield encode('one ');
        yield new Uint8Array(0);
        yield encode('two');
      }
      return body();
    });
    const response = await handler(request('/count'));
    expect(response.status).toBe(200);
    expect(await chunksOf(response)).toEqual(['one ', 'two']);
  });

  test('a string is not a body: the client gets a 500', {
    rules: ['B1'],
    hint: 'A body must be an iterable or async iterable of Uint8Array; a string (or a Uint8Array itself) is refused.',
  }, async () => {
    const handler = tsgiHandler((environ, startResponse) => {
      startResponse('200 OK', []);
      return 'hello' as unknown as TsgiBody;
    }, { errors: errorLog() });
    const response = await handler(request('/'));
    expect(response.status).toBe(500);
  });
});

milestone('errors-and-close', () => {
  test('an app that throws gets a clean 500, and the error goes to tsgi.errors', {
    rules: ['R1', 'R2', 'R3'],
    hint: 'Catch what the app throws before the head is sent: write it to tsgi.errors and answer 500 with none of the app\'s headers.',
  }, async () => {
    const errors = errorLog();
    const handler = tsgiHandler((environ, startResponse) => {
      startResponse('200 OK', [['X-Flavour', 'vanilla']]);
      throw new Error('the freezer is empty');
    }, { errors });
    const response = await handler(request('/ice-cream'));
    expect(response.status).toBe(500);
    expect(response.headers.map(([name]) => name)).not.toContain('X-Flavour');
    expect(errors.text).toMatch(/the freezer is empty/);
  });

  test('the body\'s close() is called once, when the server is done with it', {
    rules: ['C1'],
    hint: 'Call close() when the body has been read to its end (or fails, or the server stops early), and only once.',
  }, async () => {
    let closes = 0;
    const handler = tsgiHandler((environ, startResponse) => {
      startResponse('200 OK', []);
      return Object.assign([encode('last'), encode(' page')], { close: () => void closes++ });
    });
    const response = await handler(request('/book'));
    expect(closes).toBe(0); // not before the server has read the body
    expect(await chunksOf(response)).toEqual(['last', ' page']);
    expect(closes).toBe(1);
  });
});

milestone('validator', () => {
  test('reports an app that sets a hop-by-hop header', {
    rules: ['V1', 'V5', 'V21'],
    hint: 'Wrap startResponse: check the headers, report each broken rule, then call the real startResponse.',
  }, async () => {
    const rules: TsgiRule[] = [];
    const app = validator((environ, startResponse) => {
      startResponse('200 OK', [['Transfer-Encoding', 'chunked']]);
      return [encode('bye')];
    }, { onViolation: (violation) => rules.push(violation.rule) });
    await app(buildEnviron(request('/'))!, () => {});
    expect(rules).toEqual(['start-response.hop-by-hop']);
  });

  test('correct traffic produces no violation; by default a violation is thrown', {
    rules: ['V1', 'V3', 'V24'],
    hint: 'Without onViolation, throw the TsgiViolation; a correct app must pass through without any.',
  }, async () => {
    const rules: TsgiRule[] = [];
    const checked = validator(helloApp, { onViolation: (violation) => rules.push(violation.rule) });
    const body = await checked(buildEnviron(request('/'))!, () => {});
    for await (const chunk of body) void chunk;
    expect(rules).toEqual([]);

    const strict = validator((environ, startResponse) => {
      startResponse('200 OK', []);
      return 'not a body' as unknown as TsgiBody;
    });
    await expect(Promise.resolve().then(() => strict(buildEnviron(request('/'))!, () => {}))).rejects.toMatchObject({
      rule: 'body.type',
    });
  });
});

milestone('apps', () => {
  test('helloApp through the gateway', {
    rules: ['A5'],
    hint: 'One startResponse call, one header, and a list of one chunk.',
  }, async () => {
    const response = await tsgiHandler(helloApp)(request('/'));
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect((await chunksOf(response)).join('')).toBe('Hello, WSGI!\n');
  });

  test('serve(environApp) answers fetch, and its options reach both layers', {
    rules: ['A6', 'N1', 'N2'],
    hint: 'serve makes lab 2\'s server with tsgiHandler(app, options) and the same options, then listens on options.port.',
  }, async () => {
    const server = await serve(environApp, { port: 0, serverName: 'shelf.test' });
    try {
      const { port } = server.address()!;
      const response = await fetch(`http://127.0.0.1:${port}/where?room=2`);
      expect(response.headers.get('server')).toBe('shelf.test');
      const text = await response.text();
      expect(text).toContain('PATH_INFO: /where\n');
      expect(text).toContain('QUERY_STRING: room=2\n');
      expect(text).toContain('SERVER_NAME: shelf.test\n');
    } finally {
      await server.close();
    }
  });
});
