// Hidden tests for lab 8's reverse proxy: the learner's proxyHandler on the reference server, in
// front of upstreams the test starts (reference lab 2 servers, and raw sockets where a test needs
// exact bytes or silence). The client side is a raw socket too, so nothing tidies the headers.
import net from 'node:net';
import { afterEach, expect } from 'vitest';
import type { HeaderField } from '#contracts/http';
import type { ProxyOptions } from '#contracts/production';
import type { Handler, ServerRequest } from '#contracts/server';
import { proxyHandler } from '@lab/production';
import { bounded, milestone, test } from '../../harness/index.ts';
import { RawClient, cleanUp, deferred, parseReply, rawRequest, serveHandler, utf8, within } from './helpers.ts';

const rawServers = new Set<net.Server>();

afterEach(async () => {
  await cleanUp();
  for (const server of rawServers) {
    server.close();
    // Connections a silent upstream still holds.
    (server as net.Server & { sockets?: Set<net.Socket> }).sockets?.forEach((socket) => socket.destroy());
  }
  rawServers.clear();
});

/** A lab 2 upstream; returns its address for ProxyOptions. */
async function upstream(handler: Handler): Promise<{ host: string; port: number }> {
  const { port } = await serveHandler(handler);
  return { host: '127.0.0.1', port };
}

/** The proxy under test, on the reference server. */
async function proxy(options: ProxyOptions): Promise<number> {
  const handler = bounded('proxyHandler()', () => proxyHandler(options));
  return (await serveHandler(handler)).port;
}

/** A raw TCP upstream: `onConnection` gets each socket (to answer exact bytes, or nothing at all). */
async function rawUpstream(onConnection: (socket: net.Socket) => void): Promise<{ host: string; port: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  Object.assign(server, { sockets });
  rawServers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
}

/** A port that nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An upstream handler that answers with what it received, as JSON. */
const echo: Handler = async (request: ServerRequest) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request.body) chunks.push(Buffer.from(chunk));
  const seen = { method: request.method, target: request.target, headers: request.headers, body: Buffer.concat(chunks).toString('latin1') };
  return { status: 200, headers: [['Content-Type', 'application/json']], body: utf8(JSON.stringify(seen)) };
};

interface Seen {
  method: string;
  target: string;
  headers: HeaderField[];
  body: string;
}

const named = (headers: HeaderField[], name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

milestone('proxy', () => {
  test('sends requests to the upstreams in turn (round-robin)', {
    points: 2,
    hint: 'Keep a counter in the handler\'s closure: upstream number counter % upstreams.length, then count up.',
  }, async () => {
    const names = ['alpha', 'beta'];
    const upstreams = await Promise.all(
      names.map((name) => upstream(() => ({ status: 200, headers: [['Content-Type', 'text/plain']], body: utf8(name) }))),
    );
    const port = await proxy({ upstreams });
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
      expect(reply.status, reply.story).toBe(200);
      answers.push(reply.body.toString());
    }
    expect(new Set(answers), `both upstreams answered: ${answers.join(', ')}`).toEqual(new Set(names));
    for (let i = 1; i < answers.length; i++) expect(answers[i], `they alternate: ${answers.join(', ')}`).not.toBe(answers[i - 1]);
  });

  test('forwards method, target, headers and body, and says who asked in X-Forwarded-*', {
    points: 3,
    hint: 'X-Forwarded-For gets the client\'s address appended to what the client sent; X-Forwarded-Proto is the scheme the client used; X-Forwarded-Host is its Host.',
  }, async () => {
    const port = await proxy({ upstreams: [await upstream(echo)] });
    const reply = await rawRequest(port, [
      'POST /orders/7?rush=yes HTTP/1.1',
      'Host: shop.example:8080',
      'X-Forwarded-For: 198.51.100.9',
      'Content-Type: text/plain',
      'X-Custom: kept',
      'Content-Length: 5',
    ], 'hello');
    expect(reply.status, reply.story).toBe(200);
    const seen = JSON.parse(reply.body.toString()) as Seen;
    expect({ method: seen.method, target: seen.target, body: seen.body }).toEqual({ method: 'POST', target: '/orders/7?rush=yes', body: 'hello' });
    expect(named(seen.headers, 'x-custom')).toEqual(['kept']);
    expect(named(seen.headers, 'host')).toEqual(['shop.example:8080']);
    expect(named(seen.headers, 'x-forwarded-for').join(', ').split(/\s*,\s*/)).toEqual(['198.51.100.9', '127.0.0.1']);
    expect(named(seen.headers, 'x-forwarded-proto')).toEqual(['http']);
    expect(named(seen.headers, 'x-forwarded-host')).toEqual(['shop.example:8080']);
    const plain = JSON.parse((await rawRequest(port, ['GET / HTTP/1.1', 'Host: a.example'])).body.toString()) as Seen;
    expect(named(plain.headers, 'x-forwarded-for'), 'a client that sent none').toEqual(['127.0.0.1']);
  });

  test('drops hop-by-hop headers on the way in', {
    points: 2,
    hint: 'Connection, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding and Upgrade belong to one hop, and so does every header that Connection names.',
  }, async () => {
    const port = await proxy({ upstreams: [await upstream(echo)] });
    const reply = await rawRequest(port, [
      'GET / HTTP/1.1',
      'Host: test',
      'Connection: keep-alive, X-Private-Hop',
      'X-Private-Hop: secret',
      'Keep-Alive: timeout=30',
      'Proxy-Connection: keep-alive',
      'TE: trailers',
      'X-End-To-End: kept',
    ]);
    expect(reply.status, reply.story).toBe(200);
    const seen = JSON.parse(reply.body.toString()) as Seen;
    const names = seen.headers.map(([name]) => name.toLowerCase());
    for (const name of ['x-private-hop', 'keep-alive', 'proxy-connection', 'te']) expect(names, `${name} reached the upstream`).not.toContain(name);
    expect(named(seen.headers, 'connection').join(',').toLowerCase(), 'the client\'s Connection options').not.toContain('x-private-hop');
    expect(named(seen.headers, 'x-end-to-end')).toEqual(['kept']);
  });

  test('drops hop-by-hop headers on the way out', {
    points: 2,
    hint: 'The upstream\'s response has its own Connection, Keep-Alive and Transfer-Encoding: the proxy\'s server writes its own framing for the client.',
  }, async () => {
    const port = await proxy({
      upstreams: [
        await rawUpstream((socket) => {
          socket.once('data', () => {
            socket.end(
              'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close, X-Upstream-Hop\r\n' +
                'X-Upstream-Hop: secret\r\nKeep-Alive: timeout=99\r\nX-Kept: yes\r\nTransfer-Encoding: chunked\r\n\r\n' +
                '5\r\nhello\r\n0\r\n\r\n',
            );
          });
        }),
      ],
    });
    const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(reply.status, reply.story).toBe(200);
    expect(reply.body.toString()).toBe('hello');
    expect(reply.header('x-kept')).toBe('yes');
    expect(reply.header('x-upstream-hop'), reply.story).toBeUndefined();
    expect(reply.all('keep-alive').join(), reply.story).not.toContain('99');
  });

  test('streams the request body to the upstream as it arrives', {
    points: 2,
    hint: 'Write each chunk of request.body to the upstream request as you get it; don\'t collect the body first.',
  }, async () => {
    const firstChunk = deferred<string>();
    const port = await proxy({
      upstreams: [
        await upstream(async (request) => {
          let body = '';
          for await (const chunk of request.body) {
            if (body === '') firstChunk.resolve(Buffer.from(chunk).toString());
            body += Buffer.from(chunk).toString();
          }
          return { status: 200, headers: [['Content-Type', 'text/plain']], body: utf8(`got ${body}`) };
        }),
      ],
    });
    const client = await RawClient.connect(port);
    client.send('POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nfirst\r\n');
    const first = await within(3000, 'the upstream receiving the first chunk before the client sent the rest', firstChunk.promise);
    expect(first).toBe('first');
    client.send('6\r\nsecond\r\n0\r\n\r\n');
    await client.until(() => client.closed, 3000);
    expect(parseReply(client.received)?.body.toString(), client.story()).toBe('got firstsecond');
  });

  test('streams the response body to the client as it arrives', {
    points: 2,
    hint: 'Resolve with the upstream\'s status and headers as soon as they arrive, and a body that yields the upstream\'s chunks one by one.',
  }, async () => {
    const gate = deferred();
    const port = await proxy({
      upstreams: [
        await upstream(() => ({
          status: 200,
          headers: [['Content-Type', 'text/plain']],
          body: (async function* () {
            yield utf8('first,');
            await gate.promise;
            yield utf8('second');
          })(),
        })),
      ],
    });
    const client = await RawClient.connect(port);
    client.send('GET /stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
    const early = await client.until(() => client.received.includes('first,'), 3000);
    gate.resolve();
    expect(early, `the first chunk reached the client before the upstream's body ended; ${client.story()}`).toBe(true);
    await client.until(() => client.closed, 3000);
    expect(parseReply(client.received)?.body.toString(), client.story()).toBe('first,second');
  });

  test('passes binary bodies through intact, both ways', {
    hint: 'Bodies are bytes: never turn a chunk into a string on its way through.',
  }, async () => {
    const port = await proxy({
      upstreams: [
        await upstream(async (request) => {
          const chunks: Buffer[] = [];
          for await (const chunk of request.body) chunks.push(Buffer.from(chunk));
          const body = Buffer.concat(chunks).reverse();
          return { status: 200, headers: [['Content-Type', 'application/octet-stream']], body: new Uint8Array(body) };
        }),
      ],
    });
    const payload = Buffer.alloc(200_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 256;
    const reply = await rawRequest(port, ['POST /bytes HTTP/1.1', 'Host: test', `Content-Length: ${payload.length}`], payload.toString('latin1'), 5000);
    expect(reply.status, reply.story).toBe(200);
    expect(Buffer.compare(reply.body, Buffer.from(payload).reverse()), 'the upstream\'s bytes, unchanged').toBe(0);
  });

  test('answers 502 when the upstream refuses the connection', {
    points: 2,
    hint: 'http.request emits "error" (ECONNREFUSED) when nobody listens: answer 502 Bad Gateway.',
  }, async () => {
    const port = await proxy({ upstreams: [{ host: '127.0.0.1', port: await deadPort() }] });
    const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(reply.status, reply.story).toBe(502);
  });

  test('answers 504 when the upstream does not answer in time', {
    points: 2,
    hint: 'Start a timer of timeoutMs with the request; if no response head has come when it fires, destroy the upstream request and answer 504.',
  }, async () => {
    const silent = await rawUpstream(() => {
      // Accepts, reads, never answers.
    });
    const port = await proxy({ upstreams: [silent], timeoutMs: 300 });
    const started = Date.now();
    const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test'], '', 4000);
    expect(reply.status, reply.story).toBe(504);
    expect(Date.now() - started, 'answered soon after timeoutMs').toBeLessThan(3000);
  });
});
