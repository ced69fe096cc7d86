// The state-and-security contract: what Flask's extensions add to an app (Flask-SQLAlchemy's
// database, Flask's session, Flask-Login, Flask-WTF's CSRF token, HTTPS). Lab 9 implements it on
// top of lab 7's App. Read it; don't edit it.
import type { DataSource } from './framework.ts';
import type { BoundAddress } from './server.ts';
import type { RequestApi } from './toolkit.ts';

// ---------------------------------------------------------------------------------------------
// SQL (milestones "SQL" and "a model's output")

/** What runs one SQL statement with `$1`-style parameters. PGlite and its transactions have it. */
export interface Queryable {
  query<R = Record<string, any>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs several statements at once, with no parameters: a migration's script. */
  exec(sql: string): Promise<unknown>;
}

/**
 * A SQL database: PGlite in this process (the course's), or a PostgreSQL server behind a small
 * adapter over `pg` (lesson 9 shows one). Both speak PostgreSQL's SQL.
 */
export interface Database extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** One step of the schema, applied once, in order, and remembered by its id. */
export interface Migration {
  id: string;
  sql: string;
}

export interface SqlSourceOptions<T> {
  /**
   * The table's name: a plain lower-case identifier (`books`). Its `id` column is an integer the
   * database makes (`bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`); records carry it as text.
   */
  table: string;
  /** The record's fields besides id, each a column of the same name (plain lower-case identifiers). */
  columns: Array<Exclude<keyof T, 'id'> & string>;
}

/** One page of records, and where it stands among the others. */
export interface Page<T> {
  items: T[];
  /** This page's number, from 1. */
  page: number;
  perPage: number;
  /** Records in all pages. */
  total: number;
  /** Pages in all (at least 1, even with no records). */
  pages: number;
}

/** Lab 7's DataSource on a SQL table, plus what a database does better than a file. */
export interface SqlSourceApi<T extends { id: string }> extends DataSource<T> {
  /** Page `page` (from 1) of `perPage` records, in id order; both whole numbers from 1, else RangeError. */
  page(page: number, perPage: number): Promise<Page<T>>;
  /** Stores every record or none: one transaction. */
  addMany(records: Array<Omit<T, 'id'>>): Promise<T[]>;
}

/** One row of the model's output: `related` is a book readers of `book` also liked. */
export interface Recommendation {
  id: string;
  /** The book's id. */
  book: string;
  /** The id of a book like it. */
  related: string;
  /** How alike the two are, from 0 to 1. */
  score: number;
}

/** The batch job's output, served read-only: a DataSource whose `add` rejects. */
export interface ModelSourceApi extends DataSource<Recommendation> {
  /** At most `limit` books like `bookId`, highest score first; [] for a book the job has not seen. */
  similarTo(bookId: string, limit: number): Promise<Recommendation[]>;
}

// ---------------------------------------------------------------------------------------------
// Sessions (milestone "sessions")

/** What a request's session holds: plain JSON values by key. */
export interface SessionApi {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
  /** Removes every key. */
  clear(): void;
  /** True once anything was set, deleted or cleared during this request. */
  readonly modified: boolean;
  /**
   * Gives the session a new identity, keeping its values: a new id for a server-side session, a
   * new cookie for a signed one. Logging in calls it (session fixation).
   */
  rotate(): void;
}

export interface CookieSessionOptions {
  /** Signing keys, newest first: the first signs, every one is accepted (rotation). */
  secretKeys: string[];
  /** Seconds a cookie stays valid after it was signed; default 31 days, as Flask. */
  maxAge?: number;
  /** The cookie's name; default 'session'. */
  cookieName?: string;
  /** A clock in ms since the epoch, for tests; default Date.now. */
  now?: () => number;
}

export interface ServerSessionOptions {
  db: Database;
  /** Seconds a session lives after it was last saved (and its cookie's Max-Age); default 31 days. */
  maxAge?: number;
  /** The cookie's name; default 'session'. */
  cookieName?: string;
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------
// Accounts and login (milestone "login")

export interface User {
  id: string;
  username: string;
}

export interface LoginOptions {
  /** Where loginRequired sends a visitor who is not logged in; default '/login'. */
  loginPath?: string;
  /** Failed logins allowed per username and per client address within windowMs; default 5. */
  maxFailures?: number;
  /** The window of the rate limit, in ms; default 15 minutes. */
  windowMs?: number;
  now?: () => number;
  /**
   * Renders the login page: the form (with `next` and the CSRF field) and, after a failed try, the
   * message above it. By default the page the lab gives (`loginPage`); an app passes its own to
   * show the form in its layout.
   */
  page?: (request: RequestApi, form: { next: string; message: string }) => string | Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// HTTPS (milestone "https")

export interface HttpsOptions {
  /** The server's private key and certificate, PEM: lab 2's `tls` option (TlsCredentials). */
  key: string | Buffer;
  cert: string | Buffer;
  host?: string;
  /** Port for HTTPS; 0 (default) picks a free one. */
  port?: number;
  /** Port for the plain-HTTP listener that redirects to HTTPS; 0 picks one; null: none. */
  httpPort?: number | null;
  /** Strict-Transport-Security max-age in seconds; default one year. */
  hstsMaxAge?: number;
}

export interface HttpsServers {
  https: BoundAddress;
  /** The redirecting listener, or null when httpPort was null. */
  http: BoundAddress | null;
  /** Closes both. */
  close(): Promise<void>;
}
