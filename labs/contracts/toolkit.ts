// The toolkit contract: request and response objects over TSGI (Werkzeug's job under Flask).
// Lab 5 implements it; lab 7's framework hands these objects to views. Read it; don't edit it.
import type { Environ, TsgiApp } from './tsgi.ts';

/** A case-insensitive multi-map of header fields that keeps their order and repeats. */
export interface HeadersApi extends Iterable<[string, string]> {
  /** The first value of a field, or undefined. */
  get(name: string): string | undefined;
  /** Every value of a field, in order. */
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Replaces every value of a field with one. A TypeError for a name that is not a token, or CR, LF or NUL in the value (header injection). */
  set(name: string, value: string): void;
  /** Adds a value, keeping the others. The same TypeError as set() for a bad name or value. */
  add(name: string, value: string): void;
  delete(name: string): void;
  /** Every field as `[name, value]`, in order, names as they were given: a copy. */
  entries(): Array<[string, string]>;
}

/** Keys with one or more string values each, in order: query arguments and form fields. */
export interface MultiDictApi<V = string> extends Iterable<[string, V]> {
  /** The first value for a key, or undefined. */
  get(key: string): V | undefined;
  getAll(key: string): V[];
  has(key: string): boolean;
  /** Distinct keys, in the order they first appeared. */
  keys(): string[];
  /** Every pair, repeats included, in order. */
  entries(): Array<[string, V]>;
}

/** One uploaded file of a multipart/form-data body. */
export interface FileUpload {
  /** The form field's name. */
  name: string;
  /** The file's name as the browser sent it (untrusted: never use it as a path). */
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** What a form body holds: text fields and files. */
export interface FormData {
  fields: MultiDictApi<string>;
  files: MultiDictApi<FileUpload>;
}

export interface RequestOptions {
  /** How many proxies in front of us to trust for X-Forwarded-*; 0 (default) trusts none. */
  trustedProxies?: number;
  /** Largest body the readers accept, in bytes (default 1 MiB); larger: 413. */
  maxBodyBytes?: number;
  /** Most parts a multipart body may have (default 100); more: 413. */
  maxParts?: number;
}

/** The request, as a view reads it. */
export interface RequestApi {
  readonly environ: Environ;
  /** `GET`, `POST`, ... */
  readonly method: string;
  /** The path within the application (PATH_INFO decoded as UTF-8), '/' at least. */
  readonly path: string;
  /** Where the application is mounted (SCRIPT_NAME as UTF-8). */
  readonly scriptRoot: string;
  /** `http` or `https`. */
  readonly scheme: string;
  /** Host and port as the client addressed us (`example.com:8080`; no default port). */
  readonly host: string;
  /** The full URL: scheme, host, script root, path and query string. */
  readonly url: string;
  /** The client's address (the proxy's, unless proxies are trusted). */
  readonly remoteAddr: string;
  readonly headers: HeadersApi;
  /** The query string's arguments, decoded. */
  readonly args: MultiDictApi<string>;
  /** The request's cookies, name to value. */
  readonly cookies: Record<string, string>;
  /** Of `offered` media types, the one the client's Accept header prefers, or null if none. */
  accepts(offered: string[]): string | null;
  /** The raw body, at most maxBodyBytes (413 past that, before reading past it). Read once; later and concurrent calls share that read. */
  bytes(): Promise<Uint8Array>;
  /** The body decoded as text (UTF-8 unless the Content-Type names another charset). */
  text(): Promise<string>;
  /** The body parsed as JSON; a BadRequest (400) if it is not JSON. */
  json(): Promise<unknown>;
  /** An url-encoded or multipart form; a 415 for any other Content-Type, before the body is read. */
  form(): Promise<FormData>;
}

export interface CookieOptions {
  /** Seconds until it expires; 0 or less deletes it. */
  maxAge?: number;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

export type ResponseBody = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** The response a view builds. */
export interface ResponseApi {
  status: number;
  readonly headers: HeadersApi;
  /** Strings are encoded as UTF-8 when the response is sent. */
  body: ResponseBody;
  /** `Name=value; Max-Age=...; Path=/; HttpOnly; ...` as a Set-Cookie header. */
  setCookie(name: string, value: string, options?: CookieOptions): void;
  /** A Set-Cookie that makes the browser drop the cookie (same path and domain as when set). */
  deleteCookie(name: string, options?: Pick<CookieOptions, 'path' | 'domain'>): void;
  /** The response as a TSGI application: a Response is itself an app, as in Werkzeug. */
  readonly app: TsgiApp;
}
