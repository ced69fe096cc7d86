// Hidden tests for lab 2: the clocks a server keeps (header and keep-alive timeouts) and the ends
// of a connection's life: graceful shutdown with close(), and clients that go away mid-request.
// Timeouts are set small (a few hundred ms) and checked only against generous upper bounds.
import { afterEach, expect } from 'vitest';
import { milestone, test } from '../../harness/index.ts';
import {
  Client,
  cleanUp,
  closeWithin,
  deferred,
  hello,
  request,
  settlesWithin,
  sleep,
  start,
  tokens,
  utf8,
  within,
} from './helpers.ts';

afterEach(cleanUp);

/** Slack allowed on top of a timeout before a test calls it missed. */
const SLACK_MS = 2000;

milestone('timeouts', () => {
  test('cuts off a client that trickles its head (slowloris)', {
    points: 2,
    hint: 'Time the whole head from its first byte: a timer restarted on every byte never fires for a client that sends one byte at a time.',
  }, async () => {
    const headerTimeoutMs = 300;
    const { port } = await start(hello, { headerTimeoutMs });
    const client = await Client.connect(port);
    const head = request('GET /', ['Host: test', ...Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${i}`)]);
    void client.sendSlowly(head.match(/[\s\S]{1,2}/g)!, 40); // two bytes every 40 ms: about 15 s in all
    const cut = await client.closesWithin(headerTimeoutMs + SLACK_MS);
    expect(cut, `the connection was closed within ${headerTimeoutMs + SLACK_MS} ms; ${client.story()}`).toBe(true);
    for (const reply of client.finals()) expect(reply.status, `only a 408 may be sent; ${client.story()}`).toBe(408);
  });

  test('cuts off a connection that sends nothing at all', {
    hint: 'The header timeout starts when the connection opens, before any byte arrives.',
  }, async () => {
    const headerTimeoutMs = 300;
    const { port } = await start(hello, { headerTimeoutMs });
    const client = await Client.connect(port);
    const cut = await client.closesWithin(headerTimeoutMs + SLACK_MS);
    expect(cut, `the connection was closed within ${headerTimeoutMs + SLACK_MS} ms; ${client.story()}`).toBe(true);
  });

  test('serves a head that arrives slowly but in time', {
    hint: 'Only a head that is not complete within headerTimeoutMs is cut off.',
  }, async () => {
    const { port } = await start(hello, { headerTimeoutMs: 1000 });
    const client = await Client.connect(port);
    await client.sendSlowly(['GET /sl', 'ow HTTP/1.1\r\n', 'Host: te', 'st\r\n\r\n'], 60);
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /slow');
  });

  test('does not cut off a slow handler: the header timeout ends with the head', {
    hint: 'Stop the header timer once the head is parsed; how long the handler takes is not up to the client.',
  }, async () => {
    const headerTimeoutMs = 200;
    const { port } = await start(
      async (req) => {
        await sleep(headerTimeoutMs * 3);
        return hello(req);
      },
      { headerTimeoutMs },
    );
    const client = await Client.connect(port);
    client.send(request('GET /slow-handler'));
    const reply = await client.response(3000);
    expect(reply.body, client.story()).toBe('hello GET /slow-handler');
  });

  test('closes a kept-alive connection that stays idle for keepAliveTimeoutMs', {
    points: 2,
    hint: 'After a response, start a timer for the next request; when it fires with no byte received, end the connection.',
  }, async () => {
    const keepAliveTimeoutMs = 600;
    const { port } = await start(hello, { keepAliveTimeoutMs, headerTimeoutMs: 10_000 });
    const client = await Client.connect(port);
    client.send(request('GET /one'));
    await client.response();
    await sleep(100);
    expect(client.closed, `still open 100 ms after the first response; ${client.story()}`).toBe(false);
    client.send(request('GET /two'));
    await client.responses(2);
    const cut = await client.closesWithin(keepAliveTimeoutMs + SLACK_MS);
    expect(cut, `closed within ${keepAliveTimeoutMs + SLACK_MS} ms of the last response; ${client.story()}`).toBe(true);
    expect(client.finals().map((r) => r.body)).toEqual(['hello GET /one', 'hello GET /two']);
  });

  test('the header timeout applies to the next request on a kept-alive connection too', {
    hint: 'When the first byte of the next request arrives, the header timer starts again.',
  }, async () => {
    const headerTimeoutMs = 300;
    const { port } = await start(hello, { headerTimeoutMs, keepAliveTimeoutMs: 10_000 });
    const client = await Client.connect(port);
    client.send(request('GET /one'));
    await client.response();
    client.send('GET /two HTTP/1.1\r\nHost: te');
    const cut = await client.closesWithin(headerTimeoutMs + SLACK_MS);
    expect(cut, `closed within ${headerTimeoutMs + SLACK_MS} ms; ${client.story()}`).toBe(true);
  });
});

milestone('shutdown', () => {
  test('close() closes idle kept-alive connections at once', {
    points: 2,
    hint: 'A connection waiting for its next request has nothing in flight: end it now rather than wait for keepAliveTimeoutMs.',
  }, async () => {
    const { server, port } = await start(hello, { keepAliveTimeoutMs: 10_000 });
    const client = await Client.connect(port);
    client.send(request('GET /'));
    await client.response();
    const closed = closeWithin(server, 1500);
    expect(await client.closesWithin(1000), `the idle connection closed within 1000 ms; ${client.story()}`).toBe(true);
    expect(await closed, 'close() resolved').toBe(true);
  });

  test('close() lets a request in flight finish, with Connection: close', {
    points: 2,
    hint: 'Mark busy connections as closing: their current response says Connection: close, and the connection ends after it.',
  }, async () => {
    const handlerStarted = deferred();
    const release = deferred();
    const { server, port } = await start(async (req) => {
      handlerStarted.resolve();
      await within(3000, 'the test releasing the handler', release.promise);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /in-flight'));
    await within(1000, 'the handler starting', handlerStarted.promise);
    let resolved = false;
    const closing = Promise.resolve(server.close()).then(() => (resolved = true));
    await sleep(100);
    expect(resolved, 'close() must wait for the request in flight').toBe(false);
    release.resolve();
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello GET /in-flight');
    expect(tokens(reply, 'connection'), client.story()).toContain('close');
    expect(await client.closesWithin(1000), `closed after the response; ${client.story()}`).toBe(true);
    expect(await settlesWithin(closing, 1000), 'close() resolved after the last response').toBe(true);
  });

  test('after close(), new connections are refused', {
    hint: 'close() starts by telling the listening socket to stop accepting.',
  }, async () => {
    const release = deferred();
    const { server, port } = await start(async (req) => {
      await within(3000, 'the test releasing the handler', release.promise);
      return hello(req);
    });
    const busy = await Client.connect(port);
    busy.send(request('GET /'));
    await sleep(50);
    const closing = Promise.resolve(server.close());
    await sleep(50);
    // The server is still finishing a request, but must already refuse newcomers.
    const refused = await Client.connect(port).then(
      () => false,
      () => true,
    );
    release.resolve();
    expect(refused, 'connecting while close() is pending failed').toBe(true);
    expect(await settlesWithin(closing, 1500), 'close() resolved').toBe(true);
  });

  test('close() still resolves after uploads the server stopped reading', {
    hint: 'A paused socket never notices that the client has closed. Once you have ended a connection, resume reading and drop what comes, or destroy the socket.',
  }, async () => {
    const { server, port } = await start(() => ({ status: 200, headers: [], body: utf8('not reading that') }), {
      limits: { maxBodyBytes: 64 * 1024 },
    });
    const upload = 'u'.repeat(256 * 1024);
    // One upload over the limit (refused with 413), one the handler ignores.
    const refused = await Client.connect(port);
    refused.send(request('POST /too-big', ['Host: test', `Content-Length: ${upload.length}`]));
    const ignored = await Client.connect(port);
    ignored.send(request('POST /ignored', ['Host: test', `Content-Length: ${48 * 1024}`]));
    for (let i = 0; i < 8; i++) {
      refused.send(upload.slice(i * 32 * 1024, (i + 1) * 32 * 1024));
      ignored.send(upload.slice(0, 6 * 1024));
      await sleep(10);
    }
    for (const client of [refused, ignored]) {
      await client.responses(1, 1500);
      expect(client.finals()[0]?.status, client.story()).toBeGreaterThanOrEqual(200);
      client.socket.end();
    }
    await sleep(100);
    expect(await closeWithin(server, 1000), 'close() resolved within 1000 ms once both clients had gone').toBe(true);
  });

  test('close() resolves at once when no connection is open', {}, async () => {
    const { server } = await start(hello);
    expect(await closeWithin(server, 500), 'close() resolved within 500 ms').toBe(true);
  });

  test('a client that disconnects aborts request.signal', {
    points: 2,
    hint: 'When the socket closes before the response is complete, call abort() on the AbortController of the request being served.',
  }, async () => {
    const aborted = deferred<unknown>();
    const { port } = await start(
      async (req) => {
        req.signal.addEventListener('abort', () => aborted.resolve(req.signal.reason));
        await within(3000, 'the request being aborted', aborted.promise);
        return hello(req);
      },
      { onError: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('GET /long-poll'));
    await sleep(100);
    client.socket.resetAndDestroy();
    await within(1000, 'request.signal aborting after the client left', aborted.promise);
  });

  test('a client that disconnects mid-stream stops the body: its finally block runs', {
    points: 2,
    hint: 'Writing to a closed socket fails: stop reading the body then, and call return() on the iterator; a for await loop does that for you when you throw or break.',
  }, async () => {
    const cleanedUp = deferred();
    let chunks = 0;
    const { port } = await start(
      () => ({
        status: 200,
        headers: [],
        body: (async function* () {
          try {
            for (;;) {
              chunks += 1;
              yield utf8(`tick ${chunks}\n`);
              await sleep(10);
            }
          } finally {
            cleanedUp.resolve();
          }
        })(),
      }),
      { onError: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('GET /ticks'));
    expect(await client.until(() => client.received.includes('tick 2'), 1500), client.story()).toBe(true);
    client.socket.destroy();
    await within(1500, "the body's finally block running after the client left", cleanedUp.promise);
  });
});
