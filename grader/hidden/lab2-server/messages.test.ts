// Hidden tests for lab 2: how responses are framed on the wire, how request bodies reach the
// handler as they arrive (100-continue included), and what happens when a request, a handler or a
// response body goes wrong. The response reader in helpers.ts is tolerant: header names in any
// case and order; only framing, status codes and bytes of bodies are compared.
import { createHash } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import type { ServerResponse } from '#contracts/server';
import { milestone, test } from '../../harness/index.ts';
import {
  Client,
  cleanUp,
  deferred,
  hello,
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
    hint: 'serializeResponse from lab 1 frames a whole body with Content-Length for you.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [], body: utf8('twelve bytes') }));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.framing, client.story()).toBe('length');
    expect(values(reply, 'content-length'), client.story()).toEqual(['12']);
    expect(reply.body).toBe('twelve bytes');
  });

  test('a response without a body says Content-Length: 0, and the connection goes on', {
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

  test('a streamed body without a length goes to HTTP/1.1 clients in chunks', {
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
  });

  test('a streamed body is sent as it is produced, not all at the end', {
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

  test("a streamed body with the handler's Content-Length is sent as is, without chunks", {
    hint: 'If the response declares its length, the client already knows where it ends.',
  }, async () => {
    const { port } = await start(() => streamed(slowly(['abc', 'def']), [['Content-Length', '6']]));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.framing, client.story()).toBe('length');
    expect(tokens(reply, 'transfer-encoding'), client.story()).toEqual([]);
    expect(reply.body, client.story()).toBe('abcdef');
  });

  test('a body given as an array of chunks (a plain iterable) is streamed too', {}, async () => {
    const { port } = await start(() => streamed([utf8('x'), utf8('yz'), utf8('!')]));
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('xyz!');
  });

  test('HTTP/1.0: a streamed body without a length ends when the connection closes', {
    points: 2,
    hint: 'HTTP/1.0 has no chunked coding: send the bytes as they are and close the connection to mark the end, even if the client asked for keep-alive.',
  }, async () => {
    const { port } = await start(() => streamed(slowly(['old ', 'school'])));
    const client = await Client.connect(port);
    client.send(request('GET / HTTP/1.0', ['Connection: keep-alive']));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    const [reply] = client.finals();
    expect(tokens(reply, 'transfer-encoding'), client.story()).toEqual([]);
    expect(reply?.body, client.story()).toBe('old school');
  });

  test('HEAD gets the head a GET would get, and no body', {
    points: 2,
    hint: 'Never write body bytes after a HEAD response (RFC 9110 §9.3.2): the client would read them as the next response.',
  }, async () => {
    const { port } = await start(hello);
    const client = await Client.connect(port);
    client.send(request('HEAD /page') + request('GET /page'));
    const replies = await client.responses(2, 2000, ['HEAD', 'GET']);
    expect(replies.map((r) => r.status), client.story()).toEqual([200, 200]);
    expect(replies[1]?.body, client.story()).toBe('hello GET /page');
  });

  test('HEAD with a streamed body: the body is not sent, and its iterator is closed', {
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
    hint: 'RFC 9110 §6.4.1: 1xx, 204 and 304 responses end with their head.',
  }, async () => {
    const { port } = await start((req) => {
      if (req.target === '/204') return { status: 204, headers: [] };
      if (req.target === '/304') return { status: 304, headers: [['ETag', '"v1"']], body: slowly([]) };
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
    expect(replies[2]?.body, client.story()).toBe('hello GET /after');
  });

  test('adds Date and Server headers, but keeps the ones the handler set', {
    hint: 'Every response carries Date (RFC 9110 §6.6.1); Server is the serverName option unless the handler gave one.',
  }, async () => {
    const { port } = await start(
      (req) => (req.target === '/own' ? { status: 200, headers: [['Server', 'my-app/2']], body: utf8('x') } : hello(req)),
      { serverName: 'test-server/1' },
    );
    const client = await Client.connect(port);
    client.send(request('GET /') + request('GET /own'));
    const [plain, own] = await client.responses(2);
    const date = values(plain, 'date');
    expect(date.length, `one Date header; ${client.story()}`).toBe(1);
    expect(Number.isNaN(Date.parse(date[0]!)), `Date is a date: ${date[0]}`).toBe(false);
    expect(Math.abs(Date.parse(date[0]!) - Date.now()), 'Date is about now').toBeLessThan(60_000);
    expect(values(plain, 'server'), client.story()).toEqual(['test-server/1']);
    expect(values(own, 'server'), client.story()).toEqual(['my-app/2']);
  });
});

milestone('request-bodies', () => {
  const echo = async (req: Parameters<typeof readBody>[0]) => ({
    status: 200,
    headers: [],
    body: utf8(`got ${await readBody(req)}`),
  });

  test('the handler reads a body sent with Content-Length', { points: 2 }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /echo', ['Host: test', 'Content-Length: 11'], 'hello world') + request('GET /after'));
    const replies = await client.responses(2);
    expect(replies.map((r) => r.body), client.story()).toEqual(['got hello world', 'got ']);
  });

  test('the handler reads a chunked body', {}, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /echo', ['Host: test', 'Transfer-Encoding: chunked'], '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'));
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('got hello world');
  });

  test('the handler reads the body while it is still arriving', {
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
    expect(first).toBe('first');
    client.send('-last');
    const reply = await client.response();
    expect(reply.body, client.story()).toBe('got first-last');
  });

  test('a large upload arrives whole and in order', {
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
    expect(text).toBe(`${size} ${createHash('sha256').update(upload).digest('hex')}`);
  });

  test('Expect: 100-continue gets 100 Continue when the handler starts reading', {
    points: 2,
    hint: 'The client waits for a go-ahead before it sends the body (RFC 9110 §10.1.1): write "HTTP/1.1 100 Continue" and an empty line on the first read of the body.',
  }, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('PUT /file', ['Host: test', 'Content-Length: 4', 'Expect: 100-continue']));
    const interim = await client.until(() => client.replies().length > 0, 1500);
    expect(interim, `an interim response came within 1500 ms; ${client.story()}`).toBe(true);
    expect(client.replies()[0]?.status, client.story()).toBe(100);
    client.send('data');
    const reply = await client.response();
    expect([reply.status, reply.body], client.story()).toEqual([200, 'got data']);
  });

  test('Expect: 100-continue without a read: the final response comes with no 100 before it', {
    hint: 'Send 100 Continue only when the handler asks for the body; a handler that refuses at once should save the client the upload.',
  }, async () => {
    const { port } = await start(() => ({ status: 401, headers: [], body: utf8('who are you?') }));
    const client = await Client.connect(port);
    client.send(request('PUT /file', ['Host: test', 'Content-Length: 4', 'Expect: 100-continue']));
    await client.response();
    expect(client.replies().map((r) => r.status), client.story()).toEqual([401]);
  });

  test('no 100 Continue for a request that did not ask for one', {}, async () => {
    const { port } = await start(echo);
    const client = await Client.connect(port);
    client.send(request('POST /', ['Host: test', 'Content-Length: 2'], 'hi'));
    await client.response();
    expect(client.replies().map((r) => r.status), client.story()).toEqual([200]);
  });

  test('a body the handler leaves unread is never read as a request', {
    hint: 'Whatever the handler did with the body, the parser must still consume it; or close the connection after the response.',
  }, async () => {
    const targets: string[] = [];
    const { port } = await start((req) => {
      targets.push(req.target);
      return hello(req);
    });
    const inner = request('GET /smuggled');
    const client = await Client.connect(port);
    client.send(request('POST /first', ['Host: test', `Content-Length: ${inner.length}`], inner) + request('GET /next'));
    await client.responses(2);
    await sleep(50);
    expect(targets, client.story()).not.toContain('/smuggled');
    expect(targets[0]).toBe('/first');
    const bodies = client.finals().map((r) => r.body);
    expect(bodies[0], client.story()).toBe('hello POST /first');
    if (bodies.length > 1) expect(bodies[1], client.story()).toBe('hello GET /next');
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
  const [reply] = await client.responses(1);
  expect(reply?.status, `a ${status} response; ${client.story()}`).toBe(status);
  expect(await client.closesWithin(1000), `the connection closed within 1000 ms; ${client.story()}`).toBe(true);
  expect(calls, 'handler calls').toBe(0);
}

const refusalHint =
  'When feed() throws an HttpError, answer with its status and close: what follows on the connection cannot be trusted.';

milestone('errors', () => {
  test('a malformed request gets 400, and the connection closes', { hint: refusalHint }, async () => {
    await expectRefusal(request('GET /', ['Host: test', 'No colon here']) + request('GET /next'), 400);
  });

  test('a body over maxBodyBytes (by Content-Length) gets 413', { hint: refusalHint }, async () => {
    await expectRefusal(request('POST /', ['Host: test', 'Content-Length: 1000']) + 'x'.repeat(300), 413);
  });

  test('a request line over maxRequestLineBytes gets 414', { hint: refusalHint }, async () => {
    await expectRefusal(request(`GET /${'a'.repeat(150)}`), 414);
  });

  test('a header section over maxHeaderBytes gets 431', { hint: refusalHint }, async () => {
    await expectRefusal(request('GET /', ['Host: test', `X-Big: ${'b'.repeat(300)}`]), 431);
  });

  test('an unknown transfer coding gets 501', { hint: refusalHint }, async () => {
    await expectRefusal(request('POST /', ['Host: test', 'Transfer-Encoding: gzip, chunked']), 501);
  });

  test('an unsupported HTTP version gets 505', { hint: refusalHint }, async () => {
    await expectRefusal(request('GET / HTTP/2.0'), 505);
  });

  test('a chunked body that grows over maxBodyBytes gets 413 while the handler reads it', {
    hint: 'The parser refuses the body after the handler started: reading it throws the HttpError, and its status is the right answer, not 500.',
  }, async () => {
    const failed = deferred<unknown>();
    const { port } = await start(
      async (req) => {
        try {
          return { status: 200, headers: [], body: utf8(`got ${await readBody(req)}`) };
        } catch (error) {
          failed.resolve(error);
          throw error;
        }
      },
      { limits: { maxBodyBytes: 100 }, onError: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('POST /', ['Host: test', 'Transfer-Encoding: chunked'], '10\r\n0123456789abcdef\r\n'));
    await sleep(50);
    client.send('80\r\n');
    const [reply] = await client.responses(1);
    expect(reply?.status, client.story()).toBe(413);
    expect(await client.closesWithin(1000), `the connection closed within 1000 ms; ${client.story()}`).toBe(true);
    await within(500, 'reading the body failing in the handler', failed.promise);
  });

  test('a handler that throws gets a 500, and onError hears of it', {
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
    expect(errors).toEqual([oops, oops]);
  });

  test('after a 500, the server goes on serving other connections', {}, async () => {
    const { port } = await start(
      (req) => {
        if (req.target === '/boom') throw new Error('boom');
        return hello(req);
      },
      { onError: () => {} },
    );
    const broken = await Client.connect(port);
    const fine = await Client.connect(port);
    broken.send(request('GET /boom'));
    expect((await broken.response()).status, broken.story()).toBe(500);
    fine.send(request('GET /fine'));
    expect((await fine.response()).body, fine.story()).toBe('hello GET /fine');
    const later = await Client.connect(port);
    later.send(request('GET /later'));
    expect((await later.response()).body, later.story()).toBe('hello GET /later');
  });

  test('a response the serializer refuses (CR LF in a header value) becomes a 500', {
    hint: 'Nothing has been written yet when serializing the head throws: a 500 is still possible.',
  }, async () => {
    const { port } = await start(() => ({ status: 200, headers: [['X-Name', 'a\r\nSet-Cookie: admin=1']], body: utf8('x') }), {
      onError: () => {},
    });
    const client = await Client.connect(port);
    client.send(request('GET /'));
    const reply = await client.response();
    expect(reply.status, client.story()).toBe(500);
    expect(values(reply, 'set-cookie'), client.story()).toEqual([]);
  });

  test('a body that fails after the head was sent: the connection is cut, not ended cleanly', {
    points: 2,
    hint: 'Once the status line is out, a 500 is impossible. Destroy the socket so the client sees a broken response, never a short one that looks whole.',
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
      { onError: () => {} },
    );
    const client = await Client.connect(port);
    client.send(request('GET /'));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    const [reply] = client.finals();
    expect(reply?.status, client.story()).toBe(200);
    expect(reply?.complete, `the response must not look complete; ${client.story()}`).toBe(false);
  });

  test('a stream shorter than its declared Content-Length: the connection is cut', {
    hint: 'The client trusts Content-Length: if the body ends early, it would wait for bytes that never come. Close the connection.',
  }, async () => {
    const { port } = await start(() => streamed(slowly(['only ten b']), [['Content-Length', '100']]), { onError: () => {} });
    const client = await Client.connect(port);
    client.send(request('GET /'));
    expect(await client.closesWithin(2000), `closed within 2000 ms; ${client.story()}`).toBe(true);
    expect(client.finals()[0]?.complete, client.story()).toBe(false);
  });
});
