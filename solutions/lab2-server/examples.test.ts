// Visible examples for lab 2: run them with `npm run examples lab2`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab2`) check much
// more. Add your own tests here freely.
import net from 'node:net';
import { afterEach, expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import type { RequestHead } from '#contracts/http';
import type { Handler, Server, ServerOptions } from '#contracts/server';
import { createServer, wantsKeepAlive } from './index.ts';

const encode = (text: string) => new TextEncoder().encode(text);

const servers: Server[] = [];
const sockets: net.Socket[] = [];

/** Starts a server on a free port of 127.0.0.1. afterEach closes it. */
async function start(handler: Handler, options: Partial<ServerOptions> = {}) {
  const server = createServer(handler, options);
  servers.push(server);
  const { port } = await server.listen(0);
  return { server, port };
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => Promise.resolve().then(() => server.close()).catch(() => {})));
});

/** A raw TCP client on `port`: write exact bytes with `socket.write`, read back what the server
 * sends with `received()`; `closed` resolves with everything received once the server has closed. */
function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  const closed = new Promise<string>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
  return { socket, received: () => received, closed };
}

/** Writes `raw` on a new connection and resolves with every byte the server sent back, once it
 * has closed the connection. */
function exchange(port: number, raw: string): Promise<string> {
  const client = connect(port);
  client.socket.write(raw);
  return client.closed;
}

/** Resolves once `check()` is true (checked every 10 ms); fails after 2 seconds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited >= 2000) throw new Error(`${what} did not happen within 2 seconds`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The bytes of a request body, as text. */
async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString('latin1');
  return text;
}

milestone('listen', () => {
  test('serves a request from fetch, with a handler that returns a promise', {
    rules: ['S1', 'S3', 'S6'],
    hint: 'listen(0) binds a free port of 127.0.0.1; each request goes to the handler, and what it resolves with is sent back.',
  }, async () => {
    const { port } = await start(async (request) => ({
      status: 200,
      headers: [['Content-Type', 'text/plain']],
      body: encode(`${request.method} ${request.target}`),
    }));
    const response = await fetch(`http://127.0.0.1:${port}/menu?day=monday`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('GET /menu?day=monday');
  });

  test('address() is the bound address while listening, and null after close()', {
    rules: ['S6', 'S8'],
    hint: 'Keep the address listen() resolved with; forget it as soon as close() is called.',
  }, async () => {
    const server = createServer(() => ({ status: 204, headers: [] }));
    expect(server.address()).toBeNull();
    const bound = await server.listen(0);
    try {
      expect(bound.address).toBe('127.0.0.1');
      expect(server.address()).toEqual(bound);
    } finally {
      await server.close();
    }
    expect(server.address()).toBeNull();
  });
});

milestone('keep-alive', () => {
  test('wantsKeepAlive reads the version and the Connection options', {
    rules: ['K1', 'K2'],
    hint: 'A close option (any case) means no; otherwise HTTP/1.1 means yes, and HTTP/1.0 only with keep-alive.',
  }, () => {
    const head: RequestHead = { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [['host', 'x']] };
    expect(wantsKeepAlive(head)).toBe(true);
    expect(wantsKeepAlive({ ...head, headers: [['connection', 'Upgrade, CLOSE']] })).toBe(false);
    expect(wantsKeepAlive({ ...head, version: 'HTTP/1.0', headers: [['connection', 'keep-alive']] })).toBe(true);
  });

  test('answers pipelined requests in order on one connection, and says whether it stays open', {
    rules: ['K3', 'K5', 'K9'],
    hint: 'Queue the requests of a connection and serve them one at a time; Connection: close on the last one ends the connection.',
  }, async () => {
    const { port } = await start((request) => ({ status: 200, headers: [], body: encode(`[${request.target}]`) }));
    const received = await exchange(
      port,
      'GET /tea HTTP/1.1\r\nHost: x\r\n\r\nGET /cake HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(first).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(first).toMatch(/\[\/tea\]$/);
    expect(second).toMatch(/\r\nConnection: close\r\n/i);
    expect(second).toMatch(/\[\/cake\]$/);
  });
});

milestone('framing', () => {
  test('a streamed body without a Content-Length goes out in chunks', {
    rules: ['F3', 'F5'],
    hint: 'No length known up front: send Transfer-Encoding: chunked, one encodeChunk per piece, then lastChunk().',
  }, async () => {
    const { port } = await start(() => ({
      status: 200,
      headers: [],
      body: (async function* () {
        yield encode('tick');
        yield encode('tock!');
      })(),
    }));
    const received = await exchange(port, 'GET /clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(received).toMatch(/\r\nTransfer-Encoding: chunked\r\n/i);
    expect(received.endsWith('\r\n\r\n4\r\ntick\r\n5\r\ntock!\r\n0\r\n\r\n')).toBe(true);
  });

  test('HEAD gets the head a GET would get, with Date and Server, and no body', {
    rules: ['F6', 'F9', 'F10'],
    hint: 'For HEAD, write the head with the Content-Length of the body, and stop there.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [], body: encode('hello shelf') }), { serverName: 'shelf/1' });
    const received = await exchange(port, 'HEAD /shelf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/\r\nContent-Length: 11\r\n/i);
    expect(received).toMatch(/\r\nDate: .+\r\n/i);
    expect(received).toMatch(/\r\nServer: shelf\/1\r\n/i);
    expect(received.endsWith('\r\n\r\n')).toBe(true);
  });
});

milestone('request-bodies', () => {
  test('the handler reads a chunked request body', {
    rules: ['Q1', 'Q2'],
    hint: 'Pass the parser\'s body events to the request\'s body stream; its end event ends the stream.',
  }, async () => {
    const { port } = await start(async (request) => ({ status: 200, headers: [], body: encode(`got "${await readText(request.body)}"`) }));
    const received = await exchange(
      port,
      'POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nbuy\r\n5\r\n eggs\r\n0\r\n\r\n',
    );
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received.endsWith('\r\n\r\ngot "buy eggs"')).toBe(true);
  });

  test('Expect: 100-continue gets 100 Continue when the handler starts reading', {
    rules: ['X1'],
    hint: 'Send "HTTP/1.1 100 Continue" and an empty line on the first read of the body, not before.',
  }, async () => {
    const { port } = await start(async (request) => ({ status: 200, headers: [], body: encode(await readText(request.body)) }));
    const client = connect(port);
    // The client sends the head only, and waits for the go-ahead before it sends the body.
    client.socket.write('PUT /photo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n');
    await until(() => client.received().includes('\r\n\r\n'), 'the 100 Continue');
    expect(client.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    client.socket.write('png!');
    const received = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(received.endsWith('png!')).toBe(true);
  });
});

milestone('errors', () => {
  test('a handler that throws gets a 500 that tells nothing, and onError hears of it', {
    rules: ['E4', 'E5'],
    hint: 'Catch what the handler throws: answer 500 with a plain body, and pass the error to options.onError.',
  }, async () => {
    const heard: unknown[] = [];
    const { port } = await start(() => {
      throw new Error('the secret recipe is lost');
    }, { onError: (error) => heard.push(error), log: () => {} });
    const response = await fetch(`http://127.0.0.1:${port}/recipe`);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toMatch(/secret recipe/);
    expect(heard).toHaveLength(1);
  });

  test('a request the parser refuses gets its status, and the connection closes; no handler sees it', {
    rules: ['E1'],
    hint: 'Catch the ParseError from feed(): answer with its status and a short text body, then close.',
  }, async () => {
    let calls = 0;
    const { port } = await start(() => {
      calls++;
      return { status: 200, headers: [] };
    });
    const received = await exchange(port, 'GET /menu HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(calls).toBe(0);
  });
});

milestone('timeouts', () => {
  test('options.limits are the parser\'s limits: a request line over the limit gets 414', {
    rules: ['T1'],
    hint: 'Pass options.limits to new RequestParser(...).',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [] }), { limits: { maxRequestLineBytes: 24 } });
    const short = await exchange(port, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(short).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const long = await exchange(port, 'GET /this/path/is/far/too/long HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(long).toMatch(/^HTTP\/1\.1 414 URI Too Long\r\n/);
  });

  test('a head that is not complete within headerTimeoutMs gets 408, then the connection closes', {
    rules: ['T3', 'T5'],
    hint: 'Start a timer when the connection opens; stop it when the head is parsed; if it fires, answer 408 and close.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [] }), { headerTimeoutMs: 150 });
    // The empty line that ends the head never comes.
    const received = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});

milestone('shutdown', () => {
  test('close() lets a request in flight finish, with Connection: close', {
    rules: ['G3', 'G4'],
    hint: 'close() tells each connection to take no more requests: a busy one answers with Connection: close, then ends.',
  }, async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finish = resolve));
    const { server, port } = await start(async () => {
      started();
      await mayFinish;
      return { status: 200, headers: [], body: encode('report ready') };
    });
    const answer = exchange(port, 'GET /report HTTP/1.1\r\nHost: x\r\n\r\n');
    await handlerStarted;
    const closed = server.close();
    finish();
    const received = await answer;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(received.endsWith('report ready')).toBe(true);
    await closed;
  });

  test('a client that disconnects aborts request.signal', {
    rules: ['G5'],
    hint: 'Give each request an AbortController; abort it when the socket closes before the response is complete.',
  }, async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let aborted = false;
    const { port } = await start(async (request) => {
      started();
      // Waits until the client has gone: then there is nobody to answer.
      await new Promise((resolve) => request.signal.addEventListener('abort', resolve));
      aborted = true;
      return { status: 200, headers: [] };
    });
    const client = connect(port);
    client.socket.write('GET /forever HTTP/1.1\r\nHost: x\r\n\r\n');
    await handlerStarted;
    client.socket.resetAndDestroy(); // the client goes away at once (a TCP reset)
    await client.closed.catch(() => {});
    await until(() => aborted, 'request.signal aborting');
  });
});
