// Hidden tests for lab 3: the apps and serve() (milestone 7), over real sockets, with the
// clients a learner would use: fetch, supertest, and raw bytes. The server underneath is the
// reference lab 2, started by the lab's own serve().
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import type { TsgiApp } from '#contracts/tsgi';
import { environApp, helloApp } from '@lab/gateway';
import { bounded, bytes, milestone, show, test } from '../../harness/index.ts';
import { cleanup, exchange, handmadeEnviron, readBody, readResponse, readResponses, recorder, serveOnFreePort } from './support.ts';

afterEach(cleanup);

const url = (port: number, path = '/') => `http://127.0.0.1:${port}${path}`;

/** An app that answers with what it read from tsgi.input, and the CONTENT_LENGTH it was told. */
const echo: TsgiApp = async (environ, startResponse) => {
  const parts: Uint8Array[] = [];
  for await (const chunk of environ['tsgi.input']) parts.push(chunk);
  const body = Buffer.concat(parts);
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Content-Length', String(environ.CONTENT_LENGTH ?? 'none')]]);
  return [bytes('echo:'), body];
};

/** The environApp's lines as [key, value] pairs. */
function lines(body: string): Array<[string, string]> {
  return body
    .split('\n')
    .filter((line) => line !== '')
    .map((line): [string, string] => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
}

milestone('apps', () => {
  test('helloApp says Hello, WSGI!', {
    points: 2,
    hint: 'Compare your status, your Content-Type and your bytes, character by character, with the lesson\'s first app.',
    lesson: '03-gateway.md#the-smallest-app',
  }, async () => {
    const { startResponse, calls } = recorder();
    const body = await bounded('helloApp(environ, startResponse)', () => helloApp(handmadeEnviron(), startResponse));
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('200 OK');
    const type = calls[0]![1].filter(([name]) => name.toLowerCase() === 'content-type').map(([, value]) => value);
    expect(type).toEqual(['text/plain; charset=utf-8']);
    expect(show(await readBody(body))).toBe(show('Hello, WSGI!\n'));
  });

  test('serve(helloApp) answers fetch', { points: 2 }, async () => {
    const port = await serveOnFreePort(helloApp);
    const response = await fetch(url(port));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('Hello, WSGI!\n');
  });

  test('serve(helloApp) answers supertest', {}, async () => {
    const port = await serveOnFreePort(helloApp);
    const response = await request(url(port)).get('/any/path?x=1').expect(200);
    expect(response.text).toBe('Hello, WSGI!\n');
  });

  test('serve(helloApp), byte by byte over a raw socket', {
    points: 2,
    hint: 'Try it yourself: npx tsx --conditions=reference labs/lab3-gateway/try.ts, then curl -v http://localhost:8000/.',
  }, async () => {
    const port = await serveOnFreePort(helloApp);
    const { raw } = await exchange(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    const response = readResponse(raw);
    expect(show(response.statusLine)).toBe(show('HTTP/1.1 200 OK'));
    expect(response.complete).toBe(true);
    expect(show(response.body)).toBe(show('Hello, WSGI!\n'));
  });

  test('environApp lists every string entry of the environ, sorted, one "KEY: value" line each', {
    points: 3,
    lesson: '03-gateway.md#the-smallest-app',
  }, async () => {
    const port = await serveOnFreePort(environApp);
    const response = await fetch(url(port, '/caf%C3%A9?q=tea'), { headers: { 'X-Test': 'yes' } });
    expect(response.status).toBe(200);
    const pairs = lines(await response.text());
    const keys = pairs.map(([key]) => key);
    expect(keys).toEqual([...keys].sort());
    const environ = new Map(pairs);
    expect(environ.get('REQUEST_METHOD')).toBe('GET');
    expect(environ.get('PATH_INFO'), 'PATH_INFO, decoded by fetch as UTF-8').toBe('/café');
    expect(environ.get('QUERY_STRING')).toBe('q=tea');
    expect(environ.get('HTTP_X_TEST')).toBe('yes');
    expect(environ.get('SERVER_PROTOCOL')).toBe('HTTP/1.1');
    expect(environ.get('tsgi.url_scheme')).toBe('http');
    expect(keys.includes('tsgi.input') || keys.includes('tsgi.version'), 'entries that are not strings are left out').toBe(false);
  });

  test('serve mounts the app at scriptName; outside it, 404', {
    points: 2,
    lesson: '03-gateway.md#paths-script_name-and-path_info',
  }, async () => {
    const port = await serveOnFreePort(environApp, { scriptName: '/app' });
    const inside = new Map(lines(await (await fetch(url(port, '/app/notes/1'))).text()));
    expect([inside.get('SCRIPT_NAME'), inside.get('PATH_INFO')]).toEqual(['/app', '/notes/1']);
    expect((await fetch(url(port, '/elsewhere'))).status).toBe(404);
  });

  test('an app reading tsgi.input gets the whole upload, by Content-Length or chunked', {
    points: 2,
    lesson: '03-gateway.md#the-input-stream-tsgiinput',
  }, async () => {
    const port = await serveOnFreePort(echo);
    const posted = await fetch(url(port, '/upload'), { method: 'POST', body: 'name=Ada&lang=en' });
    expect(await posted.text()).toBe('echo:name=Ada&lang=en');
    expect(posted.headers.get('x-content-length')).toBe('16');
    const chunked = readResponse(
      (await exchange(port, 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n')).raw,
    );
    expect(chunked.body).toBe('echo:Wikipedia');
    expect(chunked.headers.find(([name]) => name === 'x-content-length')?.[1]).toBe('none');
  });

  test('several requests on one connection, through the gateway', {
    hint: 'Each response must end properly (body finished, close() called) for the server to go on to the next request.',
  }, async () => {
    const port = await serveOnFreePort(environApp);
    const { raw } = await exchange(
      port,
      'GET /one HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /two?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const responses = readResponses(raw);
    expect(responses.map((r) => r.statusLine)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(responses[0]!.body).toContain('PATH_INFO: /one\n');
    expect(responses[1]!.body).toContain('QUERY_STRING: n=2\n');
  });
});
