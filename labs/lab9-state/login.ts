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
    throw new Error('TODO(lab9): UserStore.init is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  async create(username: string, password: string): Promise<User> {
    throw new Error('TODO(lab9): UserStore.create is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  async get(id: string): Promise<User | null> {
    throw new Error('TODO(lab9): UserStore.get is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  /** The user when the password is theirs; null for a wrong password and for an unknown user alike. */
  async authenticate(username: string, password: string): Promise<User | null> {
    throw new Error('TODO(lab9): UserStore.authenticate is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }
}

/**
 * `value` if it is a path on this site, else '/'. It must start with one '/' followed by anything
 * but '/' or '\', and hold no backslash or control character: browsers read `//evil`, `/\evil`
 * and `/<tab>/evil` as another host.
 */
export function safeNext(value: string | undefined | null): string {
  throw new Error('TODO(lab9): safeNext is not written yet: read lessons/09-state.md, Passwords and login (#the-open-redirect)');
}

/** What useLogin set up, by request: currentUser and loginRequired find it here. Given. */
const setups = new WeakMap<RequestApi, { users: UserStore; loginPath: string }>();

/** The logged-in user of this request, or null. useLogin must be set up on the app. */
export async function currentUser(request: RequestApi): Promise<User | null> {
  throw new Error('TODO(lab9): currentUser is not written yet: read lessons/09-state.md, Passwords and login (#logging-in-and-out)');
}

/** Wraps a view: a visitor who is not logged in goes to the login page, with where they were going. */
export function loginRequired(view: View): View {
  throw new Error('TODO(lab9): loginRequired is not written yet: read lessons/09-state.md, Passwords and login (#logging-in-and-out)');
}

/** GET and POST /login, POST /logout, on an app that has sessions (and CSRF, for the form's token). */
export function useLogin(app: AppApi, options: LoginOptions & { users: UserStore }): void {
  throw new Error('TODO(lab9): useLogin is not written yet: read lessons/09-state.md, Passwords and login (#logging-in-and-out)');
}
