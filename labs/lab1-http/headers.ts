import { HttpError, type BodyFraming, type HeaderField, type RequestHead } from '#contracts/http';
import { badRequest, isFieldValue, isToken } from './syntax.ts';

/**
 * Parses one field line, `Name: value` (RFC 9112 §5), without its CRLF.
 * The name is lowercased; spaces and tabs around the value are dropped.
 */
export function parseHeaderField(line: string): HeaderField {
  // TODO(lab1): refuse (400) a line that starts with a space or tab (obs-fold), a line without a
  // colon, whitespace between the name and the colon, and a name that is not a token (a name left
  // untrimmed covers the first and the third). Trim the value and refuse one with control
  // characters (isFieldValue).
  throw new Error('TODO(lab1): parseHeaderField is not written yet (lessons/01-http.md#header-fields)');
}

/**
 * Every value of a field, in order: the list form `a, b` and repeated lines count alike. Items are
 * trimmed of spaces and tabs; empty ones are kept, so that an empty Content-Length is seen (and
 * refused), not skipped.
 */
function listValues(headers: HeaderField[], name: string): string[] {
  // TODO(lab1): collect the values of every `name` field, split each at commas and trim spaces
  // and tabs (only those: String.trim() drops more) from the items. Keep the empty ones.
  throw new Error('TODO(lab1): listValues is not written yet (lessons/01-http.md#where-the-body-ends)');
}

/**
 * Decides how the body of a request is delimited (RFC 9112 §6.3): by Transfer-Encoding: chunked,
 * by Content-Length, or not at all. Ambiguity is refused, because two servers that resolve it
 * differently can be fed one request that each reads as another (request smuggling).
 */
export function bodyFraming(head: RequestHead): BodyFraming {
  // TODO(lab1): both Transfer-Encoding and Content-Length: 400. Otherwise hand over to
  // transferEncodingFraming or contentLengthFraming; neither: { kind: 'none' }.
  throw new Error('TODO(lab1): bodyFraming is not written yet (lessons/01-http.md#where-the-body-ends)');
}

function transferEncodingFraming(head: RequestHead): BodyFraming {
  // TODO(lab1): HTTP/1.0 with Transfer-Encoding: 400. The codings (listValues, lowercased) must
  // end with chunked (else 400) and name it once (else 400); any other coding before it: 501.
  throw new Error('TODO(lab1): transferEncodingFraming is not written yet (lessons/01-http.md#chunked-transfer-coding)');
}

function contentLengthFraming(head: RequestHead): BodyFraming {
  // TODO(lab1): every value (listValues), empty ones included, must be decimal digits, and all of
  // them the same number (else 400); too big for a safe integer: 400. A length of 0 means no body.
  throw new Error('TODO(lab1): contentLengthFraming is not written yet (lessons/01-http.md#where-the-body-ends)');
}
