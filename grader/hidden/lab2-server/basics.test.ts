// Hidden tests for lab 2: listening, one request and one response, many clients at once, and
// connections that carry more than one request (keep-alive, HTTP/1.0, pipelining, a client that
// pipelines and never reads). Everything goes through real sockets on 127.0.0.1: raw bytes, Node's
// fetch, and supertest. Every test names the rules of lessons/02-server.md it checks.
import supertest from 'supertest';
import { afterEach, expect } from 'vitest';
import type { HeaderField, HttpVersion, RequestHead } from '#contracts/http';
import type { ServerRequest } from '#contracts/server';
import { createServer, wantsKeepAlive } from '@lab/server';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import {
  Client,
  cleanUp,
  closeWithin,
  deferred,
  hello,
  quiet,
  readBody,
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
  test('answers one request on a socket', {
    rules: ['S1'],
    points: 2,
    hint: 'Feed the bytes of each "data" event to a RequestParser; when it gives a head and an end, call the handler and write what it returns with the lab 1 serializer.',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /hello'));
    const reply = await client.response();
    expect(reply.status, `the status; ${client.story()}`).toBe(200);
    expect(reply.body, `the body; ${client.story()}`).toBe('hello GET /hello');
    expect(values(reply, 'content-type'), `the Content-Type; ${client.story()}`).toEqual(['text/plain']);
  });

  test('hands the handler the method, target, version and headers', { rules: ['S1'] }, async () => {
    const seen = deferred<ServerRequest>();
    const { port } = await start((req) => {
      seen.resolve(req);
      return hello(req);
    });
    const client = await Client.connect(port);
    // A target with percent-escapes and header values with capitals: both reach the handler as sent.
    client.send(request('PUT /a%20b/c%2Fd?e=%41', ['Host: Example.TEST', 'X-Thing:  Forty-Two ', 'x-thing: 43', 'Content-Length: 0']));
    const req = await within(2000, 'the handler being called', seen.promise);
    expect({ method: req.method, target: req.target, version: req.version }, `what the handler got; ${client.story()}`).toEqual({
      method: 'PUT',
      target: '/a%20b/c%2Fd?e=%41',
      version: 'HTTP/1.1',
    });
    expect(req.headers, `the headers the handler got; ${client.story()}`).toEqual([
      ['host', 'Example.TEST'],
      ['x-thing', 'Forty-Two'],
      ['x-thing', '43'],
      ['content-length', '0'],
    ]);
  });

  test('tells the handler both ends of the connection', {
    rules: ['S2'],
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
    }, 'the ends of the connection the handler was told').toEqual({
      remoteAddress: '127.0.0.1',
      remotePort: client.socket.localPort,
      localAddress: '127.0.0.1',
      localPort: port,
    });
  });

  test('waits for a handler that returns a promise', { rules: ['S3'], hint: 'A handler may be async: await what it returns.' }, async () => {
    const { port } = await start(async (req) => {
      await sleep(30);
      return { status: 201, headers: [], body: utf8(`made ${req.target}`) };
    });
    const client = await Client.connect(port);
    client.send(request('POST /things', ['Host: test', 'Content-Length: 0']));
    const reply = await client.response();
    expect([reply.status, reply.body], `the status and body; ${client.story()}`).toEqual([201, 'made /things']);
  });

  test('a client that resets its connection does not stop the server', {
    rules: ['S4'],
    points: 2,
    hint: "Listen for 'error' on every socket: an 'error' event nobody listens to is thrown, and ends the whole process.",
  }, async () => {
    // The server runs in this process: an 'error' event nobody listens to would surface here.
    const thrown: string[] = [];
    const record = (error: unknown) => thrown.push(String(error));
    process.on('uncaughtException', record);
    try {
      await resetThenServe();
    } finally {
      process.off('uncaughtException', record);
    }
    expect(thrown, 'errors thrown out of the server by a client reset (they would end a real server process)').toEqual([]);
  });

  async function resetThenServe(): Promise<void> {
    const aborted = deferred();
    const { port } = await start(
      async (req) => {
        if (req.target === '/wait') {
          req.signal.addEventListener('abort', () => aborted.resolve());
          await within(3000, 'the request being aborted', aborted.promise);
        }
        return hello(req);
      },
      quiet,
    );
    const leaving = await Client.connect(port);
    leaving.send(request('GET /wait') + 'GET /half');
    await sleep(50);
    leaving.socket.resetAndDestroy();
    await within(2000, "the server noticing the reset (request.signal aborting)", aborted.promise).catch(() => {});
    await sleep(50);
    const next = await Client.connect(port);
    next.send(request('GET /after-reset'));
    const reply = await next.response();
    expect(reply.body, `another client, after the reset; ${next.story()}`).toBe('hello GET /after-reset');
  }

  test('a client that closes its side after its request still gets the answer', {
    rules: ['S5'],
    hint: 'net.createServer({ allowHalfOpen: true }): without it, the server closes its side as soon as the client closes its own, before it answers.',
  }, async () => {
    const { port } = await start(async (req) => {
      await sleep(50);
      return hello(req);
    });
    const client = await Client.connect(port, { allowHalfOpen: true });
    client.send(request('GET /then-fin'));
    client.socket.end();
    expect(await client.closesWithin(2000), `the connection ended within 2000 ms; ${client.story()}`).toBe(true);
    const [reply] = client.finals();
    expect(reply?.body, `the answer after the client's FIN; ${client.story()}`).toBe('hello GET /then-fin');
  });

  test('listen(0) picks a free port and resolves with the bound address, on 127.0.0.1 by default', { rules: ['S6'] }, async () => {
    const server = bounded('createServer()', () => createServer(hello));
    try {
      const address = await within(2000, 'server.listen(0)', bounded('server.listen(0)', () => server.listen(0)));
      expect(address?.address, 'the address listen(0) resolved with').toBe('127.0.0.1');
      expect(address?.port, 'the port listen(0) resolved with').toBeGreaterThan(0);
      const client = await Client.connect(address.port);
      client.send(request('GET /'));
      expect((await client.response()).body, `a request to that port; ${client.story()}`).toBe('hello GET /');
    } finally {
      await closeWithin(server, 1000);
    }
  });

  test('listen rejects when the port is taken', {
    rules: ['S7'],
    hint: "Until the listener listens, an 'error' event (EADDRINUSE) must reject the promise of listen().",
  }, async () => {
    const { port } = await start(hello);
    const second = bounded('createServer()', () => createServer(hello));
    const outcome = await within(
      2000,
      `listen(${port}) on a taken port`,
      Promise.resolve(bounded('server.listen()', () => second.listen(port, '127.0.0.1'))).then(
        () => 'resolved',
        (error: unknown) => `rejected (${(error as { code?: string })?.code ?? String(error)})`,
      ),
    );
    expect(outcome, `listen(${port}, '127.0.0.1') while another server listens there`).toMatch(/^rejected/);
    expect(bounded('server.address()', () => second.address()), 'address() after a failed listen').toBeNull();
  });

  test('address() is null before listen and after close(), the bound address in between', { rules: ['S8'] }, async () => {
    const server = bounded('createServer()', () => createServer(hello));
    expect(bounded('server.address()', () => server.address()), 'address() before listen').toBeNull();
    const { port } = await within(2000, 'server.listen(0)', bounded('server.listen(0)', () => server.listen(0, '127.0.0.1')));
    expect(bounded('server.address()', () => server.address()), 'address() after listen').toEqual({ address: '127.0.0.1', port });
    expect(await closeWithin(server, 1000), 'close() resolved within 1000 ms').toBe(true);
    expect(bounded('server.address()', () => server.address()), 'address() after close()').toBeNull();
  });

  test('a real HTTP client (fetch) gets the page', { rules: ['S1'] }, async () => {
    const { url } = await start(hello);
    const response = await within(2000, 'fetch()', fetch(`${url}/page?x=1`));
    expect(response.status, `GET ${url}/page?x=1`).toBe(200);
    expect(await within(2000, 'reading the fetch body', response.text()), 'the body fetch read').toBe('hello GET /page?x=1');
  });

  test('supertest can talk to it', { rules: ['S1'] }, async () => {
    const { url } = await start((req) => ({
      status: 202,
      headers: [['X-Echo', req.headers.find(([name]) => name === 'x-who')?.[1] ?? 'nobody']],
      body: utf8('accepted'),
    }));
    const response = await supertest(url).get('/queue').set('X-Who', 'me').timeout(2000);
    expect(response.status, 'the status supertest read').toBe(202);
    expect(response.headers['x-echo'], 'the X-Echo header supertest read').toBe('me');
    expect(response.text, 'the body supertest read').toBe('accepted');
  });

  test('serves 200 clients at once', {
    rules: ['S9'],
    points: 2,
    hint: 'One connection must never block another: no loop that waits for a socket, no handler called only after the previous one finished on another connection.',
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
});

/** A request head as the lab 1 parser gives it (header names lowercased). */
function head(version: HttpVersion, ...headers: HeaderField[]): RequestHead {
  return { method: 'GET', target: '/', version, headers: [['host', 'test'], ...headers] };
}

const keep = (h: RequestHead) => bounded('wantsKeepAlive', () => wantsKeepAlive(h));
const shown = (h: RequestHead) => `${h.version} with ${JSON.stringify(h.headers.slice(1))}`;

milestone('keep-alive', () => {
  test('wantsKeepAlive: a close option means no, in any case, on any Connection line, for any version', {
    rules: ['K1'],
    hint: 'Connection is a comma-separated list of case-insensitive options, and may come on several lines: read them all (the guided starter\'s connectionTokens does).',
  }, () => {
    for (const h of [
      head('HTTP/1.1', ['connection', 'close']),
      head('HTTP/1.1', ['connection', 'Close']),
      head('HTTP/1.1', ['connection', 'upgrade, close']),
      head('HTTP/1.1', ['connection', 'upgrade'], ['connection', 'close']),
      head('HTTP/1.0', ['connection', 'keep-alive, close']),
      head('HTTP/1.0', ['connection', 'keep-alive'], ['connection', 'CLOSE']),
    ]) {
      expect(keep(h), `wantsKeepAlive for ${shown(h)}`).toBe(false);
    }
  });

  test('wantsKeepAlive: HTTP/1.1 keeps by default, HTTP/1.0 only with keep-alive', { rules: ['K2'] }, () => {
    for (const [h, expected] of [
      [head('HTTP/1.1'), true],
      [head('HTTP/1.1', ['connection', 'upgrade']), true],
      [head('HTTP/1.0'), false],
      [head('HTTP/1.0', ['connection', 'keep-alive']), true],
      [head('HTTP/1.0', ['connection', 'Keep-Alive']), true],
      [head('HTTP/1.0', ['connection', 'upgrade, keep-alive']), true],
      [head('HTTP/1.0', ['connection', 'upgrade']), false],
      // Only Connection lines carry options: the same words in another field mean nothing.
      [head('HTTP/1.1', ['x-mode', 'close']), true],
      [head('HTTP/1.0', ['x-mode', 'keep-alive']), false],
    ] as const) {
      expect(keep(h), `wantsKeepAlive for ${shown(h)}`).toBe(expected);
    }
  });

  test('serves two requests, one after the other, on one connection', {
    rules: ['K2', 'K5'],
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
    const first = await client.response();
    expect(tokens(first, 'connection'), `the first response keeps the connection; ${client.story()}`).toEqual(['keep-alive']);
    client.send(request('GET /two'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /one', 'hello GET /two']);
    expect(client.closed, `the connection should stay open; ${client.story()}`).toBe(false);
    expect(new Set(ports).size, 'both requests came on the same connection').toBe(1);
  });

  test('closes the connection after answering a request with Connection: close, reading no more', {
    rules: ['K3', 'K5'],
  }, async () => {
    const targets: string[] = [];
    const { port } = await start((req) => {
      targets.push(req.target);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /bye', ['Host: test', 'Connection: close']) + request('GET /not-read'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /bye');
    expect(tokens(reply, 'connection'), `the response should say Connection: close; ${client.story()}`).toEqual(['close']);
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
    expect(targets, 'the requests the handler saw').toEqual(['/bye']);
  });

  test('after Connection: close, a request the client sends later is never read either', {
    rules: ['K3'],
    hint: 'Once the server has ended the connection, it reads only to see the client\'s FIN: what still arrives is dropped, never parsed.',
  }, async () => {
    const targets: string[] = [];
    const { server, port } = await start((req) => {
      targets.push(req.target);
      return hello(req);
    });
    // allowHalfOpen: the client's side stays open after the server's FIN, so it can still send.
    const client = await Client.connect(port, { allowHalfOpen: true });
    client.send(request('GET /bye', ['Host: test', 'Connection: close']));
    const reply = await client.response();
    expect(tokens(reply, 'connection'), `the response should say Connection: close; ${client.story()}`).toEqual(['close']);
    expect(await client.closesWithin(1000), `the server ended the connection within 1000 ms; ${client.story()}`).toBe(true);
    client.send(request('GET /late'));
    client.socket.end();
    // close() resolves once the socket has closed, which the server sees only after the client's
    // FIN, so after the late request's bytes: by then the server has read (and dropped) them.
    expect(await closeWithin(server, 3000), 'server.close() resolved within 3000 ms of the client\'s FIN').toBe(true);
    expect(targets, `the requests the handler saw; ${client.story()}`).toEqual(['/bye']);
  });

  test('HTTP/1.0: closes after the response unless the client asked for keep-alive', {
    rules: ['K3', 'K5'],
    hint: 'HTTP/1.0 connections close by default (RFC 9112 §9.3).',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /old HTTP/1.0', []));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /old');
    expect(tokens(reply, 'connection'), `the response should say Connection: close; ${client.story()}`).toEqual(['close']);
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
  });

  test('HTTP/1.0 with Connection: keep-alive: says keep-alive and serves the next request', {
    rules: ['K4'],
    hint: 'An HTTP/1.0 client keeps the connection only if the response says Connection: keep-alive.',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('GET /a HTTP/1.0', ['Connection: keep-alive']));
    const first = await client.response();
    expect(tokens(first, 'connection'), `the first response; ${client.story()}`).toEqual(['keep-alive']);
    client.send(request('GET /b HTTP/1.0', ['Connection: keep-alive']));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /a', 'hello GET /b']);
  });

  test('closes the connection after maxRequestsPerConnection requests', {
    rules: ['K6', 'K5'],
    hint: 'Count the requests served on a connection; the last one allowed gets Connection: close, and the connection ends after it.',
  }, async () => {
    let calls = 0;
    const { port } = await start(
      (req) => {
        calls += 1;
        return hello(req);
      },
      { maxRequestsPerConnection: 3 },
    );
    const client = await Client.connect(port);
    client.send(request('GET /1') + request('GET /2') + request('GET /3') + request('GET /4'));
    await client.responses(4, 1000);
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
    const replies = client.finals();
    expect(replies.map((r) => r.body), `the answers with maxRequestsPerConnection 3; ${client.story()}`).toEqual([
      'hello GET /1',
      'hello GET /2',
      'hello GET /3',
    ]);
    expect(replies.map((r) => tokens(r, 'connection').join()), `their Connection fields; ${client.story()}`).toEqual([
      'keep-alive',
      'keep-alive',
      'close',
    ]);
    expect(calls, 'handler calls').toBe(3);
  });

  test('closes the connection when the response says Connection: close, with one Connection field', {
    rules: ['K7'],
    hint: 'The handler may end the connection too: look for close among the Connection options of its response. Then drop its Connection field and write your own.',
  }, async () => {
    const { port } = await start((req) =>
      req.target === '/last' ? { status: 200, headers: [['Connection', 'Close']], body: utf8('last') } : hello(req),
    );
    const client = await Client.connect(port);
    client.send(request('GET /last') + request('GET /after'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('last');
    expect(values(reply, 'connection'), `exactly one Connection field, the server's; ${client.story()}`).toEqual(['close']);
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
    expect(client.finals().length, `no answer to /after; ${client.story()}`).toBe(1);
  });

  test('a client that closes its side gets every answer, then the connection ends', {
    rules: ['K8', 'K5'],
    hint: "The 'end' event is the client's FIN: answer what is queued, then end the connection (allowHalfOpen keeps your side open until then).",
  }, async () => {
    const { port } = await start(async (req) => {
      // The client's FIN arrives while /slow is served: /fast and /last wait in the queue.
      await sleep(req.target === '/slow' ? 200 : 0);
      return hello(req);
    });
    const client = await Client.connect(port, { allowHalfOpen: true });
    client.send(request('GET /slow') + request('GET /fast') + request('GET /last'));
    client.socket.end();
    expect(await client.closesWithin(3000), `the server ended the connection within 3000 ms; ${client.story()}`).toBe(true);
    const replies = client.finals();
    expect(replies.map((r) => r.body), `the answers; ${client.story()}`).toEqual(['hello GET /slow', 'hello GET /fast', 'hello GET /last']);
    expect(tokens(replies[1], 'connection'), `an answer with another still queued behind it keeps the connection; ${client.story()}`).toEqual(['keep-alive']);
    expect(tokens(replies[2], 'connection'), `the last answer should say close; ${client.story()}`).toEqual(['close']);
  });

  test('a client that closes its side with nothing pending: the connection ends at once', { rules: ['K8'] }, async () => {
    const { port } = await start(hello, { keepAliveTimeoutMs: 10_000 });
    const client = await Client.connect(port, { allowHalfOpen: true });
    client.send(request('GET /one'));
    await client.response();
    client.socket.end();
    expect(await client.closesWithin(1000), `the server ended the connection within 1000 ms of the client's FIN; ${client.story()}`).toBe(true);
  });

  test('answers pipelined requests in the order they came', {
    rules: ['K9'],
    points: 2,
    hint: 'Requests that arrive back to back must be answered in order (RFC 9112 §9.3.2): queue them, and start the next only when the previous response is written.',
  }, async () => {
    const delays: Record<string, number> = { '/slow': 150, '/medium': 60, '/fast': 0 };
    let running = 0;
    let overlapped = false;
    const { port } = await start(async (req) => {
      running += 1;
      if (running > 1) overlapped = true;
      await sleep(delays[req.target] ?? 0);
      running -= 1;
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /slow') + request('GET /medium') + request('GET /fast'));
    const replies = await client.responses(3);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello GET /slow', 'hello GET /medium', 'hello GET /fast']);
    expect(overlapped, 'two handlers of one connection ran at the same time').toBe(false);
  });

  test('stops reading a client that pipelines and never reads its answers, and catches up when it does', {
    rules: ['K10'],
    points: 2,
    hint: 'While more than 16 requests (MAX_QUEUED) wait in the queue, pause the socket; resume it as soon as serving one makes the queue short enough (the guided starter: #flow, called from #serveNext too).',
  }, async () => {
    const SIZE = 12 * 1024;
    // Each answer echoes its 12 KB body: soon the client's unread answers fill the socket's buffers.
    const { port } = await start(async (req) => ({ status: 200, headers: [], body: utf8(`${req.target} ${await readBody(req)}`) }), quiet);
    const client = await Client.connect(port);
    client.socket.pause(); // reads no answer
    const one = (i: number) => utf8(request(`POST /${i}`, ['Host: test', `Content-Length: ${SIZE}`], 'p'.repeat(SIZE)));
    const total = 2000; // about 24 MiB
    const pumped = await client.pump((function* () {
      for (let i = 0; i < total; i++) yield one(i);
    })());
    expect(pumped.stalled, `a client that sends ${total} pipelined requests of 12 KB and reads nothing should be stopped (TCP flow control), but the server read ${pumped.pieces} of them`).toBe(true);
    // Now the client reads, and asks for a last answer: every request it sent must be answered, in order.
    client.socket.resume();
    client.send(request('GET /end', ['Host: test', 'Connection: close']));
    await client.closesWithin(4000); // checked on every event, cheaply; the answers are read once, below
    const replies = client.finals();
    const wrong = replies
      .map((r, i) => (r.body === (i < pumped.pieces ? `/${i} ${'p'.repeat(SIZE)}` : '/end ') ? null : `answer ${i}: ${show(r.statusLine)} ${show(r.body.slice(0, 40))}`))
      .filter(Boolean);
    expect(replies.length, `answers to the ${pumped.pieces} requests sent and GET /end, once the client read`).toBe(pumped.pieces + 1);
    expect(wrong.slice(0, 3), 'answers out of order or wrong').toEqual([]);
  });
});
