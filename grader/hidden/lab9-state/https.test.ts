// Hidden tests for lab 9's milestone "HTTPS": serveHttps (the app over TLS on lab 2's server, a
// plain-HTTP listener that redirects), redirectToHttps and hsts. Clients that speak TLS trust only
// the test certificate (test-cert.ts) and never turn verification off, so a handshake that
// succeeds proves the server used the key and certificate it was given. redirectToHttps and hsts
// are also called alone, as TSGI apps, with an environ built here. Every test names the rules of
// lessons/09-state.md it checks.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, expect } from 'vitest';
import type { HttpsOptions, HttpsServers } from '#contracts/state';
import type { Environ, StartResponse, TsgiApp, TsgiHeaders } from '#contracts/tsgi';
import { hsts, redirectToHttps, serveHttps } from '@lab/state';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { TEST_CERT, TEST_CERT_FINGERPRINT, TEST_KEY } from './test-cert.ts';

const ONE_YEAR = 31_536_000;
/** Bound on any one wait: a hang fails the test, it never measures it. */
const BOUND_MS = 5000;

// ---------------------------------------------------------------------------------------------
// Servers, always closed after the test

const running = new Set<HttpsServers>();
const sockets = new Set<net.Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  const closing = [...running].map((servers) => Promise.race([Promise.resolve().then(() => servers.close()).catch(() => {}), sleep(2000)]));
  running.clear();
  await Promise.all(closing);
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** serveHttps with the test certificate on free ports of 127.0.0.1, registered for closing. */
async function start(app: TsgiApp, options: Partial<HttpsOptions> = {}): Promise<HttpsServers> {
  const all: HttpsOptions = { key: TEST_KEY, cert: TEST_CERT, host: '127.0.0.1', port: 0, httpPort: 0, ...options };
  const servers = await within(BOUND_MS, 'serveHttps(app, options) resolving', Promise.resolve(bounded('serveHttps(app, options)', () => serveHttps(app, all))));
  running.add(servers);
  if (typeof servers?.https?.port !== 'number' || servers.https.port <= 0) {
    throw new Error(`serveHttps should resolve with { https: { address, port }, http, close }, got ${JSON.stringify(servers)}`);
  }
  return servers;
}

const encoder = new TextEncoder();

/** An app that answers 200 with what it saw: method, path, query, scheme and the body it read. */
function echoApp(seen: Environ[] = []): TsgiApp {
  return async (environ, startResponse) => {
    seen.push(environ);
    const body = Buffer.from(await environ['tsgi.input'].read()).toString('utf8');
    const text = `${environ.REQUEST_METHOD} ${environ.PATH_INFO}?${environ.QUERY_STRING} ${environ['tsgi.url_scheme']} ${body}`;
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [encoder.encode(text)];
  };
}

// ---------------------------------------------------------------------------------------------
// Clients

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The certificate's fingerprint, over TLS. */
  fingerprint?: string;
  /** The request and the response, for a failure message. */
  story: string;
  /** An assertion label: the expectation, then the request and the response. */
  says(expectation: string): string;
}

interface Ask {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request with node:http or node:https (which trusts only the test certificate). Neither
 * follows redirects, so a test sees the 301 itself.
 */
function ask(scheme: 'http' | 'https', port: number, init: Ask = {}): Promise<Reply> {
  const method = init.method ?? 'GET';
  const path = init.path ?? '/';
  const told = `${method} ${scheme}://127.0.0.1:${port}${path}${init.headers ? ` ${JSON.stringify(init.headers)}` : ''}${init.body ? ` with body ${JSON.stringify(init.body)}` : ''}`;
  const client = scheme === 'https' ? https : http;
  const promise = new Promise<Reply>((resolve, reject) => {
    const request = client.request(
      { host: '127.0.0.1', port, method, path, headers: init.headers, agent: false, ...(scheme === 'https' ? { ca: TEST_CERT } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const socket = response.socket as tls.TLSSocket;
          const fingerprint = scheme === 'https' ? socket.getPeerCertificate?.()?.fingerprint256 : undefined;
          const story = `${told} was answered ${response.statusCode}, headers ${JSON.stringify(response.headers)}, body ${show(text.slice(0, 300))}`;
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, fingerprint, story, says: (e) => `${e}; ${story}` });
        });
      },
    );
    request.on('error', (error) => reject(new Error(`${told} failed: ${error.message}`)));
    request.end(init.body);
  });
  return within(BOUND_MS, `an answer to ${told}`, promise);
}

/** Sends exact bytes over TLS (trusting only the test certificate) and reads until the server closes. */
async function rawTls(port: number, bytes: string): Promise<{ received: string; story: string }> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca: TEST_CERT });
  sockets.add(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  await within(BOUND_MS, `a TLS handshake with 127.0.0.1:${port}`, new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  }));
  socket.write(bytes);
  await within(BOUND_MS, 'the server closing the TLS connection', new Promise<void>((resolve) => socket.once('close', () => resolve())));
  return { received, story: `sent ${show(bytes)} over TLS; received ${show(received)}` };
}

/** Whether something accepts TCP connections on the port (of 127.0.0.1). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Calling an app alone

interface CallInit {
  method?: string;
  scriptName?: string;
  /** PATH_INFO: decoded, bytes as text (one character per byte). */
  pathInfo?: string;
  query?: string;
  /** HTTP_HOST; null leaves it out (an HTTP/1.0 client). */
  host?: string | null;
  scheme?: 'http' | 'https';
}

function environFor(init: CallInit): Environ {
  const environ: Environ = {
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: init.scriptName ?? '',
    PATH_INFO: init.pathInfo ?? '/',
    QUERY_STRING: init.query ?? '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8080',
    SERVER_PROTOCOL: init.host === null ? 'HTTP/1.0' : 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_PORT: '50000',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': init.scheme ?? 'http',
    'tsgi.input': Object.assign((async function* () {})(), { read: async () => new Uint8Array() }),
    'tsgi.errors': { write() {}, flush() {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
  };
  if (init.host !== null) environ.HTTP_HOST = init.host ?? 'localhost:8080';
  return environ;
}

interface Answer {
  status: number;
  headers: TsgiHeaders;
  text: string;
  all(name: string): string[];
  story: string;
  says(expectation: string): string;
}

/** Calls a TSGI app once with an environ for `init`, reads its whole body and closes it. */
async function call(app: TsgiApp, init: CallInit = {}): Promise<Answer> {
  const environ = environFor(init);
  const calls: Array<[string, TsgiHeaders]> = [];
  const startResponse: StartResponse = (status, headers) => void calls.push([status, headers]);
  const request = `${environ.REQUEST_METHOD} SCRIPT_NAME ${JSON.stringify(environ.SCRIPT_NAME)} PATH_INFO ${show(environ.PATH_INFO)} QUERY_STRING ${JSON.stringify(environ.QUERY_STRING)} HTTP_HOST ${JSON.stringify(environ.HTTP_HOST ?? null)} over ${environ['tsgi.url_scheme']}`;
  const body = await within(BOUND_MS, `the app answering ${request}`, Promise.resolve(bounded('app(environ, startResponse)', () => app(environ, startResponse))));
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  } finally {
    body.close?.();
  }
  const [status = '(startResponse never called)', headers = []] = calls.at(-1) ?? [];
  const text = Buffer.concat(chunks).toString('utf8');
  const story = `${request} was answered ${status}, headers ${JSON.stringify(headers)}, body ${show(text)}`;
  return {
    status: Number(status.slice(0, 3)),
    headers,
    text,
    all: (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    story,
    says: (expectation) => `${expectation}; ${story}`,
  };
}

/** An app that answers with a fixed status, headers and body, and counts its calls. */
function fixedApp(status = '201 Created', headers: TsgiHeaders = [['Content-Type', 'text/plain'], ['X-Kept', 'yes']], text = 'made') {
  const counter = { calls: 0 };
  const app: TsgiApp = (environ, startResponse) => {
    counter.calls += 1;
    startResponse(status, headers);
    return [encoder.encode(text)];
  };
  return { app, counter };
}

// ---------------------------------------------------------------------------------------------

milestone('https', () => {
  test('serveHttps serves the app over TLS with the given key and certificate', {
    rules: ['H1'],
    points: 2,
    hint: "Run the app on lab 2's createServer with its tls option, { tls: { key, cert } }, behind lab 3's tsgiHandler.",
  }, async () => {
    const servers = await start(echoApp());
    const reply = await ask('https', servers.https.port, { path: '/books?page=2' });
    expect(reply.fingerprint, reply.says('the server should present the certificate it was given')).toBe(TEST_CERT_FINGERPRINT);
    expect(reply.status, reply.says('should be the app\'s 200')).toBe(200);
    expect(reply.text, reply.says("should be the app's body")).toMatch(/^GET \/books\?page=2 /);
    const posted = await ask('https', servers.https.port, { method: 'POST', path: '/books', headers: { 'Content-Type': 'text/plain' }, body: 'Dune' });
    expect(posted.text, posted.says('a POST over TLS should reach the app with its body')).toMatch(/^POST \/books\? \S+ Dune$/);
  });

  test('without a host, both listeners are on 127.0.0.1 only, not on every interface', {
    rules: ['H1'],
    points: 1,
    hint: "Leave host to lab 2's listen default (127.0.0.1), or default it to '127.0.0.1' yourself: '0.0.0.0' would open the app to the whole network.",
  }, async () => {
    const servers = await start(echoApp(), { host: undefined });
    expect(servers.https.address, `serveHttps(app, { key, cert, port: 0, httpPort: 0 }) without host: the HTTPS address`).toBe('127.0.0.1');
    expect(servers.http?.address, 'and the plain listener\'s address').toBe('127.0.0.1');
  });

  test('the app sees tsgi.url_scheme https for requests that came over TLS', {
    rules: ['H2'],
    points: 2,
    hint: "Give lab 3's gateway { urlScheme: 'https' } for the HTTPS listener: tsgiHandler(app, { urlScheme: 'https' }).",
  }, async () => {
    const seen: Environ[] = [];
    const servers = await start(echoApp(seen));
    const raw = await rawTls(servers.https.port, 'GET /scheme HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(raw.received, `the app's answer over TLS; ${raw.story}`).toMatch(/^HTTP\/1\.1 200 /);
    expect(seen.map((environ) => environ['tsgi.url_scheme']), `tsgi.url_scheme in the environ of GET /scheme over TLS; ${raw.story}`).toEqual(['https']);
  });

  test('the plain-HTTP listener answers every method with a redirect and never calls the app', {
    rules: ['H3'],
    points: 2,
    hint: "The plain listener runs redirectToHttps(httpsPort), not the app: start it after the HTTPS one, with the port that one got.",
  }, async () => {
    const { app, counter } = fixedApp();
    const servers = await start(app);
    expect(servers.http, 'serveHttps with httpPort 0 should resolve with the plain listener\'s address as http').not.toBeNull();
    for (const [method, body] of [['GET', undefined], ['HEAD', undefined], ['POST', 'title=Dune'], ['PUT', 'x'], ['DELETE', undefined]] as const) {
      const reply = await ask('http', servers.http!.port, { method, path: '/books', body, headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined });
      expect([301, 308], reply.says('should be a redirect, 301 or 308')).toContain(reply.status);
      expect(reply.headers.location ?? '', reply.says('should have a Location on https')).toMatch(/^https:\/\//);
      expect(reply.text, reply.says('should have no body from the app')).toBe('');
    }
    expect(counter.calls, 'the app should never be called for a request over plain HTTP').toBe(0);
  });

  test("the redirect's Location is https, the host asked for, the HTTPS port, and the path and query as sent", {
    rules: ['H4'],
    points: 2,
    hint: "Location: 'https://' + the Host's name without its port + ':' + the HTTPS port (none for 443) + SCRIPT_NAME + PATH_INFO encoded again + '?' + QUERY_STRING when there is one.",
  }, async () => {
    const servers = await start(echoApp());
    const port = servers.https.port;
    const cases: Array<[string, string, string]> = [
      ['/books/a%20b?q=1&x=%C3%A9', `localhost:${servers.http!.port}`, `https://localhost:${port}/books/a%20b?q=1&x=%C3%A9`],
      ['/caf%C3%A9/', `127.0.0.1:${servers.http!.port}`, `https://127.0.0.1:${port}/caf%C3%A9/`],
      ['/?next=/a', 'localhost', `https://localhost:${port}/?next=/a`],
    ];
    for (const [path, host, location] of cases) {
      const reply = await ask('http', servers.http!.port, { path, headers: { Host: host } });
      expect(reply.headers.location, reply.says(`the Location for ${path} with Host ${host}`)).toBe(location);
    }
    // Following it lands on the app, over TLS, with the same path and query.
    const first = await ask('http', servers.http!.port, { path: '/books/a%20b?q=1' });
    const target = new URL(first.headers.location ?? 'https://invalid/');
    const landed = await ask('https', Number(target.port), { path: target.pathname + target.search });
    expect(landed.text, landed.says(`following ${first.headers.location ?? '(no Location)'}`)).toBe('GET /books/a b?q=1 https ');
  });

  test('redirectToHttps alone: no port for 443, IPv6 hosts, SERVER_NAME without Host, SCRIPT_NAME, bytes', {
    rules: ['H4'],
    hint: 'Leave the port out when it is 443. Strip only a trailing :port from Host ([::1]:8080 keeps its brackets). Without Host, use SERVER_NAME. Encode SCRIPT_NAME + PATH_INFO byte by byte (space -> %20, é as the bytes \\xc3\\xa9 -> %C3%A9).',
  }, async () => {
    const cases: Array<[number, CallInit, string]> = [
      [443, { host: 'example.com', pathInfo: '/a', query: 'b=1' }, 'https://example.com/a?b=1'],
      [443, { host: 'example.com:80', pathInfo: '/' }, 'https://example.com/'],
      [8443, { host: '[::1]:8080', pathInfo: '/v6' }, 'https://[::1]:8443/v6'],
      [8443, { host: null, pathInfo: '/old' }, 'https://127.0.0.1:8443/old'],
      [443, { host: 'example.com', scriptName: '/shop', pathInfo: '/a b/caf\xc3\xa9', query: 'q=%20' }, 'https://example.com/shop/a%20b/caf%C3%A9?q=%20'],
    ];
    for (const [port, init, location] of cases) {
      const answer = await call(bounded(`redirectToHttps(${port})`, () => redirectToHttps(port)), init);
      expect(answer.all('location'), answer.says(`redirectToHttps(${port}): the Location`)).toEqual([location]);
    }
  });

  test('GET and HEAD are redirected with 301, every other method with 308', {
    rules: ['H5'],
    points: 2,
    hint: 'A client may turn a POST into a GET on 301 and drop its body (RFC 9110 §15.4.2); 308 Permanent Redirect keeps method and body. 301 only for GET and HEAD.',
  }, async () => {
    for (const [method, status] of [['GET', 301], ['HEAD', 301], ['POST', 308], ['PUT', 308], ['PATCH', 308], ['DELETE', 308]] as const) {
      const answer = await call(redirectToHttps(8443), { method, host: 'localhost:8080', pathInfo: '/form' });
      expect(answer.status, answer.says(`the status for ${method}`)).toBe(status);
    }
    const servers = await start(echoApp());
    const posted = await ask('http', servers.http!.port, { method: 'POST', path: '/login', headers: { 'Content-Type': 'text/plain' }, body: 'secret' });
    expect(posted.status, posted.says('a POST over plain HTTP')).toBe(308);
  });

  test('a Host that is not a host name gets 400, never a redirect', {
    rules: ['H6'],
    hint: 'Check the Host against the given HOST pattern (a name, an IPv4 address or [IPv6], then perhaps :port) before building a URL of it; anything else is a 400.',
  }, async () => {
    for (const host of ['evil.example/phish?', 'user@evil.example', 'evil.example#', 'two words', '', 'localhost:80:80', 'localhost:port']) {
      const answer = await call(redirectToHttps(8443), { host, pathInfo: '/a' });
      expect(answer.status, answer.says(`Host ${JSON.stringify(host)}`)).toBe(400);
      expect(answer.all('location'), answer.says(`Host ${JSON.stringify(host)}: no Location`)).toEqual([]);
    }
    const servers = await start(echoApp());
    const reply = await ask('http', servers.http!.port, { path: '/a', headers: { Host: 'evil.example@x' } });
    expect(reply.status, reply.says('a bad Host through the plain listener')).toBe(400);
  });

  test('hsts adds one Strict-Transport-Security header with max-age to responses over https, and changes nothing else', {
    rules: ['H7'],
    points: 2,
    hint: "Wrap startResponse: when tsgi.url_scheme is 'https', pass on the app's status and headers plus ['Strict-Transport-Security', `max-age=${maxAgeSeconds}`] (default 31536000: one year, in seconds), and excInfo.",
  }, async () => {
    const { app } = fixedApp();
    const plainAnswer = await call(app, { scheme: 'https' });
    const byDefault = await call(bounded('hsts(app)', () => hsts(app)), { scheme: 'https' });
    expect(byDefault.all('strict-transport-security'), byDefault.says('hsts(app) over https')).toEqual([`max-age=${ONE_YEAR}`]);
    expect(byDefault.status, byDefault.says("should keep the app's status")).toBe(201);
    expect(byDefault.headers.filter(([name]) => name.toLowerCase() !== 'strict-transport-security'), byDefault.says("should keep the app's other headers")).toEqual(plainAnswer.headers);
    expect(byDefault.text, byDefault.says("should keep the app's body")).toBe('made');
    const short = await call(hsts(app, 600), { scheme: 'https' });
    expect(short.all('strict-transport-security'), short.says('hsts(app, 600) over https')).toEqual(['max-age=600']);
    // An app that sets its own (with includeSubDomains, say) keeps it, alone.
    const own = fixedApp('200 OK', [['Strict-Transport-Security', 'max-age=63072000; includeSubDomains']]);
    const kept = await call(hsts(own.app), { scheme: 'https' });
    expect(kept.all('strict-transport-security'), kept.says("an app's own Strict-Transport-Security")).toEqual(['max-age=63072000; includeSubDomains']);
  });

  test('hsts passes excInfo on: an app that replaces its answer after an error still can', {
    rules: ['H7'],
    hint: 'The startResponse you give the app takes (status, headers, excInfo) and calls the real one with all three: without excInfo, a second call is an error (lesson 3, "Calling it again").',
  }, async () => {
    const failure = new Error('the template failed');
    const app: TsgiApp = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      // Before any byte of the body: the app changes its mind, as a framework does on an error.
      startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], failure);
      return [encoder.encode('error')];
    };
    const seen: unknown[] = [];
    const environ = environFor({ scheme: 'https' });
    const body = await Promise.resolve(bounded('hsts(app)(environ, startResponse)', () => hsts(app)(environ, (status, headers, excInfo) => void seen.push([status, headers, excInfo]))));
    for await (const chunk of body as AsyncIterable<Uint8Array>) void chunk;
    const shown = JSON.stringify(seen, (key, value) => (value === failure ? '(the Error passed as excInfo)' : value));
    expect(seen.length, `startResponse calls that reached the server: ${shown}`).toBe(2);
    expect((seen[1] as unknown[])[2], `the second call's excInfo, as the server saw it: ${shown}`).toBe(failure);
  });

  test("serveHttps's HTTPS responses carry HSTS with options.hstsMaxAge, one year by default", {
    rules: ['H7'],
    hint: 'serveHttps wraps the app: hsts(app, options.hstsMaxAge), so that undefined gives the default.',
  }, async () => {
    const servers = await start(echoApp(), { hstsMaxAge: 86400 });
    const reply = await ask('https', servers.https.port, { path: '/' });
    expect(reply.headers['strict-transport-security'], reply.says('with hstsMaxAge 86400')).toBe('max-age=86400');
    const plain = await start(echoApp());
    const byDefault = await ask('https', plain.https.port, { path: '/' });
    expect(byDefault.headers['strict-transport-security'], byDefault.says('without hstsMaxAge')).toBe(`max-age=${ONE_YEAR}`);
  });

  test('no Strict-Transport-Security over plain HTTP', {
    rules: ['H8'],
    hint: "hsts adds the header only when tsgi.url_scheme is 'https': a browser ignores it over http (RFC 6797 §8.1), and an http response that carries it shows the middleware does not know which is which.",
  }, async () => {
    const { app } = fixedApp();
    const answer = await call(hsts(app), { scheme: 'http' });
    expect(answer.all('strict-transport-security'), answer.says('hsts(app) over http')).toEqual([]);
    expect(answer.status, answer.says("should be the app's own answer")).toBe(201);
    const servers = await start(echoApp());
    const reply = await ask('http', servers.http!.port, { path: '/' });
    expect(reply.headers['strict-transport-security'], reply.says("the plain listener's redirect")).toBeUndefined();
  });

  test('close() closes both listeners; with httpPort null there is only the HTTPS one', {
    rules: ['H9'],
    hint: 'close() must close the lab 2 server of each listener and resolve once both are closed. With httpPort null, start no plain listener and give http: null.',
  }, async () => {
    const servers = await start(echoApp());
    const ports = [servers.https.port, servers.http!.port];
    await within(BOUND_MS, 'close() resolving', Promise.resolve(servers.close()));
    running.delete(servers);
    for (const port of ports) expect(await listening(port), `port ${port} should accept no connection after close() (HTTPS ${ports[0]}, HTTP ${ports[1]})`).toBe(false);
    const alone = await start(echoApp(), { httpPort: null });
    expect(alone.http, 'serveHttps with httpPort null: http').toBeNull();
    const reply = await ask('https', alone.https.port, { path: '/alone' });
    expect(reply.status, reply.says('the HTTPS listener with httpPort null')).toBe(200);
  });

  test('when the plain port is taken, serveHttps rejects and leaves nothing listening', {
    rules: ['H10'],
    hint: 'If the plain listener cannot listen, close the HTTPS server you already started before you throw: the caller never gets its close().',
  }, async () => {
    // First, with free ports, it starts: a serveHttps that always rejects proves nothing below.
    const working = await start(echoApp());
    await within(BOUND_MS, 'close() resolving', Promise.resolve(working.close()));
    running.delete(working);
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const httpPort = (taken.address() as net.AddressInfo).port;
    const port = await freePort();
    try {
      const outcome = await within(BOUND_MS, 'serveHttps settling', Promise.resolve(bounded('serveHttps(app, options)', () => serveHttps(echoApp(), { key: TEST_KEY, cert: TEST_CERT, host: '127.0.0.1', port, httpPort }))).then(
        (servers) => {
          running.add(servers);
          return 'resolved';
        },
        () => 'rejected',
      ));
      expect(outcome, `serveHttps with httpPort ${httpPort}, which another server holds`).toBe('rejected');
      expect(await listening(port), `the HTTPS port ${port} should be closed again after serveHttps rejected`).toBe(false);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
