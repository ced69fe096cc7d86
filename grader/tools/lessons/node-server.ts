// A stand-in for labs 1-3 while the learner's are not written yet: the site's TSGI app on Node's
// own http module, so `npm run lessons` works on day one of a students' copy, which has no
// reference to fall back on. It is deliberately small (one request at a time per connection, no
// validator); lab 3's serve() is the real thing, and takes over once labs 1-3 pass their tests.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Environ, TsgiApp, TsgiHeaders, TsgiInput } from '#contracts/tsgi';

/** The request body as tsgi.input: the request stream, read in chunks. */
function inputOf(request: IncomingMessage): TsgiInput {
  const iterator = request[Symbol.asyncIterator]();
  let buffered = new Uint8Array(0);
  let ended = false;
  const pull = async () => {
    const next = await iterator.next();
    if (next.done) ended = true;
    else buffered = Buffer.concat([buffered, next.value as Buffer]);
  };
  return {
    async read(size?: number) {
      while (!ended && (size === undefined || buffered.length < size)) await pull();
      const take = size === undefined ? buffered.length : Math.min(size, buffered.length);
      const chunk = buffered.slice(0, take);
      buffered = buffered.slice(take);
      return chunk;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (buffered.length === 0 && !ended) await pull();
        if (buffered.length === 0 && ended) return;
        const chunk = buffered;
        buffered = new Uint8Array(0);
        yield chunk;
      }
    },
  };
}

/** PEP 3333's PATH_INFO is decoded; a malformed escape is left as it came. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function environOf(request: IncomingMessage, port: number, host: string): Environ {
  const url = request.url ?? '/';
  const question = url.indexOf('?');
  const environ: Environ = {
    REQUEST_METHOD: request.method ?? 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: decodePath(question === -1 ? url : url.slice(0, question)),
    QUERY_STRING: question === -1 ? '' : url.slice(question + 1),
    SERVER_NAME: host,
    SERVER_PORT: String(port),
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    REMOTE_ADDR: request.socket.remoteAddress ?? '',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': inputOf(request),
    'tsgi.errors': { write: (text: string) => process.stderr.write(text), flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  for (const [name, value] of Object.entries(request.headers)) {
    const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
    if (name === 'content-type') environ.CONTENT_TYPE = text;
    else if (name === 'content-length') environ.CONTENT_LENGTH = text;
    else environ[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = text;
  }
  return environ;
}

async function handle(app: TsgiApp, request: IncomingMessage, response: ServerResponse, port: number, host: string) {
  let head: { status: string; headers: TsgiHeaders } | null = null;
  const body = await app(environOf(request, port, host), (status, headers) => {
    head = { status, headers };
  });
  try {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const started = head as { status: string; headers: TsgiHeaders } | null;
    if (!started) throw new Error('the app returned a body without calling startResponse');
    const code = Number.parseInt(started.status, 10);
    response.writeHead(code, started.status.slice(4), started.headers.flat());
    response.end(request.method === 'HEAD' ? undefined : Buffer.concat(chunks));
  } finally {
    body.close?.();
  }
}

/** Serves a TSGI app with node:http; resolves once it listens, with what server.ts needs of it. */
export function serveWithNodeHttp(app: TsgiApp, options: { port: number; host: string }) {
  return new Promise<{ address(): AddressInfo | null; close(): Promise<void> }>((resolve, reject) => {
    const server = createServer((request, response) => {
      handle(app, request, response, (server.address() as AddressInfo).port, options.host).catch((error: unknown) => {
        process.stderr.write(`lessons: ${request.method} ${request.url} failed: ${(error as Error)?.stack ?? error}\n`);
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end('500 Internal Server Error\n');
      });
    });
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve({
        address: () => server.address() as AddressInfo | null,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
