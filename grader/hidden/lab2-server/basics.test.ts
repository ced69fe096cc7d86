// Hidden tests for lab 2: listening, one request and one response, many clients at once, and
// connections that carry more than one request (keep-alive, HTTP/1.0, pipelining). Everything goes
// through real sockets on 127.0.0.1: raw bytes, Node's fetch, and supertest.
import supertest from 'supertest';
import { afterEach, expect } from 'vitest';
import type { HeaderField, HttpVersion, RequestHead } from '#contracts/http';
import type { ServerRequest } from '#contracts/server';
import { wantsKeepAlive } from '@lab/server';
import { bounded, milestone, test } from '../../harness/index.ts';
import {
  Client,
  cleanUp,
  closeWithin,
  deferred,
  hello,
  request,
  sleep,
  start,
  tokens,
  utf8,
  values,
  within,
} from './helpers.ts';

afterEach(cleanUp);

milestone('listen', () => {
  test('listen(0) picks a free port and resolves with the bound address', {}, async () => {
    const { server, port } = await start(hello);
    expect(port).toBeGreaterThan(0);
    expect(bounded('server.address()', () => server.address())).toEqual({ address: '127.0.0.1', port });
  });

  test('answers one request on a socket', { points: 2, hint: 'Feed the bytes of each "data" event to a RequestParser; when it gives a head and an end, call the handler and write what it returns with the lab 1 serializer.' }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /hello'));
    const reply = await client.response();
    expect(reply.status, client.story()).toBe(200);
    expect(reply.body, client.story()).toBe('hello GET /hello');
    expect(values(reply, 'content-type'), client.story()).toEqual(['text/plain']);
  });

  test('hands the handler the method, target, version and headers', {}, async () => {
    const seen = deferred<ServerRequest>();
    const { port } = await start((req) => {
      seen.resolve(req);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('PUT /a/b?c=d', ['Host: example.test', 'X-Thing: 42', 'Content-Length: 0']));
    const req = await within(2000, 'the handler being called', seen.promise);
    expect({ method: req.method, target: req.target, version: req.version }).toEqual({
      method: 'PUT',
      target: '/a/b?c=d',
      version: 'HTTP/1.1',
    });
    expect(req.headers).toContainEqual(['host', 'example.test']);
    expect(req.headers).toContainEqual(['x-thing', '42']);
  });

  test('tells the handler both ends of the connection', {
    hint: 'The socket knows remoteAddress, remotePort, localAddress and localPort.',
  }, async () => {
    const seen = deferred<ServerRequest>();
    const { port } = await start((req) => {
      seen.resolve(req);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const req = await within(2000, 'the handler being called', seen.promise);
    expect({
      remoteAddress: req.remoteAddress,
      remotePort: req.remotePort,
      localAddress: req.localAddress,
      localPort: req.localPort,
    }).toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: client.socket.localPort,
      localAddress: '127.0.0.1',
      localPort: port,
    });
  });

  test('waits for a handler that returns a promise', { hint: 'A handler may be async: await what it returns.' }, async () => {
    const { port } = await start(async (req) => {
      await sleep(30);
      return { status: 201, headers: [], body: utf8(`made ${req.target}`) };
    });
    const client = await Client.connect(port);
    client.send(request('POST /things', ['Host: test', 'Content-Length: 0']));
    const reply = await client.response();
    expect([reply.status, reply.body], client.story()).toEqual([201, 'made /things']);
  });

  test('a real HTTP client (fetch) gets the page', {}, async () => {
    const { url } = await start(hello);
    const response = await within(2000, 'fetch()', fetch(`${url}/page?x=1`));
    expect(response.status).toBe(200);
    expect(await within(2000, 'reading the fetch body', response.text())).toBe('hello GET /page?x=1');
  });

  test('supertest can talk to it', {}, async () => {
    const { url } = await start((req) => ({
      status: 202,
      headers: [['X-Echo', req.headers.find(([name]) => name === 'x-who')?.[1] ?? 'nobody']],
      body: utf8('accepted'),
    }));
    const response = await supertest(url).get('/queue').set('X-Who', 'me').timeout(2000);
    expect(response.status).toBe(202);
    expect(response.headers['x-echo']).toBe('me');
    expect(response.text).toBe('accepted');
  });

  test('serves 200 clients at once', {
    points: 2,
    hint: 'One connection must never block another: no loop that waits for a socket, no handler called only after the previous one finished on another connection.',
    lesson: '02-server.md#one-process-many-clients',
  }, async () => {
    const CLIENTS = 200;
    const allArrived = deferred();
    let arrived = 0;
    // Every handler waits until all 200 requests are in: only a server that serves them
    // concurrently gets there.
    const { port } = await start(async (req) => {
      arrived += 1;
      if (arrived === CLIENTS) allArrived.resolve();
      await within(3000, `all ${CLIENTS} requests arriving (${arrived} did)`, allArrived.promise);
      return hello(req);
    });
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(port)));
    clients.forEach((client, i) => client.send(request(`GET /client/${i}`, ['Host: test', 'Connection: close'])));
    const replies = await Promise.all(clients.map((client) => client.responses(1, 4000)));
    const wrong = replies
      .map((r, i) => (r[0]?.status === 200 && r[0].body === `hello GET /client/${i}` ? null : `client ${i}: ${clients[i]!.story()}`))
      .filter((problem) => problem !== null);
    expect(wrong.slice(0, 3), `${wrong.length} of ${CLIENTS} clients got no right answer; ${arrived} requests reached the handler`).toEqual([]);
  });

  test('close() resolves and address() is null again', {}, async () => {
    const { server, port } = await start(hello);
    expect(bounded('server.address()', () => server.address())).toEqual({ address: '127.0.0.1', port });
    expect(await closeWithin(server, 1000), 'close() resolved within 1000 ms').toBe(true);
    expect(bounded('server.address()', () => server.address())).toBeNull();
  });
});

/** A request head as the lab 1 parser gives it (header names lowercased). */
function head(version: HttpVersion, ...headers: HeaderField[]): RequestHead {
  return { method: 'GET', target: '/', version, headers: [['host', 'test'], ...headers] };
}

milestone('keep-alive', () => {
  test('wantsKeepAlive: HTTP/1.1 keeps the connection unless the client says close', {
    hint: 'Connection is a comma-separated list of case-insensitive options, and may come on several lines.',
  }, () => {
    const keep = (h: RequestHead) => bounded('wantsKeepAlive', () => wantsKeepAlive(h));
    expect(keep(head('HTTP/1.1'))).toBe(true);
    expect(keep(head('HTTP/1.1', ['connection', 'close']))).toBe(false);
    expect(keep(head('HTTP/1.1', ['connection', 'Close']))).toBe(false);
    expect(keep(head('HTTP/1.1', ['connection', 'upgrade, close']))).toBe(false);
    expect(keep(head('HTTP/1.1', ['connection', 'upgrade'], ['connection', 'close']))).toBe(false);
    expect(keep(head('HTTP/1.1', ['connection', 'upgrade']))).toBe(true);
  });

  test('wantsKeepAlive: HTTP/1.0 closes unless the client asks for keep-alive', {}, () => {
    const keep = (h: RequestHead) => bounded('wantsKeepAlive', () => wantsKeepAlive(h));
    expect(keep(head('HTTP/1.0'))).toBe(false);
    expect(keep(head('HTTP/1.0', ['connection', 'keep-alive']))).toBe(true);
    expect(keep(head('HTTP/1.0', ['connection', 'Keep-Alive']))).toBe(true);
    expect(keep(head('HTTP/1.0', ['connection', 'keep-alive, close']))).toBe(false);
  });

  test('serves two requests, one after the other, on one connection', {
    points: 2,
    hint: 'After a response, the parser is ready for the next request: keep the socket open and keep feeding it.',
  }, async () => {
    const ports: number[] = [];
    const { port } = await start((req) => {
      ports.push(req.remotePort);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /one'));
    await client.response();
    client.send(request('GET /two'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /one', 'hello GET /two']);
    expect(client.closed, 'the connection stayed open').toBe(false);
    expect(new Set(ports).size, 'both requests came on the same connection').toBe(1);
  });

  test('closes the connection after answering a request with Connection: close', {}, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /bye', ['Host: test', 'Connection: close']));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /bye');
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
  });

  test('closes the connection when the response says Connection: close', {
    hint: 'The handler may end the connection too: look for close among the Connection options of its response.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [['Connection', 'close']], body: utf8('last') }));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('last');
    expect(tokens(reply, 'connection'), client.story()).toContain('close');
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
  });

  test('HTTP/1.0: closes after the response unless the client asked for keep-alive', {
    hint: 'HTTP/1.0 connections close by default (RFC 9112 §9.3).',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /old HTTP/1.0', []));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /old');
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
  });

  test('HTTP/1.0 with Connection: keep-alive: says keep-alive and serves the next request', {
    hint: 'An HTTP/1.0 client keeps the connection only if the response says Connection: keep-alive.',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /a HTTP/1.0', ['Connection: keep-alive']));
    const first = await client.response();
    expect(tokens(first, 'connection'), client.story()).toContain('keep-alive');
    client.send(request('GET /b HTTP/1.0', ['Connection: keep-alive']));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /a', 'hello GET /b']);
  });

  test('answers pipelined requests in the order they came', {
    points: 2,
    hint: 'Requests that arrive back to back must be answered in order (RFC 9112 §9.3.2): queue them, and start the next only when the previous response is written.',
  }, async () => {
    const delays: Record<string, number> = { '/slow': 150, '/medium': 60, '/fast': 0 };
    const { port } = await start(async (req) => {
      await sleep(delays[req.target] ?? 0);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /slow') + request('GET /medium') + request('GET /fast'));
    const replies = await client.responses(3);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /slow', 'hello GET /medium', 'hello GET /fast']);
  });

  test('closes the connection after maxRequestsPerConnection requests', {
    hint: 'Count the requests served on a connection; the last one allowed gets Connection: close, and the connection ends after it.',
  }, async () => {
    let calls = 0;
    const { port } = await start(
      (req) => {
        calls += 1;
        return hello(req);
      },
      { maxRequestsPerConnection: 2 },
    );
    const client = await Client.connect(port);
    client.send(request('GET /1') + request('GET /2') + request('GET /3'));
    await client.responses(3, 1000);
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
    expect(client.finals().map((r) => r.body), client.story()).toEqual(['hello GET /1', 'hello GET /2']);
    expect(calls, 'handler calls').toBe(2);
  });
});
