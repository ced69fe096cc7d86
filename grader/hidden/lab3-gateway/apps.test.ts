// Hidden tests for lab 3: the apps and serve() (milestone 7), over real sockets, with the
// clients a learner would use: fetch, supertest, and raw bytes. The server underneath is the
// reference lab 2, started by the lab's own serve().
import net from 'node:net';
import request from 'supertest';
import { afterEach, expect } from 'vitest';
import type { Environ, TsgiApp } from '#contracts/tsgi';
import { environApp, helloApp } from '@lab/gateway';
import { bounded, bytes, milestone, show, test } from '../../harness/index.ts';
import { cleanup, exchange, quiet, readBody, readResponse, readResponses, recorder, serveOnFreePort, source, startServe } from './support.ts';

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
    rules: ['A5'],
    points: 2,
    hint: 'Compare your status, your Content-Type and your bytes, character by character, with the lesson\'s first app.',
  }, async () => {
    const { startResponse, calls } = recorder();
    const body = await bounded('helloApp(environ, startResponse)', () => helloApp({} as Environ, startResponse));
    expect(calls.map(([status, headers]) => [status, headers]), 'the calls helloApp made to startResponse').toEqual([['200 OK', [['Content-Type', 'text/plain; charset=utf-8']]]]);
    expect(Array.isArray(body) && body.length, 'helloApp should return a list of one chunk: its length').toBe(1);
    expect(show(await readBody(body)), 'the body helloApp returned').toBe(show('Hello, WSGI!\n'));
  });

  test('environApp lists the string entries of the environ, sorted, as latin1 bytes', {
    rules: ['A6'],
    points: 2,
    hint: 'Keep only the string entries, sort the keys with the default sort(), one "KEY: value\\n" line each, and encode with Buffer.from(text, \'latin1\') so each character is one byte (rule A6).',
  }, async () => {
    const environ = {
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/caf\xc3\xa9',
      QUERY_STRING: 'q=1',
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: '8000',
      SERVER_PROTOCOL: 'HTTP/1.1',
      HTTP_X_B: 'b',
      HTTP_ACCEPT: '*/*',
      'tsgi.version': [1, 0],
      'tsgi.url_scheme': 'http',
      'tsgi.input': Object.assign(source([]), { read: async () => new Uint8Array(0) }),
      'tsgi.errors': quiet,
      'tsgi.multithread': false,
      'tsgi.multiprocess': false,
      'tsgi.run_once': false,
      'myserver.count': 3,
      'myserver.name': 'x',
    } as unknown as Environ;
    const { startResponse, calls } = recorder();
    const body = await bounded('environApp(environ, startResponse)', () => environApp(environ, startResponse));
    expect(calls.map(([status, headers]) => [status, headers]), 'the calls environApp made to startResponse').toEqual([['200 OK', [['Content-Type', 'text/plain; charset=utf-8']]]]);
    const expected =
      'HTTP_ACCEPT: */*\nHTTP_X_B: b\nPATH_INFO: /caf\xc3\xa9\nQUERY_STRING: q=1\nREQUEST_METHOD: GET\nSCRIPT_NAME: \n' +
      'SERVER_NAME: 127.0.0.1\nSERVER_PORT: 8000\nSERVER_PROTOCOL: HTTP/1.1\nmyserver.name: x\ntsgi.url_scheme: http\n';
    expect(show(await readBody(body)), `the body environApp returned for an environ with the keys ${Object.keys(environ).join(', ')}`).toBe(show(bytes(expected)));
  });

  test('serve(helloApp) answers fetch', {
    rules: ['N1', 'A5'],
    points: 2,
    hint: 'Create lab 2\'s server with tsgiHandler(app, options), await its listen(), and resolve with the server (rule N1).',
    lesson: '03-gateway.md#running-apps',
  }, async () => {
    const port = await serveOnFreePort(helloApp);
    const response = await fetch(url(port));
    expect(response.status, 'status for fetch(GET /) from serve(helloApp)').toBe(200);
    expect(response.headers.get('content-type'), 'Content-Type for fetch(GET /) from serve(helloApp)').toBe('text/plain; charset=utf-8');
    expect(await response.text(), 'body for fetch(GET /) from serve(helloApp)').toBe('Hello, WSGI!\n');
  });

  test('serve(helloApp) answers supertest', { rules: ['N1'] }, async () => {
    const port = await serveOnFreePort(helloApp);
    const response = await request(url(port)).get('/any/path?x=1');
    expect(response.status, 'status for GET /any/path?x=1 from serve(helloApp), with supertest').toBe(200);
    expect(response.text, 'body for GET /any/path?x=1 from serve(helloApp)').toBe('Hello, WSGI!\n');
  });

  test('serve(helloApp), byte by byte over a raw socket', {
    rules: ['N1', 'A5'],
    points: 2,
    hint: 'Try it yourself: npx tsx --conditions=reference labs/lab3-gateway/try.ts, then curl -v http://localhost:8000/.',
    lesson: '03-gateway.md#running-apps',
  }, async () => {
    const port = await serveOnFreePort(helloApp);
    const sent = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
    const { raw } = await exchange(port, sent);
    const response = readResponse(raw);
    expect(show(response.statusLine), `status line of ${show(raw)}, the answer to ${show(sent)}`).toBe(show('HTTP/1.1 200 OK'));
    expect(response.complete, `the body of ${show(raw)} should be complete`).toBe(true);
    expect(show(response.body), `body of ${show(raw)}`).toBe(show('Hello, WSGI!\n'));
  });

  test('serve() listens on the host it is given', {
    rules: ['N1'],
    hint: 'Pass options.host to server.listen(port, host) (rule N1).',
  }, async () => {
    const server = await startServe(helloApp, { host: '0.0.0.0' });
    expect(server.address()?.address, "the address of serve(helloApp, { host: '0.0.0.0', port: 0 })").toBe('0.0.0.0');
  });

  test('serve() listens on the port it is given, and port 0 picks a free one', {
    rules: ['N1'],
    hint: 'Listen on options.port, 8000 only when it is not given: `options.port ?? 8000` (with `||`, port 0 would become 8000) (rule N1).',
  }, async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const chosen = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const server = await startServe(helloApp, { port: chosen, host: '127.0.0.1' });
    expect(server.address()?.port, `the port of serve(helloApp, { port: ${chosen}, host: '127.0.0.1' })`).toBe(chosen);
    const first = await startServe(helloApp, { port: 0, host: '127.0.0.1' });
    const second = await startServe(helloApp, { port: 0, host: '127.0.0.1' });
    const ports = [first.address()?.port, second.address()?.port];
    expect(ports[0] !== ports[1] && !ports.includes(0), `two servers from serve(helloApp, { port: 0 }) should listen on two different free ports, got ${JSON.stringify(ports)}`).toBe(true);
  });

  test('serve() listens on port 8000 when no port is given', {
    rules: ['N1'],
    hint: 'The port is options.port ?? 8000 (rule N1).',
  }, async () => {
    // Port 8000 may be taken on this machine: then serve() must fail to listen on 8000, not elsewhere.
    let port: unknown;
    try {
      const server = await startServe(helloApp, { port: undefined, host: '127.0.0.1' });
      port = server.address()?.port;
    } catch (error) {
      const failed = error as { code?: string; port?: number; message?: string };
      port = failed.code === 'EADDRINUSE' ? (failed.port ?? /:(\d+)\b/.exec(String(failed.message))?.[1]) : `an error: ${String(error)}`;
    }
    expect(String(port), "the port serve(helloApp, { host: '127.0.0.1' }) listened on (or, when it was taken, failed to listen on)").toBe('8000');
  });

  test('environApp over a real server: the request as the app sees it', {
    rules: ['A6', 'N1'],
    points: 3,
    lesson: '03-gateway.md#the-smallest-app',
  }, async () => {
    const port = await serveOnFreePort(environApp);
    const response = await fetch(url(port, '/caf%C3%A9?q=tea'), { headers: { 'X-Test': 'yes' } });
    const what = "from serve(environApp) for fetch('/caf%C3%A9?q=tea') with X-Test: yes";
    expect(response.status, `status ${what}`).toBe(200);
    const body = await response.text();
    const pairs = lines(body);
    const keys = pairs.map(([key]) => key);
    expect(keys, `the keys of the body ${what}, in the order given: ${JSON.stringify(body)}`).toEqual([...keys].sort());
    const environ = new Map(pairs);
    expect(environ.get('REQUEST_METHOD'), `REQUEST_METHOD ${what}`).toBe('GET');
    expect(environ.get('PATH_INFO'), `PATH_INFO ${what}, read by fetch as UTF-8`).toBe('/café');
    expect(environ.get('QUERY_STRING'), `QUERY_STRING ${what}`).toBe('q=tea');
    expect(environ.get('HTTP_X_TEST'), `HTTP_X_TEST ${what}`).toBe('yes');
    expect(environ.get('SERVER_PROTOCOL'), `SERVER_PROTOCOL ${what}`).toBe('HTTP/1.1');
    expect(environ.get('tsgi.url_scheme'), `tsgi.url_scheme ${what}`).toBe('http');
    expect(keys.includes('tsgi.input') || keys.includes('tsgi.version'), `entries that are not strings should be left out: ${JSON.stringify(body)}`).toBe(false);
  });

  test('serve passes its options to the gateway and to the server alike', {
    rules: ['N2'],
    points: 2,
    hint: 'Hand the same options object to tsgiHandler and to createServer: each reads the options it knows (rule N2).',
  }, async () => {
    const port = await serveOnFreePort(environApp, { scriptName: '/app', serverName: 'notes.example' });
    const inside = await fetch(url(port, '/app/notes/1'));
    const environ = new Map(lines(await inside.text()));
    const what = "from serve(environApp, { scriptName: '/app', serverName: 'notes.example' }) for GET /app/notes/1";
    expect([environ.get('SCRIPT_NAME'), environ.get('PATH_INFO'), environ.get('SERVER_NAME')], `[SCRIPT_NAME, PATH_INFO, SERVER_NAME] ${what}`).toEqual(['/app', '/notes/1', 'notes.example']);
    expect(inside.headers.get('server'), `the Server header ${what}`).toBe('notes.example');
    expect((await fetch(url(port, '/elsewhere'))).status, "status from serve(environApp, { scriptName: '/app' }) for GET /elsewhere").toBe(404);
  });

  test('an app reading tsgi.input gets the whole upload, by Content-Length or chunked', {
    rules: ['N1', 'I4'],
    points: 2,
    lesson: '03-gateway.md#the-input-stream-tsgiinput',
  }, async () => {
    const port = await serveOnFreePort(echo);
    const posted = await fetch(url(port, '/upload'), { method: 'POST', body: 'name=Ada&lang=en' });
    const what = "from an app that echoes tsgi.input, for fetch(POST /upload, body 'name=Ada&lang=en')";
    expect(await posted.text(), `body ${what}`).toBe('echo:name=Ada&lang=en');
    expect(posted.headers.get('x-content-length'), `the CONTENT_LENGTH the app saw, ${what}`).toBe('16');
    const sent = 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n';
    const { raw } = await exchange(port, sent);
    const chunked = readResponse(raw);
    expect(chunked.body, `body of ${show(raw)}, the answer to ${show(sent)}`).toBe('echo:Wikipedia');
    expect(chunked.headers.find(([name]) => name === 'x-content-length')?.[1], `the CONTENT_LENGTH the app saw for ${show(sent)}`).toBe('none');
  });

  test('several requests on one connection, through the gateway', {
    rules: ['N1', 'C1'],
    hint: 'Each response must end properly (body finished, close() called) for the server to go on to the next request.',
    lesson: '03-gateway.md#running-apps',
  }, async () => {
    const port = await serveOnFreePort(environApp);
    const sent = 'GET /one HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /two?n=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const { raw } = await exchange(port, sent);
    const responses = readResponses(raw);
    expect(responses.map((r) => r.statusLine), `status lines of ${show(raw)}, the answers to ${show(sent)}`).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(responses[0]!.body, 'the first body').toContain('PATH_INFO: /one\n');
    expect(responses[1]!.body, 'the second body').toContain('QUERY_STRING: n=2\n');
  });
});
