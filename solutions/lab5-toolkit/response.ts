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
    this.status = init.status ?? 200;
    this.body = body;
    const fields = init.headers === undefined ? [] : Symbol.iterator in init.headers ? init.headers : Object.entries(init.headers);
    this.headers = new Headers(fields as Iterable<[string, string]>);
    if (!this.headers.has('content-type')) this.headers.set('Content-Type', init.contentType ?? 'text/html; charset=utf-8');
  }

  /** A JSON response: `Response.json({ ok: true })`. */
  static json(data: unknown, init: ResponseInit = {}): Response {
    return new Response(JSON.stringify(data), { contentType: 'application/json', ...init });
  }

  /** A redirect to `location` (302 unless told otherwise). CR or LF in it is refused. */
  static redirect(location: string, status = 302): Response {
    checkField('Location', location);
    const body = `<!doctype html>\n<title>Redirecting</title>\n<p>Redirecting to <a href="${escapeHtml(location)}">${escapeHtml(location)}</a>.</p>\n`;
    return new Response(body, { status, headers: [['Location', location]] });
  }

  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    this.headers.add('Set-Cookie', serializeCookie(name, value, options));
  }

  /** Tells the browser to drop a cookie: empty, expired, with the path and domain it was set with. */
  deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) });
  }

  get app(): TsgiApp {
    return (_environ, startResponse) => {
      startResponse(`${this.status} ${STATUS_CODES[this.status] ?? 'Unknown'}`, this.headers.entries());
      return toBody(this.body);
    };
  }
}

/** Any body a Response may hold, as TSGI bytes: strings are encoded as UTF-8 here. */
function toBody(body: ResponseBody): TsgiBody {
  if (typeof body === 'string') return [encoder.encode(body)];
  if (body instanceof Uint8Array) return [body];
  return body;
}
