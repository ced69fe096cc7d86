// What lab 7's hidden tests share: an environ built by hand (CGI keys and a tsgi.input over bytes
// we choose), a caller that runs an app's TSGI side and collects what it sent, a real server
// (the reference labs 2 and 3) for supertest, temporary folders, and an errors log. Nothing here
// implements the framework: the readers only split what the learner's app produced.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Server } from '#contracts/server';
import type { Environ, StartResponse, TsgiApp, TsgiErrors, TsgiHeaders, TsgiInput } from '#contracts/tsgi';
import { tsgiHandler } from '#gateway';
import { createServer } from '#server';
import { bounded, show } from '../../harness/index.ts';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/** tsgi.input over one body, handed out in pieces of 5 bytes. */
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
    while (this.#rest.length > 0) yield await this.read(5);
  }
}

export interface CallInit {
  method?: string;
  /** The path as a client would write it, percent-escapes and all: `/books/3`, `/search?q=tea`. */
  path?: string;
  /** Request headers by name: `{ 'Content-Type': 'application/json' }`. */
  headers?: Record<string, string>;
  body?: string;
  errors?: TsgiErrors;
  /** SCRIPT_NAME, the mount point (default ''); `path` is then the path within the app. */
  scriptName?: string;
}

/** A request as a failure shows it: `POST /books/new (SCRIPT_NAME "/app", Content-Type ..., body "...")`. */
export function describeRequest(init: CallInit = {}): string {
  const extras = [
    ...(init.scriptName ? [`SCRIPT_NAME ${JSON.stringify(init.scriptName)}`] : []),
    ...Object.entries(init.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    ...(init.body !== undefined ? [`body ${show(init.body)}`] : []),
  ];
  return `${init.method ?? 'GET'} ${init.path ?? '/'}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/** What came back, on one line: `404 Not Found, headers [["Content-Type","text/html"]], body "..."`. */
export function describeResponse(status: string, headers: unknown, body: string): string {
  return `${status}, headers ${JSON.stringify(headers)}, body ${show(body)}`;
}

/** An environ as the gateway (lab 3) would build it for this request. */
export function makeEnviron(init: CallInit = {}): Environ {
  const target = init.path ?? '/';
  const question = target.indexOf('?');
  const rawPath = question === -1 ? target : target.slice(0, question);
  const body = new Uint8Array(Buffer.from(init.body ?? '', 'utf8'));
  const environ: Environ = {
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: init.scriptName ?? '',
    // PATH_INFO is percent-decoded, as bytes-as-text (one character per byte).
    PATH_INFO: Buffer.from(decodeURIComponent(rawPath), 'utf8').toString('latin1'),
    QUERY_STRING: question === -1 ? '' : target.slice(question + 1),
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    HTTP_HOST: 'localhost',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': new BodyInput(body),
    'tsgi.errors': init.errors ?? errorLog(),
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  if (init.body !== undefined) environ.CONTENT_LENGTH = String(body.length);
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    const key = name.toUpperCase().replace(/-/g, '_');
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') environ[key] = value;
    else environ[`HTTP_${key}`] = value;
  }
  return environ;
}

/** What an app sent for one request. */
export interface Answer {
  status: number;
  headers: TsgiHeaders;
  /** The body as UTF-8 text. */
  text: string;
  bytes: Uint8Array;
  /** The first value of a header, any case, or undefined. */
  header(name: string): string | undefined;
  /** The request and what the app answered, on one line, for a failure to show. */
  story: string;
  /** An assertion label: the expectation, then the request and the response (`answer.says('should be a 404')`). */
  says(expectation: string): string;
  /** The same without the body, for an assertion on the body itself (the failure prints it already). */
  saysHead(expectation: string): string;
}

/** The app's TSGI side, read inside a time bound (a getter that loops must not hang the grade). */
export function tsgiOf(app: { readonly tsgi: TsgiApp }): TsgiApp {
  return bounded('app.tsgi', () => app.tsgi);
}

/** Calls app.tsgi once with a handmade environ, reads the whole body, and closes it. */
export async function call(app: { readonly tsgi: TsgiApp }, init: CallInit = {}): Promise<Answer> {
  const tsgi = tsgiOf(app);
  const calls: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => {
    calls.push([status, headers]);
  };
  const environ = makeEnviron(init);
  const body = await bounded('app.tsgi(environ, startResponse)', () => tsgi(environ, startResponse));
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  } finally {
    body.close?.();
  }
  if (calls.length === 0) throw new Error('app.tsgi returned a body without calling startResponse');
  const [status, headers] = calls.at(-1)!;
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const text = Buffer.from(bytes).toString('utf8');
  const story = `${describeRequest(init)} was answered ${describeResponse(status, headers, text)}`;
  const head = `${describeRequest(init)} was answered ${status}, headers ${JSON.stringify(headers)}`;
  return {
    status: Number(status.slice(0, 3)),
    headers,
    text,
    bytes,
    header: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
    story,
    says: (expectation) => `${expectation}; ${story}`,
    saysHead: (expectation) => `${expectation}; ${head}`,
  };
}

/** The same for a response that came through a real server (supertest): `told(response, 'GET /x')('should ...')`. */
export function told(response: { status: number; headers: Record<string, unknown>; text: string }, request: string): (expectation: string) => string {
  return (expectation) => `${expectation}; ${request} was answered ${describeResponse(String(response.status), response.headers, response.text ?? '')}`;
}

const servers: Server[] = [];

/** The app on the reference server and gateway, on a free port; returns its base URL. */
export async function serveApp(app: { readonly tsgi: TsgiApp }, errors: TsgiErrors = errorLog()): Promise<string> {
  const server = createServer(tsgiHandler(tsgiOf(app), { errors }), { onError: () => {} });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** Closes every server a test started (afterEach). */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => Promise.race([server.close().catch(() => {}), delay(300)])));
}

const folders: string[] = [];

/** A fresh folder under the system's temp folder, filled with these files (path -> content). */
export function tempFolder(files: Record<string, string | Uint8Array> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'lab7-'));
  folders.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Removes every temp folder (afterAll). */
export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** What a function threw (or rejected with), or null: a test can then check the error itself. */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
    return null;
  } catch (error) {
    return error;
  }
}
