// Hidden tests for lab 2's extension "HTTPS": the same server with a `tls` option. Every client
// here trusts only the test certificate (test-cert.ts) and never turns verification off, so a
// handshake that succeeds proves the server used the key and certificate it was given. Past the
// handshake, a TLS connection must behave exactly as a plain one: the tests replay a few of the
// core milestones' situations over TLS. Every test names the rules of lessons/02-server.md it checks.
import tls from 'node:tls';
import { afterEach, expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import { Client, cleanUp, closeWithin, hello, quiet, readBody, request, sleep, start, tokens, utf8 } from './helpers.ts';
import { TEST_CERT, TEST_CERT_FINGERPRINT, TEST_KEY } from './test-cert.ts';

afterEach(cleanUp);

/** Slack allowed on top of a timeout before a test calls it missed. */
const SLACK_MS = 2000;

const credentials = { key: TEST_KEY, cert: TEST_CERT };

const echo = async (req: Parameters<typeof readBody>[0]) => ({ status: 200, headers: [], body: utf8(`got ${await readBody(req)} for ${req.method} ${req.target}`) });

milestone('tls', () => {
  test('with options.tls, the server speaks TLS with the given certificate and answers as over TCP', {
    rules: ['W1'],
    points: 2,
    hint: "With settings.tls, create the listener with tls.createServer({ ...settings.tls, allowHalfOpen: true, noDelay: true }, onSocket): its callback gets each connection after the handshake, a TLSSocket that the Connection reads and writes like any socket.",
  }, async () => {
    const { port } = await start(hello, { tls: credentials, ...quiet });
    const client = await Client.connect(port, { ca: TEST_CERT });
    const socket = client.socket as tls.TLSSocket;
    expect(socket.authorized, `the client should trust the server's certificate (${String(socket.authorizationError)})`).toBe(true);
    expect(socket.getPeerCertificate().fingerprint256, "the certificate the server presented should be options.tls.cert").toBe(TEST_CERT_FINGERPRINT);
    client.send(request('GET /secure?x=1'));
    const reply = await client.response();
    expect(reply.status, `GET /secure?x=1 over TLS; ${client.story()}`).toBe(200);
    expect(reply.body, `GET /secure?x=1 over TLS; ${client.story()}`).toBe('hello GET /secure?x=1');
  });

  test('over TLS, pipelined requests, request bodies and keep-alive work as over TCP', {
    rules: ['W1'],
    hint: 'Serve the TLSSocket exactly as a plain socket: nothing past the listener needs to know about TLS (in the guided starter, a Connection).',
  }, async () => {
    const { port } = await start(echo, { tls: credentials, ...quiet });
    const client = await Client.connect(port, { ca: TEST_CERT });
    client.send(request('GET /a') + request('POST /b', ['Host: test', 'Content-Length: 5'], 'hello'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), `two pipelined requests over one TLS connection; ${client.story()}`).toEqual(['got  for GET /a', 'got hello for POST /b']);
    expect(client.closed, `the connection should stay open after two keep-alive responses; ${client.story()}`).toBe(false);
    client.send(request('GET /c'));
    const third = await client.responses(3);
    expect(third[2]?.body, `a third request on the same TLS connection; ${client.story()}`).toBe('got  for GET /c');
  });

  test('over TLS, one connection over maxConnections gets 503, and close() ends an idle connection', {
    rules: ['W1'],
    hint: 'Count and turn away TLS connections with the same code as plain ones, once their handshake is done; close() closes the TLS listener as it would the plain one.',
  }, async () => {
    const { server, port } = await start(hello, { tls: credentials, maxConnections: 1, ...quiet });
    const first = await Client.connect(port, { ca: TEST_CERT });
    first.send(request('GET /first'));
    expect((await first.response()).body, first.story()).toBe('hello GET /first');
    const second = await Client.connect(port, { ca: TEST_CERT });
    expect(await second.closesWithin(2000), `the TLS connection over maxConnections 1 should be answered and closed; ${second.story()}`).toBe(true);
    const [refused] = second.finals();
    expect(refused?.status, `the answer to a TLS connection over maxConnections 1; ${second.story()}`).toBe(503);
    expect(tokens(refused, 'connection'), `the 503 says close; ${second.story()}`).toEqual(['close']);
    // The first connection is idle and kept alive: close() ends it at once and resolves.
    expect(await closeWithin(server, 2000), 'server.close() with one idle TLS connection should resolve within 2000 ms').toBe(true);
    expect(first.closed, `the idle TLS connection should be closed by close(); ${first.story()}`).toBe(true);
  });

  test('over TLS, a client that closes its side after its request still gets the whole response', {
    rules: ['W2'],
    hint: 'Give the TLS server allowHalfOpen: true too (with noDelay), as the plain one: without it, the TLS socket ends itself when the client closes its side, before the response is written.',
  }, async () => {
    const { port } = await start(
      async (req) => {
        await sleep(100); // answer after the client's FIN has arrived
        return hello(req);
      },
      { tls: credentials, ...quiet },
    );
    const client = await Client.connect(port, { ca: TEST_CERT, allowHalfOpen: true });
    client.send(request('GET /half'));
    client.socket.end();
    await client.closesWithin(2000);
    const [reply] = client.finals();
    expect(reply?.body, `a TLS client that closed its side after GET /half; ${client.story()}`).toBe('hello GET /half');
    expect(reply?.complete, `the response should be complete; ${client.story()}`).toBe(true);
  });

  test('a connection that never completes its TLS handshake is closed after headerTimeoutMs, and others are served', {
    rules: ['W3'],
    points: 2,
    hint: "Pass handshakeTimeout: settings.headerTimeoutMs to tls.createServer (Node's default is two minutes), and destroy the socket in the server's 'tlsClientError' listener: Node reports a failed or timed-out handshake there and leaves the connection open.",
  }, async () => {
    const headerTimeoutMs = 300;
    const { port } = await start(hello, { tls: credentials, headerTimeoutMs, ...quiet });
    // A plain TCP client that connects and says nothing: no handshake, no request.
    const silent = await Client.connect(port);
    expect(
      await silent.closesWithin(headerTimeoutMs + SLACK_MS),
      `a client that sent nothing should be disconnected within ${headerTimeoutMs + SLACK_MS} ms with headerTimeoutMs ${headerTimeoutMs}; ${silent.story()}`,
    ).toBe(true);
    // Plain HTTP on the TLS port fails the handshake: that connection is closed, nothing else.
    const plain = await Client.connect(port);
    plain.send(request('GET /plain'));
    expect(await plain.closesWithin(2000), `plain HTTP sent to the TLS port should get the connection closed; ${plain.story()}`).toBe(true);
    const client = await Client.connect(port, { ca: TEST_CERT });
    client.send(request('GET /after'));
    expect((await client.response()).body, `a TLS client after the failed ones; ${client.story()}`).toBe('hello GET /after');
  });
});
