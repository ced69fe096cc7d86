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
  throw new Error('TODO(lab9): csrfToken is not written yet: read lessons/09-state.md, CSRF (#the-token)');
}

/** The hidden input every form of ours carries: `<input type="hidden" name="csrf_token" value="...">`. */
export function csrfField(request: RequestApi): string {
  throw new Error('TODO(lab9): csrfField is not written yet: read lessons/09-state.md, CSRF (#the-token)');
}

/** Refuses (400) every unsafe request whose token is missing or is not this session's. */
export function useCsrf(app: AppApi): void {
  throw new Error('TODO(lab9): useCsrf is not written yet: read lessons/09-state.md, CSRF (#checking-every-unsafe-request)');
}
