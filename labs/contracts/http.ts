// The HTTP/1.1 message contract (RFC 9112), shared by lab 1 (which implements it), lab 2 (which
// uses it), the reference solutions and the hidden tests. Read it; don't edit it: the grader and the
// other labs rely on exactly these shapes.

/** The versions this course speaks. Anything else in a request line is rejected (400 or 505). */
export type HttpVersion = 'HTTP/1.0' | 'HTTP/1.1';

/**
 * One header field, in the order it arrived: `[name, value]`.
 * The parser lowercases the name (field names are case-insensitive, RFC 9110 §5.1) and trims the
 * whitespace around the value. Repeated fields stay separate entries, in order.
 */
export type HeaderField = [name: string, value: string];

/** The first line of a request: `GET /index.html HTTP/1.1`. */
export interface RequestLine {
  method: string;
  target: string;
  version: HttpVersion;
}

/** Everything before the body: the request line and the header fields. */
export interface RequestHead extends RequestLine {
  headers: HeaderField[];
}

/**
 * What `RequestParser.feed` yields, in order, for each request on a connection:
 * one `head`, then zero or more `body` events (the body bytes, as they arrive), then one `end`.
 * A request without a body is a `head` followed at once by an `end`.
 * A request the parser refuses ends the stream: `feed` throws a `ParseError` (below).
 */
export type ParseEvent =
  | { type: 'head'; head: RequestHead }
  | { type: 'body'; data: Uint8Array }
  | { type: 'end'; trailers: HeaderField[] };

/**
 * How the body of a request is delimited, decided from its head (RFC 9112 §6.3):
 * no body, exactly `length` bytes (Content-Length), or a sequence of chunks (Transfer-Encoding: chunked).
 */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' };

/** The bounds a parser enforces. Each one stops a client from making the server buffer without end. */
export interface ParserLimits {
  /** Longest request line, in bytes, without its CRLF. Longer: 414 URI Too Long. */
  maxRequestLineBytes: number;
  /** Largest header section, in bytes: every field line with its CRLF. Larger: 431. */
  maxHeaderBytes: number;
  /** Largest body, in bytes, whether framed by Content-Length or chunked. Larger: 413. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ParserLimits> = {
  maxRequestLineBytes: 8192,
  maxHeaderBytes: 16384,
  maxBodyBytes: 1024 * 1024,
};

/** The head of a response: status code, optional reason phrase, header fields in order. */
export interface ResponseHead {
  status: number;
  /** Defaults to the standard phrase for the status ("Not Found" for 404). */
  reason?: string;
  headers: HeaderField[];
}

/** A response whose whole body is known up front. */
export interface HttpResponse extends ResponseHead {
  body: Uint8Array;
}

/**
 * A request the server must refuse. `status` is the response code to send (400, 413, 414, 431,
 * 501, 505); `message` says what was wrong, for logs and error pages.
 */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

/**
 * What `RequestParser.feed` throws when the bytes hold a request it must refuse: an HttpError
 * (same `status` and `message` as the refusal) that also carries, in `events`, every event the
 * same call had completed before the refusal, in order. One read can hold a good request and then
 * a bad one: the server answers the good one first, then sends `status` and closes.
 * After a refusal the parser is spent: every later `feed` throws a ParseError with the same status
 * and no events.
 */
export class ParseError extends HttpError {
  readonly events: ParseEvent[];

  constructor(refusal: HttpError, events: ParseEvent[]) {
    super(refusal.status, refusal.message);
    this.name = 'ParseError';
    this.events = events;
  }
}
