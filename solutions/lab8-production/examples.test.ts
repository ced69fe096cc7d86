// Visible examples for lab 8: run them with `npm run examples lab8`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab8`) check much
// more, including real worker processes, signals and a real proxy. Add your own tests here freely.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { Server } from '#contracts/server';
import type { Environ, TsgiApp, TsgiHeaders } from '#contracts/tsgi';
import { createServer } from '#server';
import {
  Arbiter,
  acceptsGzip,
  accessLog,
  clfDate,
  gzip,
  limitRequestSize,
  parseRange,
  proxyFix,
  proxyHandler,
  staticFiles,
} from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);

/** An environ for `GET /` from 10.0.0.2, with these changes (headers as HTTP_ keys). */
function environ(changes: Partial<Environ> = {}): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '10.0.0.2',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': { read: async () => new Uint8Array(), async *[Symbol.asyncIterator]() {} },
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    ...changes,
  };
}

/** A tsgi.input over this text, handed out in one chunk. */
function input(text: string): Environ['tsgi.input'] {
  let rest = encode(text);
  const take = async () => {
    const all = rest;
    rest = new Uint8Array(0);
    return all;
  };
  return {
    read: take,
    async *[Symbol.asyncIterator]() {
      if (rest.length > 0) yield await take();
    },
  };
}

/** Plays the server for one request: calls the (wrapped) app, collects status, headers and body. */
async function call(app: TsgiApp, env: Environ) {
  let status = '';
  let headers: TsgiHeaders = [];
  const chunks: Uint8Array[] = [];
  for await (const chunk of await app(env, (s, h) => {
    status = s;
    headers = h;
  })) {
    chunks.push(chunk);
  }
  const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  return { status, headers, header, body: Buffer.concat(chunks) };
}

/** An app that answers every request with this text. */
function textApp(text: string, type = 'text/plain; charset=utf-8'): TsgiApp {
  return (env, startResponse) => {
    startResponse('200 OK', [['Content-Type', type]]);
    return [encode(text)];
  };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A folder with these files (name to content), removed after the test. */
function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'lab8-examples-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

/** Starts a lab 2 server (the course's) for a handler on a free port; closed after the test. */
async function listen(server: Server): Promise<number> {
  cleanups.push(() => server.close());
  return (await server.listen(0)).port;
}

milestone('access-log', () => {
  test('clfDate writes the time in UTC', {
    rules: ['L1'],
    hint: 'Use the getUTC... methods, pad to two digits, and the English short month names.',
  }, () => {
    expect(clfDate(new Date(Date.UTC(2025, 0, 5, 7, 8, 9)))).toBe('05/Jan/2025:07:08:09 +0000');
  });

  test('accessLog writes one line per request, once the body is sent', {
    rules: ['L2', 'L3', 'L5'],
    hint: 'Count the bytes as the body passes; in a finally block, write client - - [time] "request line" status size.',
  }, async () => {
    const lines: string[] = [];
    const app = accessLog((line) => lines.push(line))(textApp('hello'));
    const answer = await call(app, environ({ PATH_INFO: '/books', QUERY_STRING: 'page=2' }));
    expect(answer.body.toString()).toBe('hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^10\.0\.0\.2 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/books\?page=2 HTTP\/1\.1" 200 5\n$/);
  });
});

milestone('static-files', () => {
  test('serves a file under the prefix, and hands other paths to the app', {
    rules: ['F1', 'F3', 'F4'],
    hint: 'PATH_INFO starting with prefix + "/" is a file name; answer 200 with its bytes, Content-Type from the extension and Content-Length.',
  }, async () => {
    const root = folderWith({ 'notes.txt': 'buy milk' });
    const app = staticFiles({ root, prefix: '/static' })(textApp('from the app'));
    const file = await call(app, environ({ PATH_INFO: '/static/notes.txt' }));
    expect(file.status).toBe('200 OK');
    expect(file.header('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.header('content-length')).toBe('8');
    expect(file.body.toString()).toBe('buy milk');
    expect((await call(app, environ({ PATH_INFO: '/about' }))).body.toString()).toBe('from the app');
  });

  test('a name with a .. segment is refused with 404', {
    rules: ['T1', 'F5'],
    hint: 'Check the name as text before touching the file system: no "..", "." or empty segment, no backslash, no NUL.',
  }, async () => {
    const root = folderWith({ 'notes.txt': 'buy milk' });
    const app = staticFiles({ root, prefix: '/static' })(textApp('from the app'));
    expect((await call(app, environ({ PATH_INFO: '/static/../notes.txt' }))).status).toBe('404 Not Found');
    expect((await call(app, environ({ PATH_INFO: '/static/missing.txt' }))).status).toBe('404 Not Found');
  });

  test('parseRange reads one byte range of a file', {
    rules: ['F8', 'F9'],
    hint: 'bytes=start-end, bytes=start- and bytes=-suffix; a start past the end is unsatisfiable.',
  }, () => {
    expect(parseRange('bytes=10-19', 100)).toEqual([10, 19]);
    expect(parseRange('bytes=95-', 100)).toEqual([95, 99]);
    expect(parseRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
  });
});

milestone('gzip', () => {
  test('acceptsGzip reads Accept-Encoding, q-values included', {
    rules: ['G1'],
    hint: 'Split at commas; gzip or * with no q, or a q above 0, accepts.',
  }, () => {
    expect(acceptsGzip('br, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0, deflate')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  test('compresses text for a client that accepts gzip, and says Vary', {
    rules: ['G2', 'G6', 'G7'],
    hint: 'Add Content-Encoding: gzip and Vary: Accept-Encoding, drop Content-Length, and pipe the chunks through zlib.',
  }, async () => {
    const text = 'tea and cake, '.repeat(20);
    const app = gzip()(textApp(text));
    const zipped = await call(app, environ({ HTTP_ACCEPT_ENCODING: 'gzip' }));
    expect(zipped.header('content-encoding')).toBe('gzip');
    expect(zipped.header('vary')).toMatch(/accept-encoding/i);
    expect(gunzipSync(zipped.body).toString()).toBe(text);
    const plain = await call(app, environ());
    expect(plain.header('content-encoding')).toBeUndefined();
    expect(plain.body.toString()).toBe(text);
  });
});

milestone('size-limit', () => {
  test('a Content-Length over the limit gets 413 without calling the app', {
    rules: ['B1'],
    hint: 'Compare CONTENT_LENGTH with maxBytes first, and answer 413 yourself.',
  }, async () => {
    let called = false;
    const app = limitRequestSize(10)((env, startResponse) => {
      called = true;
      return textApp('ok')(env, startResponse);
    });
    const answer = await call(app, environ({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '11', 'tsgi.input': input('x'.repeat(11)) }));
    expect(answer.status).toMatch(/^413 /);
    expect(called).toBe(false);
  });

  test('a body without Content-Length is counted as the app reads it', {
    rules: ['B2', 'B3'],
    hint: 'Give the app a tsgi.input that counts what it hands out and throws RequestTooLarge past maxBytes; turn that into 413.',
  }, async () => {
    const echo: TsgiApp = async (env, startResponse) => {
      const body = await env['tsgi.input'].read();
      startResponse('200 OK', []);
      return [body];
    };
    const app = limitRequestSize(10)(echo);
    const small = await call(app, environ({ REQUEST_METHOD: 'POST', 'tsgi.input': input('tiny') }));
    expect([small.status, small.body.toString()]).toEqual(['200 OK', 'tiny']);
    const large = await call(app, environ({ REQUEST_METHOD: 'POST', 'tsgi.input': input('far too many bytes') }));
    expect(large.status).toMatch(/^413 /);
  });
});

milestone('proxy-fix', () => {
  test('trusts the rightmost X-Forwarded-For entry, written by our own proxy', {
    rules: ['X1', 'M1'],
    hint: 'Split X-Forwarded-For at commas and take the xFor-th entry from the right; change a copy of the environ.',
  }, async () => {
    let seen = '';
    const app: TsgiApp = (env, startResponse) => {
      seen = String(env.REMOTE_ADDR);
      startResponse('204 No Content', []);
      return [];
    };
    const given = environ({ HTTP_X_FORWARDED_FOR: '6.6.6.6, 198.51.100.4' });
    await call(proxyFix()(app), given);
    expect(seen).toBe('198.51.100.4');
    expect(given.REMOTE_ADDR).toBe('10.0.0.2'); // the caller's environ is left as it was
  });

  test('takes the scheme from X-Forwarded-Proto, and keeps the old values under proxyfix.orig', {
    rules: ['X2', 'X4'],
    hint: 'Only http or https may become tsgi.url_scheme; save REMOTE_ADDR, HTTP_HOST and tsgi.url_scheme first.',
  }, async () => {
    let seen: Environ | undefined;
    const app: TsgiApp = (env, startResponse) => {
      seen = env;
      startResponse('204 No Content', []);
      return [];
    };
    await call(proxyFix()(app), environ({ HTTP_X_FORWARDED_PROTO: 'https', HTTP_X_FORWARDED_FOR: '192.0.2.9', HTTP_HOST: 'shop.test' }));
    expect(seen?.['tsgi.url_scheme']).toBe('https');
    expect(seen?.['proxyfix.orig']).toEqual({ REMOTE_ADDR: '10.0.0.2', HTTP_HOST: 'shop.test', 'tsgi.url_scheme': 'http' });
  });
});

// The arbiter forks real worker processes; the hidden tests start your serve.ts and signal it.
// These examples only use the parts that start no process.
milestone('arbiter', () => {
  test('an arbiter reports its target, and no workers and no port before start()', {
    rules: ['W3'],
    hint: 'Keep the options (with their defaults) and the target in the constructor; status() lists ready workers only.',
  }, () => {
    const arbiter = new Arbiter({ workerModule: '/nowhere/app.ts', workers: 3, port: 0 });
    expect(arbiter.status()).toEqual({ workers: [], target: 3, port: null });
  });
});

milestone('signals', () => {
  test('TTOU (decrement) takes one from the target, but never goes below one worker', {
    rules: ['S7'],
    hint: 'decrement: if the target is 1, do nothing; else one fewer, and retire the youngest worker gracefully.',
  }, async () => {
    const arbiter = new Arbiter({ workerModule: '/nowhere/app.ts', workers: 2, port: 0 });
    await arbiter.decrement();
    expect(arbiter.status().target).toBe(1);
    await arbiter.decrement();
    expect(arbiter.status().target).toBe(1);
  });

  test('stop() resolves once every worker has exited (here, none had started)', {
    rules: ['S4'],
    hint: 'stop: mark the arbiter stopping, clear the watchdog, and wait for #retire of every worker.',
  }, async () => {
    const arbiter = new Arbiter({ workerModule: '/nowhere/app.ts', workers: 2, port: 0 });
    await arbiter.stop();
    expect(arbiter.status().workers).toEqual([]);
  });
});

milestone('proxy', () => {
  test('forwards a request to the upstream, and says who asked', {
    rules: ['P3', 'P5', 'P6'],
    hint: 'Send the method, target and headers on with http.request; add X-Forwarded-For (the client\'s address), -Proto and -Host.',
  }, async () => {
    const upstream = await listen(createServer((request) => {
      const forwardedFor = request.headers.find(([name]) => name === 'x-forwarded-for')?.[1];
      return { status: 200, headers: [['X-Upstream', 'yes']], body: encode(`${request.method} ${request.target} for ${forwardedFor}`) };
    }));
    const proxy = await listen(createServer(proxyHandler({ upstreams: [{ host: '127.0.0.1', port: upstream }] })));
    const response = await fetch(`http://127.0.0.1:${proxy}/orders?id=7`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.text()).toBe('GET /orders?id=7 for 127.0.0.1');
  });

  test('sends requests to the upstreams in turn', {
    rules: ['P1', 'P2'],
    hint: 'Keep a counter: upstreams[next++ % upstreams.length]. An empty list throws when proxyHandler is called.',
  }, async () => {
    const first = await listen(createServer(() => ({ status: 200, headers: [], body: encode('first') })));
    const second = await listen(createServer(() => ({ status: 200, headers: [], body: encode('second') })));
    const handler = proxyHandler({ upstreams: [{ host: '127.0.0.1', port: first }, { host: '127.0.0.1', port: second }] });
    const proxy = await listen(createServer(handler));
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push(await (await fetch(`http://127.0.0.1:${proxy}/`)).text());
    expect(answers).toEqual(['first', 'second', 'first']);
    expect(() => proxyHandler({ upstreams: [] })).toThrow();
  });
});
