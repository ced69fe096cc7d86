// GIVEN: one request's session, and where the session of each request is kept. cookieSessions and
// serverSessions (yours) give every request one with openSession in a before-request hook, and
// save it in an after-request hook (lessons/09-state.md#sessions); views reach it with session().
import type { SessionApi } from '#contracts/state';
import type { RequestApi } from '#contracts/toolkit';

/**
 * One request's session (SessionApi): values by key; `modified` once anything was set, deleted or
 * cleared; `rotated` once rotate() asked for a new identity; `size` and toJSON() for saving it.
 */
export class Session implements SessionApi {
  readonly #values: Map<string, unknown>;
  #modified = false;
  rotated = false;

  constructor(values: Record<string, unknown> = {}) {
    this.#values = new Map(Object.entries(values));
  }

  get(key: string): unknown {
    return this.#values.get(key);
  }

  set(key: string, value: unknown): void {
    this.#values.set(key, value);
    this.#modified = true;
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  delete(key: string): void {
    this.#modified = this.#values.delete(key) || this.#modified;
  }

  clear(): void {
    this.#modified = this.#modified || this.#values.size > 0;
    this.#values.clear();
  }

  get modified(): boolean {
    return this.#modified;
  }

  rotate(): void {
    this.rotated = true;
  }

  get size(): number {
    return this.#values.size;
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.#values);
  }
}

/** Each request's session, put here by openSession. */
const sessions = new WeakMap<RequestApi, Session>();

/** Gives this request a session holding `values` (a copy of them), and returns it. */
export function openSession(request: RequestApi, values: Record<string, unknown> = {}): Session {
  const opened = new Session(values);
  sessions.set(request, opened);
  return opened;
}

/** This request's session, or undefined when no openSession ran for it (for after-request hooks). */
export function sessionOf(request: RequestApi): Session | undefined {
  return sessions.get(request);
}

/** The session of this request. cookieSessions or serverSessions must be set up on its app. */
export function session(request: RequestApi): SessionApi {
  const found = sessions.get(request);
  if (!found) throw new Error('session(request): no session here. Call cookieSessions(app, ...) or serverSessions(app, ...) before registering anything that uses it.');
  return found;
}
