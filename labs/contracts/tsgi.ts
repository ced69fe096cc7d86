// TSGI: the gateway contract between a web server and a web application, PEP 3333 (WSGI) carried
// over to TypeScript. lessons/03-gateway.md is its specification; this file is its types.
// Lab 3 implements the server side, lab 7's framework produces TSGI apps, lab 8's middleware
// wraps them. Read it; don't edit it.

/**
 * `tsgi.input`: the request body. Iterate it for chunks as they arrive, or `read(size)` for
 * `size` bytes (fewer only where the body ends; an empty array at the end), or `read()` for
 * everything that is left.
 */
export interface TsgiInput extends AsyncIterable<Uint8Array> {
  read(size?: number): Promise<Uint8Array>;
}

/** `tsgi.errors`: where an application writes diagnostics (the server's error log). */
export interface TsgiErrors {
  write(text: string): void;
  flush(): void;
}

/**
 * The environ: what the server knows about one request, as CGI-style keys.
 * String values are "bytes as text": each character stands for one byte (latin1), exactly as
 * PEP 3333 has it, so no byte of a path or header is lost before the application decodes it.
 */
export interface Environ {
  /** `GET`, `POST`, ... as sent. */
  REQUEST_METHOD: string;
  /** Where the application is mounted: '' at the root, else `/app` (no trailing slash). */
  SCRIPT_NAME: string;
  /** The rest of the path, percent-decoded: '' or starting with '/'. */
  PATH_INFO: string;
  /** The part of the target after '?', not decoded; '' if there is none. */
  QUERY_STRING: string;
  /** The Content-Type header, if the request has one (never as HTTP_CONTENT_TYPE). */
  CONTENT_TYPE?: string;
  /** The Content-Length header, if the request has one (never as HTTP_CONTENT_LENGTH). */
  CONTENT_LENGTH?: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  /** The request's version: `HTTP/1.1` or `HTTP/1.0`. */
  SERVER_PROTOCOL: string;
  REMOTE_ADDR?: string;
  REMOTE_PORT?: string;
  'tsgi.version': readonly [1, 0];
  'tsgi.url_scheme': 'http' | 'https';
  'tsgi.input': TsgiInput;
  'tsgi.errors': TsgiErrors;
  'tsgi.multithread': boolean;
  'tsgi.multiprocess': boolean;
  'tsgi.run_once': boolean;
  /** Every other header as HTTP_<NAME> (uppercased, '-' as '_'), and server extensions. */
  [key: string]: unknown;
}

/** Header fields as the application gives them: `[name, value]`, in order. */
export type TsgiHeaders = Array<[name: string, value: string]>;

/**
 * Called by the application, once, before its body's first chunk: `startResponse('200 OK',
 * [['Content-Type', 'text/plain']])`. The status is a string: three digits, a space, a reason.
 * A second call is allowed only with `excInfo` (the error being handled), and only while no
 * body byte has been sent; after that, the server throws `excInfo` back at the application.
 * PEP 3333's `write()` return value is left out: it exists for frameworks older than iterables.
 */
export type StartResponse = (status: string, headers: TsgiHeaders, excInfo?: unknown) => void;

/**
 * The response body: chunks of bytes, from an iterable or an async iterable. Strings are not
 * bytes: a framework encodes them. If the body has a `close()` method the server calls it exactly
 * once when it is done with the body, whether it finished, failed or the client went away.
 */
export type TsgiBody = (Iterable<Uint8Array> | AsyncIterable<Uint8Array>) & { close?: () => void };

/**
 * A TSGI application. It may be async (PEP 3333 has no promises; TypeScript apps that read
 * their input before answering need them), but it returns a body, not a response object.
 */
export type TsgiApp = (environ: Environ, startResponse: StartResponse) => TsgiBody | Promise<TsgiBody>;

/** Headers that describe the connection, not the content: only the server may send them. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** The rules the validator checks. Each violation names one. */
export type TsgiRule =
  // The server's side: what it hands the application.
  | 'environ.missing-key' // a required key is absent
  | 'environ.not-a-string' // a CGI key (REQUEST_METHOD, HTTP_*, ...) holds something other than a string
  | 'environ.version' // tsgi.version is not exactly [1, 0]
  | 'environ.url-scheme' // tsgi.url_scheme is not 'http' or 'https'
  | 'environ.method' // REQUEST_METHOD is empty
  | 'environ.script-name' // SCRIPT_NAME is not '' and not '/...' without a trailing '/'
  | 'environ.path-info' // PATH_INFO is not '' and does not start with '/'
  | 'environ.content-length' // CONTENT_LENGTH is present but not decimal digits
  | 'environ.content-header' // HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH is present
  | 'environ.input' // tsgi.input is not an async iterable with read()
  | 'environ.errors' // tsgi.errors lacks write() or flush()
  // The application's side: what it hands the server.
  | 'start-response.status' // status is not a string like '200 OK'
  | 'start-response.headers' // headers are not an array of [string, string] pairs
  | 'start-response.header-name' // a header name is not a token
  | 'start-response.header-value' // a header value holds CR, LF or another control character
  | 'start-response.hop-by-hop' // the application set a hop-by-hop header
  | 'start-response.twice' // called again without excInfo
  | 'start-response.missing' // the body produced a non-empty chunk, or ended, before startResponse was called
  | 'body.type' // the app returned something that is not an iterable of chunks (a string, bytes, an object)
  | 'body.chunk' // a chunk is not a Uint8Array
  | 'body.length' // the body has more or fewer bytes than the Content-Length the app set
  | 'body.close'; // the server iterated after calling close(), or called close() twice

/** A broken rule of the TSGI contract, reported by the validator. */
export class TsgiViolation extends Error {
  readonly rule: TsgiRule;

  constructor(rule: TsgiRule, message: string) {
    super(`TSGI violation (${rule}): ${message}`);
    this.name = 'TsgiViolation';
    this.rule = rule;
  }
}
