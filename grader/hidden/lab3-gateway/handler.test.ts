// Hidden tests for lab 3: the handler and startResponse (milestone 3), the response body
// (milestone 4), errors and close() (milestone 5). Most run the lab's tsgiHandler on a fake
// request and read what it hands the server; the ones about the wire run it on the reference
// server (lab 2) over a real socket.
import { afterEach, expect } from 'vitest';
import { HOP_BY_HOP_HEADERS, type StartResponse, type TsgiApp, type TsgiHeaders } from '#contracts/tsgi';
import { bounded, bytes, milestone, show, test, text } from '../../harness/index.ts';
import {
  cleanup,
  connect,
  errorLog,
  exchange,
  gate,
  headerValues,
  iteratorOf,
  listen,
  readBody,
  readResponse,
  respond,
  waitFor,
  withClose,
} from './support.ts';

afterEach(cleanup);

const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

/** An app that answers `status` with `headers` and the given chunks. */
function answering(status: string, headers: TsgiHeaders, chunks: unknown[]): TsgiApp {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return chunks as Uint8Array[];
  };
}

/**
 * Calls startResponse with the given arguments inside an app and reports whether that call threw
 * (the app passes the error on, as an app should), and what the server was handed.
 */
async function attempt(...args: Parameters<StartResponse>): Promise<{ threw: boolean; status: number }> {
  let threw = false;
  const response = await respond((_environ, startResponse) => {
    try {
      startResponse(...args);
    } catch (error) {
      threw = true;
      throw error;
    }
    return [bytes('body')];
  });
  return { threw, status: response.status };
}

milestone('start-response', () => {
  test('tsgiHandler calls the app and hands its status, headers and body to the server', {
    points: 3,
    hint: 'Build the environ, call app(environ, startResponse), and resolve with { status, reason, headers, body } for lab 2\'s server (rule H1).',
    lesson: '03-gateway.md#the-handler',
  }, async () => {
    const app: TsgiApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Path', String(environ.PATH_INFO)]]);
      return [bytes('hello')];
    };
    const response = await respond(app, { target: '/greeting' });
    expect(response.status).toBe(200);
    expect(headerValues(response.headers, 'content-type')).toEqual(['text/plain']);
    expect(headerValues(response.headers, 'x-path')).toEqual(['/greeting']);
    expect(text(await readBody(response.body))).toBe('hello');
  });

  test('the status code is the number at the start of the status string', {}, async () => {
    for (const [status, code] of [['404 Not Found', 404], ['201 Created', 201], ['599 Odd', 599], ['302 Found', 302]] as const) {
      expect((await respond(answering(status, [], [bytes('x')]))).status, status).toBe(code);
    }
  });

  test('the reason phrase reaches the status line as the app wrote it', {
    hint: 'Pass the text after the space on as the response\'s reason (rule H1).',
  }, async () => {
    const port = await listen(answering('200 Froody', [['Content-Type', 'text/plain']], [bytes('ok')]));
    const { raw } = await exchange(port, GET);
    expect(show(raw.split('\r\n')[0] ?? '')).toBe(show('HTTP/1.1 200 Froody'));
  });

  test('headers go to the server in the order the app gave them, repeats included', {}, async () => {
    const headers: TsgiHeaders = [['Set-Cookie', 'a=1'], ['X-Middle', 'm'], ['Set-Cookie', 'b=2']];
    const response = await respond(answering('200 OK', headers, [bytes('x')]));
    expect(response.headers.map(([name, value]) => [name.toLowerCase(), value])).toEqual([
      ['set-cookie', 'a=1'],
      ['x-middle', 'm'],
      ['set-cookie', 'b=2'],
    ]);
  });

  test('a path outside the mount point gets 404 without calling the app', {
    points: 2,
    lesson: '03-gateway.md#paths-script_name-and-path_info',
  }, async () => {
    let called = false;
    const app: TsgiApp = (_environ, startResponse) => {
      called = true;
      startResponse('200 OK', []);
      return [bytes('app')];
    };
    const response = await respond(app, { target: '/apple' }, { scriptName: '/app' });
    expect(response.status).toBe(404);
    expect(called, 'the app was called').toBe(false);
    expect((await respond(app, { target: '/app/x' }, { scriptName: '/app' })).status).toBe(200);
  });

  test('a malformed status throws at the call, and the client gets a 500', {
    points: 2,
    hint: 'Three digits from 100 to 599, one space, a reason without control characters. Throw from startResponse itself, so the app sees the error where it made it (rules S1, S2).',
    lesson: '03-gateway.md#the-status',
  }, async () => {
    const bad: unknown[] = ['200', 'OK', '200OK', '2000 OK', ' 200 OK', '600 Nope', '099 Low', '200 OK\r\n', '200 OK\r\nX-Evil: 1', '200 A\x00B', 200];
    for (const status of bad) {
      expect(await attempt(status as string, []), show(String(status))).toEqual({ threw: true, status: 500 });
    }
    expect(await attempt('200 ', [])).toEqual({ threw: false, status: 200 });
  });

  test('header names must be tokens and values free of control characters', {
    points: 2,
    hint: 'A value holding "\\r\\n" would let whoever controls it add headers of their own (response splitting, rule S4).',
    lesson: '03-gateway.md#the-response-headers',
  }, async () => {
    for (const name of ['Bad Name', 'X:Y', '', 'X\r\nY', 'Caf\xe9']) {
      expect(await attempt('200 OK', [[name, 'v']]), `name ${show(name)}`).toEqual({ threw: true, status: 500 });
    }
    for (const value of ['a\r\nSet-Cookie: admin=1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7fb']) {
      expect(await attempt('200 OK', [['X-Echo', value]]), `value ${show(value)}`).toEqual({ threw: true, status: 500 });
    }
    expect(await attempt('200 OK', [['X-Ok', 'caf\xe9 \t!']])).toEqual({ threw: false, status: 200 });
  });

  test('headers must be an array of [name, value] pairs of strings', {
    lesson: '03-gateway.md#the-response-headers',
  }, async () => {
    for (const headers of ['Content-Type: text/plain', [['X']], [['X', 'a', 'b']], [['X', 1]], [{ name: 'X', value: 'a' }], null]) {
      expect(await attempt('200 OK', headers as TsgiHeaders), JSON.stringify(headers)).toEqual({ threw: true, status: 500 });
    }
  });

  test('hop-by-hop headers are refused, whatever their case', {
    points: 2,
    hint: 'Connection, Keep-Alive, Transfer-Encoding and the others in HOP_BY_HOP_HEADERS describe the connection: only the server sets them. Compare names lowercased (rule S5).',
    lesson: '03-gateway.md#the-response-headers',
  }, async () => {
    for (const lower of HOP_BY_HOP_HEADERS) {
      for (const name of [lower, lower.toUpperCase(), lower.replace(/(^|-)[a-z]/g, (s) => s.toUpperCase())]) {
        expect(await attempt('200 OK', [[name, 'x']]), name).toEqual({ threw: true, status: 500 });
      }
    }
  });

  test('a second call without excInfo is an error', {
    hint: 'Remember that startResponse was called; a later call must bring excInfo (the error it is handling; rule S6).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    let second = 'did not throw';
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      try {
        startResponse('201 Created', []);
      } catch (error) {
        second = 'threw';
        throw error;
      }
      return [bytes('x')];
    });
    expect(second).toBe('threw');
    expect(response.status).toBe(500);
  });

  test('a second call with excInfo, before the body starts, replaces status and headers', {
    points: 2,
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/html'], ['X-Draft', '1']]);
      startResponse('503 Try Later', [['Content-Type', 'text/plain']], new Error('the database is down'));
      return [bytes('sorry')];
    });
    expect(response.status).toBe(503);
    expect(response.headers.map(([name, value]) => [name.toLowerCase(), value])).toEqual([['content-type', 'text/plain']]);
    expect(text(await readBody(response.body))).toBe('sorry');
  });

  test('a refused call sets nothing: an app that swallows the error gets a 500', {
    hint: 'Check everything before you store anything. A status and headers that were refused must never be sent (rule S9).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const response = await respond((_environ, startResponse) => {
      try {
        startResponse('200 OK', [['Content-Type', 'text/plain'], ['Connection', 'close']]);
      } catch {
        // an app should not do this; the gateway must still not send what was refused
      }
      return [bytes('body')];
    });
    expect(response.status).toBe(500);
  });
});

milestone('body', () => {
  test('a list of chunks arrives whole and in order', { points: 2 }, async () => {
    const response = await respond(answering('200 OK', [], [bytes('one '), bytes('two '), bytes('three')]));
    expect(text(await readBody(response.body))).toBe('one two three');
  });

  test('a generator function body', {}, async () => {
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        for (const word of ['a', 'b', 'c']) yield bytes(word);
      })();
    };
    expect(text(await readBody((await respond(app)).body))).toBe('abc');
  });

  test('an async generator body', { points: 2 }, async () => {
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        for (const word of ['x', 'y', 'z']) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield bytes(word);
        }
      })();
    };
    expect(text(await readBody((await respond(app)).body))).toBe('xyz');
  });

  test('an async app that reads its input before answering', {
    points: 2,
    hint: 'The app may return a promise of its body: await it (rule A2).',
    lesson: '03-gateway.md#the-application',
  }, async () => {
    const app: TsgiApp = async (environ, startResponse) => {
      const input = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [bytes('got '), input];
    };
    const response = await respond(app, { method: 'POST', headers: [['host', 'x'], ['content-length', '5']], body: ['he', 'llo'] });
    expect(response.status).toBe(200);
    expect(text(await readBody(response.body))).toBe('got hello');
  });

  test('startResponse may be called during the first iteration of the body', {
    hint: 'Read the body up to its first non-empty chunk before you look at the status: a generator runs only when it is iterated (rule A3).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    const app: TsgiApp = (_environ, startResponse) =>
      (function* () {
        startResponse('202 Accepted', [['X-Lazy', 'yes']]);
        yield bytes('later');
      })();
    const response = await respond(app);
    expect(response.status).toBe(202);
    expect(headerValues(response.headers, 'x-lazy')).toEqual(['yes']);
    expect(text(await readBody(response.body))).toBe('later');
  });

  test('the head is handed to the server only with the first non-empty chunk', {
    points: 3,
    hint: 'The server writes the status line as soon as your handler resolves. Resolve only once the body has produced a non-empty chunk (or ended; rule B5).',
    lesson: '03-gateway.md#when-the-head-goes-out',
  }, async () => {
    const go = gate();
    let waiting = false;
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield new Uint8Array(0);
        waiting = true;
        await go.promise;
        yield bytes('now');
      })();
    };
    let resolved = false;
    let failed: unknown = null;
    const pending = respond(app).then(
      (response) => {
        resolved = true;
        return response;
      },
      (error: unknown) => {
        failed = error;
        throw error;
      },
    );
    pending.catch(() => {}); // awaited below; a failure must not also surface as unhandled
    await waitFor('the gateway to read past the empty chunk', () => waiting || failed !== null || resolved);
    if (failed !== null) throw failed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved, 'the handler resolved before the first non-empty chunk existed').toBe(false);
    go.open();
    const response = await pending;
    expect(text(await readBody(response.body))).toBe('now');
  });

  test('empty chunks neither send the head nor end the body', {}, async () => {
    const empty = new Uint8Array(0);
    const response = await respond(answering('200 OK', [], [empty, bytes('a'), empty, empty, bytes('b'), empty]));
    expect(text(await readBody(response.body))).toBe('ab');
  });

  test('a body with no bytes at all still sends its status and headers', {}, async () => {
    for (const chunks of [[], [new Uint8Array(0), new Uint8Array(0)]]) {
      const response = await respond(answering('204 No Content', [['X-Done', 'yes']], chunks));
      expect(response.status).toBe(204);
      expect(headerValues(response.headers, 'x-done')).toEqual(['yes']);
      expect((await readBody(response.body)).length).toBe(0);
    }
  });

  test('a chunk that is not a Uint8Array (a string) gets a 500', {
    points: 2,
    hint: 'Strings are not bytes: check every chunk with instanceof Uint8Array. A bad first chunk is caught before the head goes out, so it can still be a 500 (rule B2).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    for (const chunk of ['hello', 42, null, [104, 105]]) {
      const response = await respond(answering('200 OK', [], [chunk]));
      expect(response.status, JSON.stringify(chunk)).toBe(500);
    }
  });

  test('a body that is not an iterable of chunks gets a 500', {
    points: 2,
    hint: 'A string is iterable (by characters) and a Uint8Array by numbers: neither is a body. Refuse them, and anything that is not iterable (rule B1).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    const bodies: unknown[] = ['Hello', bytes('Hello'), null, undefined, 42, { chunks: [] }];
    for (const body of bodies) {
      const app: TsgiApp = (_environ, startResponse) => {
        startResponse('200 OK', []);
        return body as Uint8Array[];
      };
      expect((await respond(app)).status, describeValue(body)).toBe(500);
    }
  });

  test('chunks go out as the app produces them, not all at the end', {
    points: 2,
    hint: 'Hand the server an iterable that pulls from the app\'s body one chunk at a time; never collect the body first (rule B4).',
    lesson: '03-gateway.md#the-response-body',
  }, async () => {
    const go = gate();
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield bytes('first;');
        await go.promise;
        yield bytes('second');
      })();
    };
    const port = await listen(app);
    const socket = await connect(port);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(GET);
    await waitFor('the first chunk to reach the client while the app was still working', () => received.includes('first;'));
    go.open();
    await waitFor('the rest of the body', () => received.endsWith('0\r\n\r\n'));
    expect(readResponse(received).body).toBe('first;second');
  });

  test('a Content-Length set by the app is kept, and the body goes out unchunked', {
    points: 2,
    lesson: '03-gateway.md#framing-content-length-or-chunks',
  }, async () => {
    const port = await listen(answering('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']], [bytes('hel'), bytes('lo')]));
    const response = readResponse((await exchange(port, GET)).raw);
    expect(headerValues(response.headers, 'content-length')).toEqual(['5']);
    expect(headerValues(response.headers, 'transfer-encoding')).toEqual([]);
    expect(response.body).toBe('hello');
  });
});

milestone('errors-and-close', () => {
  test('an app that throws gets a 500, and the error goes to tsgi.errors', {
    points: 2,
    hint: 'Catch what the app throws, write it (with its message) to environ["tsgi.errors"], flush, and answer 500 (rules R1, R2).',
  }, async () => {
    const errors = errorLog();
    const response = await respond(() => {
      throw new Error('kaboom-17');
    }, {}, { errors });
    expect(response.status).toBe(500);
    expect(errors.text).toContain('kaboom-17');
    expect(errors.flushes).toBeGreaterThan(0);
  });

  test('an async app that rejects gets a 500', {}, async () => {
    const errors = errorLog();
    const response = await respond(async () => {
      await Promise.resolve();
      throw new Error('rejected-23');
    }, {}, { errors });
    expect(response.status).toBe(500);
    expect(errors.text).toContain('rejected-23');
  });

  test('a body that fails before its first non-empty chunk gets a 500', {
    points: 2,
    hint: 'Until the first non-empty chunk, nothing has gone out: the gateway can still answer 500 instead (rule R2).',
  }, async () => {
    const errors = errorLog();
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield new Uint8Array(0);
        throw new Error('early-31');
      })();
    }, {}, { errors });
    expect(response.status).toBe(500);
    expect(errors.text).toContain('early-31');
  });

  test('a body that produces a chunk before startResponse was called gets a 500', {}, async () => {
    const response = await respond(() => [bytes('no head')]);
    expect(response.status).toBe(500);
  });

  test('a failure after the head went out aborts the connection: the body never ends', {
    points: 3,
    hint: 'Too late for a 500: let the error escape from the body iterator you gave the server. Lab 2 then cuts the connection, so the client knows the body is incomplete (rule R4).',
  }, async () => {
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield bytes('partial ');
        throw new Error('late-41');
      })();
    });
    const { raw, closed } = await exchange(port, GET);
    expect(closed, 'the connection stayed open').toBe(true);
    const response = readResponse(raw);
    expect(show(response.statusLine)).toBe(show('HTTP/1.1 200 OK'));
    expect(response.body).toBe('partial ');
    expect(response.complete, `the body looked complete: ${show(raw)}`).toBe(false);
  });

  test('a failure after the head went out is still written to tsgi.errors', {}, async () => {
    const errors = errorLog();
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (async function* () {
        yield bytes('partial');
        throw new Error('late-43');
      })();
    }, {}, { errors });
    let failed = false;
    await readBody(response.body).catch(() => (failed = true));
    expect(failed, 'the body iterator handed to the server must throw when the app\'s body fails').toBe(true);
    expect(errors.text).toContain('late-43');
  });

  test('excInfo after the head went out is thrown back at the app', {
    points: 2,
    hint: 'Once the first chunk is on its way, startResponse(status, headers, excInfo) must throw excInfo itself (rule S8).',
    lesson: '03-gateway.md#calling-it-again-excinfo',
  }, async () => {
    const original = new Error('failed-mid-page');
    let thrown: unknown = 'nothing was thrown';
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return (function* () {
        yield bytes('<p>half a page');
        try {
          startResponse('500 Internal Server Error', [], original);
        } catch (error) {
          thrown = error;
          throw error;
        }
        yield bytes('error page');
      })();
    });
    await readBody(response.body).catch(() => {});
    expect(thrown).toBe(original);
  });

  test('close() is called once when the body has been read to its end', {
    points: 2,
    hint: 'PEP 3333: if the body has a close() method, the server must call it when it is done with the body. Exactly once (rule C1).',
  }, async () => {
    const list = withClose([bytes('a'), bytes('b')]);
    const generator = withClose((function* () {
      yield bytes('c');
    })());
    for (const { body, closes } of [list, generator]) {
      const response = await respond((_environ, startResponse) => {
        startResponse('200 OK', []);
        return body;
      });
      expect(closes(), 'close() was called before the body was read').toBe(0);
      await readBody(response.body);
      await waitFor('close() to be called', () => closes() > 0, 500);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(closes()).toBe(1);
    }
  });

  test('close() is called once when the body fails, before or after the head', {
    points: 2,
  }, async () => {
    for (const first of [new Uint8Array(0), bytes('x')]) {
      const { body, closes } = withClose((function* () {
        yield first;
        throw new Error('broken');
      })());
      const response = await respond((_environ, startResponse) => {
        startResponse('200 OK', []);
        return body;
      });
      await readBody(response.body).catch(() => {});
      await waitFor('close() to be called', () => closes() > 0, 500);
      expect(closes()).toBe(1);
    }
  });

  test('close() is called once when a chunk is refused or startResponse was never called', {}, async () => {
    const refused = withClose(['not bytes'] as unknown as Uint8Array[]);
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return refused.body;
    });
    expect(response.status).toBe(500);
    await waitFor('close() to be called', () => refused.closes() > 0, 500);
    expect(refused.closes()).toBe(1);
    const headless = withClose([bytes('x')]);
    expect((await respond(() => headless.body)).status).toBe(500);
    await waitFor('close() to be called', () => headless.closes() > 0, 500);
    expect(headless.closes()).toBe(1);
  });

  test('close() is called once when the server stops reading early (return())', {
    points: 2,
    hint: 'For HEAD, or when the client leaves, the server calls return() on the body iterator you gave it. That must close the app\'s body too (rule C2).',
  }, async () => {
    const { body, closes } = withClose((function* () {
      yield bytes('one');
      yield bytes('two');
      yield bytes('three');
    })());
    const response = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return body;
    });
    const iterator = iteratorOf(response.body);
    const step = await bounded('the body iterator', () => iterator.next());
    expect(step.done).toBe(false);
    expect(typeof iterator.return, 'the body iterator handed to the server has no return()').toBe('function');
    await bounded('the body iterator\'s return()', () => iterator.return!());
    await waitFor('close() to be called', () => closes() > 0, 500);
    expect(closes()).toBe(1);

    // A HEAD request: the server calls return() without ever calling next().
    const unread = withClose((function* () {
      yield bytes('never read by the server');
    })());
    const untouched = await respond((_environ, startResponse) => {
      startResponse('200 OK', []);
      return unread.body;
    });
    const fresh = iteratorOf(untouched.body);
    await bounded('the body iterator\'s return()', () => fresh.return?.());
    await waitFor('close() to be called when return() comes before any next()', () => unread.closes() > 0, 500);
    expect(unread.closes()).toBe(1);
  });

  test('close() is called once for a HEAD request, whose body is never sent', {
    points: 2,
  }, async () => {
    const { body, closes } = withClose((function* () {
      yield bytes('not for HEAD');
      yield bytes('nor this');
    })());
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const { raw } = await exchange(port, 'HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(show(raw.split('\r\n')[0] ?? '')).toBe(show('HTTP/1.1 200 OK'));
    await waitFor('close() to be called', () => closes() > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes()).toBe(1);
  });

  test('close() is called once when the client disconnects in the middle of the body', {
    points: 3,
    hint: 'When the client leaves, lab 2 stops reading and calls return() on your body iterator: pass that on as close() (rule C2).',
  }, async () => {
    let produced = 0;
    const { body, closes } = withClose((async function* () {
      while (produced < 2000) {
        produced += 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield bytes('x'.repeat(1024));
      }
    })());
    const port = await listen((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const socket = await connect(port);
    socket.on('error', () => {});
    socket.once('data', () => socket.destroy());
    socket.write(GET);
    await waitFor('close() to be called after the client went away', () => closes() > 0, 3000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes()).toBe(1);
  });
});

function describeValue(value: unknown): string {
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(JSON.stringify(value) ?? value);
}
