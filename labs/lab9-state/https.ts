import type { BoundAddress } from '#contracts/server';
import type { HttpsOptions, HttpsServers } from '#contracts/state';
import type { Environ, StartResponse, TsgiApp } from '#contracts/tsgi';
import { tsgiHandler } from '#gateway';
import { createServer } from '#server';

/** One year in seconds: the max-age HSTS gets unless told otherwise. */
const ONE_YEAR = 365 * 24 * 60 * 60;

/**
 * Runs `app` over HTTPS (lab 2's server with its `tls` option, lab 3's gateway saying
 * `tsgi.url_scheme` https, every response with HSTS), and, unless `httpPort` is null, a plain-HTTP
 * listener that sends every request to the same URL on https.
 */
export async function serveHttps(app: TsgiApp, options: HttpsOptions): Promise<HttpsServers> {
  // TODO(lab9): listen on HTTPS with createServer's tls option and tsgiHandler(hsts(app, ...),
  // { urlScheme: 'https' }); then, unless options.httpPort is null, a plain listener that runs
  // redirectToHttps with the port the HTTPS one got. If that one cannot listen, close the first
  // and throw. close() closes both.
  throw new Error('TODO(lab9): serveHttps is not written yet: read lessons/09-state.md, HTTPS');
}

/**
 * The plain-HTTP listener's app: every request is answered with a redirect to the same path and
 * query on https, at `httpsPort`. It serves nothing itself; that is the point.
 */
export function redirectToHttps(httpsPort: number): TsgiApp {
  // TODO(lab9): return an app that answers 400 (plain) when hostName gives null, and otherwise a
  // 301 (GET, HEAD) or 308 (any other method) whose Location is https://, the name, the port
  // unless it is 443, the path through encodePath, and the query string as it came.
  throw new Error('TODO(lab9): redirectToHttps is not written yet: read lessons/09-state.md, HTTPS');
}

/** A host name, an IPv4 address or a bracketed IPv6 address, then perhaps a port. */
const HOST = /^([a-z0-9][a-z0-9.-]*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The name the client asked for (Host without its port), or SERVER_NAME when an HTTP/1.0 client
 * sent no Host; null when it is no host name at all.
 */
function hostName(environ: Environ): string | null {
  // TODO(lab9): match HTTP_HOST (or SERVER_NAME) against HOST; its first group is the name.
  throw new Error('TODO(lab9): hostName is not written yet: read lessons/09-state.md, HTTPS');
}

/**
 * PATH_INFO is percent-decoded, bytes as text (lesson 3): encode again every byte that may not
 * stand as it is in a path (RFC 3986 §3.3), as PEP 3333's URL reconstruction does.
 */
function encodePath(bytes: string): string {
  return bytes.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function plain(startResponse: StartResponse, status: string, text: string): Uint8Array[] {
  const body = new TextEncoder().encode(text);
  startResponse(status, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(body.length)],
  ]);
  return [body];
}

/**
 * Adds `Strict-Transport-Security: max-age=...` to every response that went over HTTPS, so the
 * browser uses https for this host from then on, whatever a link or the address bar says.
 */
export function hsts(app: TsgiApp, maxAgeSeconds = ONE_YEAR): TsgiApp {
  // TODO(lab9): over https only (tsgi.url_scheme), call the app with a startResponse that adds the
  // header, unless the app set its own, and passes status, headers and excInfo on.
  throw new Error('TODO(lab9): hsts is not written yet: read lessons/09-state.md, HTTPS');
}
