import type { Middleware } from '#contracts/production';
import type { TsgiInput } from '#contracts/tsgi';
import { plain } from './body.ts';
import { RequestTooLarge } from './request-too-large.ts';

/**
 * Refuses bodies over `maxBytes` with 413: at once when Content-Length says so, and while the app
 * reads when the body has no length (chunked) or lies about it.
 */
export function limitRequestSize(maxBytes: number): Middleware {
  return (app) => async (environ, startResponse) => {
    if (Number(environ.CONTENT_LENGTH ?? 0) > maxBytes) return plain(startResponse, '413 Content Too Large');
    const input = environ['tsgi.input'];
    let seen = 0;
    const count = (chunk: Uint8Array) => {
      seen += chunk.length;
      if (seen > maxBytes) throw new RequestTooLarge(maxBytes);
      return chunk;
    };
    const limited: TsgiInput = {
      read: async (size?: number) => count(await input.read(size)),
      async *[Symbol.asyncIterator]() {
        for await (const chunk of input) yield count(chunk);
      },
    };
    try {
      return await app({ ...environ, 'tsgi.input': limited }, startResponse);
    } catch (error) {
      // With excInfo: the app may have called startResponse already, and a second call needs it (lesson 3, S6).
      if (error instanceof RequestTooLarge) return plain((status, headers) => startResponse(status, headers, error), '413 Content Too Large', [], `${error.message}\n`);
      throw error;
    }
  };
}
