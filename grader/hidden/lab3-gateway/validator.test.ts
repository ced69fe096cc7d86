// Hidden tests for lab 3: the validator (milestone 6). It sits between a server and an app and
// reports every broken TSGI rule as a TsgiViolation naming the rule. Most tests drive it directly,
// with a hand-built environ and a startResponse that accepts anything, so that only the
// validator's own checks are seen; the last ones put it between the lab's gateway and real traffic.
import { afterEach, expect } from 'vitest';
import { TsgiViolation, type Environ, type TsgiApp, type TsgiBody, type TsgiRule } from '#contracts/tsgi';
import { validator } from '@lab/gateway';
import { bounded, bytes, milestone, test, text } from '../../harness/index.ts';
import { cleanup, exchange, handmadeEnviron, recorder, serveOnFreePort, withClose } from './support.ts';

afterEach(cleanup);

const hello: TsgiApp = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '5']]);
  return [bytes('hel'), bytes('lo')];
};

interface Drive {
  /** The environ to hand the validated app. */
  environ?: Environ;
  /** Call close() on the body before reading it, or twice after. */
  closeFirst?: boolean;
  closeTwice?: boolean;
}

/**
 * Plays the server: calls the validated app with an environ and a startResponse that accepts
 * anything, reads the body to its end, closes it. Returns the rules the validator reported.
 */
async function drive(app: TsgiApp, options: Drive = {}): Promise<TsgiRule[]> {
  const rules: TsgiRule[] = [];
  const onViolation = (violation: TsgiViolation) => {
    expect(violation, 'onViolation must receive a TsgiViolation').toBeInstanceOf(TsgiViolation);
    rules.push(violation.rule);
  };
  const checked = bounded('validator(app, { onViolation })', () => validator(app, { onViolation }));
  const { startResponse } = recorder();
  const body = (await bounded('the validated app', () => checked(options.environ ?? handmadeEnviron(), startResponse))) as
    | TsgiBody
    | unknown;
  if (body === null || typeof body !== 'object' || !(Symbol.iterator in body || Symbol.asyncIterator in body)) return rules;
  const iterable = body as TsgiBody;
  if (options.closeFirst) iterable.close?.();
  const iterator = Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
  for (let step = await bounded('the validated body', () => iterator.next()); !step.done; ) {
    step = await bounded('the validated body', () => iterator.next());
  }
  if (!options.closeFirst) iterable.close?.();
  if (options.closeTwice) iterable.close?.();
  return rules;
}

/** An app that answers hello after doing `misbehave` with startResponse and the body. */
const appWith = (status: unknown, headers: unknown, chunks: unknown[] = [bytes('ok')]): TsgiApp =>
  (_environ, startResponse) => {
    startResponse(status as string, headers as Array<[string, string]>);
    return chunks as Uint8Array[];
  };

milestone('validator', () => {
  test('valid traffic produces no violation', {
    points: 3,
    hint: 'Check what the rules say and nothing more: a correct environ and a correct app must pass in silence.',
  }, async () => {
    expect(await drive(hello)).toEqual([]);
    const streaming: TsgiApp = (_environ, startResponse) =>
      (async function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield new Uint8Array(0);
        yield bytes('streamed');
      })();
    expect(await drive(streaming)).toEqual([]);
    const withExtras = handmadeEnviron({ CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '0', SCRIPT_NAME: '/app', PATH_INFO: '', 'myserver.extra': 7 });
    expect(await drive(hello, { environ: withExtras })).toEqual([]);
    const recovering: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], new Error('recovered'));
      return [bytes('error page')];
    };
    expect(await drive(recovering)).toEqual([]);
  });

  test('the validator passes everything through unchanged', {
    points: 2,
    hint: 'The checked app must call the real startResponse with the same arguments, and its body must yield the same chunks and close the app\'s body.',
  }, async () => {
    const { body: inner, closes } = withClose([bytes('a'), bytes('b')]);
    const app: TsgiApp = (_environ, startResponse) => {
      startResponse('201 Created', [['Location', '/notes/1']]);
      return inner;
    };
    const { startResponse, calls } = recorder();
    const checked = bounded('validator(app)', () => validator(app));
    const body = await bounded('the validated app', () => checked(handmadeEnviron(), startResponse));
    const chunks: string[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(text(chunk));
    body.close?.();
    expect(calls.map(([status, headers]) => [status, headers])).toEqual([['201 Created', [['Location', '/notes/1']]]]);
    expect(chunks.join('')).toBe('ab');
    expect(closes()).toBe(1);
  });

  test('by default a violation is thrown, as a TsgiViolation naming its rule', {
    points: 2,
    hint: 'Without onViolation, throw new TsgiViolation(rule, message) from the contract (rule V1).',
  }, async () => {
    const { SERVER_NAME: _, ...withoutName } = handmadeEnviron();
    const checked = bounded('validator(app)', () => validator(hello));
    const { startResponse } = recorder();
    let caught: unknown = 'nothing was thrown';
    try {
      await bounded('the validated app', () => checked(withoutName as Environ, startResponse));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TsgiViolation);
    expect((caught as TsgiViolation).rule).toBe('environ.missing-key');
    let fromStart: unknown = 'nothing was thrown';
    try {
      await bounded('the validated app', () => bounded('validator(app)', () => validator(appWith('200', [])))(handmadeEnviron(), startResponse));
    } catch (error) {
      fromStart = error;
    }
    expect((fromStart as TsgiViolation).rule).toBe('start-response.status');
  });

  test('environ: missing keys, values that are not strings, tsgi.version, tsgi.url_scheme', {
    points: 2,
  }, async () => {
    const cases: Array<[string, Record<string, unknown>, TsgiRule]> = [
      ['no PATH_INFO', { PATH_INFO: undefined }, 'environ.missing-key'],
      ['no tsgi.input', { 'tsgi.input': undefined }, 'environ.missing-key'],
      ['SERVER_PORT as a number', { SERVER_PORT: 8000 }, 'environ.not-a-string'],
      ['an HTTP_ value that is not a string', { HTTP_X_COUNT: 3 }, 'environ.not-a-string'],
      ['tsgi.version [1, 1]', { 'tsgi.version': [1, 1] }, 'environ.version'],
      ['tsgi.version "1.0"', { 'tsgi.version': '1.0' }, 'environ.version'],
      ['tsgi.url_scheme "ftp"', { 'tsgi.url_scheme': 'ftp' }, 'environ.url-scheme'],
    ];
    for (const [what, change, rule] of cases) {
      const environ = handmadeEnviron(change);
      for (const [key, value] of Object.entries(change)) if (value === undefined) delete environ[key];
      expect(await drive(hello, { environ }), what).toContain(rule);
    }
  });

  test('environ: the formats of REQUEST_METHOD, SCRIPT_NAME, PATH_INFO and CONTENT_LENGTH', {
    points: 2,
    hint: 'SCRIPT_NAME is "" or starts with "/" and does not end with it; PATH_INFO is "" or starts with "/"; CONTENT_LENGTH, when present, is decimal digits.',
  }, async () => {
    const cases: Array<[Record<string, unknown>, TsgiRule]> = [
      [{ REQUEST_METHOD: '' }, 'environ.method'],
      [{ SCRIPT_NAME: '/app/' }, 'environ.script-name'],
      [{ SCRIPT_NAME: 'app' }, 'environ.script-name'],
      [{ SCRIPT_NAME: '/' }, 'environ.script-name'],
      [{ PATH_INFO: 'index.html' }, 'environ.path-info'],
      [{ CONTENT_LENGTH: 'ten' }, 'environ.content-length'],
      [{ CONTENT_LENGTH: '-1' }, 'environ.content-length'],
      [{ CONTENT_LENGTH: '' }, 'environ.content-length'],
    ];
    for (const [change, rule] of cases) {
      expect(await drive(hello, { environ: handmadeEnviron(change) }), JSON.stringify(change)).toContain(rule);
    }
  });

  test('environ: HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH, tsgi.input and tsgi.errors', {
    points: 2,
  }, async () => {
    const noRead = { [Symbol.asyncIterator]: async function* () {} };
    const notIterable = { read: async () => new Uint8Array(0) };
    const cases: Array<[string, Record<string, unknown>, TsgiRule]> = [
      ['HTTP_CONTENT_TYPE', { HTTP_CONTENT_TYPE: 'text/plain' }, 'environ.content-header'],
      ['HTTP_CONTENT_LENGTH', { HTTP_CONTENT_LENGTH: '3' }, 'environ.content-header'],
      ['tsgi.input without read()', { 'tsgi.input': noRead }, 'environ.input'],
      ['tsgi.input that is not async iterable', { 'tsgi.input': notIterable }, 'environ.input'],
      ['tsgi.errors without flush()', { 'tsgi.errors': { write() {} } }, 'environ.errors'],
      ['tsgi.errors without write()', { 'tsgi.errors': { flush() {} } }, 'environ.errors'],
    ];
    for (const [what, change, rule] of cases) {
      expect(await drive(hello, { environ: handmadeEnviron(change) }), what).toContain(rule);
    }
  });

  test('startResponse: the status and the headers', {
    points: 3,
  }, async () => {
    const cases: Array<[string, TsgiApp, TsgiRule]> = [
      ['status 200 (a number)', appWith(200, []), 'start-response.status'],
      ['status "200"', appWith('200', []), 'start-response.status'],
      ['status "OK 200"', appWith('OK 200', []), 'start-response.status'],
      ['status with CRLF', appWith('200 OK\r\n', []), 'start-response.status'],
      ['headers as an object', appWith('200 OK', { 'Content-Type': 'text/plain' }), 'start-response.headers'],
      ['a header of three items', appWith('200 OK', [['X', 'a', 'b']]), 'start-response.headers'],
      ['a header value that is a number', appWith('200 OK', [['X-Count', 3]]), 'start-response.headers'],
      ['header name "Bad Name"', appWith('200 OK', [['Bad Name', 'x']]), 'start-response.header-name'],
      ['header value with CRLF', appWith('200 OK', [['X-Echo', 'a\r\nSet-Cookie: x=1']]), 'start-response.header-value'],
      ['Connection header', appWith('200 OK', [['Connection', 'close']]), 'start-response.hop-by-hop'],
      ['Transfer-Encoding header', appWith('200 OK', [['transfer-encoding', 'chunked']]), 'start-response.hop-by-hop'],
    ];
    for (const [what, app, rule] of cases) expect(await drive(app), what).toContain(rule);
  });

  test('startResponse: a second call without excInfo, or no call before the body', {
    points: 2,
    hint: 'The validator sees the body\'s chunks go by: if one arrives, or the body ends, before any startResponse call, that is start-response.missing (rule V2).',
  }, async () => {
    const twice: TsgiApp = (_environ, startResponse) => {
      startResponse('200 OK', []);
      startResponse('200 OK', []);
      return [bytes('x')];
    };
    expect(await drive(twice)).toContain('start-response.twice');
    const early: TsgiApp = () => [bytes('no head')];
    expect(await drive(early)).toContain('start-response.missing');
    const silent: TsgiApp = () => [];
    expect(await drive(silent)).toContain('start-response.missing');
  });

  test('body: not an iterable of chunks, or a chunk that is not a Uint8Array', {
    points: 2,
  }, async () => {
    for (const body of ['Hello', bytes('Hello'), null, 42]) {
      const app: TsgiApp = (_environ, startResponse) => {
        startResponse('200 OK', []);
        return body as unknown as Uint8Array[];
      };
      expect(await drive(app), String(body)).toContain('body.type');
    }
    expect(await drive(appWith('200 OK', [], ['a string chunk']))).toContain('body.chunk');
    expect(await drive(appWith('200 OK', [], [bytes('ok'), 7]))).toContain('body.chunk');
  });

  test('body: more or fewer bytes than the Content-Length the app set', {
    points: 2,
  }, async () => {
    expect(await drive(appWith('200 OK', [['Content-Length', '5']], [bytes('abc')]))).toContain('body.length');
    expect(await drive(appWith('200 OK', [['content-length', '2']], [bytes('abc')]))).toContain('body.length');
    expect(await drive(appWith('200 OK', [['Content-Length', '3']], [bytes('a'), bytes('bc')]))).toEqual([]);
  });

  test('body: close() called twice, or the body read after close()', {
    points: 2,
  }, async () => {
    expect(await drive(hello, { closeTwice: true })).toContain('body.close');
    expect(await drive(hello, { closeFirst: true })).toContain('body.close');
  });

  test('real traffic through your gateway produces no violation', {
    points: 3,
    hint: 'If this fails while the other validator tests pass, your gateway and your validator disagree: the violation names the rule to look at.',
    lesson: '03-gateway.md#the-validator',
  }, async () => {
    const rules: TsgiRule[] = [];
    const echo: TsgiApp = async (environ, startResponse) => {
      const body = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain'], ['Content-Length', String(body.length + 4)]]);
      return [bytes('got '), body];
    };
    const port = await serveOnFreePort(validator(echo, { onViolation: (v) => rules.push(v.rule) }));
    const requests = [
      'GET /a/b?c=d HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n',
      'POST /caf%C3%A9 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
      'POST /twice HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\nConnection: close\r\n\r\nhello',
      'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ];
    for (const request of requests) {
      const { raw } = await exchange(port, request);
      expect(raw.split('\r\n')[0], request.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    }
    expect(rules).toEqual([]);
  });
});
