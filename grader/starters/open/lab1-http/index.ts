// Lab 1's public surface, open level: every export the grader and lab 2 use, with its final
// signature. Nothing else is imported from this folder by anyone, so the inside is yours to design:
// replace each body, add any files and helpers you like, and keep these names and signatures.
import type {
  BodyFraming,
  HeaderField,
  HttpResponse,
  ParseEvent,
  ParserLimits,
  RequestHead,
  RequestLine,
  ResponseHead,
} from '#contracts/http';

/** Reads a request line, given without its CRLF, into its three parts. Rules R1-R8 of lesson 1. */
export function parseRequestLine(line: string): RequestLine {
  throw new Error('TODO(lab1): parseRequestLine is not written yet (lessons/01-http.md#the-request-line)');
}

/** Reads one field line, given without its CRLF, into a `[name, value]` pair. Rules H1-H7. */
export function parseHeaderField(line: string): HeaderField {
  throw new Error('TODO(lab1): parseHeaderField is not written yet (lessons/01-http.md#header-fields)');
}

/** Decides from a complete head how its body is delimited, or refuses it. Rules B1-B6 and C5-C9. */
export function bodyFraming(head: RequestHead): BodyFraming {
  throw new Error('TODO(lab1): bodyFraming is not written yet (lessons/01-http.md#where-the-body-ends)');
}

/** Reads a chunk-size line, given without its CRLF: the size, extensions checked and ignored. Rules C1-C2. */
export function parseChunkSize(line: string): number {
  throw new Error('TODO(lab1): parseChunkSize is not written yet (lessons/01-http.md#chunked-transfer-coding)');
}

/**
 * The incremental request parser: fed bytes in pieces of any size, it returns the events they
 * complete, and throws a ParseError for a request it refuses. Lesson 1, from "A message, byte by byte" on.
 */
export class RequestParser {
  /** Limits not given take their value from DEFAULT_LIMITS (rule L1). */
  constructor(limits: Partial<ParserLimits> = {}) {
    throw new Error('TODO(lab1): the RequestParser constructor is not written yet (lessons/01-http.md#limits)');
  }

  /** Takes the next bytes from the connection; returns the events they complete, in order. Rules P1-P5. */
  feed(chunk: Uint8Array): ParseEvent[] {
    throw new Error('TODO(lab1): RequestParser.feed is not written yet (lessons/01-http.md#bytes-arrive-in-pieces)');
  }
}

/** The standard reason phrase of a status code, or '' if there is none. Rule W1. */
export function reasonPhrase(status: number): string {
  throw new Error('TODO(lab1): reasonPhrase is not written yet (lessons/01-http.md#writing-a-response)');
}

/** The status line and header section of a response, up to and including the empty line. Rules W2-W6, W14. */
export function serializeHead(head: ResponseHead): Uint8Array {
  throw new Error('TODO(lab1): serializeHead is not written yet (lessons/01-http.md#writing-a-response)');
}

/** A whole response whose body is known in advance, framed by Content-Length. Rules W7-W11, W14. */
export function serializeResponse(response: HttpResponse): Uint8Array {
  throw new Error('TODO(lab1): serializeResponse is not written yet (lessons/01-http.md#writing-a-response)');
}

/** One chunk of a chunked body. Rule W12. */
export function encodeChunk(data: Uint8Array): Uint8Array {
  throw new Error('TODO(lab1): encodeChunk is not written yet (lessons/01-http.md#writing-a-response)');
}

/** The end of a chunked body: the zero-size chunk, optional trailer fields, the empty line. Rule W13. */
export function lastChunk(trailers: HeaderField[] = []): Uint8Array {
  throw new Error('TODO(lab1): lastChunk is not written yet (lessons/01-http.md#writing-a-response)');
}
