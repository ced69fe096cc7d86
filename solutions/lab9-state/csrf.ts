import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppApi } from '#contracts/framework';
import type { RequestApi } from '#contracts/toolkit';
import { escapeHtml } from '#toolkit';
import { session } from './request-session.ts';

/** The methods that change something on the server: each must prove it came from our own page. */
export const UNSAFE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** Where the token travels: a form field, or a header for scripts that send JSON. */
export const CSRF_FIELD = 'csrf_token';
export const CSRF_HEADER = 'X-CSRFToken';

/** This session's CSRF token, made (32 random bytes, base64url) and kept in the session on first use. */
export function csrfToken(request: RequestApi): string {
  const current = session(request);
  const token = current.get(CSRF_FIELD);
  if (typeof token === 'string') return token;
  const made = randomBytes(32).toString('base64url');
  current.set(CSRF_FIELD, made);
  return made;
}

/** The hidden input every form of ours carries: `<input type="hidden" name="csrf_token" value="...">`. */
export function csrfField(request: RequestApi): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken(request))}">`;
}

/** The token a request carries: the X-CSRFToken header, else the form field; null if neither. */
async function tokenSent(request: RequestApi): Promise<string | null> {
  const header = request.headers.get(CSRF_HEADER);
  if (header !== undefined) return header;
  try {
    return (await request.form()).fields.get(CSRF_FIELD) ?? null;
  } catch {
    return null; // not a form (JSON, say): then the header was the only way, and it is missing
  }
}

/** Refuses (400) every unsafe request whose token is missing or is not this session's. */
export function useCsrf(app: AppApi): void {
  app.beforeRequest(async (request) => {
    if (!UNSAFE_METHODS.includes(request.method)) return undefined;
    const expected = session(request).get(CSRF_FIELD);
    const sent = await tokenSent(request);
    if (typeof expected !== 'string' || sent === null) return ['Bad request: the CSRF token is missing.', 400];
    const a = Buffer.from(sent);
    const b = Buffer.from(expected);
    // Lengths first (timingSafeEqual needs equal ones; a token's length is no secret), then the bytes in constant time.
    if (a.length !== b.length || !timingSafeEqual(a, b)) return ['Bad request: the CSRF token is wrong.', 400];
    return undefined;
  });
}
