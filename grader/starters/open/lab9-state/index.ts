// Lab 9's public surface: state and security on top of lab 7's App. The open level: every export
// the grader uses, with its final signature. Design the inside yourself, in this file or in files
// of your own; keep these exports and their signatures.
import type { AppApi, View } from '#contracts/framework';
import type {
  CookieSessionOptions,
  Database,
  HttpsOptions,
  HttpsServers,
  LoginOptions,
  Migration,
  ModelSourceApi,
  Page,
  Recommendation,
  ServerSessionOptions,
  SqlSourceApi,
  SqlSourceOptions,
  User,
} from '#contracts/state';
import type { RequestApi } from '#contracts/toolkit';
import type { TsgiApp } from '#contracts/tsgi';

// Given whole: the model (model.ts), the batch job (train.ts), one request's session and session()
// (request-session.ts), scrypt as a promise (derive.ts), the login page (login-page.ts), the demo.
export { documentOf, recommend, recommendationsMigration, words, type Document } from './model.ts';
export { train } from './train.ts';
export { session } from './request-session.ts';
export { createDemo, devCertificate } from './demo/app.ts';

// ---------------------------------------------------------------------------------------------
// SQL on PGlite (milestone 1)

/**
 * Applies the migrations a database has not had yet, once each, in order, and resolves with the ids
 * this call applied. Lesson 9, "Migrations" (rules M1–M3).
 */
export async function migrate(db: Database, migrations: Migration[]): Promise<string[]> {
  throw new Error('TODO(lab9): migrate is not written yet: read lessons/09-state.md, Migrations (#migrations)');
}

/**
 * Lab 7's DataSource over one table of a SQL database, with pages and addMany. Lesson 9, "SQL on a
 * real database" (rules Q1–Q9).
 */
export class SqlSource<T extends { id: string }> implements SqlSourceApi<T> {
  constructor(db: Database, options: SqlSourceOptions<T>) {
    throw new Error('TODO(lab9): the SqlSource constructor is not written yet: read lessons/09-state.md, Names are not values (#names-are-not-values)');
  }

  /** Every record, in id order. */
  async all(): Promise<T[]> {
    throw new Error('TODO(lab9): SqlSource.all is not written yet: read lessons/09-state.md, Records, ids, add and addMany (#records-ids-add-and-addmany)');
  }

  /** The record with this id, or undefined. */
  async get(id: string): Promise<T | undefined> {
    throw new Error('TODO(lab9): SqlSource.get is not written yet: read lessons/09-state.md, Records, ids, add and addMany (#records-ids-add-and-addmany)');
  }

  /** Records whose listed fields contain text, ignoring case. */
  async search(text: string, fields: Array<keyof T & string>): Promise<T[]> {
    throw new Error('TODO(lab9): SqlSource.search is not written yet: read lessons/09-state.md, Searching: ILIKE, and wildcards that are text (#searching-ilike-and-wildcards-that-are-text)');
  }

  /** Stores a record; resolves with it and the id the database chose. */
  async add(record: Omit<T, 'id'>): Promise<T> {
    throw new Error('TODO(lab9): SqlSource.add is not written yet: read lessons/09-state.md, Records, ids, add and addMany (#records-ids-add-and-addmany)');
  }

  /** One page of records, with where it stands among the others. */
  async page(page: number, perPage: number): Promise<Page<T>> {
    throw new Error('TODO(lab9): SqlSource.page is not written yet: read lessons/09-state.md, Pages (#pages)');
  }

  /** Stores every record or none. */
  async addMany(records: Array<Omit<T, 'id'>>): Promise<T[]> {
    throw new Error('TODO(lab9): SqlSource.addMany is not written yet: read lessons/09-state.md, Records, ids, add and addMany (#records-ids-add-and-addmany)');
  }
}

// ---------------------------------------------------------------------------------------------
// A model's output as data (milestone 2)

/**
 * The batch job's write: the recommendations table's rows become exactly `rows`. Lesson 9,
 * "Writing the whole list at once" (rules R1–R2).
 */
export async function writeRecommendations(db: Database, rows: Array<Omit<Recommendation, 'id'>>): Promise<void> {
  throw new Error('TODO(lab9): writeRecommendations is not written yet: read lessons/09-state.md, A model\'s output as data (#writing-the-whole-list-at-once)');
}

/** The model's output served read-only to the app. Lesson 9, "ModelSource: read-only" (rules R3–R4). */
export class ModelSource implements ModelSourceApi {
  constructor(db: Database) {
    throw new Error('TODO(lab9): the ModelSource constructor is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }

  all(): Promise<Recommendation[]> {
    throw new Error('TODO(lab9): ModelSource.all is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }

  get(id: string): Promise<Recommendation | undefined> {
    throw new Error('TODO(lab9): ModelSource.get is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }

  search(text: string, fields: Array<keyof Recommendation & string>): Promise<Recommendation[]> {
    throw new Error('TODO(lab9): ModelSource.search is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }

  /** Only the batch job writes this table. */
  async add(): Promise<Recommendation> {
    throw new Error('TODO(lab9): ModelSource.add is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }

  /** At most limit books like bookId, highest score first. */
  async similarTo(bookId: string, limit: number): Promise<Recommendation[]> {
    throw new Error('TODO(lab9): ModelSource.similarTo is not written yet: read lessons/09-state.md, A model\'s output as data (#modelsource-read-only)');
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions (milestone 3)

/** Thrown when a session would not fit in its cookie. Lesson 9, "Sessions in a signed cookie" (rule S10). */
export class SessionTooLarge extends Error {}

/** `value` with a timestamp and a signature. Lesson 9, "Signing a value" (rules S1–S5). */
export function sign(value: string, key: string, now: number = Date.now()): string {
  throw new Error('TODO(lab9): sign is not written yet: read lessons/09-state.md, Sessions (#signing-a-value)');
}

/**
 * The value of a string made by sign, if one of `keys` signed it recently enough; null for anything
 * else. Lesson 9, "Signing a value" (rules S1–S5).
 */
export function unsign(signed: string, keys: string[], maxAgeSeconds: number, now: number = Date.now()): string | null {
  throw new Error('TODO(lab9): unsign is not written yet: read lessons/09-state.md, Sessions (#signing-a-value)');
}

/** Sessions kept in a signed cookie. Lesson 9, "Sessions in a signed cookie" (rules S6–S10). */
export function cookieSessions(app: AppApi, options: CookieSessionOptions): void {
  throw new Error('TODO(lab9): cookieSessions is not written yet: read lessons/09-state.md, Sessions (#sessions-in-a-signed-cookie)');
}

/** Sessions kept in the database; the cookie holds an id. Lesson 9, "Sessions on the server" (S11–S14). */
export async function serverSessions(app: AppApi, options: ServerSessionOptions): Promise<void> {
  throw new Error('TODO(lab9): serverSessions is not written yet: read lessons/09-state.md, Sessions (#sessions-on-the-server)');
}

// ---------------------------------------------------------------------------------------------
// CSRF (milestone 4; before login, whose form carries the token)

/** This session's CSRF token. Lesson 9, "The token" (rule C1). */
export function csrfToken(request: RequestApi): string {
  throw new Error('TODO(lab9): csrfToken is not written yet: read lessons/09-state.md, CSRF (#the-token)');
}

/** The hidden form field that carries the token. Lesson 9, "The token" (rule C2). */
export function csrfField(request: RequestApi): string {
  throw new Error('TODO(lab9): csrfField is not written yet: read lessons/09-state.md, CSRF (#the-token)');
}

/** Refuses every unsafe request without this session's token. Lesson 9, "Checking every unsafe request" (C3–C6). */
export function useCsrf(app: AppApi): void {
  throw new Error('TODO(lab9): useCsrf is not written yet: read lessons/09-state.md, CSRF (#checking-every-unsafe-request)');
}

// ---------------------------------------------------------------------------------------------
// Passwords and login (milestone 5)

/** A password's stored form: a salted scrypt hash. Lesson 9, "Storing passwords" (rule P1). */
export async function hashPassword(password: string): Promise<string> {
  throw new Error('TODO(lab9): hashPassword is not written yet: read lessons/09-state.md, Passwords and login (#storing-passwords)');
}

/** Whether `password` is the one `stored` was made from. Lesson 9, "Storing passwords" (P2–P4). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  throw new Error('TODO(lab9): verifyPassword is not written yet: read lessons/09-state.md, Passwords and login (#storing-passwords)');
}

/** Thrown by UserStore.create for a username that is taken. Lesson 9, "Accounts". */
export class UsernameTaken extends Error {}

/** Accounts in the table `users`, with password hashes. Lesson 9, "Accounts" (rules L1–L2). */
export class UserStore {
  constructor(db: Database) {
    throw new Error('TODO(lab9): the UserStore constructor is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  /** Creates the table if it is missing. */
  async init(): Promise<void> {
    throw new Error('TODO(lab9): UserStore.init is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  /** A new account; UsernameTaken when the name is taken. */
  async create(username: string, password: string): Promise<User> {
    throw new Error('TODO(lab9): UserStore.create is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  /** The user with this id, or null. */
  async get(id: string): Promise<User | null> {
    throw new Error('TODO(lab9): UserStore.get is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }

  /** The user when the password is theirs, else null. */
  async authenticate(username: string, password: string): Promise<User | null> {
    throw new Error('TODO(lab9): UserStore.authenticate is not written yet: read lessons/09-state.md, Passwords and login (#accounts)');
  }
}

/** `value` if it is a path on this site, else '/'. Lesson 9, "The open redirect" (rule L8). */
export function safeNext(value: string | undefined | null): string {
  throw new Error('TODO(lab9): safeNext is not written yet: read lessons/09-state.md, Passwords and login (#the-open-redirect)');
}

/** The logged-in user of this request, or null. Lesson 9, "Logging in and out". */
export async function currentUser(request: RequestApi): Promise<User | null> {
  throw new Error('TODO(lab9): currentUser is not written yet: read lessons/09-state.md, Passwords and login (#logging-in-and-out)');
}

/** Wraps a view that needs a logged-in user. Lesson 9, "Pages that need a user" (L7, L14). */
export function loginRequired(view: View): View {
  throw new Error('TODO(lab9): loginRequired is not written yet: read lessons/09-state.md, Passwords and login (#pages-that-need-a-user)');
}

/**
 * GET and POST /login and POST /logout, with the rate limit. Lesson 9, "Logging in and out",
 * "Rate limiting" and "One answer for every failure" (rules L3–L6, L9–L13).
 */
export function useLogin(app: AppApi, options: LoginOptions & { users: UserStore }): void {
  throw new Error('TODO(lab9): useLogin is not written yet: read lessons/09-state.md, Passwords and login (#logging-in-and-out)');
}

// ---------------------------------------------------------------------------------------------
// HTTPS (milestone 6)

/** `app` over HTTPS, and a plain listener that redirects to it. Lesson 9, "Serving the app over HTTPS" (H1, H2, H9, H10). */
export async function serveHttps(app: TsgiApp, options: HttpsOptions): Promise<HttpsServers> {
  throw new Error('TODO(lab9): serveHttps is not written yet: read lessons/09-state.md, HTTPS (#serving-the-app-over-https)');
}

/** The plain-HTTP listener's app: a redirect to https. Lesson 9, "Redirecting HTTP to HTTPS" (H3–H6). */
export function redirectToHttps(httpsPort: number): TsgiApp {
  throw new Error('TODO(lab9): redirectToHttps is not written yet: read lessons/09-state.md, HTTPS (#redirecting-http-to-https)');
}

/** Adds HSTS to every response over HTTPS. Lesson 9, HSTS (rules H7–H8). */
export function hsts(app: TsgiApp, maxAgeSeconds: number = 365 * 24 * 60 * 60): TsgiApp {
  throw new Error('TODO(lab9): hsts is not written yet: read lessons/09-state.md, HTTPS (#hsts-telling-the-browser-to-stay-on-https)');
}
