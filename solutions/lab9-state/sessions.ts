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

/** The base64url HMAC-SHA256 of `data` under `key`. */
function mac(data: string, key: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

/** `value.timestamp.signature`: the timestamp in whole seconds, the signature over both. */
export function sign(value: string, key: string, now: number = Date.now()): string {
  const signed = `${value}.${Math.floor(now / 1000)}`;
  return `${signed}.${mac(signed, key)}`;
}

/**
 * The value of a string made by sign, if one of `keys` signed it, at most maxAgeSeconds ago and
 * not from the future; null for anything else, malformed input included.
 */
export function unsign(signed: string, keys: string[], maxAgeSeconds: number, now: number = Date.now()): string | null {
  if (typeof signed !== 'string') return null;
  const lastDot = signed.lastIndexOf('.');
  const middleDot = signed.lastIndexOf('.', lastDot - 1);
  if (middleDot === -1) return null;
  const stamp = signed.slice(middleDot + 1, lastDot);
  const given = signed.slice(lastDot + 1);
  if (!/^\d{1,12}$/.test(stamp) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return null;
  const givenBytes = Buffer.from(given, 'base64url');
  const data = signed.slice(0, lastDot);
  // Every key is tried (rotation), each with a compare whose time does not depend on where the
  // bytes differ: === stops at the first difference, and that time leaks the signature byte by byte.
  const valid = keys.some((key) => timingSafeEqual(Buffer.from(mac(data, key), 'base64url'), givenBytes));
  if (!valid) return null;
  const age = Math.floor(now / 1000) - Number(stamp);
  if (age > maxAgeSeconds || age < -CLOCK_SKEW) return null;
  return signed.slice(0, middleDot);
}

/** A plain object parsed from JSON, or null: a session is always an object of keys. */
function parseObject(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The attributes of every session cookie: out of scripts' reach, not sent by other sites' forms, Secure over HTTPS. */
function cookieOptions(request: RequestApi, maxAge: number) {
  return { maxAge, path: '/', httpOnly: true, sameSite: 'Lax' as const, secure: request.scheme === 'https' };
}

/** Sessions kept in the cookie itself: JSON, base64url, signed. Nothing is stored on the server. */
export function cookieSessions(app: AppApi, options: CookieSessionOptions): void {
  const { secretKeys, maxAge = DEFAULT_MAX_AGE, cookieName = 'session', now = Date.now } = options;
  if (secretKeys.length === 0) throw new Error('cookieSessions needs at least one secret key');
  app.beforeRequest((request) => {
    const cookie = request.cookies[cookieName];
    const payload = cookie === undefined ? null : unsign(cookie, secretKeys, maxAge, now());
    const values = payload === null ? null : parseObject(Buffer.from(payload, 'base64url').toString('utf8'));
    // A cookie we cannot trust is as good as none: an empty session, never an error page.
    openSession(request, values ?? {});
  });
  app.afterRequest((response, request) => {
    const current = sessionOf(request);
    if (!current || !(current.modified || current.rotated)) return;
    if (current.size === 0) return response.deleteCookie(cookieName, { path: '/' });
    const value = sign(Buffer.from(JSON.stringify(current)).toString('base64url'), secretKeys[0]!, now());
    if (cookieName.length + 1 + value.length > COOKIE_LIMIT) {
      throw new SessionTooLarge(`the session needs a ${cookieName.length + 1 + value.length}-byte cookie; browsers keep at most ${COOKIE_LIMIT} bytes`);
    }
    response.setCookie(cookieName, value, cookieOptions(request, maxAge));
  });
}

/** A new session id: 32 random bytes, base64url. Nobody can guess it; only the server hands it out. */
function newId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Sessions kept in the database, table `sessions`: the cookie holds only a random id. Creates
 * the table if it is missing.
 */
export async function serverSessions(app: AppApi, options: ServerSessionOptions): Promise<void> {
  const { db, maxAge = DEFAULT_MAX_AGE, cookieName = 'session', now = Date.now } = options;
  await db.exec(`CREATE TABLE IF NOT EXISTS sessions (
    id text PRIMARY KEY,
    data jsonb NOT NULL,
    expires_at bigint NOT NULL
  )`);
  // The id each request came with, when the database knew it.
  const ids = new WeakMap<RequestApi, string>();

  app.beforeRequest(async (request) => {
    const id = request.cookies[cookieName];
    let values: Record<string, unknown> = {};
    // Only something shaped like our ids is looked up: PostgreSQL's text refuses a NUL byte, say.
    if (id !== undefined && /^[A-Za-z0-9_-]{43}$/.test(id)) {
      const { rows } = await db.query<{ data: Record<string, unknown> }>('SELECT data FROM sessions WHERE id = $1 AND expires_at > $2', [id, now()]);
      if (rows[0]) {
        ids.set(request, id);
        values = rows[0].data;
      }
    }
    openSession(request, values);
  });

  app.afterRequest(async (response: ResponseApi, request) => {
    const current = sessionOf(request);
    if (!current || !(current.modified || current.rotated)) return;
    const oldId = ids.get(request);
    if (current.size === 0) {
      if (oldId !== undefined) await db.query('DELETE FROM sessions WHERE id = $1', [oldId]);
      return response.deleteCookie(cookieName, { path: '/' });
    }
    // An id the database did not know is never adopted (fixation): a new one is made instead.
    let id = oldId;
    if (id === undefined || current.rotated) {
      if (id !== undefined) await db.query('DELETE FROM sessions WHERE id = $1', [id]);
      id = newId();
    }
    await db.query(
      `INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
      [id, JSON.stringify(current), now() + maxAge * 1000],
    );
    response.setCookie(cookieName, id, cookieOptions(request, maxAge));
  });
}
