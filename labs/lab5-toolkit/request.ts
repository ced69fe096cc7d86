import type { FormData, RequestApi, RequestOptions } from '#contracts/toolkit';
import type { Environ } from '#contracts/tsgi';
import { bestMatch } from './accept.ts';
import { parseCookies } from './cookies.ts';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from './errors.ts';
import { Headers } from './headers.ts';
import { MultiDict } from './multidict.ts';
import { boundaryOf, parseMultipart } from './multipart.ts';
import { parseQuery } from './query.ts';

/** Environ strings are bytes as text (TSGI); most of them are UTF-8 underneath. */
function utf8(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

/**
 * The request as a view reads it, computed from the environ when asked. Werkzeug's Request in
 * miniature: the environ stays the source of truth.
 */
export class Request implements RequestApi {
  readonly environ: Environ;
  readonly #options: Required<RequestOptions>;
  #body: Promise<Uint8Array> | null = null;

  constructor(environ: Environ, options: RequestOptions = {}) {
    this.environ = environ;
    // An option given as undefined counts as not given (rule B6): spreading it would replace the default.
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    this.#options = { trustedProxies: 0, maxBodyBytes: 1024 * 1024, maxParts: 100, ...given };
  }

  get method(): string {
    // TODO(lab5): REQUEST_METHOD.
    throw new Error('TODO(lab5): Request.method is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get path(): string {
    // TODO(lab5): PATH_INFO decoded as UTF-8 (utf8), or '/' if it is empty.
    throw new Error('TODO(lab5): Request.path is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get scriptRoot(): string {
    // TODO(lab5): SCRIPT_NAME decoded as UTF-8.
    throw new Error('TODO(lab5): Request.scriptRoot is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get headers(): Headers {
    // TODO(lab5): a Headers of every string HTTP_* key (HTTP_USER_AGENT -> user-agent), plus
    // CONTENT_TYPE and CONTENT_LENGTH (content-type, content-length).
    throw new Error('TODO(lab5): Request.headers is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  /**
   * The value a trusted proxy added to an X-Forwarded-* header. Each proxy appends to the list,
   * so with N trusted proxies the Nth value from the end is the last one we can believe; values
   * before it may be the client's own inventions.
   */
  #forwarded(name: string): string | undefined {
    // TODO(lab5): no trusted proxies, or no such header (environ key HTTP_<name>): undefined.
    // Otherwise split the value at commas, trim, and take the Nth from the end, if there are N.
    throw new Error('TODO(lab5): Request.#forwarded is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get scheme(): string {
    // TODO(lab5): X_FORWARDED_PROTO from a trusted proxy, else tsgi.url_scheme.
    throw new Error('TODO(lab5): Request.scheme is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get host(): string {
    // TODO(lab5): X_FORWARDED_HOST from a trusted proxy, else the Host header, else SERVER_NAME with
    // `:SERVER_PORT` unless the port is the default for the scheme (80 for http, 443 for https).
    throw new Error('TODO(lab5): Request.host is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get url(): string {
    // TODO(lab5): scheme://host, then scriptRoot + path encoded again (encodeURI, and ? and # too),
    // then `?` and QUERY_STRING if there is one.
    throw new Error('TODO(lab5): Request.url is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get remoteAddr(): string {
    // TODO(lab5): X_FORWARDED_FOR from a trusted proxy, else REMOTE_ADDR, else ''.
    throw new Error('TODO(lab5): Request.remoteAddr is not written yet (lessons/05-toolkit.md#host-scheme-url-and-proxies)');
  }

  get args(): MultiDict<string> {
    // TODO(lab5): QUERY_STRING, as UTF-8 text (utf8), parsed with parseQuery.
    throw new Error('TODO(lab5): Request.args is not written yet (lessons/05-toolkit.md#the-request-object)');
  }

  get cookies(): Record<string, string> {
    // TODO(lab5): HTTP_COOKIE, if it is a string, as UTF-8 text, parsed with parseCookies.
    throw new Error('TODO(lab5): Request.cookies is not written yet (lessons/05-toolkit.md#cookies)');
  }

  accepts(offered: string[]): string | null {
    // TODO(lab5): bestMatch of HTTP_ACCEPT (if it is a string) and the offers.
    throw new Error('TODO(lab5): Request.accepts is not written yet (lessons/05-toolkit.md#content-negotiation)');
  }

  /** Reads tsgi.input once, refusing more than maxBodyBytes before reading past it. */
  bytes(): Promise<Uint8Array> {
    // TODO(lab5): start #readBody the first time and keep its promise in #body; return that promise.
    throw new Error('TODO(lab5): Request.bytes is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async #readBody(): Promise<Uint8Array> {
    // TODO(lab5): a CONTENT_LENGTH above maxBodyBytes: PayloadTooLarge before reading anything.
    // Then read tsgi.input chunk by chunk, counting: past maxBodyBytes, PayloadTooLarge at once,
    // whatever CONTENT_LENGTH said. Return the chunks joined.
    throw new Error('TODO(lab5): Request.#readBody is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async text(): Promise<string> {
    // TODO(lab5): the bytes decoded with the Content-Type's charset (default utf-8). Make the
    // TextDecoder first: a charset it doesn't know is a BadRequest before reading the body.
    throw new Error('TODO(lab5): Request.text is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async json(): Promise<unknown> {
    // TODO(lab5): JSON.parse of the text; if that throws, BadRequest.
    throw new Error('TODO(lab5): Request.json is not written yet (lessons/05-toolkit.md#reading-the-body)');
  }

  async form(): Promise<FormData> {
    // TODO(lab5): by the media type (before any `;`, trimmed, lowercased): application/x-www-form-
    // urlencoded is the body as UTF-8 text through parseQuery, with no files; multipart/form-data
    // goes to parseMultipart with boundaryOf (found before reading the body) and maxParts; anything
    // else: UnsupportedMediaType, before reading the body.
    throw new Error('TODO(lab5): Request.form is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
  }
}
