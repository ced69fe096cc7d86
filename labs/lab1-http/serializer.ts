import { STATUS_CODES } from 'node:http';
import type { HeaderField, HttpResponse, ResponseHead } from '#contracts/http';
import { isFieldValue, isToken, textToBytes } from './syntax.ts';

const CRLF = '\r\n';

/** The standard reason phrase for a status code ("Not Found" for 404), or '' if there is none. */
export function reasonPhrase(status: number): string {
  // TODO(lab1): node:http's STATUS_CODES maps codes to phrases; fall back to ''.
  throw new Error('TODO(lab1): reasonPhrase is not written yet (lessons/01-http.md#writing-a-response)');
}

/**
 * The status line and header section of a response, up to and including the empty line:
 * `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n`.
 * Throws on a name or value that would break the framing: a CR or LF in a value would let whoever
 * controls it write headers of their own (response splitting).
 */
export function serializeHead(head: ResponseHead): Uint8Array {
  // TODO(lab1): check the status (an integer from 100 to 599, else RangeError), the reason
  // (isFieldValue) and every header name (isToken) and value (isFieldValue), else TypeError; then
  // write the status line, the fields and the empty line, each ending in CRLF, and encode the
  // text with textToBytes.
  throw new Error('TODO(lab1): serializeHead is not written yet (lessons/01-http.md#writing-a-response)');
}

/** Statuses that never carry a body (RFC 9110 §6.4.1). */
function forbidsBody(status: number): boolean {
  // TODO(lab1): 1xx, 204 and 304.
  throw new Error('TODO(lab1): forbidsBody is not written yet (lessons/01-http.md#writing-a-response)');
}

/**
 * A whole response with a body known in advance: head, then body, framed by Content-Length
 * (added here if missing) so the client knows where this response ends and the next begins.
 */
export function serializeResponse(response: HttpResponse): Uint8Array {
  // TODO(lab1): refuse Transfer-Encoding; for a status that forbids a body, refuse a non-empty
  // body (and, for 1xx and 204, a Content-Length); otherwise add Content-Length if missing, or
  // refuse any Content-Length field that disagrees with the body. Work on a copy of the caller's
  // header list: the caller's array stays as it was.
  // Then the head (serializeHead) followed by the body bytes.
  throw new Error('TODO(lab1): serializeResponse is not written yet (lessons/01-http.md#writing-a-response)');
}

/**
 * One chunk of a chunked body: size in hex, CRLF, the data, CRLF.
 * Empty data gives empty output, because a zero-size chunk would end the body.
 */
export function encodeChunk(data: Uint8Array): Uint8Array {
  // TODO(lab1): `${size in hex}\r\n`, the data, `\r\n`.
  throw new Error('TODO(lab1): encodeChunk is not written yet (lessons/01-http.md#writing-a-response)');
}

/** The end of a chunked body: the zero-size chunk, optional trailer fields, the empty line. */
export function lastChunk(trailers: HeaderField[] = []): Uint8Array {
  // TODO(lab1): `0\r\n`, each trailer as `name: value\r\n` (checked like headers), then `\r\n`.
  throw new Error('TODO(lab1): lastChunk is not written yet (lessons/01-http.md#writing-a-response)');
}
