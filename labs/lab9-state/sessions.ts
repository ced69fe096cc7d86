import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppApi } from '#contracts/framework';
import type { CookieSessionOptions, Database, ServerSessionOptions } from '#contracts/state';
import type { RequestApi, ResponseApi } from '#contracts/toolkit';
import { openSession, sessionOf } from './request-session.ts';

/** Flask's default lifetime of a session: 31 days, in seconds. */
export const DEFAULT_MAX_AGE = 31 * 24 * 60 * 60;
/** How far in the future a timestamp may be (clocks of several servers differ a little), in seconds. */
export const CLOCK_SKEW = 60;
/** The most a browser keeps of one cookie, name and value together (RFC 6265 §6.1 asks for at least this). */
export const COOKIE_LIMIT = 4096;

/** Thrown when a session would not fit in its cookie: the browser would drop it without a word. */
export class SessionTooLarge extends Error {}

/** `value.timestamp.signature`: the timestamp in whole seconds, the signature over both. */
export function sign(value: string, key: string, now: number = Date.now()): string {
  throw new Error('TODO(lab9): sign is not written yet: read lessons/09-state.md, Sessions (#signing-a-value)');
}

/**
 * The value of a string made by sign, if one of `keys` signed it, at most maxAgeSeconds ago and
 * not from the future; null for anything else, malformed input included.
 */
export function unsign(signed: string, keys: string[], maxAgeSeconds: number, now: number = Date.now()): string | null {
  throw new Error('TODO(lab9): unsign is not written yet: read lessons/09-state.md, Sessions (#signing-a-value)');
}

/** Sessions kept in the cookie itself: JSON, base64url, signed. Nothing is stored on the server. */
export function cookieSessions(app: AppApi, options: CookieSessionOptions): void {
  // TODO(lab9): a before-request hook gives each request its session with openSession(request, values);
  // an after-request hook saves sessionOf(request) when it is modified or rotated.
  throw new Error('TODO(lab9): cookieSessions is not written yet: read lessons/09-state.md, Sessions (#sessions-in-a-signed-cookie)');
}

/**
 * Sessions kept in the database, table `sessions`: the cookie holds only a random id. Creates
 * the table if it is missing.
 */
export async function serverSessions(app: AppApi, options: ServerSessionOptions): Promise<void> {
  // TODO(lab9): the same two hooks as cookieSessions (openSession, sessionOf), with the values in the table.
  throw new Error('TODO(lab9): serverSessions is not written yet: read lessons/09-state.md, Sessions (#sessions-on-the-server)');
}
