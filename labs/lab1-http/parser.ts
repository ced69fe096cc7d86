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
    // TODO(lab1): Append chunk to #buffer, then call #step until it returns false, collecting the
    // events it pushes. Return them.
    // Milestone 5: when a step throws an HttpError, remember it in #refused and throw
    // new ParseError(error, events) instead, with the events collected so far. Once #refused is
    // set, every call throws new ParseError(#refused, []) at once.
    throw new Error('TODO(lab1): RequestParser.feed is not written yet (lessons/01-http.md#bytes-arrive-in-pieces)');
  }

  #step(events: ParseEvent[]): boolean {
    // TODO(lab1): Dispatch on #state to the #read... method for that state.
    throw new Error('TODO(lab1): RequestParser.#step is not written yet (lessons/01-http.md#bytes-arrive-in-pieces)');
  }

  #readRequestLine(): boolean {
    // TODO(lab1): Take a line (limit maxRequestLineBytes, status 414). Skip empty lines; otherwise parse
    // it and move to 'headers' (the header list is empty: a new parser or #finish left it so).
    throw new Error('TODO(lab1): RequestParser.#readRequestLine is not written yet (lessons/01-http.md#the-request-line)');
  }

  #readHeaderLine(events: ParseEvent[]): boolean {
    // TODO(lab1): Take a header-section line. A non-empty one is a field. The empty one ends the head:
    // check Host (then useTargetAuthority), decide the framing, push the head event, and go to the
    // body state it calls for.
    // Milestone 6: a Content-Length over maxBodyBytes is refused here, before the head is pushed.
    throw new Error('TODO(lab1): RequestParser.#readHeaderLine is not written yet (lessons/01-http.md#header-fields)');
  }

  #readBody(events: ParseEvent[]): boolean {
    // TODO(lab1): Pass body bytes through; when none remain, the request is finished.
    throw new Error('TODO(lab1): RequestParser.#readBody is not written yet (lessons/01-http.md#where-the-body-ends)');
  }

  #readChunkSize(): boolean {
    // TODO(lab1): Take a chunk-size line (limit MAX_CHUNK_LINE_BYTES, status 400). Size 0 goes to
    // 'trailers'; otherwise check maxBodyBytes and go to 'chunk-data'.
    throw new Error('TODO(lab1): RequestParser.#readChunkSize is not written yet (lessons/01-http.md#chunked-transfer-coding)');
  }

  #readChunkData(events: ParseEvent[]): boolean {
    // TODO(lab1): Pass chunk bytes through; when none remain, expect the CRLF that ends the chunk.
    throw new Error('TODO(lab1): RequestParser.#readChunkData is not written yet (lessons/01-http.md#chunked-transfer-coding)');
  }

  #readChunkEnd(): boolean {
    // TODO(lab1): Wait for two bytes; they must be CR LF (else 400). Then the next chunk-size line.
    throw new Error('TODO(lab1): RequestParser.#readChunkEnd is not written yet (lessons/01-http.md#chunked-transfer-coding)');
  }

  #readTrailerLine(events: ParseEvent[]): boolean {
    // TODO(lab1): Take a header-section line. The empty one finishes the request with the trailers
    // read so far; any other is a trailer field.
    throw new Error('TODO(lab1): RequestParser.#readTrailerLine is not written yet (lessons/01-http.md#chunked-transfer-coding)');
  }

  /** Hands body bytes on as soon as they arrive: the parser never holds a body in memory. */
  #passThrough(events: ParseEvent[]): boolean {
    // TODO(lab1): Push a body event with as many buffered bytes as the body still needs (but no more),
    // drop them from the buffer and count them. Return false if there was nothing to pass.
    throw new Error('TODO(lab1): RequestParser.#passThrough is not written yet (lessons/01-http.md#where-the-body-ends)');
  }

  /** Ends the request, and leaves an empty header list and count for the next one. */
  #finish(events: ParseEvent[], trailers: HeaderField[]): void {
    // TODO(lab1): Push the end event and get ready for the next request on the connection: an
    // empty header list, a zero header count, the 'request-line' state.
    throw new Error('TODO(lab1): RequestParser.#finish is not written yet (lessons/01-http.md#bytes-arrive-in-pieces)');
  }

  /**
   * A line of the header section (a field or a trailer). Field lines count against
   * maxHeaderBytes with their CRLF; the empty line that ends the section does not.
   */
  #takeHeaderSectionLine(): string | null {
    // TODO(lab1): Take a line against what is left of maxHeaderBytes (status 431), and count a
    // field line's bytes with its CRLF.
    throw new Error('TODO(lab1): RequestParser.#takeHeaderSectionLine is not written yet (lessons/01-http.md#limits-and-smuggling)');
  }

  /**
   * Removes one CRLF-terminated line from the buffer and returns it without the CRLF, or null if
   * the line is not complete yet. A line longer than `limit` is refused with `status` as soon as
   * we know, even before its end arrives: otherwise a client could make us buffer forever.
   */
  #takeLine(limit: number, status: number): string | null {
    // TODO(lab1): Find the LF. None yet: refuse if the buffer already holds more than the limit
    // allows, else return null. Found: it must follow a CR (else 400); check the length; cut the
    // line off the buffer and return it as text (bytesToText), without CRLF.
    throw new Error('TODO(lab1): RequestParser.#takeLine is not written yet (lessons/01-http.md#bytes-arrive-in-pieces)');
  }
}

/** HTTP/1.1 requires exactly one Host header (RFC 9112 §3.2); HTTP/1.0 allows at most one. */
function checkHost(head: RequestHead): void {
  // TODO(lab1): Count the host fields: more than one, or none in an HTTP/1.1 request, is a 400.
  throw new Error('TODO(lab1): checkHost is not written yet (lessons/01-http.md#header-fields)');
}

/**
 * An absolute-form target names its host, and it wins over the Host field (RFC 9112 §3.2.2): the
 * head's host field takes the target's authority (an HTTP/1.0 request without one gets one).
 */
function useTargetAuthority(head: RequestHead): void {
  // TODO(lab1): If ABSOLUTE_FORM matches head.target, its first group is the authority: it
  // replaces the value of the host entry, in its place, or becomes a new host entry at the end.
  throw new Error('TODO(lab1): useTargetAuthority is not written yet (lessons/01-http.md#header-fields)');
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
