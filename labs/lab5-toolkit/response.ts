import { STATUS_CODES } from 'node:http';
import type { CookieOptions, ResponseApi, ResponseBody } from '#contracts/toolkit';
import type { TsgiApp, TsgiBody } from '#contracts/tsgi';
import { serializeCookie } from './cookies.ts';
import { checkField, Headers } from './headers.ts';
import { escapeHtml } from './html.ts';

export interface ResponseInit {
  status?: number;
  headers?: Iterable<[string, string]> | Record<string, string>;
  /** The Content-Type; defaults to HTML for text bodies. */
  contentType?: string;
}

const encoder = new TextEncoder();

/**
 * What a view returns: status, headers, body. It is also a TSGI application (`response.app`),
 * which is how the framework sends it, and how middleware can pass one around.
 */
export class Response implements ResponseApi {
  status: number;
  readonly headers: Headers;
  body: ResponseBody;

  constructor(body: ResponseBody = '', init: ResponseInit = {}) {
    // TODO(lab5): status (default 200) and body from the arguments; Headers from init.headers, which
    // may be pairs or a record (Object.entries). No Content-Type among them: set init.contentType,
    // or 'text/html; charset=utf-8'.
    throw new Error('TODO(lab5): the Response constructor is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  /** A JSON response: `Response.json({ ok: true })`. */
  static json(data: unknown, init: ResponseInit = {}): Response {
    // TODO(lab5): a Response of JSON.stringify(data), Content-Type application/json, the rest of init.
    throw new Error('TODO(lab5): Response.json is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  /** A redirect to `location` (302 unless told otherwise). CR or LF in it is refused. */
  static redirect(location: string, status = 302): Response {
    // TODO(lab5): refuse a location with CR, LF or NUL (checkField). Then a Response with this
    // status, a Location header, and a small HTML body with a link (escaped) for old clients.
    throw new Error('TODO(lab5): Response.redirect is not written yet (lessons/05-toolkit.md#building-a-response)');
  }

  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    // TODO(lab5): add (never set: one field per cookie) a Set-Cookie header from serializeCookie.
    throw new Error('TODO(lab5): Response.setCookie is not written yet (lessons/05-toolkit.md#cookies)');
  }

  /** Tells the browser to drop a cookie: empty, expired, with the path and domain it was set with. */
  deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    // TODO(lab5): setCookie with an empty value, Max-Age 0 and an Expires in the past (new Date(0)),
    // and the same path and domain.
    throw new Error('TODO(lab5): Response.deleteCookie is not written yet (lessons/05-toolkit.md#cookies)');
  }

  get app(): TsgiApp {
    // TODO(lab5): a TSGI app that calls startResponse('<status> <phrase>', the header entries) and
    // returns the body as bytes (toBody). Read status, headers and body when the app runs, not now.
    throw new Error('TODO(lab5): Response.app is not written yet (lessons/05-toolkit.md#building-a-response)');
  }
}

/** Any body a Response may hold, as TSGI bytes: strings are encoded as UTF-8 here. */
function toBody(body: ResponseBody): TsgiBody {
  // TODO(lab5): a string: one chunk, its UTF-8 bytes (encoder). A Uint8Array: one chunk. An
  // iterable or async iterable of chunks is a TSGI body already.
  throw new Error('TODO(lab5): toBody is not written yet (lessons/05-toolkit.md#building-a-response)');
}
