import {
  DEFAULT_LIMITS,
  HttpError,
  ParseError,
  type HeaderField,
  type ParseEvent,
  type ParserLimits,
  type RequestHead,
  type RequestLine,
} from '#contracts/http';
import { parseChunkSize } from './chunked.ts';
import { bodyFraming, parseHeaderField } from './headers.ts';
import { ABSOLUTE_FORM, parseRequestLine } from './request-line.ts';
import { badRequest, bytesToText } from './syntax.ts';

/** Where the parser is inside the current request. Each state consumes one kind of input. */
type State =
  | 'request-line' // waiting for `GET / HTTP/1.1`
  | 'headers' // reading field lines until the empty line
  | 'body' // reading `remaining` bytes of a Content-Length body
  | 'chunk-size' // reading a chunk-size line
  | 'chunk-data' // reading `remaining` bytes of a chunk
  | 'chunk-end' // expecting the CRLF after a chunk's data
  | 'trailers'; // reading trailer lines after the last (zero) chunk

/** A chunk-size line is a few hex digits; extensions may follow, but not kilobytes of them. */
const MAX_CHUNK_LINE_BYTES = 1024;

const CR = 13;
const LF = 10;

/**
 * An incremental HTTP/1.1 request parser. Feed it bytes as they come off the socket, in chunks of
 * any size; it returns the events those bytes completed and keeps the rest for the next call.
 * Several requests in a row on one connection (pipelining) come out in order.
 * A malformed or oversized request throws a ParseError: the status to answer, and the events
 * completed before it.
 */
export class RequestParser {
  readonly #limits: ParserLimits;
  /** Bytes received but not yet consumed: at most one incomplete line, or a chunk's CRLF. */
  #buffer: Uint8Array = new Uint8Array(0);
  #state: State = 'request-line';
  #requestLine: RequestLine | null = null;
  #headers: HeaderField[] = [];
  #headerBytes = 0;
  /** Body or chunk bytes still to read in the 'body' and 'chunk-data' states. */
  #remaining = 0;
  /** Body bytes of the current request so far, to enforce maxBodyBytes on chunked bodies. */
  #bodyBytes = 0;
  /** Set by the first refusal: the rest of the stream can't be trusted, so the parser stops. */
  #refused: HttpError | null = null;

  constructor(limits: Partial<ParserLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Takes the next bytes from the connection; returns the events they complete, in order. */
  feed(chunk: Uint8Array): ParseEvent[] {
    if (this.#refused) throw new ParseError(this.#refused, []);
    this.#buffer = this.#buffer.length === 0 ? chunk : concat(this.#buffer, chunk);
    const events: ParseEvent[] = [];
    try {
      // Each step consumes some input and says whether it made progress; stop when it can't.
      while (this.#step(events));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // The requests before the bad one are fine: their events go with the refusal.
      this.#refused = error;
      throw new ParseError(error, events);
    }
    return events;
  }

  #step(events: ParseEvent[]): boolean {
    switch (this.#state) {
      case 'request-line':
        return this.#readRequestLine();
      case 'headers':
        return this.#readHeaderLine(events);
      case 'body':
        return this.#readBody(events);
      case 'chunk-size':
        return this.#readChunkSize();
      case 'chunk-data':
        return this.#readChunkData(events);
      case 'chunk-end':
        return this.#readChunkEnd();
      case 'trailers':
        return this.#readTrailerLine(events);
    }
  }

  #readRequestLine(): boolean {
    const line = this.#takeLine(this.#limits.maxRequestLineBytes, 414);
    if (line === null) return false;
    // RFC 9112 §2.2: a server SHOULD ignore empty lines before a request line.
    if (line === '') return true;
    // The header list and its byte count are empty here: a new parser or #finish left them so.
    this.#requestLine = parseRequestLine(line);
    this.#state = 'headers';
    return true;
  }

  #readHeaderLine(events: ParseEvent[]): boolean {
    const line = this.#takeHeaderSectionLine();
    if (line === null) return false;
    if (line !== '') {
      this.#headers.push(parseHeaderField(line));
      return true;
    }
    // The empty line ends the head: now we know how the body is framed.
    // Field by field rather than `{ ...requestLine, headers }`: copying an object with spread
    // syntax is several times slower in V8 than naming the fields, on every request.
    const { method, target, version } = this.#requestLine!;
    const head: RequestHead = { method, target, version, headers: this.#headers };
    checkHost(head);
    useTargetAuthority(head);
    const framing = bodyFraming(head);
    // Refused with its head: no head event, so no server ever starts on this request.
    if (framing.kind === 'length' && framing.length > this.#limits.maxBodyBytes) throw tooLarge(this.#limits);
    events.push({ type: 'head', head });
    // Trailers, if any, start a new list with a budget of their own.
    this.#headers = [];
    this.#headerBytes = 0;
    this.#bodyBytes = 0;
    if (framing.kind === 'none') {
      this.#finish(events, []);
    } else if (framing.kind === 'length') {
      this.#remaining = framing.length;
      this.#state = 'body';
    } else {
      this.#state = 'chunk-size';
    }
    return true;
  }

  #readBody(events: ParseEvent[]): boolean {
    if (!this.#passThrough(events)) return false;
    if (this.#remaining === 0) this.#finish(events, []);
    return true;
  }

  #readChunkSize(): boolean {
    const line = this.#takeLine(MAX_CHUNK_LINE_BYTES, 400);
    if (line === null) return false;
    const size = parseChunkSize(line);
    if (size === 0) {
      this.#state = 'trailers';
      return true;
    }
    if (this.#bodyBytes + size > this.#limits.maxBodyBytes) throw tooLarge(this.#limits);
    this.#remaining = size;
    this.#state = 'chunk-data';
    return true;
  }

  #readChunkData(events: ParseEvent[]): boolean {
    if (!this.#passThrough(events)) return false;
    if (this.#remaining === 0) this.#state = 'chunk-end';
    return true;
  }

  #readChunkEnd(): boolean {
    if (this.#buffer.length < 2) return false;
    if (this.#buffer[0] !== CR || this.#buffer[1] !== LF) {
      throw badRequest('chunk data must be followed by CRLF');
    }
    this.#buffer = this.#buffer.subarray(2);
    this.#state = 'chunk-size';
    return true;
  }

  #readTrailerLine(events: ParseEvent[]): boolean {
    const line = this.#takeHeaderSectionLine();
    if (line === null) return false;
    if (line === '') {
      this.#finish(events, this.#headers);
    } else {
      this.#headers.push(parseHeaderField(line));
    }
    return true;
  }

  /** Hands body bytes on as soon as they arrive: the parser never holds a body in memory. */
  #passThrough(events: ParseEvent[]): boolean {
    const size = Math.min(this.#remaining, this.#buffer.length);
    if (size === 0) return false;
    events.push({ type: 'body', data: this.#buffer.subarray(0, size) });
    this.#buffer = this.#buffer.subarray(size);
    this.#remaining -= size;
    this.#bodyBytes += size;
    return true;
  }

  /** Ends the request, and leaves an empty header list and count for the next one. */
  #finish(events: ParseEvent[], trailers: HeaderField[]): void {
    events.push({ type: 'end', trailers });
    this.#headers = [];
    this.#headerBytes = 0;
    this.#state = 'request-line';
  }

  /**
   * A line of the header section (a field or a trailer). Field lines count against
   * maxHeaderBytes with their CRLF; the empty line that ends the section does not.
   */
  #takeHeaderSectionLine(): string | null {
    const budget = this.#limits.maxHeaderBytes - this.#headerBytes;
    const line = this.#takeLine(budget, 431);
    if (line) this.#headerBytes += line.length + 2;
    if (this.#headerBytes > this.#limits.maxHeaderBytes) {
      throw new HttpError(431, `header section larger than ${this.#limits.maxHeaderBytes} bytes`);
    }
    return line;
  }

  /**
   * Removes one CRLF-terminated line from the buffer and returns it without the CRLF, or null if
   * the line is not complete yet. A line longer than `limit` is refused with `status` as soon as
   * we know, even before its end arrives: otherwise a client could make us buffer forever.
   */
  #takeLine(limit: number, status: number): string | null {
    const lf = this.#buffer.indexOf(LF);
    if (lf === -1) {
      if (this.#buffer.length > limit + 1) throw lineTooLong(limit, status);
      return null;
    }
    if (lf === 0 || this.#buffer[lf - 1] !== CR) throw badRequest('lines must end with CRLF');
    if (lf - 1 > limit) throw lineTooLong(limit, status);
    const line = bytesToText(this.#buffer.subarray(0, lf - 1));
    this.#buffer = this.#buffer.subarray(lf + 1);
    return line;
  }
}

/** HTTP/1.1 requires exactly one Host header (RFC 9112 §3.2); HTTP/1.0 allows at most one. */
function checkHost(head: RequestHead): void {
  const hosts = head.headers.filter(([name]) => name === 'host').length;
  if (hosts > 1) throw badRequest('more than one Host header');
  if (hosts === 0 && head.version === 'HTTP/1.1') throw badRequest('HTTP/1.1 requests need a Host header');
}

/**
 * An absolute-form target names its host, and it wins over the Host field (RFC 9112 §3.2.2): the
 * head's host field takes the target's authority (an HTTP/1.0 request without one gets one).
 */
function useTargetAuthority(head: RequestHead): void {
  const authority = ABSOLUTE_FORM.exec(head.target)?.[1];
  if (authority === undefined) return;
  const host = head.headers.findIndex(([name]) => name === 'host');
  if (host === -1) head.headers.push(['host', authority]);
  else head.headers[host] = ['host', authority];
}

/** The status says which line it was: 414 the request line, 431 a field line, 400 a chunk-size line. */
function lineTooLong(limit: number, status: number): HttpError {
  return new HttpError(status, `line longer than ${limit} bytes`);
}

function tooLarge(limits: ParserLimits): HttpError {
  return new HttpError(413, `body larger than ${limits.maxBodyBytes} bytes`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
