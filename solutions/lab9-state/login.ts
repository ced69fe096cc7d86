import type { AppApi, View } from '#contracts/framework';
import type { Database, LoginOptions, User } from '#contracts/state';
import type { RequestApi } from '#contracts/toolkit';
import { Response } from '#toolkit';
import { loginPage } from './login-page.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { session } from './request-session.ts';

/** The session key that holds the logged-in user's id. */
export const USER_KEY = 'user_id';

/** Thrown by UserStore.create for a username that is taken. */
export class UsernameTaken extends Error {}

/** Accounts in the table `users` (id, username, password_hash): a hash, never the password. */
export class UserStore {
  readonly #db: Database;
  // A hash of nothing anyone types, made on first use: an unknown user then costs one scrypt too.
  #dummy: Promise<string> | null = null;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Creates the table if it is missing. */
  async init(): Promise<void> {
    await this.#db.exec(`CREATE TABLE IF NOT EXISTS users (
      id serial PRIMARY KEY,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL
    )`);
  }

  async create(username: string, password: string): Promise<User> {
    const hash = await hashPassword(password);
    const { rows } = await this.#db.query<{ id: number }>(
      'INSERT INTO users (username, password_hash) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING RETURNING id',
      [username, hash],
    );
    if (!rows[0]) throw new UsernameTaken(`the username ${JSON.stringify(username)} is taken`);
    return { id: String(rows[0].id), username };
  }

  async get(id: string): Promise<User | null> {
    if (!/^\d{1,9}$/.test(id)) return null;
    const { rows } = await this.#db.query<{ id: number; username: string }>('SELECT id, username FROM users WHERE id = $1', [Number(id)]);
    return rows[0] ? { id: String(rows[0].id), username: rows[0].username } : null;
  }

  /** The user when the password is theirs; null for a wrong password and for an unknown user alike. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const { rows } = await this.#db.query<{ id: number; password_hash: string }>('SELECT id, password_hash FROM users WHERE username = $1', [username]);
    const row = rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? (await (this.#dummy ??= hashPassword(String(Math.random())))));
    return row && ok ? { id: String(row.id), username } : null;
  }
}

/**
 * `value` if it is a path on this site, else '/'. It must start with one '/' followed by anything
 * but '/' or '\', and hold no backslash or control character: browsers read `//evil`, `/\evil`
 * and `/<tab>/evil` as another host.
 */
export function safeNext(value: string | undefined | null): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  if (value.startsWith('//') || /[\\\x00-\x1f\x7f]/.test(value)) return '/';
  return value;
}

/** Failed attempts by key, as timestamps, forgotten after the window. */
class FailureLog {
  readonly #times = new Map<string, number[]>();
  readonly windowMs: number;

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  recent(key: string, now: number): number[] {
    const kept = (this.#times.get(key) ?? []).filter((t) => t > now - this.windowMs);
    // Forget keys with nothing recent, or every name an attacker ever tried stays in memory.
    if (kept.length === 0) this.#times.delete(key);
    else this.#times.set(key, kept);
    return kept;
  }

  add(key: string, now: number): void {
    this.#times.set(key, [...this.recent(key, now), now]);
  }

  reset(key: string): void {
    this.#times.delete(key);
  }
}

/** What useLogin set up, by request: currentUser and loginRequired find it here. */
const setups = new WeakMap<RequestApi, { users: UserStore; loginPath: string }>();

/** The logged-in user of this request, or null. useLogin must be set up on the app. */
export async function currentUser(request: RequestApi): Promise<User | null> {
  const setup = setups.get(request);
  if (!setup) throw new Error('currentUser(request): call useLogin(app, { users }) first');
  const id = session(request).get(USER_KEY);
  return typeof id === 'string' ? setup.users.get(id) : null;
}

/** Wraps a view: a visitor who is not logged in goes to the login page, with where they were going. */
export function loginRequired(view: View): View {
  const guarded: View = async (request, params) => {
    if (await currentUser(request)) return view(request, params);
    const loginPath = setups.get(request)!.loginPath;
    const query = request.environ.QUERY_STRING;
    const next = request.path + (query ? `?${query}` : '');
    return Response.redirect(`${loginPath}?next=${encodeURIComponent(next)}`, 302);
  };
  // The route's endpoint is the view's name (lab 7): the guarded view keeps the one it wraps.
  return Object.defineProperty(guarded, 'name', { value: view.name });
}

/** GET and POST /login, POST /logout, on an app that has sessions (and CSRF, for the form's token). */
export function useLogin(app: AppApi, options: LoginOptions & { users: UserStore }): void {
  const { users, loginPath = '/login', maxFailures = 5, windowMs = 15 * 60_000, now = Date.now } = options;
  const page = options.page ?? ((request, form) => loginPage(request, form.next, form.message));
  const byUser = new FailureLog(windowMs);
  const byAddress = new FailureLog(windowMs);

  app.beforeRequest((request) => void setups.set(request, { users, loginPath }));

  app.get(loginPath, function loginForm(request) {
    return page(request, { next: request.args.get('next') ?? '', message: '' });
  });

  app.post(loginPath, async function login(request) {
    const fields = (await request.form()).fields;
    const username = fields.get('username') ?? '';
    const password = fields.get('password') ?? '';
    const next = fields.get('next') ?? '';
    const userKey = `user:${username}`;
    const addressKey = `address:${request.remoteAddr}`;
    const time = now();
    // Too many failures for this name or from this address: no check at all, even of the right password.
    const blocking = [byUser.recent(userKey, time), byAddress.recent(addressKey, time)].filter((times) => times.length >= maxFailures);
    if (blocking.length > 0) {
      const freeAt = Math.max(...blocking.map((times) => times[times.length - maxFailures]! + windowMs));
      const retryAfter = Math.max(1, Math.ceil((freeAt - time) / 1000));
      return ['Too many failed logins. Try again later.', 429, { 'Retry-After': String(retryAfter) }];
    }
    const user = await users.authenticate(username, password);
    if (!user) {
      byUser.add(userKey, time);
      byAddress.add(addressKey, time);
      // One answer for a wrong password and an unknown name: nobody learns which names exist.
      return [await page(request, { next, message: 'Wrong username or password.' }), 401];
    }
    byUser.reset(userKey);
    const current = session(request);
    current.rotate(); // a new session id at login: one planted before it is worth nothing
    current.set(USER_KEY, user.id);
    return Response.redirect(safeNext(next), 303);
  });

  app.post('/logout', function logout(request) {
    session(request).clear();
    return Response.redirect('/', 303);
  });
}
