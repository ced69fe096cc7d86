import type { Middleware, ProxyFixOptions } from '#contracts/production';
import type { Environ } from '#contracts/tsgi';

/** The value the `trusted`-th proxy from us wrote, or undefined if there weren't that many. */
function trustedValue(header: unknown, trusted: number): string | undefined {
  // TODO(lab8): nothing for trusted <= 0 or a header that is not a string. Split the header at
  // commas and trim; with at least `trusted` values, return the trusted-th one from the right.
  throw new Error('TODO(lab8): trustedValue is not written yet (lessons/08-production.md#proxyfix-who-really-asked)');
}

/**
 * Behind a proxy, REMOTE_ADDR is the proxy's address and the scheme and host are the proxy's
 * view. Proxies report the originals in X-Forwarded-For/-Proto/-Host, but so can any client:
 * trust only as many entries as there are proxies you run, counted from the right.
 */
export function proxyFix(options: ProxyFixOptions = {}): Middleware {
  // TODO(lab8): defaults xFor 1, xProto 1, xHost 0. Call the app with a copy of the environ that
  // keeps the originals under 'proxyfix.orig', and takes REMOTE_ADDR from X-Forwarded-For,
  // tsgi.url_scheme from X-Forwarded-Proto (only 'http' or 'https'), and HTTP_HOST, SERVER_NAME
  // and SERVER_PORT from X-Forwarded-Host (no port: 443 for https, else 80), each through
  // trustedValue with its own count.
  throw new Error('TODO(lab8): proxyFix is not written yet (lessons/08-production.md#proxyfix-who-really-asked)');
}
