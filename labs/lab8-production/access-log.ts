import type { Middleware } from '#contracts/production';
import type { TsgiHeaders } from '#contracts/tsgi';
import { intercept } from './body.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `21/Nov/2026:23:59:59 +0000`, the Common Log Format's time, in UTC. */
export function clfDate(date: Date): string {
  // TODO(lab8): day (two digits), month name (MONTHS), year, then hours, minutes and seconds (two
  // digits each), all from the UTC getters, and the zone ' +0000'.
  throw new Error('TODO(lab8): clfDate is not written yet (lessons/08-production.md#access-logs)');
}

/**
 * Writes one Common Log Format line per request once its response is complete:
 * `127.0.0.1 - - [21/Nov/2026:23:59:59 +0000] "GET /index.html HTTP/1.1" 200 1043`
 * (client, identity and user unknown as `-`, time, request line, status, body bytes or `-`).
 */
export function accessLog(write: (line: string) => void = (line) => process.stdout.write(line)): Middleware {
  // TODO(lab8): wrap the app with intercept. Pass the head on unchanged; note the time and the
  // request line (method, SCRIPT_NAME + PATH_INFO, '?' + QUERY_STRING if there is one, protocol;
  // each byte of QUERY_STRING outside printable ASCII written as %XX).
  // Return a body that yields the app's chunks, counting their bytes, and writes the line (ending
  // in '\n') in a finally block, so it is written however the body ends.
  throw new Error('TODO(lab8): accessLog is not written yet (lessons/08-production.md#access-logs)');
}
