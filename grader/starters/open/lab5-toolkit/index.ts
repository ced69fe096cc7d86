// Lab 5's public surface, at the open level: every export the grader and lab 7 use, with its final
// signature. Each body throws until you write it; design the inside as you like, in this file or
// in files of your own. Keep these names and signatures. The lesson is the whole specification.
import type {
  CookieOptions,
  FormData,
  HeadersApi,
  MultiDictApi,
  RequestApi,
  RequestOptions,
  ResponseApi,
  ResponseBody,
} from '#contracts/toolkit';
import type { Environ, TsgiApp } from '#contracts/tsgi';

export { escapeHtml } from './html.ts';

/** Header fields as a case-insensitive multi-map that keeps order and repeats, and refuses injection.
 * Lesson: "Headers: a case-insensitive multi-map" (rules H1-H7). */
export class Headers implements HeadersApi {
  constructor(fields: Iterable<[string, string]> = []) {
    throw new Error('TODO(lab5): the Headers constructor is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  get(name: string): string | undefined {
    throw new Error('TODO(lab5): Headers.get is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  getAll(name: string): string[] {
    throw new Error('TODO(lab5): Headers.getAll is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  has(name: string): boolean {
    throw new Error('TODO(lab5): Headers.has is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  set(name: string, value: string): void {
    throw new Error('TODO(lab5): Headers.set is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  add(name: string, value: string): void {
    throw new Error('TODO(lab5): Headers.add is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  delete(name: string): void {
    throw new Error('TODO(lab5): Headers.delete is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  entries(): Array<[string, string]> {
    throw new Error('TODO(lab5): Headers.entries is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    throw new Error('TODO(lab5): Headers[Symbol.iterator] is not written yet (lessons/05-toolkit.md#headers-a-case-insensitive-multi-map)');
  }
}

/** Keys with one or more values, in order: query arguments, form fields and files.
 * Lesson: "Query strings" (rules Q1-Q8). */
export class MultiDict<V = string> implements MultiDictApi<V> {
  constructor(pairs: Iterable<[string, V]> = []) {
    throw new Error('TODO(lab5): the MultiDict constructor is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  get(key: string): V | undefined {
    throw new Error('TODO(lab5): MultiDict.get is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  getAll(key: string): V[] {
    throw new Error('TODO(lab5): MultiDict.getAll is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  has(key: string): boolean {
    throw new Error('TODO(lab5): MultiDict.has is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  keys(): string[] {
    throw new Error('TODO(lab5): MultiDict.keys is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  entries(): Array<[string, V]> {
    throw new Error('TODO(lab5): MultiDict.entries is not written yet (lessons/05-toolkit.md#query-strings)');
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    throw new Error('TODO(lab5): MultiDict[Symbol.iterator] is not written yet (lessons/05-toolkit.md#query-strings)');
  }
}

/** A query string (or url-encoded form) as a MultiDict of decoded pairs, in order.
 * Lesson: "Query strings" (rules Q1-Q8). */
export function parseQuery(query: string): MultiDict<string> {
  throw new Error('TODO(lab5): parseQuery is not written yet (lessons/05-toolkit.md#query-strings)');
}

/** A Cookie header as name -> value (the first of two same-named cookies wins).
 * Lesson: "Cookies" (rules C1-C12). */
export function parseCookies(header: string | undefined): Record<string, string> {
  throw new Error('TODO(lab5): parseCookies is not written yet (lessons/05-toolkit.md#cookies)');
}

/** A Set-Cookie value for a cookie and its attributes, refusing what could break out of it.
 * Lesson: "Cookies" (rules C1-C12). */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  throw new Error('TODO(lab5): serializeCookie is not written yet (lessons/05-toolkit.md#cookies)');
}

/** Of the offered media types, the one an Accept header prefers, or null.
 * Lesson: "Content negotiation" (rules N1-N8). */
export function bestMatch(header: string | undefined, offered: string[]): string | null {
  throw new Error('TODO(lab5): bestMatch is not written yet (lessons/05-toolkit.md#content-negotiation)');
}

/** The request as a view reads it, computed from a TSGI environ when asked.
 * Lesson: "The request object" and the sections after it (rules R, U, C, N, B, F, M). */
export class Request implements RequestApi {
  readonly environ: Environ;

  constructor(environ: Environ, options: RequestOptions = {}) {
    throw new Error('TODO(lab5): the Request constructor is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get method(): string {
    throw new Error('TODO(lab5): Request.method is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get path(): string {
    throw new Error('TODO(lab5): Request.path is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get scriptRoot(): string {
    throw new Error('TODO(lab5): Request.scriptRoot is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get headers(): Headers {
    throw new Error('TODO(lab5): Request.headers is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get scheme(): string {
    throw new Error('TODO(lab5): Request.scheme is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get host(): string {
    throw new Error('TODO(lab5): Request.host is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get url(): string {
    throw new Error('TODO(lab5): Request.url is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get remoteAddr(): string {
    throw new Error('TODO(lab5): Request.remoteAddr is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get args(): MultiDict<string> {
    throw new Error('TODO(lab5): Request.args is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get cookies(): Record<string, string> {
    throw new Error('TODO(lab5): Request.cookies is not written yet (lessons/05-toolkit.md#cookies)');
  }

  accepts(offered: string[]): string | null {
    throw new Error('TODO(lab5): Request.accepts is not written yet (lessons/05-toolkit.md#content-negotiation)');
  }

  bytes(): Promise<Uint8Array> {
    throw new Error('TODO(lab5): Request.bytes is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async text(): Promise<string> {
    throw new Error('TODO(lab5): Request.text is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async json(): Promise<unknown> {
    throw new Error('TODO(lab5): Request.json is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async form(): Promise<FormData> {
    throw new Error('TODO(lab5): Request.form is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
  }
}

/** The options of a Response: status, headers (pairs or a record) and Content-Type.
 * Lesson: "Building a response". */
export interface ResponseInit {
  status?: number;
  headers?: Iterable<[string, string]> | Record<string, string>;
  /** The Content-Type; defaults to HTML for text bodies. */
  contentType?: string;
}

/** What a view returns: status, headers and body; also a TSGI app (`response.app`).
 * Lesson: "Building a response" (rules W1-W10, C13, C14). */
export class Response implements ResponseApi {
  status: number;
  readonly headers: Headers;
  body: ResponseBody;

  constructor(body: ResponseBody = '', init: ResponseInit = {}) {
    throw new Error('TODO(lab5): the Response constructor is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  /** A JSON response. */
  static json(data: unknown, init: ResponseInit = {}): Response {
    throw new Error('TODO(lab5): Response.json is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  /** A redirect to `location` (302 unless told otherwise). */
  static redirect(location: string, status = 302): Response {
    throw new Error('TODO(lab5): Response.redirect is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    throw new Error('TODO(lab5): Response.setCookie is not written yet (lessons/05-toolkit.md#cookies)');
  }

  deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    throw new Error('TODO(lab5): Response.deleteCookie is not written yet (lessons/05-toolkit.md#cookies)');
  }

  get app(): TsgiApp {
    throw new Error('TODO(lab5): Response.app is not written yet (lessons/05-toolkit.md#building-a-response)');
  }
}

/** An HTTP error that renders itself as a page (Werkzeug's HTTPException): status, description, page.
 * Lesson: "HTTP errors that render themselves" (rules E1-E7). */
export class HttpException extends Error {
  readonly status: number;
  readonly description: string;

  constructor(status: number, description: string) {
    super();
    throw new Error('TODO(lab5): the HttpException constructor is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }

  /** A small HTML page showing the status and the (escaped) description. */
  toResponse(): Response {
    throw new Error('TODO(lab5): HttpException.toResponse is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }

  /** The page as a TSGI app. */
  get app(): TsgiApp {
    throw new Error('TODO(lab5): HttpException.app is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }
}

// The errors a view throws most. Their default descriptions are given (the lesson's table of
// errors); each constructor hands its status to HttpException's.

/** 400: the request is malformed. */
export class BadRequest extends HttpException {
  constructor(description = 'The browser (or proxy) sent a request that this server could not understand.') {
    super(400, description);
  }
}

/** 401: the client must sign in. */
export class Unauthorized extends HttpException {
  constructor(description = 'You need to sign in to see this page.') {
    super(401, description);
  }
}

/** 403: signed in or not, the client may not see this. */
export class Forbidden extends HttpException {
  constructor(description = "You don't have the permission to access the requested resource.") {
    super(403, description);
  }
}

/** 404: nothing here. */
export class NotFound extends HttpException {
  constructor(description = 'The requested URL was not found on the server.') {
    super(404, description);
  }
}

/** 405: the path exists, not with this method; its page carries an Allow header (rule E5 and around). */
export class MethodNotAllowed extends HttpException {
  readonly allowed: string[];

  constructor(allowed: string[], description = 'The method is not allowed for the requested URL.') {
    super(405, description);
    this.allowed = allowed;
  }

  override toResponse(): Response {
    throw new Error('TODO(lab5): MethodNotAllowed.toResponse is not written yet (lessons/05-toolkit.md#http-errors-that-render-themselves)');
  }
}

/** 413: the body is larger than the server accepts. */
export class PayloadTooLarge extends HttpException {
  constructor(description = 'The data sent is larger than this server accepts.') {
    super(413, description);
  }
}

/** 415: the body's media type is not one the server reads. */
export class UnsupportedMediaType extends HttpException {
  constructor(description = 'The server does not support the media type of the request body.') {
    super(415, description);
  }
}

/** 500: the server failed. */
export class InternalServerError extends HttpException {
  constructor(description = 'The server met an error and could not complete the request.') {
    super(500, description);
  }
}
