import { createGzip } from 'node:zlib';
import type { Middleware } from '#contracts/production';
import type { TsgiHeaders } from '#contracts/tsgi';
import { headerValue, intercept } from './body.ts';

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/i;

/** Whether an Accept-Encoding header allows gzip (`gzip`, `gzip;q=0.5`, `*`, not `gzip;q=0`). */
export function acceptsGzip(header: unknown): boolean {
  // TODO(lab8): false for a header that is not a string. Split at commas; each item is a coding
  // and its parameters split at ';' (trimmed, lowercased). An item that is gzip decides: true if
  // its q= parameter, if it has one, is above 0. With no gzip item, a * item decides the same way;
  // with neither, false.
  throw new Error('TODO(lab8): acceptsGzip is not written yet (lessons/08-production.md#compression-gzip-and-vary)');
}

/**
 * Compresses text responses for clients that accept gzip. The length changes, so Content-Length
 * goes. Already-encoded bodies, small statuses (1xx, 204, 304), ranges and non-text types pass
 * through untouched. A response that could have been compressed says `Vary: Accept-Encoding`
 * either way: a cache must not hand the gzip version to a client that did not ask for it, nor
 * the plain one to everyone (RFC 9110 §12.5.5).
 */
export function gzip(): Middleware {
  // TODO(lab8): wrap the app with intercept. Compressible: a status of 200 or more but not 204,
  // 206 or 304, a Content-Type COMPRESSIBLE matches, and no Content-Encoding. Not compressible:
  // pass the head and the body on unchanged. Compressible, but the client does not accept gzip
  // (HTTP_ACCEPT_ENCODING): add Vary: Accept-Encoding. Both: drop Content-Length, add
  // Content-Encoding: gzip and Vary: Accept-Encoding, and return compressStream(body).
  throw new Error('TODO(lab8): gzip is not written yet (lessons/08-production.md#compression-gzip-and-vary)');
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
