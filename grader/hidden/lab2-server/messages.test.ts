// Hidden tests for lab 2: how responses are framed on the wire, how request bodies reach the
// handler as they arrive (backpressure and 100-continue included), and what happens when a
// request, a handler or a response body goes wrong. The response reader in helpers.ts is tolerant:
// header names in any case and order; only framing, status codes and bytes of bodies are compared.
// Every test names the rules of lessons/02-server.md it checks.
import { createHash } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { HttpError } from '#contracts/http';
import type { ServerResponse } from '#contracts/server';
import { milestone, show, test } from '../../harness/index.ts';
import {
  Client,
  cleanUp,
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

/** An async body that yields the given pieces with a short pause before each. */
async function* slowly(pieces: string[], pauseMs = 5): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    await sleep(pauseMs);
    yield utf8(piece);
  }
}

const streamed = (body: ServerResponse['body'], headers: ServerResponse['headers'] = []): ServerResponse => ({
  status: 200,
  headers,
  body,
});

milestone('framing', () => {
  test('a body given as bytes is sent with a Content-Length', {
    rules: ['F1'],
    hint: 'serializeResponse from lab 1 frames a whole body with Content-Length for you.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [], body: utf8('twelve bytes') }));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.framing, client.story()).toBe('length');
    expect(values(reply, 'content-length'), client.story()).toEqual(['12']);
    expect(reply.body, client.story()).toBe('twelve bytes');
  });

  test('a response without a body says Content-Length: 0, and the connection goes on', {
    rules: ['F1'],
    hint: 'On a kept-alive connection the client can only find the end of an empty body if the response says so.',
  }, async () => {
    const { port } = await start((req) =>
      req.target === '/empty' ? { status: 200, headers: [['X-Empty', 'yes']] } : hello(req),
    );
    const client = await Client.connect(port);
    client.send(request('GET /empty') + request('GET /next'));
    const replies = await client.responses(2);
    expect(values(replies[0], 'content-length'), client.story()).toEqual(['0']);
    expect(replies.map((r) => r.body), client.story()).toEqual(['', 'hello GET /next']);
  });

  test("a streamed body with the handler's Content-Length is sent as is, without chunks", {
    rules: ['F2'],
    hint: 'If the response declares its length, the client already knows where it ends.',
  }, async () => {
    const { port } = await start((req) => (req.target === '/' ? streamed(slowly(['abc', 'def']), [['Content-Length', '6']]) : hello(req)));
    const client = await Client.connect(port);
    client.send(request('GET /') + request('GET /next'));
    const replies = await client.responses(2);
    expect(replies[0]?.framing, client.story()).toBe('length');
    expect(tokens(replies[0], 'transfer-encoding'), client.story()).toEqual([]);
    expect(replies.map((r) => r.body), client.story()).toEqual(['abcdef', 'hello GET /next']);
  });

  test('a streamed body without a length goes to HTTP/1.1 clients in chunks', {
    rules: ['F3', 'K5'],
    points: 2,
    hint: 'Transfer-Encoding: chunked in the head, encodeChunk for each piece, lastChunk at the end (RFC 9112 §7.1).',
  }, async () => {
    const { port } = await start((req) =>
      req.target === '/stream' ? streamed(slowly(['a', 'bb', 'ccc'])) : hello(req),
    );
    const client = await Client.connect(port);
    client.send(request('GET /stream') + request('GET /after'));
    const replies = await client.responses(2);
    expect(replies[0]?.framing, client.story()).toBe('chunked');
    expect(replies.map((r) => r.body), client.story()).toEqual(['abbccc', 'hello GET /after']);
    expect(tokens(replies[0], 'connection'), `a chunked response on a connection that stays open says keep-alive; ${client.story()}`).toEqual(['keep-alive']);
  });

  test('HTTP/1.0: a streamed body without a length ends when the connection closes', {
    rules: ['F4'],
    points: 2,
    hint: 'HTTP/1.0 has no chunked coding: send the bytes as they are and close the connection to mark the end, even if the client asked for keep-alive.',
  }, async () => {
    const { port } = await start(() => streamed(slowly(['old ', 'school'])));
    const client = await Client.connect(port);
    client.send(request('GET / HTTP/1.0', ['Connection: keep-alive']));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    const [reply] = client.finals();
    expect(tokens(reply, 'transfer-encoding'), client.story()).toEqual([]);
    expect(tokens(reply, 'connection'), `the response should say close; ${client.story()}`).toEqual(['close']);
    expect(reply?.body, client.story()).toBe('old school');
  });

  test('a streamed body is sent as it is produced, not all at the end', {
    rules: ['F5'],
    hint: 'Write each chunk as soon as the iterator gives it; do not collect the body first.',
  }, async () => {
    const firstSeen = deferred();
    const { port } = await start(() =>
      streamed(
        (async function* () {
          yield utf8('first part;');
          await within(2000, 'the client seeing the first part', firstSeen.promise);
          yield utf8('second part');
        })(),
      ),
    );
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const early = await client.until(() => client.received.includes('first part;'), 1500);
    firstSeen.resolve();
    expect(early, `the first chunk reached the client before the body ended; ${client.story()}`).toBe(true);
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('first part;second part');
  });

  test('a body given as an array of chunks (a plain iterable) is streamed too', { rules: ['F5'] }, async () => {
    const { port } = await start(() => streamed([utf8('x'), utf8('yz'), utf8('!')]));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('xyz!');
  });

  test('HEAD gets the head a GET would get, Content-Length included, and no body', {
    rules: ['F6'],
    points: 2,
    hint: 'Never write body bytes after a HEAD response (RFC 9110 §9.3.2): the client would read them as the next response. Do send the Content-Length the GET would get.',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('HEAD /page') + request('GET /page'));
    const replies = await client.responses(2, 2000, ['HEAD', 'GET']);
    expect(replies.map((r) => r.status), client.story()).toEqual([200, 200]);
    expect(values(replies[0], 'content-length'), `the HEAD response's Content-Length; ${client.story()}`).toEqual([String('hello HEAD /page'.length)]);
    expect(replies[1]?.body, client.story()).toBe('hello GET /page');
  });

  test("HEAD with the handler's own Content-Length: that one, once, and no body", {
    rules: ['F6'],
    hint: "A GET would carry the handler's Content-Length: so does the HEAD response, and the server adds none of its own.",
  }, async () => {
    const { port } = await start((req) => ({
      status: 200,
      headers: [['Content-Length', '5']],
      body: req.method === 'HEAD' ? undefined : utf8('hello'),
    }));
    const client = await Client.connect(port);
    client.send(request('HEAD /file') + request('GET /file'));
    const replies = await client.responses(2, 2000, ['HEAD', 'GET']);
    expect(values(replies[0], 'content-length'), `the HEAD response's Content-Length fields; ${client.story()}`).toEqual(['5']);
    expect(replies.map((r) => r.body), client.story()).toEqual(['', 'hello']);
  });

  test('HEAD with a streamed body whose iterator has no return(): the head goes out, the connection goes on', {
    rules: ['F6', 'F8'],
    hint: 'return() is optional in the iterator protocol: call it only if the iterator has one (iterator.return?.()).',
  }, async () => {
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
    };
    const { port } = await start((req) => (req.method === 'HEAD' ? streamed(body) : hello(req)), quiet);
    const client = await Client.connect(port);
    client.send(request('HEAD /') + request('GET /next'));
    const replies = await client.responses(2, 2000, ['HEAD', 'GET']);
    expect(replies.map((r) => [r.status, r.body]), client.story()).toEqual([[200, ''], [200, 'hello GET /next']]);
  });

  test('a streamed body read to its end is not return()ed as well', {
    rules: ['F8'],
    hint: 'return() is for stopping early: call it in the finally only if the loop did not reach the end (a for await loop behaves the same).',
  }, async () => {
    let returns = 0;
    const { port } = await start((req) => {
      if (req.target !== '/stream') return hello(req);
      let left = 2;
      const body: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => (left-- > 0 ? { done: false, value: utf8('piece ') } : { done: true, value: undefined }),
          return: async () => {
            returns += 1;
            return { done: true, value: undefined };
          },
        }),
      };
      return streamed(body);
    });
    const client = await Client.connect(port);
    client.send(request('GET /stream') + request('GET /after'));
    // The second response starts only once the first has been written to its end.
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['piece piece ', 'hello GET /after']);
    expect(returns, 'calls of return() on an iterator the server read to its end').toBe(0);
  });

  test('HEAD with a streamed body: the body is not sent, and its iterator is closed', {
    rules: ['F6', 'F8'],
    hint: 'Call return() on the iterator you will not read: that is how its finally blocks get to run.',
  }, async () => {
    const returned = deferred();
    let left = 3;
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (left-- > 0 ? { done: false, value: utf8('not for HEAD ') } : { done: true, value: undefined }),
        return: async () => {
          returned.resolve();
          return { done: true, value: undefined };
        },
      }),
    };
    const { port } = await start((req) => (req.method === 'HEAD' ? streamed(body) : hello(req)));
    const client = await Client.connect(port);
    client.send(request('HEAD /') + request('GET /next'));
    const replies = await client.responses(2, 2000, ['HEAD', 'GET']);
    expect(replies.map((r) => r.body), client.story()).toEqual(['', 'hello GET /next']);
    await within(1000, "the server calling the HEAD body's return()", returned.promise);
  });

  test('204 and 304 responses carry no body and no Transfer-Encoding', {
    rules: ['F7'],
    hint: 'RFC 9110 §6.4.1: 1xx, 204 and 304 responses end with their head.',
  }, async () => {
    const { port } = await start((req) => {
      if (req.target === '/204') return { status: 204, headers: [] };
      if (req.target === '/304') return { status: 304, headers: [['ETag', '"v1"']], body: slowly(['not sent']) };
      return hello(req);
    });
    // A 304 is answered with a stream here on purpose: it must still not be chunked.
    const client = await Client.connect(port);
    client.send(request('GET /204') + request('GET /304') + request('GET /after'));
    const replies = await client.responses(3);
    expect(replies.map((r) => r.status), client.story()).toEqual([204, 304, 200]);
    expect(values(replies[0], 'content-length'), client.story()).toEqual([]);
    expect(tokens(replies[0], 'transfer-encoding'), client.story()).toEqual([]);
    expect(tokens(replies[1], 'transfer-encoding'), client.story()).toEqual([]);
    expect(values(replies[1], 'etag'), client.story()).toEqual(['"v1"']);
    expect(replies[2]?.body, `the answer after them (no stray body bytes before it); ${client.story()}`).toBe('hello GET /after');
  });

  test('a 1xx or 204 response ends with its head, whatever body the handler gave', {
    rules: ['F7'],
    hint: 'RFC 9110 §6.4.1: 1xx, 204 and 304 responses end with their head: no body bytes and no chunks, even if the handler gave a body.',
  }, async () => {
    const { port } = await start((req) => {
      if (req.target === '/hints') return { status: 103, headers: [['Link', '</style.css>; rel=preload']], body: utf8('not sent') };
      if (req.target === '/bytes') return { status: 204, headers: [], body: utf8('not sent') };
      if (req.target === '/stream') return { status: 204, headers: [], body: slowly(['not sent']) };
      return hello(req);
    }, quiet);
    const client = await Client.connect(port);
    client.send(request('GET /hints') + request('GET /bytes') + request('GET /stream') + request('GET /after'));
    await client.responses(3);
    const replies = client.replies();
    expect(replies.map((r) => r.status), `the responses, 1xx included; ${client.story()}`).toEqual([103, 204, 204, 200]);
    expect(tokens(replies[2], 'transfer-encoding'), `a 204 with a streamed body is not chunked; ${client.story()}`).toEqual([]);
    expect(replies[3]?.body, `the answer after them (no stray body bytes before it); ${client.story()}`).toBe('hello GET /after');
  });

  test('adds Date, once, unless the handler gave one', {
    rules: ['F9'],
    hint: 'Every response carries Date (RFC 9110 §6.6.1): add it only if the handler did not.',
  }, async () => {
    const own = 'Tue, 15 Nov 1994 08:12:31 GMT';
    const { port } = await start((req) => (req.target === '/own' ? { status: 200, headers: [['date', own]], body: utf8('x') } : hello(req)));
    const client = await Client.connect(port);
    client.send(request('GET /') + request('GET /own'));
    const [plain, dated] = await client.responses(2);
    const date = values(plain, 'date');
    expect(date.length, `one Date header; ${client.story()}`).toBe(1);
    expect(Number.isNaN(Date.parse(date[0]!)), `Date is a date: ${date[0]}`).toBe(false);
    expect(Math.abs(Date.parse(date[0]!) - Date.now()), 'Date is about now').toBeLessThan(60_000);
    expect(values(dated, 'date'), `the handler's own Date, and no other; ${client.story()}`).toEqual([own]);
  });

  test('adds Server from serverName, but keeps the one the handler set', {
    rules: ['F10'],
    hint: 'Server is the serverName option unless the handler gave one.',
  }, async () => {
    const { port } = await start(
      (req) => (req.target === '/own' ? { status: 200, headers: [['Server', 'my-app/2']], body: utf8('x') } : hello(req)),
      { serverName: 'test-server/1' },
    );
    const client = await Client.connect(port);
    client.send(request('GET /') + request('GET /own'));
    const [plain, own] = await client.responses(2);
    expect(values(plain, 'server'), client.story()).toEqual(['test-server/1']);
    expect(values(own, 'server'), client.story()).toEqual(['my-app/2']);
  });

  test("drops the handler's Keep-Alive and Transfer-Encoding fields", {
    rules: ['F11'],
    hint: 'These describe the connection and the framing, which only the server knows: drop them from the handler\'s headers and write your own.',
  }, async () => {
    const { port } = await start((req) =>
      req.target === '/odd'
        ? { status: 200, headers: [['Transfer-Encoding', 'chunked'], ['Keep-Alive', 'timeout=99'], ['X-Kept', 'yes']], body: utf8('plain bytes') }
        : hello(req),
    );
    const client = await Client.connect(port);
    client.send(request('GET /odd') + request('GET /next'));
    const replies = await client.responses(2);
    expect(tokens(replies[0], 'transfer-encoding'), `no Transfer-Encoding on a body given as bytes; ${client.story()}`).toEqual([]);
    expect(values(replies[0], 'keep-alive'), `no Keep-Alive field; ${client.story()}`).toEqual([]);
    expect(values(replies[0], 'x-kept'), `other fields kept; ${client.story()}`).toEqual(['yes']);
    expect(replies.map((r) => r.body), client.story()).toEqual(['plain bytes', 'hello GET /next']);
  });
});

milestone('request-bodies', () => {
  const echo = async (req: Parameters<typeof readBody>[0]) => ({
    status: 200,
    headers: [],
    body: utf8(`got ${await readBody(req)}`),
  });

  test('the handler reads the body while it is still arriving', {
    rules: ['Q1'],
    points: 2,
    hint: 'Call the handler as soon as the head is parsed, and pass body bytes on as the parser gives them.',
  }, async () => {
    const firstChunk = deferred<string>();
    const { port } = await start(async (req) => {
      let body = '';
      for await (const chunk of req.body) {
        if (body === '') firstChunk.resolve(Buffer.from(chunk).toString('latin1'));
        body += Buffer.from(chunk).toString('latin1');
      }
      return { status: 200, headers: [], body: utf8(`got ${body}`) };
    });
    const client = await Client.connect(port);
    client.send(request('POST /upload', ['Host: test', 'Content-Length: 10'], 'first'));
    const first = await within(1500, 'the handler reading the first part of the body', firstChunk.promise);
    expect(first, 'the first part the handler read').toBe('first');
    client.send('-last');
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('got first-last');
  });

  test('the handler reads a body sent with Content-Length, and an empty one without', { rules: ['Q2'], points: 2 }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /echo', ['Host: test', 'Content-Length: 11'], 'hello world') + request('GET /after'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['got hello world', 'got ']);
  });

  test('the handler reads a chunked body', { rules: ['Q2'] }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /echo', ['Host: test', 'Transfer-Encoding: chunked'], '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('got hello world');
  });

  test('a large upload arrives whole and in order', {
    rules: ['Q2', 'Q3'],
    hint: 'When the handler reads slower than the client sends, pause the socket and resume it when the handler has caught up.',
  }, async () => {
    const size = 3 * 1024 * 1024;
    const upload = Buffer.alloc(size, 0);
    for (let i = 0; i < size; i++) upload[i] = (i * 7 + (i >> 10)) & 0xff;
    const { url } = await start(
      async (req) => {
        const hash = createHash('sha256');
        let length = 0;
        for await (const chunk of req.body) {
          hash.update(chunk);
          length += chunk.length;
          if (length % 4 === 0) await sleep(0); // a handler that is not always ready
        }
        return { status: 200, headers: [], body: utf8(`${length} ${hash.digest('hex')}`) };
      },
      { limits: { maxBodyBytes: 8 * 1024 * 1024 } },
    );
    const response = await within(4000, 'fetch() with a 3 MiB body', fetch(url, { method: 'POST', body: upload }));
    const text = await within(2000, 'reading the fetch body', response.text());
    expect(text, 'the length and SHA-256 of the body as the handler read it').toBe(`${size} ${createHash('sha256').update(upload).digest('hex')}`);
  });

  test('stops reading a body the handler does not read yet, and reads on when it does', {
    rules: ['Q3'],
    points: 2,
    hint: 'Do not read the socket while the body being parsed has 64 KiB or more waiting for the handler; read again as soon as the handler has taken enough (the guided starter: #flow, and the body\'s onDrain).',
  }, async () => {
    const SIZE = 24 * 1024 * 1024;
    const PIECE = 64 * 1024;
    const release = deferred();
    const { port } = await start(
      async (req) => {
        await within(4000, 'the test releasing the handler', release.promise);
        let length = 0;
        for await (const chunk of req.body) length += chunk.length;
        return { status: 200, headers: [], body: utf8(`read ${length}`) };
      },
      { limits: { maxBodyBytes: SIZE }, ...quiet },
    );
    const client = await Client.connect(port);
    client.send(request('POST /big', ['Host: test', `Content-Length: ${SIZE}`]));
    const piece = new Uint8Array(PIECE).fill(0x61);
    const pieces = function* (count: number) {
      for (let i = 0; i < count; i++) yield piece;
    };
    const first = await client.pump(pieces(SIZE / PIECE));
    expect(first.stalled, `a 24 MiB upload to a handler that does not read should be stopped by TCP flow control, but the server took all ${first.sent} bytes`).toBe(true);
    release.resolve();
    const rest = await client.pump(pieces(SIZE / PIECE - first.pieces), 2000);
    expect(rest.stalled, `once the handler reads, the rest of the upload should flow (${first.sent} + ${rest.sent} of ${SIZE} bytes sent)`).toBe(false);
    const reply = await client.response(4000);
    expect(reply.body, `what the handler read; ${client.story()}`).toBe(`read ${SIZE}`);
  });

  test('writes a response no faster than the client reads it', {
    rules: ['Q4'],
    points: 2,
    hint: "socket.write returns false when the socket's buffer is full: wait for 'drain' before the next write (the guided starter's write() in respond.ts).",
  }, async () => {
    const PIECE = 64 * 1024;
    const COUNT = 384; // 24 MiB
    const piece = new Uint8Array(PIECE).fill(0x62);
    let pulled = 0;
    const { port } = await start(
      () =>
        streamed(
          (function* () {
            for (let i = 0; i < COUNT; i++) {
              pulled += 1;
              yield piece;
            }
          })(),
          [['Content-Length', String(PIECE * COUNT)]],
        ),
      quiet,
    );
    const client = await Client.connect(port);
    client.socket.pause(); // reads nothing, for now
    client.send(request('GET /big'));
    let last = -1;
    while (pulled !== last && pulled < COUNT) {
      last = pulled;
      await sleep(300);
    }
    expect(pulled, `pieces of 64 KiB the server took from the body while the client read nothing (of ${COUNT})`).toBeLessThan(COUNT / 2);
    client.socket.resume();
    const ended = await client.until(() => client.received.length >= PIECE * COUNT, 4000);
    expect(ended, `the whole 24 MiB body reached the client once it read (${client.received.length} bytes)`).toBe(true);
    expect(pulled, 'pieces taken from the body in the end').toBe(COUNT);
  });

  test('a body the handler leaves unread is never read as a request, and the connection closes', {
    rules: ['Q5'],
    hint: 'If the body has not all arrived when the response is ready, say Connection: close and close after the response.',
  }, async () => {
    const targets: string[] = [];
    const { port } = await start((req) => {
      targets.push(req.target);
      return hello(req);
    });
    const inner = request('GET /smuggled');
    const client = await Client.connect(port);
    client.send(request('POST /first', ['Host: test', `Content-Length: ${inner.length + 10}`], inner));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('hello POST /first');
    expect(tokens(reply, 'connection'), `the response to a request whose body was not all read; ${client.story()}`).toEqual(['close']);
    client.send('0123456789' + request('GET /next'));
    expect(await client.closesWithin(1000), `closed within 1000 ms; ${client.story()}`).toBe(true);
    expect(targets, 'the requests the handler saw').toEqual(['/first']);
  });

  test('a body that had all arrived, unread, lets the connection go on', { rules: ['Q5'] }, async () => {
    const { port } = await start((req) => hello(req));
    const client = await Client.connect(port);
    client.send(request('POST /first', ['Host: test', 'Content-Length: 5'], 'hello') + request('GET /next'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['hello POST /first', 'hello GET /next']);
  });

  test('Expect: 100-continue gets 100 Continue when the handler starts reading', {
    rules: ['X1'],
    points: 2,
    hint: 'The client waits for a go-ahead before it sends the body (RFC 9110 §10.1.1): write "HTTP/1.1 100 Continue" and an empty line on the first read of the body.',
  }, async () => {
    const { port } = await start(echo);
    for (const expect100 of ['100-continue', '100-Continue']) {
      const client = await Client.connect(port);
      client.send(request('PUT /file', ['Host: test', 'Content-Length: 4', `Expect: ${expect100}`]));
      const interim = await client.until(() => client.replies().length > 0, 1500);
      expect(interim, `an interim response came within 1500 ms; ${client.story()}`).toBe(true);
      expect(show(client.replies()[0]?.statusLine ?? ''), client.story()).toBe(show('HTTP/1.1 100 Continue'));
      client.send('data');
      const reply = await client.response();
      expect([reply.status, reply.body], client.story()).toEqual([200, 'got data']);
      expect(client.replies().map((r) => r.status), `one 100, then the answer; ${client.story()}`).toEqual([100, 200]);
    }
  });

  test('Expect: 100-continue without a read: the final response comes with no 100 before it', {
    rules: ['X2'],
    hint: 'Send 100 Continue only when the handler asks for the body; a handler that refuses at once should save the client the upload.',
  }, async () => {
    const { port } = await start(() => ({ status: 401, headers: [], body: utf8('who are you?') }));
    const client = await Client.connect(port);
    client.send(request('PUT /file', ['Host: test', 'Content-Length: 4', 'Expect: 100-continue']));
    await client.response();
    expect(client.replies().map((r) => r.status), client.story()).toEqual([401]);
  });

  test('no 100 Continue for a request that did not ask for one', { rules: ['X3'] }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /', ['Host: test', 'Content-Length: 2']));
    await sleep(150); // the handler is reading by now, and the body is not here yet
    client.send('hi');
    await client.response();
    expect(client.replies().map((r) => r.status), client.story()).toEqual([200]);
  });

  test('no 100 Continue to an HTTP/1.0 client', { rules: ['X4'], hint: 'A server must not send a 1xx response to an HTTP/1.0 client (RFC 9110 §15.2).' }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST / HTTP/1.0', ['Content-Length: 2', 'Expect: 100-continue']));
    await sleep(150); // the handler is reading by now, and the body is not here yet
    client.send('hi');
    await client.response();
    expect(client.replies().map((r) => r.status), client.story()).toEqual([200]);
  });

  test('no 100 Continue once the final response has started', {
    rules: ['X5'],
    hint: 'A 100 after the head of the final response would land in its body: send it only while the response has not started.',
  }, async () => {
    const { port } = await start((req) =>
      streamed(
        (async function* () {
          yield utf8('reading: ');
          yield utf8(await readBody(req));
        })(),
      ),
    );
    const client = await Client.connect(port);
    client.send(request('PUT /late', ['Host: test', 'Content-Length: 4', 'Expect: 100-continue']));
    await client.until(() => client.received.includes('reading: '), 1500);
    client.send('data');
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('reading: data');
    expect(client.received.includes('100 Continue'), `no 100 Continue anywhere; ${client.story()}`).toBe(false);
  });
});

/** Sends a request the parser must refuse; checks the status, that the connection ends, and that no handler ran. */
async function expectRefusal(text: string, status: number): Promise<void> {
  let calls = 0;
  const { port } = await start(
    (req) => {
      calls += 1;
      return hello(req);
    },
    { limits: { maxRequestLineBytes: 100, maxHeaderBytes: 200, maxBodyBytes: 100 } },
  );
  const client = await Client.connect(port);
  client.send(text);
  await client.closesWithin(1000);
  const replies = client.finals();
  expect(replies.map((r) => r.status), `exactly one response, a ${status}; ${client.story()}`).toEqual([status]);
  expect(replies[0]?.body, `a short text body; ${client.story()}`).not.toBe('');
  expect(client.closed, `the connection closed within 1000 ms; ${client.story()}`).toBe(true);
  expect(calls, 'handler calls').toBe(0);
}

/** The options of the refusal-format test: a serverName of its own, to find in the refusal. */
const refusing = { serverName: 'refuser/1.0', limits: { maxRequestLineBytes: 100 } };

const refusalHint =
  'When feed() throws a ParseError, answer with its status and close: what follows on the connection cannot be trusted.';

milestone('errors', () => {
  test('a malformed request gets 400, and the connection closes', { rules: ['E1'], hint: refusalHint }, async () => {
    await expectRefusal(request('GET /', ['Host: test', 'No colon here']) + request('GET /next'), 400);
  });

  test('a body over maxBodyBytes (by Content-Length) gets 413', { rules: ['E1', 'T1'], hint: refusalHint }, async () => {
    await expectRefusal(request('POST /', ['Host: test', 'Content-Length: 1000']) + 'x'.repeat(300), 413);
  });

  test('a request line over maxRequestLineBytes gets 414', { rules: ['E1', 'T1'], hint: refusalHint }, async () => {
    await expectRefusal(request(`GET /${'a'.repeat(150)}`), 414);
  });

  test('a header section over maxHeaderBytes gets 431', { rules: ['E1', 'T1'], hint: refusalHint }, async () => {
    await expectRefusal(request('GET /', ['Host: test', `X-Big: ${'b'.repeat(300)}`]), 431);
  });

  test('an unknown transfer coding gets 501', { rules: ['E1'], hint: refusalHint }, async () => {
    await expectRefusal(request('POST /', ['Host: test', 'Transfer-Encoding: gzip, chunked']), 501);
  });

  test('an unsupported HTTP version gets 505', { rules: ['E1'], hint: refusalHint }, async () => {
    await expectRefusal(request('GET / HTTP/2.0'), 505);
  });

  test('a refusal is a whole response: short text body, Date, Server and Connection: close', {
    rules: ['E1', 'K5', 'F10'],
    hint: 'Answer a refusal like any response: a short text/plain body, Date, Server from the serverName option, and Connection: close (the guided starter: writeResponse with errorResponse(status) and keepAlive false).',
  }, async () => {
    const { port } = await start(hello, { ...refusing, ...quiet });
    const client = await Client.connect(port);
    client.send(request('GET /', ['Host: test', 'No colon here']));
    await client.closesWithin(1000);
    const reply = client.finals()[0];
    expect(reply?.status, client.story()).toBe(400);
    expect(values(reply, 'content-type')[0] ?? '', `a short text body: its Content-Type; ${client.story()}`).toMatch(/^text\/plain/);
    expect(tokens(reply, 'connection'), `a refusal closes the connection and says so; ${client.story()}`).toEqual(['close']);
    expect(values(reply, 'server'), `the Server field, from the serverName option; ${client.story()}`).toEqual(['refuser/1.0']);
    expect(values(reply, 'date').length, `one Date field; ${client.story()}`).toBe(1);
  });

  test('stops reading at a refusal: a client that sends on behind it is held by flow control', {
    rules: ['E1'],
    hint: 'After a refusal nothing on the connection can be trusted: pause the socket at the refusal, until the connection ends (the guided starter: #flow, while #refused).',
  }, async () => {
    const release = deferred();
    const { port } = await start(async (req) => {
      await within(4000, 'the test releasing the handler', release.promise);
      return hello(req);
    }, quiet);
    const client = await Client.connect(port);
    // /first keeps the connection busy, so the refusal behind it waits in the queue meanwhile.
    client.send(request('GET /first') + request('GET /bad', ['Host: test', 'No colon here']));
    const PIECE = 64 * 1024;
    const piece = new Uint8Array(PIECE).fill(0x61);
    const pieces = function* () {
      for (let i = 0; i < 384; i++) yield piece; // 24 MiB
    };
    const sent = await client.pump(pieces());
    release.resolve();
    expect(sent.stalled, `24 MiB sent after a refused request should be stopped by TCP flow control, but the server took all ${sent.sent} bytes`).toBe(true);
    await client.closesWithin(3000);
    expect(client.finals().map((r) => r.status), `the answers; ${client.story()}`).toEqual([200, 400]);
  });

  test('requests before a refused one in the same read are answered first, in order', {
    rules: ['E2'],
    points: 2,
    hint: 'The ParseError carries the events completed before the refusal: handle them like any others, then queue the refusal behind them.',
  }, async () => {
    const targets: string[] = [];
    const { port } = await start((req) => {
      targets.push(req.target);
      return hello(req);
    });
    const client = await Client.connect(port);
    client.send(request('GET /a') + request('POST /b', ['Host: test', 'Content-Length: 2'], 'hi') + request('GET /c', ['Host: test', 'Bad line']));
    await client.closesWithin(2000);
    const replies = client.finals();
    expect(replies.map((r) => [r.status, r.body.startsWith('hello') ? r.body : '']), `the answers; ${client.story()}`).toEqual([
      [200, 'hello GET /a'],
      [200, 'hello POST /b'],
      [400, ''],
    ]);
    expect(client.closed, `closed after the 400; ${client.story()}`).toBe(true);
    expect(targets, 'the requests the handler saw').toEqual(['/a', '/b']);
  });

  test("a handler's HttpError gets its own status, and the connection closes", {
    rules: ['E3'],
    hint: 'An HttpError is the client\'s doing: answer error.status, not 500, and do not call onError.',
  }, async () => {
    const errors: unknown[] = [];
    const { port } = await start(
      (req) => {
        if (req.target === '/forbidden') throw new HttpError(403, 'not for you');
        return hello(req);
      },
      { onError: (error) => errors.push(error), log: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('GET /forbidden') + request('GET /next'));
    await client.closesWithin(2000);
    expect(client.finals().map((r) => r.status), `the answers; ${client.story()}`).toEqual([403]);
    expect(client.closed, `closed after the 403; ${client.story()}`).toBe(true);
    expect(errors, 'what onError heard').toEqual([]);
  });

  test('a chunked body that grows over maxBodyBytes gets 413 while the handler reads it', {
    rules: ['E3', 'T1'],
    hint: 'The parser refuses the body after the handler started: reading it throws the HttpError, and its status is the right answer, not 500.',
  }, async () => {
    const failed = deferred<unknown>();
    const errors: unknown[] = [];
    const { port } = await start(
      async (req) => {
        try {
          return { status: 200, headers: [], body: utf8(`got ${await readBody(req)}`) };
        } catch (error) {
          failed.resolve(error);
          throw error;
        }
      },
      { limits: { maxBodyBytes: 100 }, onError: (error) => errors.push(error), log: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('POST /', ['Host: test', 'Transfer-Encoding: chunked'], '10\r\n0123456789abcdef\r\n'));
    await sleep(50);
    client.send('80\r\n');
    const [reply] = await client.responses(1);
    expect(reply?.status, client.story()).toBe(413);
    expect(await client.closesWithin(1000), `the connection closed within 1000 ms; ${client.story()}`).toBe(true);
    await within(500, 'reading the body failing in the handler', failed.promise);
    expect(errors, 'what onError heard').toEqual([]);
  });

  test('a handler that throws gets a 500, and onError hears of it', {
    rules: ['E4'],
    points: 2,
    hint: 'Catch what the handler throws (or rejects with), answer 500 and pass the error to options.onError.',
  }, async () => {
    const errors: unknown[] = [];
    const oops = new Error('oops');
    const { port } = await start(
      (req) => {
        if (req.target === '/sync') throw oops;
        return Promise.reject(oops);
      },
      { onError: (error) => errors.push(error) },
    );
    for (const target of ['/sync', '/async']) {
      const client = await Client.connect(port);
      client.send(request(`GET ${target}`));
      const reply = await client.response();
      expect(reply.status, client.story()).toBe(500);
    }
    expect(errors, 'what onError heard').toEqual([oops, oops]);
  });

  test('a response the serializer refuses (CR LF in a header value) becomes a 500', {
    rules: ['E4'],
    hint: 'Nothing has been written yet when serializing the head throws: a 500 is still possible.',
  }, async () => {
    const errors: unknown[] = [];
    const { port } = await start(() => ({ status: 200, headers: [['X-Name', 'a\r\nSet-Cookie: admin=1']], body: utf8('x') }), {
      onError: (error) => errors.push(error),
    });
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.status, client.story()).toBe(500);
    expect(values(reply, 'set-cookie'), client.story()).toEqual([]);
    expect(errors.length, 'onError calls').toBe(1);
  });

  test('a 500 tells nothing about the error', {
    rules: ['E5'],
    hint: 'Send a plain 500 (the status and its reason phrase, the guided starter\'s errorResponse(500)): the message and the stack trace are for onError, not for the client.',
  }, async () => {
    const { port } = await start(
      () => {
        throw new Error('secret-detail in /srv/app/db.ts');
      },
      quiet,
    );
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.status, client.story()).toBe(500);
    expect(reply.body.includes('secret-detail') || /\bat\s/.test(reply.body), `the 500's body should not show the error: ${show(reply.body)}`).toBe(false);
  });

  test('after a 500 the connection closes, and the server goes on serving other connections', {
    rules: ['E6'],
    hint: 'A failed handler leaves the connection in an unknown state: answer 500 with Connection: close, and close it.',
  }, async () => {
    const targets: string[] = [];
    const { port } = await start(
      (req) => {
        targets.push(req.target);
        if (req.target === '/boom') throw new Error('boom');
        return hello(req);
      },
      quiet,
    );
    const broken = await Client.connect(port);
    const fine = await Client.connect(port);
    broken.send(request('GET /boom') + request('GET /after-boom'));
    expect(await broken.closesWithin(1000), `closed within 1000 ms of the 500; ${broken.story()}`).toBe(true);
    const replies = broken.finals();
    expect(replies.map((r) => r.status), `only the 500; ${broken.story()}`).toEqual([500]);
    expect(tokens(replies[0], 'connection'), `the 500 says close; ${broken.story()}`).toEqual(['close']);
    fine.send(request('GET /fine'));
    expect((await fine.response()).body, fine.story()).toBe('hello GET /fine');
    const later = await Client.connect(port);
    later.send(request('GET /later'));
    expect((await later.response()).body, later.story()).toBe('hello GET /later');
    expect(targets, 'the requests the handler saw').not.toContain('/after-boom');
  });

  test('a body that fails after the head was sent: the connection is cut, and onError hears of it', {
    rules: ['E7'],
    points: 2,
    hint: 'Once the status line is out, a 500 is impossible. Cut the connection (the guided starter\'s #abort) so the client sees a broken response, never a short one that looks whole; and report the error.',
  }, async () => {
    const errors: unknown[] = [];
    const failure = new Error('the database went away');
    const { port } = await start(
      () =>
        streamed(
          (async function* () {
            yield utf8('partial');
            await sleep(20);
            throw failure;
          })(),
        ),
      { onError: (error) => errors.push(error), log: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('GET /'));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    const [reply] = client.finals();
    expect(reply?.status, client.story()).toBe(200);
    expect(reply?.complete, `the response must not look complete; ${client.story()}`).toBe(false);
    expect(errors, 'what onError heard').toEqual([failure]);
  });

  test('HTTP/1.0: a body that fails half-way ends with a reset, not a clean close', {
    rules: ['E7'],
    hint: 'For a body that ends when the connection closes, a clean close would make a cut body look whole: reset the connection (the guided starter\'s #abort does).',
  }, async () => {
    const { port } = await start(
      () =>
        streamed(
          (async function* () {
            yield utf8('partial');
            await sleep(20);
            throw new Error('the database went away');
          })(),
        ),
      quiet,
    );
    const client = await Client.connect(port);
    client.send(request('GET / HTTP/1.0', []));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    expect(client.reset, `the connection should end with a reset (ECONNRESET); ${client.story()}`).toBe(true);
  });

  test('a stream shorter than its declared Content-Length: the connection is cut', {
    rules: ['E8'],
    hint: 'The client trusts Content-Length: if the body ends early, it would wait for bytes that never come. Cut the connection.',
  }, async () => {
    const { port } = await start(() => streamed(slowly(['only ten b']), [['Content-Length', '100']]), quiet);
    const client = await Client.connect(port);
    client.send(request('GET /'));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    expect(client.finals()[0]?.complete, client.story()).toBe(false);
  });

  test('a stream longer than its declared Content-Length: no byte past it is written, and the connection is cut', {
    rules: ['E8'],
    hint: 'Bytes past Content-Length would be read as the next response: count the bytes, and throw before writing a chunk that would go past the length.',
  }, async () => {
    // The handler says 6; the iterator gives more. Written out, it would look like a second response.
    const { port } = await start(
      (req) => (req.target === '/long' ? streamed(slowly(['abcdef', 'HTTP/1.1 200 OK\r\n\r\n']), [['Content-Length', '6']]) : hello(req)),
      quiet,
    );
    const client = await Client.connect(port);
    client.send(request('GET /long') + request('GET /next'));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    expect(client.received.includes('HTTP/1.1 200 OK\r\n\r\n'), `the bytes past Content-Length were written: ${client.story()}`).toBe(false);
    expect(client.received.includes('hello GET /next'), `no answer to the next request after a cut; ${client.story()}`).toBe(false);
  });
});
