import { createGzip } from 'node:zlib';
import type { Middleware } from '#contracts/production';
import type { TsgiHeaders } from '#contracts/tsgi';
import { headerValue, intercept } from './body.ts';

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/i;

/** Whether an Accept-Encoding header allows gzip (`gzip`, `gzip;q=0.5`, `*`, not `gzip;q=0`, not `gzip;q=0, *`). */
export function acceptsGzip(header: unknown): boolean {
  if (typeof header !== 'string') return false;
  // gzip named outright decides; the wildcard only speaks for codings the header does not name (RFC 9110 §12.5.3).
  let wildcard = false;
  for (const item of header.split(',')) {
    const [coding, ...params] = item.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip') return accepted;
    if (coding === '*') wildcard = accepted;
  }
  return wildcard;
}

/**
 * Compresses text responses for clients that accept gzip. The length changes, so Content-Length
 * goes. Already-encoded bodies, small statuses (1xx, 204, 304), ranges and non-text types pass
 * through untouched. A response that could have been compressed says `Vary: Accept-Encoding`
 * either way: a cache must not hand the gzip version to a client that did not ask for it, nor
 * the plain one to everyone (RFC 9110 §12.5.5).
 */
export function gzip(): Middleware {
  return (app) =>
    intercept(app, (start, body, startResponse, environ) => {
      const status = Number(start.status.slice(0, 3));
      const type = headerValue(start.headers, 'content-type') ?? '';
      const compressible =
        status >= 200 && status !== 204 && status !== 206 && status !== 304 &&
        COMPRESSIBLE.test(type) &&
        headerValue(start.headers, 'content-encoding') === undefined;
      if (!compressible) {
        startResponse(start.status, start.headers);
        return body;
      }
      const vary: TsgiHeaders = [['Vary', 'Accept-Encoding']];
      if (!acceptsGzip(environ.HTTP_ACCEPT_ENCODING)) {
        startResponse(start.status, [...start.headers, ...vary]);
        return body;
      }
      const headers = start.headers.filter(([name]) => name.toLowerCase() !== 'content-length');
      startResponse(start.status, [...headers, ['Content-Encoding', 'gzip'], ...vary]);
      return compressStream(body);
    });
}

/** Feeds the body through a gzip stream and yields what comes out, as it comes out. */
async function* compressStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stream = createGzip();
  const pump = (async () => {
    try {
      for await (const chunk of body) {
        if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      }
      stream.end();
    } catch (error) {
      stream.destroy(error as Error);
    }
  })();
  try {
    for await (const out of stream) yield new Uint8Array(out as Buffer);
  } finally {
    stream.destroy();
    await pump;
  }
}
