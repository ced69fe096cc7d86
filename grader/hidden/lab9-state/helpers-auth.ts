// What the tests of sessions, login and CSRF share: an environ built by hand, a caller that runs an
// app's TSGI side and collects what it sent (as lab 7's helpers do), a cookie jar that plays the
// browser between requests, and a spy on node:crypto's timingSafeEqual. Nothing here implements
// the lab: the jar only splits Set-Cookie headers, as any browser would.
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { vi } from 'vitest';
import type { RequestApi } from '#contracts/toolkit';
import type { Environ, StartResponse, TsgiApp, TsgiErrors, TsgiHeaders, TsgiInput } from '#contracts/tsgi';
import type { App } from '#framework';
import { NotFound } from '#toolkit';
import { session } from '@lab/state';
import { bounded, show } from '../../harness/index.ts';

/** An errors log that keeps what the app wrote (apps that fail on purpose stay off the terminal). */
export function errorLog(): TsgiErrors & { text: string } {
  const log = {
    text: '',
    write(line: string) {
      log.text += line;
    },
    flush() {},
  };
  return log;
}

/** tsgi.input over one body. */
class BodyInput implements TsgiInput {
  #rest: Uint8Array;

  constructor(body: Uint8Array) {
    this.#rest = body;
  }

  async read(size = Infinity): Promise<Uint8Array> {
    await Promise.resolve();
    const taken = this.#rest.subarray(0, Math.min(size, this.#rest.length));
    this.#rest = this.#rest.subarray(taken.length);
    return taken;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (this.#rest.length > 0) yield await this.read(1024);
  }
}

export interface CallInit {
  method?: string;
  /** The path as a client would write it: `/books/3`, `/login?next=%2Fbooks`. */
  path?: string;
  headers?: Record<string, string>;
  /** A body as text, or form fields (sent url-encoded, with that Content-Type). */
  body?: string;
  form?: Record<string, string>;
  /** 'https' for a request that came over TLS (tsgi.url_scheme). */
  scheme?: 'http' | 'https';
  /** The client's address (REMOTE_ADDR); default 127.0.0.1. */
  remoteAddr?: string;
}

/** A request as a failure shows it: `POST /login (Cookie: ..., body "username=...")`. */
export function describeRequest(init: CallInit, cookie?: string): string {
  const headers = { ...(cookie ? { Cookie: cookie } : {}), ...(init.headers ?? {}) };
  const extras = [
    ...(init.scheme === 'https' ? ['over https'] : []),
    ...(init.remoteAddr ? [`from ${init.remoteAddr}`] : []),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(bodyOf(init) !== undefined ? [`body ${show(bodyOf(init)!)}`] : []),
  ];
  return `${init.method ?? 'GET'} ${init.path ?? '/'}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

function bodyOf(init: CallInit): string | undefined {
  return init.form ? new URLSearchParams(init.form).toString() : init.body;
}

/** An environ as the gateway (lab 3) would build it for this request. */
export function makeEnviron(init: CallInit, cookie?: string): Environ {
  const target = init.path ?? '/';
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  const text = bodyOf(init);
  const body = new Uint8Array(Buffer.from(text ?? '', 'utf8'));
  const https = init.scheme === 'https';
  const environ: Environ = {
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: Buffer.from(decodeURIComponent(rawPath), 'utf8').toString('latin1'),
    QUERY_STRING: question === -1 ? '' : target.slice(question + 1),
    SERVER_NAME: 'localhost',
    SERVER_PORT: https ? '443' : '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: init.remoteAddr ?? '127.0.0.1',
    HTTP_HOST: 'localhost',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': https ? 'https' : 'http',
    'tsgi.input': new BodyInput(body),
    'tsgi.errors': errorLog(),
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  if (text !== undefined) environ.CONTENT_LENGTH = String(body.length);
  if (init.form) environ.CONTENT_TYPE = 'application/x-www-form-urlencoded';
  if (cookie) environ.HTTP_COOKIE = cookie;
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    const key = name.toUpperCase().replace(/-/g, '_');
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') environ[key] = value;
    else environ[`HTTP_${key}`] = value;
  }
  return environ;
}

/** One Set-Cookie header, split: name, value and attributes (names in lower case). */
export interface SetCookie {
  name: string;
  value: string;
  /** Attributes by lower-case name: `max-age` -> '3600', `httponly` -> ''. */
  attributes: Record<string, string>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';');
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq).trim();
  let value = pair.slice(eq + 1).trim();
  try {
    value = decodeURIComponent(value);
  } catch {}
  const attributes: Record<string, string> = {};
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase();
    attributes[key] = at === -1 ? '' : part.slice(at + 1).trim();
  }
  return { name, value, attributes, raw };
}

/** What an app sent for one request. */
export interface Answer {
  status: number;
  headers: TsgiHeaders;
  text: string;
  header(name: string): string | undefined;
  /** Every Set-Cookie the answer carried, split. */
  setCookies: SetCookie[];
  /** The Set-Cookie for this cookie name, or undefined. */
  cookie(name: string): SetCookie | undefined;
  story: string;
  says(expectation: string): string;
  saysHead(expectation: string): string;
}

/** The app's TSGI side, read inside a time bound. */
function tsgiOf(app: { readonly tsgi: TsgiApp }): TsgiApp {
  return bounded('app.tsgi', () => app.tsgi);
}

/** Calls app.tsgi once, with `cookie` as the Cookie header if given, and reads the whole body. */
export async function call(app: { readonly tsgi: TsgiApp }, init: CallInit = {}, cookie?: string): Promise<Answer> {
  const tsgi = tsgiOf(app);
  const calls: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => {
    calls.push([status, headers]);
  };
  const environ = makeEnviron(init, cookie);
  const body = await bounded('app.tsgi(environ, startResponse)', () => tsgi(environ, startResponse));
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  } finally {
    body.close?.();
  }
  if (calls.length === 0) throw new Error('app.tsgi returned a body without calling startResponse');
  const [status, headers] = calls.at(-1)!;
  const text = Buffer.concat(chunks).toString('utf8');
  const request = describeRequest(init, cookie);
  // A header of thousands of characters (a session cookie that is too big) is shown by its start.
  const shownHeaders = JSON.stringify(headers.map(([n, v]) => [n, v.length > 300 ? `${v.slice(0, 300)}... (${v.length} characters)` : v]));
  const story = `${request} was answered ${status}, headers ${shownHeaders}, body ${show(text)}`;
  const head = `${request} was answered ${status}, headers ${shownHeaders}`;
  const setCookies = headers.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => parseSetCookie(v));
  return {
    status: Number(status.slice(0, 3)),
    headers,
    text,
    header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
    setCookies,
    cookie: (name) => setCookies.find((c) => c.name === name),
    story,
    says: (expectation) => `${expectation}; ${story}`,
    saysHead: (expectation) => `${expectation}; ${head}`,
  };
}

/** A browser's cookie jar for one visitor: sends what it holds, keeps what it is told, drops what expires. */
export class Jar {
  readonly cookies = new Map<string, string>();

  /** The Cookie header it would send, or undefined when empty. */
  get header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** Takes in an answer's Set-Cookie headers: a Max-Age of 0 or less, or an Expires in the past, removes. */
  keep(answer: Answer): void {
    for (const cookie of answer.setCookies) {
      const maxAge = cookie.attributes['max-age'];
      const expires = cookie.attributes.expires;
      const gone = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.raw.split(';')[0]!.slice(cookie.name.length + 1).trim());
    }
  }

  /** A request as this visitor: sends the jar's cookies, keeps the answer's. */
  async call(app: { readonly tsgi: TsgiApp }, init: CallInit = {}): Promise<Answer> {
    const answer = await call(app, init, this.header);
    this.keep(answer);
    return answer;
  }

  /** What the jar holds, for a failure message. */
  toString(): string {
    return this.header ?? '(no cookies)';
  }
}

/**
 * Watches node:crypto's timingSafeEqual while `fn` runs: the calls it saw (each with the lengths of
 * its two buffers). The spy replaces the export on the module object and syncBuiltinESMExports
 * pushes it to `import { timingSafeEqual } from 'node:crypto'` bindings too; it calls the real one.
 */
export async function watchTimingSafeEqual<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number; args: Uint8Array[][] }> {
  const spy = vi.spyOn(crypto, 'timingSafeEqual');
  syncBuiltinESMExports();
  try {
    const result = await fn();
    const args = spy.mock.calls.map((call) => call.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
    return { result, calls: spy.mock.calls.length, args };
  } finally {
    spy.mockRestore();
    syncBuiltinESMExports();
  }
}

/**
 * Runs `fn` while node:crypto's randomBytes is watched (the same spy as above), and gives what each
 * call returned: an id made from randomBytes(32) is one of them.
 */
export async function watchRandomBytes<T>(fn: () => Promise<T>): Promise<{ result: T; made: Array<{ size: number; bytes: Buffer }> }> {
  const spy = vi.spyOn(crypto, 'randomBytes');
  syncBuiltinESMExports();
  try {
    const result = await fn();
    const made = spy.mock.calls.flatMap((call, i) => {
      const returned = spy.mock.results[i]?.value;
      return Buffer.isBuffer(returned) ? [{ size: Number(call[0]), bytes: returned }] : [];
    });
    return { result, made };
  } finally {
    spy.mockRestore();
    syncBuiltinESMExports();
  }
}

/** What a function threw (or rejected with), or null. */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return null;
  } catch (error) {
    return error;
  }
}

/** Routes every session test uses: set a key, read them all, clear, rotate, and fail after setting. */
export function sessionRoutes(app: App): void {
  app.get('/set/<key>/<value>', function set(request: RequestApi, params) {
    session(request).set(params.key, params.value);
    return 'set';
  });
  app.get('/big/<int:size>', function big(request: RequestApi, params) {
    session(request).set('big', 'x'.repeat(params.size));
    return 'big';
  });
  app.get('/show', function show(request: RequestApi) {
    const current = session(request);
    return { user: current.get('user') ?? null, colour: current.get('colour') ?? null };
  });
  app.get('/get/<key>', function get(request: RequestApi, params) {
    return { value: session(request).get(params.key) ?? null };
  });
  app.get('/clear', function clear(request: RequestApi) {
    session(request).clear();
    return 'cleared';
  });
  app.get('/rotate', function rotate(request: RequestApi) {
    session(request).rotate();
    return 'rotated';
  });
  app.get('/fail', function fail(request: RequestApi) {
    session(request).set('colour', 'red');
    throw new NotFound();
  });
}
