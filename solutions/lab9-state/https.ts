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
  const { key, cert, host } = options;
  const secure = createServer(tsgiHandler(hsts(app, options.hstsMaxAge), { urlScheme: 'https' }), { tls: { key, cert } });
  const https = await secure.listen(options.port ?? 0, host);
  if (options.httpPort === null) return { https, http: null, close: () => secure.close() };
  const redirecting = createServer(tsgiHandler(redirectToHttps(https.port)));
  let http: BoundAddress;
  try {
    http = await redirecting.listen(options.httpPort ?? 0, host);
  } catch (error) {
    // Half a pair is no use to anyone: the caller gets the error and nothing left listening.
    await secure.close();
    throw error;
  }
  return {
    https,
    http,
    close: async () => {
      await Promise.all([secure.close(), redirecting.close()]);
    },
  };
}

/**
 * The plain-HTTP listener's app: every request is answered with a redirect to the same path and
 * query on https, at `httpsPort`. It serves nothing itself; that is the point.
 */
export function redirectToHttps(httpsPort: number): TsgiApp {
  return (environ, startResponse) => {
    const name = hostName(environ);
    if (name === null) return plain(startResponse, '400 Bad Request', 'the Host header is not a host name\n');
    const port = httpsPort === 443 ? '' : `:${httpsPort}`;
    const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING}` : '';
    const location = `https://${name}${port}${encodePath(environ.SCRIPT_NAME + environ.PATH_INFO || '/')}${query}`;
    // 301 lets a client turn a POST into a GET (RFC 9110 §15.4.2), losing its body; 308 does not.
    const safe = environ.REQUEST_METHOD === 'GET' || environ.REQUEST_METHOD === 'HEAD';
    startResponse(safe ? '301 Moved Permanently' : '308 Permanent Redirect', [
      ['Location', location],
      ['Content-Length', '0'],
    ]);
    return [];
  };
}

/** A host name, an IPv4 address or a bracketed IPv6 address, then perhaps a port. */
const HOST = /^([a-z0-9][a-z0-9.-]*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The name the client asked for (Host without its port), or SERVER_NAME when an HTTP/1.0 client
 * sent no Host; null when it is no host name at all. The name goes into the Location header:
 * `evil.example/x?` or `a@evil.example` must not be allowed to make a URL of their own.
 */
function hostName(environ: Environ): string | null {
  const host = typeof environ.HTTP_HOST === 'string' ? environ.HTTP_HOST : environ.SERVER_NAME;
  return HOST.exec(host)?.[1] ?? null;
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
  return (environ, startResponse) => {
    // Over plain HTTP a browser ignores the header (RFC 6797 §8.1): anyone on the way could have
    // added it, or taken it out. Sending it there only says we don't know that.
    if (environ['tsgi.url_scheme'] !== 'https') return app(environ, startResponse);
    return app(environ, (status, headers, excInfo) => {
      // An app that sets its own (with includeSubDomains, say) knows better: keep it as it is.
      const own = headers.some(([name]) => name.toLowerCase() === 'strict-transport-security');
      const added: typeof headers = own ? headers : [...headers, ['Strict-Transport-Security', `max-age=${maxAgeSeconds}`]];
      startResponse(status, added, excInfo);
    });
  };
}
