import type { Middleware, ProxyFixOptions } from '#contracts/production';
import type { Environ } from '#contracts/tsgi';

/** The value the `trusted`-th proxy from us wrote, or undefined if there weren't that many. */
function trustedValue(header: unknown, trusted: number): string | undefined {
  if (trusted <= 0 || typeof header !== 'string') return undefined;
  const values = header.split(',').map((v) => v.trim());
  return values.length >= trusted ? values[values.length - trusted] : undefined;
}

/**
 * Behind a proxy, REMOTE_ADDR is the proxy's address and the scheme and host are the proxy's
 * view. Proxies report the originals in X-Forwarded-For/-Proto/-Host, but so can any client:
 * trust only as many entries as there are proxies you run, counted from the right.
 */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  const { xFor = 1, xProto = 1, xHost = 0 } = options;
  return (app) => (environ, startResponse) => {
    const fixed: Environ = { ...environ, 'proxyfix.orig': { REMOTE_ADDR: environ.REMOTE_ADDR, HTTP_HOST: environ.HTTP_HOST, 'tsgi.url_scheme': environ['tsgi.url_scheme'] } };
    const address = trustedValue(environ.HTTP_X_FORWARDED_FOR, xFor);
    if (address) fixed.REMOTE_ADDR = address;
    const scheme = trustedValue(environ.HTTP_X_FORWARDED_PROTO, xProto)?.toLowerCase();
    if (scheme === 'http' || scheme === 'https') fixed['tsgi.url_scheme'] = scheme;
    const host = trustedValue(environ.HTTP_X_FORWARDED_HOST, xHost);
    if (host) {
      fixed.HTTP_HOST = host;
      // `example.com:8443`, `example.com`, `[::1]:8080`: the port is the digits after the last colon.
      const [, name = host, port] = /^(.*?)(?::(\d+))?$/.exec(host)!;
      fixed.SERVER_NAME = name;
      fixed.SERVER_PORT = port ?? (fixed['tsgi.url_scheme'] === 'https' ? '443' : '80');
    }
    return app(fixed, startResponse);
  };
}
