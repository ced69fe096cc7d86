import type { Middleware } from '#contracts/production';
import type { TsgiHeaders } from '#contracts/tsgi';
import { intercept } from './body.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `21/Nov/2026:23:59:59 +0000`, the Common Log Format's time, in UTC. */
export function clfDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * Writes one Common Log Format line per request once its response is complete:
 * `127.0.0.1 - - [21/Nov/2026:23:59:59 +0000] "GET /index.html HTTP/1.1" 200 1043`
 * (client, identity and user unknown as `-`, time, request line, status, body bytes or `-`).
 */
export function accessLog(write: (line: string) => void = (line) => process.stdout.write(line)): Middleware {
  return (app) =>
    intercept(app, (start, body, startResponse, environ) => {
      startResponse(start.status, start.headers as TsgiHeaders);
      const time = clfDate(new Date());
      // QUERY_STRING is bytes as text, still percent-encoded: only bytes outside printable ASCII need it.
      const query = environ.QUERY_STRING ? `?${environ.QUERY_STRING.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}` : '';
      const target = encodeURI(Buffer.from(environ.SCRIPT_NAME + environ.PATH_INFO, 'latin1').toString('utf8')) + query;
      const requestLine = `${environ.REQUEST_METHOD} ${target} ${environ.SERVER_PROTOCOL}`;
      return (async function* () {
        let bytes = 0;
        try {
          for await (const chunk of body) {
            bytes += chunk.length;
            yield chunk;
          }
        } finally {
          const status = start.status.slice(0, 3);
          write(`${environ.REMOTE_ADDR ?? '-'} - - [${time}] "${requestLine}" ${status} ${bytes === 0 ? '-' : bytes}\n`);
        }
      })();
    });
}
