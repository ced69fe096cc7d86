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
    return this.environ.REQUEST_METHOD;
  }

  get path(): string {
    return utf8(this.environ.PATH_INFO) || '/';
  }

  get scriptRoot(): string {
    return utf8(this.environ.SCRIPT_NAME);
  }

  get headers(): Headers {
    const fields: Array<[string, string]> = [];
    for (const [key, value] of Object.entries(this.environ)) {
      if (typeof value !== 'string') continue;
      if (key.startsWith('HTTP_')) fields.push([key.slice(5).replace(/_/g, '-').toLowerCase(), value]);
      else if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') fields.push([key.replace('_', '-').toLowerCase(), value]);
    }
    return new Headers(fields);
  }

  /**
   * The value a trusted proxy added to an X-Forwarded-* header. Each proxy appends to the list,
   * so with N trusted proxies the Nth value from the end is the last one we can believe; values
   * before it may be the client's own inventions.
   */
  #forwarded(name: string): string | undefined {
    const trusted = this.#options.trustedProxies;
    if (trusted <= 0) return undefined;
    const raw = this.environ[`HTTP_${name}`];
    if (typeof raw !== 'string') return undefined;
    const values = raw.split(',').map((v) => v.trim());
    return values.length >= trusted ? values[values.length - trusted] : undefined;
  }

  get scheme(): string {
    return this.#forwarded('X_FORWARDED_PROTO') ?? this.environ['tsgi.url_scheme'];
  }

  get host(): string {
    const forwarded = this.#forwarded('X_FORWARDED_HOST');
    if (forwarded) return forwarded;
    const host = this.environ.HTTP_HOST;
    if (typeof host === 'string' && host !== '') return host;
    const port = this.environ.SERVER_PORT;
    const standard = (this.scheme === 'https' && port === '443') || (this.scheme === 'http' && port === '80');
    return standard ? this.environ.SERVER_NAME : `${this.environ.SERVER_NAME}:${port}`;
  }

  get url(): string {
    const query = this.environ.QUERY_STRING;
    // encodeURI leaves `?` and `#` alone: in a path they are data, not the start of a query.
    const path = encodeURI(this.scriptRoot + this.path).replace(/[?#]/g, encodeURIComponent);
    return `${this.scheme}://${this.host}${path}${query ? `?${query}` : ''}`;
  }

  get remoteAddr(): string {
    return this.#forwarded('X_FORWARDED_FOR') ?? this.environ.REMOTE_ADDR ?? '';
  }

  get args(): MultiDict<string> {
    return parseQuery(utf8(this.environ.QUERY_STRING));
  }

  get cookies(): Record<string, string> {
    const header = this.environ.HTTP_COOKIE;
    return parseCookies(typeof header === 'string' ? utf8(header) : undefined);
  }

  accepts(offered: string[]): string | null {
    const header = this.environ.HTTP_ACCEPT;
    return bestMatch(typeof header === 'string' ? header : undefined, offered);
  }

  /** Reads tsgi.input once, refusing more than maxBodyBytes before reading past it. */
  bytes(): Promise<Uint8Array> {
    this.#body ??= this.#readBody();
    return this.#body;
  }

  async #readBody(): Promise<Uint8Array> {
    const max = this.#options.maxBodyBytes;
    const declared = Number(this.environ.CONTENT_LENGTH ?? 0);
    if (declared > max) throw new PayloadTooLarge(`the body is ${declared} bytes; the limit is ${max}`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.environ['tsgi.input']) {
      total += chunk.length;
      if (total > max) throw new PayloadTooLarge(`the body is over the limit of ${max} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    // The charset is known from the header alone: refuse one we can't decode before reading.
    const charset = /;\s*charset="?([^";\s]+)/i.exec(this.environ.CONTENT_TYPE ?? '')?.[1] ?? 'utf-8';
    let decoder;
    try {
      decoder = new TextDecoder(charset);
    } catch {
      throw new BadRequest(`unknown charset ${charset}`);
    }
    return decoder.decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new BadRequest(`the body is not valid JSON: ${(error as Error).message}`);
    }
  }

  async form(): Promise<FormData> {
    const type = this.environ.CONTENT_TYPE ?? '';
    const mediaType = type.split(';')[0]!.trim().toLowerCase();
    if (mediaType === 'application/x-www-form-urlencoded') {
      // Browsers send ASCII with %-escapes, but other clients may send raw UTF-8: decode it as such.
      const body = Buffer.from(await this.bytes()).toString('utf8');
      return { fields: parseQuery(body), files: new MultiDict() };
    }
    if (mediaType === 'multipart/form-data') {
      const boundary = boundaryOf(type); // a missing boundary is known before reading the body
      return parseMultipart(await this.bytes(), boundary, this.#options.maxParts);
    }
    throw new UnsupportedMediaType(`expected a form, not ${JSON.stringify(type)}`);
  }
}
