// Hidden tests for lab 8's middleware, except static files (static-files.test.ts): the access log
// (and, through it, intercept), gzip, the request size limit and ProxyFix. Each is called as a TSGI
// app with an environ built here, and run once more on a real socket through the reference server
// and gateway.
import { gunzipSync } from 'node:zlib';
import { afterEach, expect } from 'vitest';
import type { Environ, TsgiApp, TsgiBody } from '#contracts/tsgi';
import { accessLog, acceptsGzip, clfDate, gzip, limitRequestSize, proxyFix, RequestTooLarge } from '@lab/production';
import { bounded, milestone, test } from '../../harness/index.ts';
import { APP_BOUND_MS, callApp, type CallInit, cleanUp, deferred, describeRequest, makeEnviron, rawRequest, serveApp, textApp, utf8, within } from './helpers.ts';

afterEach(cleanUp);

/** The fields of a Common Log Format line, or null if it is not one. */
function clf(line: string) {
  const match = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+|-)\n$/.exec(line);
  if (!match) return null;
  const [, host, ident, user, time, request, status, size] = match;
  return { host, ident, user, time, request, status: Number(status), size };
}

/** `21/Nov/2026:23:59:59 +0000` as milliseconds since 1970, or NaN. */
function clfTime(text: string | undefined): number {
  const match = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text ?? '');
  if (!match) return NaN;
  const [, d, mon, y, h, mi, s, sign, zh, zm] = match;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(mon!);
  const offset = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  return Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s)) - offset;
}

/** An access log that keeps its lines. */
function logged(): { lines: string[]; middleware: ReturnType<typeof accessLog> } {
  const lines: string[] = [];
  const middleware = bounded('accessLog(write)', () => accessLog((line) => lines.push(line)));
  return { lines, middleware };
}

/** The lines written, for a failure message. */
const linesOf = (lines: string[]) => `lines written: ${lines.length === 0 ? '(none)' : lines.map((l) => JSON.stringify(l)).join(', ')}`;

/** A body that counts how often its close() is called and whether its generator's finally ran. */
function watchedBody(chunks: string[], gate?: Promise<void>) {
  const watch = { closes: 0, finished: false };
  const body = Object.assign(
    (async function* () {
      try {
        for (const [i, chunk] of chunks.entries()) {
          if (i === chunks.length - 1 && gate) await gate;
          yield utf8(chunk);
        }
      } finally {
        watch.finished = true;
      }
    })(),
    { close: () => void (watch.closes += 1) },
  );
  return { watch, body };
}

/** A snapshot of an environ (the values of its keys), to see whether a middleware changed it. */
function snapshot(environ: Environ): Record<string, unknown> {
  return { ...environ };
}

/**
 * Runs `app` with `environ` and checks that afterwards the caller's environ holds exactly the keys
 * and values it held before (M1).
 */
async function expectEnvironUntouched(what: string, app: TsgiApp, environ: Environ): Promise<void> {
  const before = snapshot(environ);
  const request = describeRequest(environ);
  await callApp(app, environ);
  const after = snapshot(environ);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]);
  const shown = changed.map((key) => `${key}: ${key in before ? String(before[key]) : '(absent)'} -> ${key in after ? String(after[key]) : '(absent)'}`);
  expect(shown, `${what} should leave the environ it was given as it was (request ${request}); keys it changed`).toEqual([]);
}

/** Reads a body to its end (bounded), collecting its chunks. */
async function readAll(body: AsyncIterable<Uint8Array>, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await within(APP_BOUND_MS, what, (async () => {
    for await (const chunk of body) chunks.push(chunk);
  })());
  return Buffer.concat(chunks);
}

milestone('access-log', () => {
  test('clfDate writes the Common Log Format time, in UTC, whatever the time zone', {
    rules: ['L1'],
    hint: 'Day with two digits, the month as three letters, the year, then hh:mm:ss from the UTC getters (getUTCHours, ...), and the zone +0000.',
  }, () => {
    const zone = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env.TZ = tz;
        const cases: Array<[Date, string]> = [
          [new Date(Date.UTC(2026, 10, 21, 23, 59, 59)), '21/Nov/2026:23:59:59 +0000'],
          [new Date(Date.UTC(2027, 0, 5, 3, 4, 5)), '05/Jan/2027:03:04:05 +0000'],
        ];
        for (const [date, expected] of cases) {
          expect(bounded('clfDate()', () => clfDate(date)), `clfDate(${date.toISOString()}) on a machine in the time zone ${tz}`).toBe(expected);
        }
      }
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  test('clfDate names every month with its three English letters', {
    rules: ['L1'],
    hint: 'MONTHS[date.getUTCMonth()]: Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec.',
  }, () => {
    const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    for (const [month, name] of names.entries()) {
      const date = new Date(Date.UTC(2026, month, 15, 12, 0, 0));
      expect(bounded('clfDate()', () => clfDate(date)), `clfDate(${date.toISOString()})`).toBe(`15/${name}/2026:12:00:00 +0000`);
    }
  });

  test('logs - for a client without REMOTE_ADDR, and writes to standard output by default', {
    rules: ['L2'],
    hint: 'REMOTE_ADDR is optional in the environ: log "-" when it is missing. accessLog() with no write function writes each line to process.stdout.',
  }, async () => {
    const { lines, middleware } = logged();
    const hello = textApp('hi');
    const environ = makeEnviron({ path: '/anonymous' });
    delete environ.REMOTE_ADDR;
    await callApp(middleware(hello), environ);
    expect(clf(lines[0] ?? '')?.host, `an environ without REMOTE_ADDR; ${linesOf(lines)}`).toBe('-');
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await callApp(bounded('accessLog()', () => accessLog())(hello), { path: '/to-stdout', remoteAddr: '10.9.8.7' });
    } finally {
      process.stdout.write = original;
    }
    const line = written.find((text) => text.includes('/to-stdout'));
    expect(clf(line ?? ''), `accessLog() with no write: the line on standard output; written there: ${JSON.stringify(written)}`).toMatchObject({ host: '10.9.8.7', request: 'GET /to-stdout HTTP/1.1' });
  });

  test('writes one Common Log Format line per request, and passes the response on unchanged', {
    rules: ['L2', 'C1', 'C3'],
    points: 2,
    hint: 'host ident user [time] "request line" status size, then a newline: "-" for what you do not know. The server gets the app\'s one startResponse call and its body, unchanged.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-App', 'yes']]);
      return [utf8('hello '), utf8('world')];
    });
    const answer = await callApp(app, { path: '/hello?x=1&y=2', remoteAddr: '10.1.2.3' });
    expect(answer.calls, `the server should hear of exactly one startResponse call, the app's; ${answer.story}`).toEqual([
      ['200 OK', [['Content-Type', 'text/plain'], ['X-App', 'yes']]],
    ]);
    expect(answer.text, `the body should pass unchanged, first chunk included; ${answer.story}`).toBe('hello world');
    expect(lines, `exactly one line per request; ${linesOf(lines)}`).toHaveLength(1);
    const fields = clf(lines[0]!);
    expect(fields, `should be a Common Log Format line ending in a newline; ${linesOf(lines)}`).not.toBeNull();
    expect(fields, linesOf(lines)).toMatchObject({ host: '10.1.2.3', ident: '-', user: '-', request: 'GET /hello?x=1&y=2 HTTP/1.1', status: 200, size: '11' });
    const time = clfTime(fields!.time);
    expect(Math.abs(time - Date.now()), `the time [${fields!.time}] should be now, as dd/Mon/yyyy:hh:mm:ss +zone`).toBeLessThan(10 * 60_000);
  });

  test('logs the status\'s three digits, and "-" for an empty body', {
    rules: ['L4', 'L5'],
    hint: 'The status is the first three characters of what the app gave startResponse; a body of 0 bytes is logged as -.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) => {
      startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      return [];
    });
    await callApp(app, { method: 'POST', path: '/missing', body: 'abc' });
    expect(clf(lines[0] ?? ''), `for a 404 with an empty body; ${linesOf(lines)}`).toMatchObject({ request: 'POST /missing HTTP/1.1', status: 404, size: '-' });
  });

  test('rebuilds the request line from SCRIPT_NAME, PATH_INFO as printable text, the query and the protocol', {
    rules: ['L3'],
    hint: 'SCRIPT_NAME + PATH_INFO is bytes as text: Buffer.from(..., "latin1").toString("utf8"), then encodeURI. Add ? and QUERY_STRING only when there is a query.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware(textApp('ok'));
    const environ = makeEnviron({ path: '/caf%C3%A9%20au%20lait?size=big' });
    environ.SCRIPT_NAME = '/shop';
    environ.SERVER_PROTOCOL = 'HTTP/1.0';
    await callApp(app, environ);
    expect(clf(lines[0] ?? '')?.request, `request line for ${describeRequest(environ)}; ${linesOf(lines)}`).toBe('GET /shop/caf%C3%A9%20au%20lait?size=big HTTP/1.0');
    lines.length = 0;
    const raw = makeEnviron({ path: '/search' });
    raw.QUERY_STRING = 'q=caf\u00c3\u00a9&x=%20y';
    await callApp(app, raw);
    expect(clf(lines[0] ?? '')?.request, `a query with raw UTF-8 bytes (QUERY_STRING ${JSON.stringify(raw.QUERY_STRING)}): bytes above 0x7E as %XX, the rest as it came; ${linesOf(lines)}`).toBe('GET /search?q=caf%C3%A9&x=%20y HTTP/1.1');
    lines.length = 0;
    await callApp(app, { method: 'DELETE', path: '/items/7' });
    expect(clf(lines[0] ?? '')?.request, `no query, no "?"; ${linesOf(lines)}`).toBe('DELETE /items/7 HTTP/1.1');
  });

  test('writes the line when the body is finished, counting every chunk', {
    rules: ['L6', 'L5'],
    points: 2,
    hint: 'The size is only known once the last chunk has gone by: count the chunks as the body passes, and write the line in a finally block.',
  }, async () => {
    const { lines, middleware } = logged();
    const gate = deferred();
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield utf8('first ');
        await gate.promise;
        yield utf8('second');
      })();
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/stream' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    const first = await within(APP_BOUND_MS, 'the first chunk', iterator.next());
    expect(Buffer.from(first.value ?? []).toString(), 'the first chunk of a streamed body').toBe('first ');
    expect(lines, `no line while the body is still being sent; ${linesOf(lines)}`).toEqual([]);
    gate.resolve();
    await within(APP_BOUND_MS, 'the rest of the body', (async () => {
      while (!(await iterator.next()).done);
    })());
    body.close?.();
    expect(lines, `one line once the body has ended; ${linesOf(lines)}`).toHaveLength(1);
    expect(clf(lines[0]!)?.size, `the size of "first second"; ${linesOf(lines)}`).toBe('12');
  });

  test('writes the line when the body fails, and lets the error go on', {
    rules: ['L6'],
    points: 2,
    hint: 'Write the line in a finally block around the loop that passes the chunks: it runs when the app\'s body throws, and the error still goes on to the server.',
  }, async () => {
    const { lines, middleware } = logged();
    const failure = new Error('the database went away');
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield utf8('partial');
        throw failure;
      })();
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/report' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    let caught: unknown = null;
    try {
      await readAll(body, 'reading a body that fails');
    } catch (error) {
      caught = error;
    } finally {
      body.close?.();
    }
    expect(caught, 'the app\'s error should reach the server that reads the body').toBe(failure);
    expect(lines, `one line for the failed request; ${linesOf(lines)}`).toHaveLength(1);
    expect(clf(lines[0]!), linesOf(lines)).toMatchObject({ request: 'GET /report HTTP/1.1', status: 200, size: '7' });
  });

  test('writes the line when the server closes the body early, and closes the app\'s body', {
    rules: ['L6', 'C6', 'L5'],
    points: 2,
    hint: 'A server whose client went away calls the body\'s return() or close() after a chunk: the finally block still writes the line, with the bytes that passed (not the Content-Length), and the cleanup ends the app\'s iterator and calls its close().',
  }, async () => {
    const { lines, middleware } = logged();
    const { watch, body: appBody } = watchedBody(['one ', 'two ', 'three']);
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '13']]);
      return appBody;
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/abandoned' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    const first = await within(APP_BOUND_MS, 'the first chunk', iterator.next());
    expect(Buffer.from(first.value ?? []).toString(), 'the first chunk').toBe('one ');
    await within<unknown>(APP_BOUND_MS, 'the body\'s return()', iterator.return?.());
    body.close?.();
    expect(lines, `one line for a body closed after its first chunk; ${linesOf(lines)}`).toHaveLength(1);
    expect(clf(lines[0]!)?.size, `only the 4 bytes that passed, not the app's Content-Length: 13; ${linesOf(lines)}`).toBe('4');
    expect(watch.finished, 'the app\'s body generator should have been ended (its finally block ran)').toBe(true);
    expect(watch.closes, 'the app\'s close() should have been called once').toBe(1);
  });

  test('writes the line when a server calls only close() after a chunk, as PEP 3333 servers do', {
    rules: ['L6', 'C6'],
    points: 2,
    hint: 'The contract only promises close(): the body\'s close() must end the body respond returned (so accessLog\'s finally writes the line) as well as the app\'s. The given closing() does it by calling its own iterator\'s return().',
  }, async () => {
    const { lines, middleware } = logged();
    const { watch, body: appBody } = watchedBody(['one ', 'two ', 'three']);
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return appBody;
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/abandoned' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    await within(APP_BOUND_MS, 'the first chunk', iterator.next());
    body.close?.();
    const written = await within(APP_BOUND_MS, 'the line being written', (async () => {
      while (lines.length === 0 || watch.closes === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      return true;
    })()).catch(() => false);
    expect(written && lines, `one line for a body whose server called only close() after the first chunk; ${linesOf(lines)}`).toHaveLength(1);
    expect(clf(lines[0]!)?.size, `only the 4 bytes that passed; ${linesOf(lines)}`).toBe('4');
    expect(watch.finished, 'the app\'s body generator should have been ended (its finally block ran)').toBe(true);
    expect(watch.closes, 'the app\'s close() should have been called once').toBe(1);
  });

  test('closes the app\'s body when intercept throws before it returns one', {
    rules: ['C6'],
    points: 2,
    hint: 'When reading the first chunk throws, or the app never called startResponse, no body reaches the server: call the iterator\'s return() and the body\'s close() yourself before you throw.',
  }, async () => {
    const { middleware } = logged();
    const cases: Array<[string, boolean]> = [['a body whose first read throws', true], ['an app that never calls startResponse', false]];
    for (const [what, failing] of cases) {
      let closes = 0;
      const appBody = Object.assign(
        (async function* () {
          if (failing) throw new Error('the database went away');
          yield utf8('no head was started');
        })(),
        { close: () => void (closes += 1) },
      );
      const app = middleware((_environ, startResponse) => {
        if (failing) startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return appBody;
      });
      let threw = false;
      try {
        const body = await within(APP_BOUND_MS, `the app answering, for ${what}`, bounded('app()', () => app(makeEnviron({ path: '/broken' }), () => {})));
        body.close?.();
      } catch {
        threw = true;
      }
      expect(threw, `accessLog(app) should throw for ${what}`).toBe(true);
      expect(closes, `the app's close() should have been called once before the throw, for ${what}`).toBe(1);
    }
  });

  test('closes the app\'s body once when it has been read to the end', {
    rules: ['C6'],
    hint: 'PEP 3333: whoever iterates the app\'s body calls its close(). To the app, the middleware is that server: its cleanup calls the app body\'s close().',
  }, async () => {
    const { middleware } = logged();
    const { watch, body: appBody } = watchedBody(['a', 'b']);
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return appBody;
    });
    const answer = await callApp(app);
    expect(answer.text, answer.story).toBe('ab');
    expect(watch.closes, `the app's close() should have been called once; ${answer.story}`).toBe(1);
  });

  test('closes the app\'s body once when the server calls close() after reading it to the end', {
    rules: ['C6'],
    hint: 'The end of the body and a later close() (PEP 3333 servers always call it) are one cleanup: run it once.',
  }, async () => {
    const { lines, middleware } = logged();
    const { watch, body: appBody } = watchedBody(['a', 'b']);
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return appBody;
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/twice' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const text = (await readAll(body, 'reading the body to its end')).toString();
    body.close?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(text, 'the body').toBe('ab');
    expect(watch.closes, 'read to the end, then close(): the app\'s close() should have been called once').toBe(1);
    expect(lines, `one line; ${linesOf(lines)}`).toHaveLength(1);
  });

  test('a server\'s close() alone ends the app\'s body and calls its close()', {
    rules: ['C6'],
    hint: 'The body intercept returns needs a close() of its own (closing() gives one): a PEP 3333 server may stop reading and call only close().',
  }, async () => {
    const { middleware } = logged();
    const { watch, body: appBody } = watchedBody(['one ', 'two ', 'three']);
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return appBody;
    });
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/left' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const first = await within(APP_BOUND_MS, 'the first chunk', body[Symbol.asyncIterator]().next());
    expect(Buffer.from(first.value ?? []).toString(), 'the first chunk').toBe('one ');
    body.close?.();
    for (let i = 0; i < 100 && watch.closes === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(watch.closes, 'one chunk read, then only close(): the app\'s close() should have been called once').toBe(1);
    expect(watch.finished, 'the app\'s body generator should have been ended (its finally block ran)').toBe(true);
  });

  test('ends a sync generator body early, and takes an async body whose iterator has no return()', {
    rules: ['C6'],
    hint: 'return() of the app\'s iterator must reach a sync generator too (so its finally runs), and an iterator without return() is a body like any other: call it with ?.()',
  }, async () => {
    const { middleware } = logged();
    const watch = { finished: false };
    const syncApp = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (function* () {
        try {
          yield utf8('one ');
          yield utf8('two');
        } finally {
          watch.finished = true;
        }
      })();
    });
    const body = (await bounded('app()', () => syncApp(makeEnviron({ path: '/sync' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    await within(APP_BOUND_MS, 'the first chunk', iterator.next());
    await within<unknown>(APP_BOUND_MS, 'the body\'s return()', iterator.return?.());
    expect(watch.finished, 'a sync generator body closed after its first chunk: its finally block should have run').toBe(true);

    let given = 0;
    const bare: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: async () => (given < 2 ? { done: false, value: utf8(`c${given++}`) } : { done: true, value: undefined }) }),
    };
    const bareApp = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return bare;
    });
    let outcome = '';
    try {
      const bareBody = (await bounded('app()', () => bareApp(makeEnviron({ path: '/bare' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
      outcome = (await readAll(bareBody, 'reading a body whose iterator has only next()')).toString();
    } catch (error) {
      outcome = `threw ${String(error)}`;
    }
    expect(outcome, 'an async body whose iterator has next() only, read to its end').toBe('c0c1');
  });

  test('sees a startResponse that the app calls from inside its body, even after an empty chunk', {
    rules: ['C2'],
    hint: 'An app may call startResponse as late as its first non-empty chunk: read the body that far before you look at what was recorded.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) =>
      (function* () {
        yield new Uint8Array(0);
        startResponse('201 Created', [['Content-Type', 'text/plain']]);
        yield utf8('made');
      })(),
    );
    const answer = await callApp(app, { method: 'PUT', path: '/thing' });
    expect(answer.status, answer.story).toBe(201);
    expect(answer.text, answer.story).toBe('made');
    expect(clf(lines[0] ?? ''), linesOf(lines)).toMatchObject({ status: 201, size: '4' });
  });

  test('an app that never calls startResponse is an error, not a response', {
    rules: ['C2'],
    hint: 'Once the body has given its first non-empty chunk (or ended) and nothing was recorded, the app broke the contract: throw.',
  }, async () => {
    const { middleware } = logged();
    const calls: string[] = [];
    const app = middleware(() => [utf8('no head')]);
    let failed: unknown = null;
    try {
      const body = await within(APP_BOUND_MS, 'the app answering', bounded('app()', () => app(makeEnviron(), (status) => void calls.push(status))));
      await readAll(body as AsyncIterable<Uint8Array>, 'reading the body');
    } catch (error) {
      failed = error;
    }
    expect(failed, `calling the app or reading its body should throw; startResponse calls: ${JSON.stringify(calls)}`).toBeInstanceOf(Error);
  });

  test('follows an app that changes its mind with excInfo before its first chunk', {
    rules: ['C4', 'L4'],
    hint: 'Before the head is passed on, a second startResponse call with excInfo replaces the first: pass on the last one, once.',
  }, async () => {
    const { lines, middleware } = logged();
    const app = middleware((_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        try {
          throw new Error('the view failed');
        } catch (error) {
          startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
          yield utf8('sorry');
        }
      })(),
    );
    const answer = await callApp(app);
    expect(answer.calls.map(([status]) => status), `what reached the server; ${answer.story}`).toEqual(['500 Internal Server Error']);
    expect(answer.text, answer.story).toBe('sorry');
    expect(clf(lines[0] ?? ''), linesOf(lines)).toMatchObject({ status: 500, size: '5' });
  });

  test('a second startResponse without excInfo throws, and the first stands', {
    rules: ['C4'],
    hint: 'A server refuses a second startResponse call that has no excInfo; the recording startResponse must do the same (throw), and keep the first record.',
  }, async () => {
    const { middleware } = logged();
    let second: unknown = 'not called';
    const app = middleware((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      try {
        startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
        second = 'returned without throwing';
      } catch (error) {
        second = error;
      }
      return [utf8('first wins')];
    });
    const answer = await callApp(app);
    expect(second, 'the second startResponse call, without excInfo, should throw').toBeInstanceOf(Error);
    expect(answer.calls.map(([status]) => status), `what reached the server; ${answer.story}`).toEqual(['200 OK']);
  });

  test('after the head is passed on, a late startResponse goes straight to the server', {
    rules: ['C5'],
    hint: 'Once respond has called the real startResponse, only the server knows whether bytes have left: forward later calls to it instead of recording them.',
  }, async () => {
    const { middleware } = logged();
    const app = middleware((_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield utf8('part one, ');
        try {
          throw new Error('failed half-way');
        } catch (error) {
          startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error);
        }
        yield utf8('part two');
      })(),
    );
    const answer = await callApp(app);
    expect(answer.calls.map(([status]) => status), `the server should hear of the late call (it decides whether it is too late); ${answer.story}`).toEqual([
      '200 OK',
      '500 Internal Server Error',
    ]);
  });

  test('a late startResponse reaches the server with its excInfo', {
    rules: ['C5'],
    hint: 'Forward a late call with all three arguments: the server throws excInfo back when the head has left, and without it would see a second call without excInfo, another error.',
  }, async () => {
    const { middleware } = logged();
    const failure = new Error('failed half-way');
    const app = middleware((_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield utf8('part one, ');
        startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], failure);
        yield utf8('part two');
      })(),
    );
    const calls: unknown[][] = [];
    const body = await within(APP_BOUND_MS, 'the app answering', bounded('app()', () => app(makeEnviron(), (...args: unknown[]) => void calls.push(args))));
    try {
      await within(APP_BOUND_MS, 'reading the body', (async () => {
        for await (const _chunk of body as AsyncIterable<Uint8Array>);
      })());
    } finally {
      body.close?.();
    }
    expect(calls.length, `the server's startResponse calls: ${calls.map((c) => String(c[0])).join(', ')}`).toBe(2);
    expect(calls[1]![2], 'the late call\'s third argument, as the server got it: the app\'s error').toBe(failure);
  });

  test('logs requests served on a real socket', {
    rules: ['L2', 'L3'],
    hint: 'The gateway fills in REMOTE_ADDR, the method, the path, the query and SERVER_PROTOCOL: the line is built from those.',
  }, async () => {
    const { lines, middleware } = logged();
    const { port } = await serveApp(middleware(textApp('page')));
    const reply = await rawRequest(port, ['GET /page?q=tea HTTP/1.1', 'Host: test']);
    expect(reply.status, reply.story).toBe(200);
    expect(reply.body.toString(), reply.story).toBe('page');
    const head = await rawRequest(port, ['HEAD /page HTTP/1.0', 'Host: test']);
    expect(lines.map((line) => clf(line)?.request), `${linesOf(lines)}; ${head.story}`).toEqual(['GET /page?q=tea HTTP/1.1', 'HEAD /page HTTP/1.0']);
    expect(clf(lines[0]!), linesOf(lines)).toMatchObject({ host: '127.0.0.1', status: 200, size: '4' });
  });

  test('accessLog leaves the environ it was given as it was', {
    rules: ['M1'],
    hint: 'A middleware reads the environ it was given; if it needs other values for the app, it passes a copy.',
  }, async () => {
    const { middleware } = logged();
    await expectEnvironUntouched('accessLog', middleware(textApp('ok')), makeEnviron({ path: '/x?y=1', headers: { 'X-Forwarded-For': '1.2.3.4' } }));
  });
});

const TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(200);

/** Text that compresses only so much (letters from a fixed pseudo-random sequence). */
function noisyText(bytes: number, seed = 11): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < bytes; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += String.fromCharCode(97 + (state % 26));
  }
  return out;
}

/** gzip() around `inner`, called for a client that accepts gzip (or the headers given). */
function gzipped(inner: TsgiApp, headers: Record<string, string> = { 'Accept-Encoding': 'gzip' }) {
  return callApp(bounded('gzip()', () => gzip())(inner), { headers });
}

/** An answer as it would be without gzip: the app called directly. */
async function leftAlone(what: string, inner: TsgiApp): Promise<void> {
  const answer = await gzipped(inner);
  const expected = await callApp(inner);
  expect(answer.statusLine, `${what}: the status; ${answer.story}`).toBe(expected.statusLine);
  expect(answer.all('Content-Encoding'), `${what}: no Content-Encoding added; ${answer.story}`).toEqual(expected.all('Content-Encoding'));
  expect(answer.all('Content-Length'), `${what}: Content-Length kept; ${answer.story}`).toEqual(expected.all('Content-Length'));
  expect(Buffer.compare(answer.bytes, expected.bytes), `${what}: the app's bytes, unchanged; ${answer.story}`).toBe(0);
}

milestone('gzip', () => {
  test('acceptsGzip reads Accept-Encoding, q-values included', {
    rules: ['G1'],
    hint: 'Split at commas, then each item at ";". gzip (in any case) decides by its q= parameter (0 refuses); only a header that does not name gzip falls back on * and its q.',
  }, () => {
    const cases: Array<[unknown, boolean]> = [
      ['gzip', true],
      ['gzip, deflate, br', true],
      ['deflate, GZIP;q=0.5', true],
      ['*', true],
      ['br, *;q=0.1', true],
      ['br;q=1.0, gzip; q=0.8', true],
      ['identity', false],
      ['br', false],
      ['gzip;level=9', true],
      ['gzip;q=0', false],
      ['gzip; q=0.000', false],
      ['*;q=0', false],
      ['gzip;q=0, *', false],
      ['*, GZIP;q=0', false],
      ['*;q=0, gzip', true],
      ['br, *;q=0.5, identity', true],
      ['', false],
      [undefined, false],
    ];
    for (const [header, expected] of cases) {
      expect(bounded('acceptsGzip()', () => acceptsGzip(header)), `acceptsGzip(${JSON.stringify(header)})`).toBe(expected);
    }
  });

  test('compresses text for a client that accepts gzip', {
    rules: ['G2', 'G6', 'G7'],
    points: 2,
    hint: 'Content-Encoding: gzip, no Content-Length from the app (the length changed), Vary: Accept-Encoding, and the body through compressStream.',
  }, async () => {
    const answer = await gzipped(textApp(TEXT), { 'Accept-Encoding': 'gzip, deflate' });
    expect(answer.status, answer.story).toBe(200);
    expect(answer.header('Content-Encoding'), answer.story).toBe('gzip');
    expect(gunzipSync(answer.bytes).toString(), 'the body should decompress to the app\'s text').toBe(TEXT);
    expect(answer.bytes.length, `the compressed body should be smaller; ${answer.story}`).toBeLessThan(TEXT.length / 4);
    expect(answer.all('Content-Length'), `the app's Content-Length (${TEXT.length}) should be gone; ${answer.story}`).toEqual([]);
    expect(answer.all('Vary').join(',').toLowerCase(), `Vary should name Accept-Encoding; ${answer.story}`).toContain('accept-encoding');
  });

  test('leaves the body alone for identity, gzip;q=0, or no Accept-Encoding', {
    rules: ['G2'],
    hint: 'Only a client that says it accepts gzip gets gzip; the app\'s bytes and Content-Length then pass through as they were.',
  }, async () => {
    const variants: Array<Record<string, string>> = [{ 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip;q=0' }, {}];
    for (const headers of variants) {
      const answer = await gzipped(textApp(TEXT), headers);
      expect(answer.header('Content-Encoding'), answer.story).toBeUndefined();
      expect(answer.text, answer.story).toBe(TEXT);
      expect(answer.header('Content-Length'), answer.story).toBe(String(utf8(TEXT).length));
    }
  });

  test('says Vary: Accept-Encoding on text it could have compressed, even when it did not', {
    rules: ['G7'],
    hint: 'A cache keys its copies by the Vary header: a plain copy without Vary would be handed to every client, gzip-capable or not. Keep the app\'s own Vary.',
  }, async () => {
    const answer = await gzipped(textApp(TEXT, 'text/html; charset=utf-8', [['Vary', 'Cookie']]), { 'Accept-Encoding': 'identity' });
    const vary = answer.all('Vary').join(',').toLowerCase();
    expect(vary, answer.story).toContain('accept-encoding');
    expect(vary, `the app's own Vary stays; ${answer.story}`).toContain('cookie');
    const zipped = await gzipped(textApp(TEXT, 'text/html; charset=utf-8', [['Vary', 'Cookie']]));
    expect(zipped.all('Vary').join(',').toLowerCase(), `the app's own Vary stays on a compressed answer too; ${zipped.story}`).toContain('cookie');
  });

  test('leaves images and other non-text types alone', {
    rules: ['G4'],
    hint: 'Compress only text-like types: text/*, JSON, JavaScript, XML, SVG, compared in any case. An image is compressed already, and a response with no Content-Type is not known to be text.',
  }, async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...utf8(TEXT)]);
    await leftAlone('an image/png', textApp(png, 'image/png'));
    await leftAlone('an application/zip', textApp(utf8(TEXT), 'application/zip'));
    for (const type of ['application/json', 'text/css', 'application/javascript', 'image/svg+xml', 'application/xml', 'TEXT/HTML; charset=UTF-8', 'Application/JSON']) {
      const answer = await gzipped(textApp(TEXT, type));
      expect(answer.header('Content-Encoding'), `${type} is worth compressing (media types are case-insensitive); ${answer.story}`).toBe('gzip');
    }
    await leftAlone('a response without a Content-Type', (_e, startResponse) => {
      startResponse('200 OK', [['Content-Length', String(utf8(TEXT).length)]]);
      return [utf8(TEXT)];
    });
  });

  test('leaves a body that already has a Content-Encoding alone', {
    rules: ['G5'],
    hint: 'A body the app already encoded (br, deflate, gzip) must not be compressed again.',
  }, async () => {
    await leftAlone('a body already in br', textApp(TEXT, 'text/plain', [['Content-Encoding', 'br']]));
  });

  test('leaves 1xx, 204, 304 and 206 alone', {
    rules: ['G3'],
    points: 2,
    hint: 'Never compress a status without a body (1xx, 204, 304), nor a 206: its Content-Range counts bytes of the uncompressed file.',
  }, async () => {
    await leftAlone('a 103', (_e, startResponse) => (startResponse('103 Early Hints', [['Content-Type', 'text/plain']]), []));
    await leftAlone('a 204', (_e, startResponse) => (startResponse('204 No Content', [['Content-Type', 'text/plain']]), []));
    await leftAlone('a 304', (_e, startResponse) => (startResponse('304 Not Modified', [['Content-Type', 'text/plain'], ['ETag', '"x"']]), []));
    const part = utf8(TEXT.slice(0, 1000));
    await leftAlone('a 206', (_e, startResponse) => {
      startResponse('206 Partial Content', [['Content-Type', 'text/plain'], ['Content-Range', `bytes 0-999/${TEXT.length}`], ['Content-Length', '1000']]);
      return [part];
    });
  });

  test('a body that fails while it is compressed still fails', {
    rules: ['G9'],
    hint: 'compressStream destroys the gzip stream with the app\'s error: keep that, so the error reaches the server instead of a short body that looks whole.',
  }, async () => {
    const failure = new Error('the export went away');
    const app = bounded('gzip()', () => gzip())((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        yield utf8(TEXT);
        throw failure;
      })();
    });
    const body = (await bounded('app()', () => app(makeEnviron({ headers: { 'Accept-Encoding': 'gzip' } }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    let outcome = 'the body ended normally';
    try {
      await readAll(body, 'reading a compressed body whose app fails after its first chunk');
    } catch (error) {
      outcome = error === failure ? 'the app\'s error' : `another error: ${String(error)}`;
    } finally {
      body.close?.();
    }
    expect(outcome, 'reading the compressed body of an app that throws after its first chunk').toBe('the app\'s error');
  });

  test('compresses as the body streams, before the app\'s body has ended', {
    rules: ['G8'],
    points: 2,
    hint: 'Feed each chunk to the gzip stream as it comes and yield what comes out (compressStream does): never collect the whole body first.',
  }, async () => {
    const gate = deferred();
    const pieces = [noisyText(65_536, 1), noisyText(65_536, 2), noisyText(65_536, 3), noisyText(65_536, 4)];
    const app = bounded('gzip()', () => gzip())((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        for (const piece of pieces) yield utf8(piece);
        await gate.promise; // the app is still working on its last chunk
        yield utf8('the end');
      })();
    });
    const calls: string[] = [];
    const body = (await within(APP_BOUND_MS, 'the app answering', bounded('app()', () => app(makeEnviron({ headers: { 'Accept-Encoding': 'gzip' } }), (s) => void calls.push(s))))) as TsgiBody & AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    const chunks: Uint8Array[] = [];
    try {
      const first = await within(
        APP_BOUND_MS,
        'compressed bytes for the 256 KiB the app had sent, while the app was still working on its last chunk',
        iterator.next(),
      );
      expect(first.done, 'the compressed body should not be over before the app\'s body is').toBe(false);
      chunks.push(first.value!);
    } finally {
      gate.resolve();
    }
    await within(APP_BOUND_MS, 'the rest of the compressed body', (async () => {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) chunks.push(step.value);
    })());
    body.close?.();
    expect(gunzipSync(Buffer.concat(chunks)).toString() === pieces.join('') + 'the end', 'the whole body should decompress to the app\'s text').toBe(true);
  });

  test('on a real socket: gzip that decompresses, framed right, and plain text for others', {
    rules: ['G6', 'G2'],
    points: 2,
    hint: 'If the app\'s Content-Length went out with a gzip body, the client would wait for bytes that never come or read too few.',
  }, async () => {
    const { port } = await serveApp(bounded('gzip()', () => gzip())(textApp(TEXT, 'application/json')));
    const zipped = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test', 'Accept-Encoding: gzip']);
    expect(zipped.status, zipped.story).toBe(200);
    expect(zipped.header('content-encoding'), zipped.story).toBe('gzip');
    const sent = zipped.raw.length - zipped.raw.indexOf('\r\n\r\n') - 4;
    if (zipped.framing === 'length') expect(Number(zipped.header('content-length')), `Content-Length is the number of bytes sent; ${zipped.story}`).toBe(sent);
    expect(gunzipSync(zipped.body).toString(), 'the body should decompress to the app\'s text').toBe(TEXT);
    const plainReply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(plainReply.header('content-encoding'), plainReply.story).toBeUndefined();
    expect(plainReply.body.toString(), plainReply.story).toBe(TEXT);
  });

  test('gzip leaves the environ it was given as it was', {
    rules: ['M1'],
    hint: 'A middleware reads the environ it was given; if it needs other values for the app, it passes a copy.',
  }, async () => {
    await expectEnvironUntouched('gzip', bounded('gzip()', () => gzip())(textApp(TEXT)), makeEnviron({ headers: { 'Accept-Encoding': 'gzip' } }));
  });
});

/** An app that reads its whole input (with read() or by iterating) and echoes its length. */
function readingApp(how: 'read' | 'iterate', seen?: { error?: unknown }): TsgiApp {
  return async (environ, startResponse) => {
    const input = environ['tsgi.input'];
    let total = 0;
    try {
      if (how === 'read') total = (await input.read()).length;
      else for await (const chunk of input) total += chunk.length;
    } catch (error) {
      if (seen) {
        seen.error = error;
        startResponse('400 Bad Request', [['Content-Type', 'text/plain']]);
        return [utf8('caught')];
      }
      throw error;
    }
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [utf8(`got ${total} bytes`)];
  };
}

const limited = (max: number) => bounded(`limitRequestSize(${max})`, () => limitRequestSize(max));

milestone('size-limit', () => {
  test('refuses a Content-Length over the limit with 413, without calling the app', {
    rules: ['B1'],
    points: 2,
    hint: 'CONTENT_LENGTH is known before a byte of the body is read: compare it first, and answer 413 yourself.',
  }, async () => {
    let called = false;
    const app = limited(10)((environ, startResponse) => {
      called = true;
      return readingApp('read')(environ, startResponse);
    });
    const answer = await callApp(app, { method: 'POST', body: 'x'.repeat(11) });
    expect(answer.status, `11 bytes with a limit of 10; ${answer.story}`).toBe(413);
    expect(called, 'the app should not have been called').toBe(false);
    // A number, compared as a number: as text, "9" would come after "16".
    const small = await callApp(limited(16)(readingApp('read')), { method: 'POST', body: 'x'.repeat(9) });
    expect(small.status, `Content-Length: 9 with a limit of 16; ${small.story}`).toBe(200);
  });

  test('counts what read(size) hands out too', {
    rules: ['B2'],
    hint: 'read(size) hands out bytes as much as read() and iteration do: count them all, whatever the size asked for.',
  }, async () => {
    const sized: TsgiApp = async (environ, startResponse) => {
      let total = 0;
      for (let chunk = await environ['tsgi.input'].read(8); chunk.length > 0; chunk = await environ['tsgi.input'].read(8)) total += chunk.length;
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [utf8(`got ${total} bytes`)];
    };
    const answer = await callApp(limited(10)(sized), { method: 'POST', body: 'x'.repeat(30), noLength: true });
    expect(answer.status, `30 bytes without Content-Length, read 8 at a time with read(8), limit 10; ${answer.story}`).toBe(413);
  });

  test('lets a body of exactly the limit through, whole, with or without Content-Length', {
    rules: ['B1', 'B2'],
    hint: 'Up to maxBytes (inclusive) the app reads its body as if the middleware were not there: refuse only past the limit.',
  }, async () => {
    for (const how of ['read', 'iterate'] as const) {
      for (const noLength of [false, true]) {
        const answer = await callApp(limited(10)(readingApp(how)), { method: 'POST', body: 'x'.repeat(10), noLength });
        expect(answer.status, `10 bytes, limit 10, ${noLength ? 'no Content-Length' : 'Content-Length: 10'}, read with ${how}; ${answer.story}`).toBe(200);
        expect(answer.text, answer.story).toBe('got 10 bytes');
      }
    }
  });

  test('counts a body without Content-Length as the app reads it, through read() and iteration', {
    rules: ['B2', 'B3'],
    points: 2,
    hint: 'A chunked upload has no CONTENT_LENGTH: wrap tsgi.input so that each chunk it hands out is counted, throw RequestTooLarge past the limit, and answer 413 when it comes out of the app.',
  }, async () => {
    for (const how of ['read', 'iterate'] as const) {
      for (const size of [11, 25]) {
        const answer = await callApp(limited(10)(readingApp(how)), { method: 'POST', body: 'x'.repeat(size), noLength: true });
        expect(answer.status, `${size} bytes without Content-Length, limit 10, read with ${how}; ${answer.story}`).toBe(413);
      }
    }
  });

  test('does not believe a Content-Length that lies', {
    rules: ['B4'],
    hint: 'Count what tsgi.input actually hands out, not what CONTENT_LENGTH claims.',
  }, async () => {
    const environ: Environ = makeEnviron({ method: 'POST', body: 'x'.repeat(40) });
    environ.CONTENT_LENGTH = '4';
    const answer = await callApp(limited(10)(readingApp('iterate')), environ);
    expect(answer.status, `Content-Length: 4 with 40 bytes sent, limit 10; ${answer.story}`).toBe(413);
  });

  test('the app that catches the error itself sees a RequestTooLarge', {
    rules: ['B2'],
    hint: 'The wrapped input throws RequestTooLarge (exported, an Error), so an app can tell it from other failures.',
  }, async () => {
    const seen: { error?: unknown } = {};
    const answer = await callApp(limited(10)(readingApp('iterate', seen)), { method: 'POST', body: 'x'.repeat(30), noLength: true });
    expect(answer.text, answer.story).toBe('caught');
    expect(seen.error, 'what the app caught').toBeInstanceOf(RequestTooLarge);
    expect(seen.error, 'what the app caught').toBeInstanceOf(Error);
  });

  test('lets the app\'s other errors go on unchanged', {
    rules: ['B3'],
    hint: 'Catch only RequestTooLarge (instanceof) for the 413; rethrow anything else, so the server answers 500 and logs the real bug.',
  }, async () => {
    // The second looks like a RequestTooLarge in all but its class: the app's own, and not the middleware's.
    for (const bug of [new TypeError('the app has a bug'), new Error(new RequestTooLarge(10).message)]) {
      const app = limited(10)(() => {
        throw bug;
      });
      let caught: unknown = null;
      let answer = '';
      try {
        answer = (await callApp(app, { method: 'POST', body: 'abc' })).story;
      } catch (error) {
        caught = error;
      }
      expect(caught, `the app's own error (${String(bug)}) should come out of the middleware; instead: ${answer}`).toBe(bug);
    }
  });

  test('on a real socket: the 413 replaces a response the app had already started, passing excInfo', {
    rules: ['B3'],
    points: 2,
    hint: 'The app called startResponse before it read the body: the 413 is a second call, and the gateway throws for a second call without excInfo (lesson 3, S6). Pass the RequestTooLarge as the third argument.',
  }, async () => {
    const eager: TsgiApp = async (environ, startResponse) => {
      startResponse('201 Created', [['Content-Type', 'text/plain']]);
      let total = 0;
      for await (const chunk of environ['tsgi.input']) total += chunk.length;
      return [utf8(`stored ${total} bytes`)];
    };
    const { port } = await serveApp(limited(16)(eager));
    const reply = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Transfer-Encoding: chunked'], '14\r\n' + 'z'.repeat(20) + '\r\n0\r\n\r\n');
    expect(reply.status, `an app that called startResponse('201 Created') and then read a 20-byte chunked body, under limitRequestSize(16); ${reply.story}`).toBe(413);
  });

  test('on a real socket: 413 for a long body, with or without Content-Length, 200 for a short one', {
    rules: ['B1', 'B2'],
    points: 2,
    hint: 'Through the gateway, a chunked request has no CONTENT_LENGTH: only the counting input catches it.',
  }, async () => {
    const { port } = await serveApp(limited(16)(readingApp('iterate')));
    const long = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Content-Length: 100'], 'y'.repeat(100));
    expect(long.status, long.story).toBe(413);
    const chunked = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Transfer-Encoding: chunked'], '14\r\n' + 'z'.repeat(20) + '\r\n14\r\n' + 'z'.repeat(20) + '\r\n0\r\n\r\n');
    expect(chunked.status, chunked.story).toBe(413);
    const short = await rawRequest(port, ['POST /upload HTTP/1.1', 'Host: test', 'Content-Length: 16'], 's'.repeat(16));
    expect(short.status, short.story).toBe(200);
    expect(short.body.toString(), short.story).toBe('got 16 bytes');
  });

  test('its 413s are plain text that says why, with a true Content-Length', {
    rules: ['M2'],
    hint: 'Answer both 413s with the given plain(): text/plain; charset=utf-8, a line that says what happened, and a Content-Length of exactly that many bytes.',
  }, async () => {
    const cases: Array<[string, CallInit]> = [
      ['11 bytes with Content-Length, limit 10', { method: 'POST', body: 'x'.repeat(11) }],
      ['25 bytes without Content-Length, limit 10', { method: 'POST', body: 'x'.repeat(25), noLength: true }],
    ];
    for (const [what, init] of cases) {
      const answer = await callApp(limited(10)(readingApp('iterate')), init);
      expect(answer.status, `${what}; ${answer.story}`).toBe(413);
      expect(answer.header('Content-Type') ?? '', `${what}: the 413's Content-Type; ${answer.story}`).toMatch(/^text\/plain\b/i);
      expect(answer.bytes.length, `${what}: the 413 should say what happened in its body; ${answer.story}`).toBeGreaterThan(0);
      expect(answer.header('Content-Length'), `${what}: the 413's Content-Length against the ${answer.bytes.length} bytes sent; ${answer.story}`).toBe(String(answer.bytes.length));
    }
  });

  test('limitRequestSize leaves the environ it was given as it was', {
    rules: ['M1'],
    points: 2,
    hint: 'Give the app { ...environ, "tsgi.input": counting } instead of replacing tsgi.input in the environ you were given.',
  }, async () => {
    await expectEnvironUntouched('limitRequestSize', limited(10)(readingApp('iterate')), makeEnviron({ method: 'POST', body: 'x'.repeat(8), noLength: true }));
    await expectEnvironUntouched('limitRequestSize', limited(10)(readingApp('iterate')), makeEnviron({ method: 'POST', body: 'x'.repeat(8) }));
  });
});

/** An app that answers with the environ keys ProxyFix may change, as JSON. */
const environApp: TsgiApp = (environ, startResponse) => {
  const keys = ['REMOTE_ADDR', 'HTTP_HOST', 'SERVER_NAME', 'SERVER_PORT', 'tsgi.url_scheme', 'proxyfix.orig'];
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [utf8(JSON.stringify(Object.fromEntries(keys.map((key) => [key, environ[key]]))))];
};

async function fixed(options: Parameters<typeof proxyFix>[0], headers: Record<string, string>, remoteAddr = '10.0.0.2') {
  const app = bounded('proxyFix()', () => proxyFix(options))(environApp);
  const answer = await callApp(app, { headers, remoteAddr });
  const seen = JSON.parse(answer.text) as Record<string, string> & { 'proxyfix.orig'?: Record<string, string> };
  return Object.assign(seen, { story: `proxyFix(${JSON.stringify(options ?? {})}), ${answer.story}` });
}

milestone('proxy-fix', () => {
  test('takes REMOTE_ADDR from X-Forwarded-For, trusting one proxy by default', {
    rules: ['X1'],
    points: 2,
    hint: 'Each proxy appends the address it saw to the right. With one proxy of yours, only the rightmost entry is its word; the rest is the client\'s.',
  }, async () => {
    const two = await fixed(undefined, { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' });
    expect(two.REMOTE_ADDR, two.story).toBe('203.0.113.7');
    const tight = await fixed(undefined, { 'X-Forwarded-For': '6.6.6.6,203.0.113.9' });
    expect(tight.REMOTE_ADDR, `entries separated by a comma without a space; ${tight.story}`).toBe('203.0.113.9');
    const one = await fixed({}, { 'X-Forwarded-For': '203.0.113.8' });
    expect(one.REMOTE_ADDR, one.story).toBe('203.0.113.8');
    const none = await fixed({}, {});
    expect(none.REMOTE_ADDR, `no header: unchanged; ${none.story}`).toBe('10.0.0.2');
  });

  test('counts the trusted proxies from the right, and trusts none with 0', {
    rules: ['X1'],
    points: 2,
    hint: 'xFor: 2 takes the second value from the right; with fewer values than that, or xFor: 0, REMOTE_ADDR stays as it was.',
  }, async () => {
    const second = await fixed({ xFor: 2 }, { 'X-Forwarded-For': '6.6.6.6, 198.51.100.1, 10.0.0.1' });
    expect(second.REMOTE_ADDR, second.story).toBe('198.51.100.1');
    const tooFew = await fixed({ xFor: 2 }, { 'X-Forwarded-For': '198.51.100.1' });
    expect(tooFew.REMOTE_ADDR, tooFew.story).toBe('10.0.0.2');
    const zero = await fixed({ xFor: 0 }, { 'X-Forwarded-For': '198.51.100.1' });
    expect(zero.REMOTE_ADDR, zero.story).toBe('10.0.0.2');
  });

  test('takes the scheme from X-Forwarded-Proto, only http or https', {
    rules: ['X2'],
    hint: 'tsgi.url_scheme may only be http or https: ignore anything else a header says. Count from the right, as for X-Forwarded-For.',
  }, async () => {
    const cases: Array<[Parameters<typeof proxyFix>[0], string, string]> = [
      [{}, 'https', 'https'],
      [{}, 'HTTPS', 'https'],
      [{}, 'javascript', 'http'],
      [{ xProto: 0 }, 'https', 'http'],
      [{}, 'https, http', 'http'],
      [{ xProto: 2 }, 'https, http', 'https'],
    ];
    for (const [options, header, scheme] of cases) {
      const seen = await fixed(options, { 'X-Forwarded-Proto': header });
      expect(seen['tsgi.url_scheme'], seen.story).toBe(scheme);
    }
    // The proxy's word counts both ways: a server reached over https through a proxy the client used http with.
    const environ = makeEnviron({ headers: { 'X-Forwarded-Proto': 'http' } });
    environ['tsgi.url_scheme'] = 'https';
    const answer = await callApp(bounded('proxyFix()', () => proxyFix())(environApp), environ);
    const seen = JSON.parse(answer.text) as Record<string, string>;
    expect(seen['tsgi.url_scheme'], `tsgi.url_scheme https, X-Forwarded-Proto: http; ${answer.story}`).toBe('http');
  });

  test('takes the host from X-Forwarded-Host only when told to', {
    rules: ['X3'],
    points: 2,
    hint: 'xHost defaults to 0. With it, HTTP_HOST becomes the forwarded host, SERVER_NAME its name, SERVER_PORT its port (or 443/80 by scheme).',
  }, async () => {
    const untouched = await fixed({}, { 'X-Forwarded-Host': 'evil.example' });
    expect(untouched.HTTP_HOST, untouched.story).toBe('localhost:8000');
    const withPort = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'shop.example:8443' });
    expect(withPort, withPort.story).toMatchObject({ HTTP_HOST: 'shop.example:8443', SERVER_NAME: 'shop.example', SERVER_PORT: '8443' });
    const https = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'shop.example', 'X-Forwarded-Proto': 'https' });
    expect(https, https.story).toMatchObject({ HTTP_HOST: 'shop.example', SERVER_NAME: 'shop.example', SERVER_PORT: '443', 'tsgi.url_scheme': 'https' });
    const rightmost = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'evil.example, shop.example' });
    expect(rightmost.HTTP_HOST, `two X-Forwarded-Host entries, one proxy trusted: the rightmost; ${rightmost.story}`).toBe('shop.example');
    const http = await fixed({ xHost: 1 }, { 'X-Forwarded-Host': 'shop.example' });
    expect(http, http.story).toMatchObject({ SERVER_NAME: 'shop.example', SERVER_PORT: '80' });
  });

  test('keeps the values from before the fix under proxyfix.orig', {
    rules: ['X4'],
    hint: 'Before you change REMOTE_ADDR, HTTP_HOST or tsgi.url_scheme, keep the caller\'s values in environ["proxyfix.orig"] of the copy.',
  }, async () => {
    const seen = await fixed({ xHost: 1 }, { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example' });
    expect(seen['proxyfix.orig'], seen.story).toEqual({ REMOTE_ADDR: '10.0.0.2', HTTP_HOST: 'localhost:8000', 'tsgi.url_scheme': 'http' });
  });

  test('proxyFix leaves the environ it was given as it was', {
    rules: ['M1'],
    points: 2,
    hint: 'Copy the environ ({ ...environ }) and change the copy: the caller, an access log outside for one, still holds the original.',
  }, async () => {
    const app = bounded('proxyFix()', () => proxyFix({ xHost: 1 }))(environApp);
    await expectEnvironUntouched(
      'proxyFix',
      app,
      makeEnviron({ headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'shop.example' } }),
    );
  });

  test('on a real socket: the rightmost X-Forwarded-For is the client', {
    rules: ['X1', 'X2'],
    hint: 'Through the gateway REMOTE_ADDR is the connection\'s address (127.0.0.1): the middleware replaces it.',
  }, async () => {
    const { port } = await serveApp(bounded('proxyFix()', () => proxyFix())(environApp));
    const reply = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test', 'X-Forwarded-For: 6.6.6.6, 192.0.2.44', 'X-Forwarded-Proto: https']);
    expect(reply.status, reply.story).toBe(200);
    expect(JSON.parse(reply.body.toString()), reply.story).toMatchObject({ REMOTE_ADDR: '192.0.2.44', 'tsgi.url_scheme': 'https' });
    const direct = await rawRequest(port, ['GET / HTTP/1.1', 'Host: test']);
    expect(JSON.parse(direct.body.toString()).REMOTE_ADDR, direct.story).toBe('127.0.0.1');
  });
});
