// Visible examples for lab 8: run them with `npm run examples lab8`. They show the shape of the
// API; the hidden tests (`npm run grade lab8`) check much more, including real worker processes
// and a real proxy. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import type { Environ, StartResponse, TsgiApp } from '#contracts/tsgi';
import { acceptsGzip, clfDate, parseRange, proxyFix } from './index.ts';

/** Just enough of an environ for a middleware that only reads headers. */
function environ(headers: Record<string, string>): Environ {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: '127.0.0.1',
    SERVER_PORT: '8000',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '10.0.0.2',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': { read: async () => new Uint8Array(), async *[Symbol.asyncIterator]() {} },
    'tsgi.errors': { write: () => {}, flush: () => {} },
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    ...headers,
  };
}

describe('lab 8 examples', () => {
  it('writes the time of an access log line', () => {
    expect(clfDate(new Date(Date.UTC(2026, 10, 21, 23, 59, 59)))).toBe('21/Nov/2026:23:59:59 +0000');
  });

  it('reads Accept-Encoding', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
  });

  it('reads a Range header for a 26-byte file', () => {
    expect(parseRange('bytes=0-4', 26)).toEqual([0, 4]);
    expect(parseRange('bytes=-3', 26)).toEqual([23, 25]);
    expect(parseRange('bytes=30-', 26)).toBe('unsatisfiable');
  });

  it('trusts the rightmost X-Forwarded-For entry, written by our own proxy', async () => {
    let seen = '';
    const app: TsgiApp = (env, startResponse: StartResponse) => {
      seen = String(env.REMOTE_ADDR);
      startResponse('204 No Content', []);
      return [];
    };
    await proxyFix()(app)(environ({ HTTP_X_FORWARDED_FOR: '6.6.6.6, 203.0.113.7' }), () => {});
    expect(seen).toBe('203.0.113.7');
  });
});
