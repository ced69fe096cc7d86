import { STATUS_CODES } from 'node:http';
import type { HeaderField, HttpResponse, ResponseHead } from '#contracts/http';
import { isFieldValue, isToken, textToBytes } from './syntax.ts';

const CRLF = '\r\n';

/** The standard reason phrase for a status code ("Not Found" for 404), or '' if there is none. */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? '';
}

/**
 * The status line and header section of a response, up to and including the empty line:
 * `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n`.
 * Throws on a name or value that would break the framing: a CR or LF in a value would let whoever
 * controls it write headers of their own (response splitting).
 */
export function serializeHead(head: ResponseHead): Uint8Array {
  const { status, headers } = head;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`status must be an integer from 100 to 599, got ${status}`);
  }
  const reason = head.reason ?? reasonPhrase(status);
  if (!isFieldValue(reason)) throw new TypeError('the reason phrase may not contain CR, LF or another control character');
  let text = `HTTP/1.1 ${status} ${reason}${CRLF}`;
  for (const [name, value] of headers) {
    if (!isToken(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (!isFieldValue(value)) {
      throw new TypeError(`the value of header ${name} contains CR, LF or another control character`);
    }
    text += `${name}: ${value}${CRLF}`;
  }
  return textToBytes(text + CRLF);
}

/** Statuses that never carry a body (RFC 9110 §6.4.1). */
function forbidsBody(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}

/**
 * A whole response with a body known in advance: head, then body, framed by Content-Length
 * (added here if missing) so the client knows where this response ends and the next begins.
 */
export function serializeResponse(response: HttpResponse): Uint8Array {
  const { body } = response;
  const headers: HeaderField[] = [...response.headers];
  if (headers.some(([name]) => name.toLowerCase() === 'transfer-encoding')) {
    throw new TypeError('serializeResponse frames the body with Content-Length; use encodeChunk for chunked');
  }
  const declared = headers.filter(([name]) => name.toLowerCase() === 'content-length');
  if (forbidsBody(response.status)) {
    if (body.length > 0) throw new TypeError(`a ${response.status} response cannot have a body`);
    // RFC 9110 §8.6: no Content-Length in a 1xx or 204 (a 304 may repeat the resource's, unchecked).
    if (declared.length > 0 && response.status !== 304) {
      throw new TypeError(`a ${response.status} response cannot have a Content-Length`);
    }
  } else if (declared.length === 0) {
    headers.push(['Content-Length', String(body.length)]);
  } else {
    // Every field the caller gave must be the count exactly as String() writes it (W8): no
    // spaces, sign or leading zeros, and a second, different field is no less wrong than the first.
    for (const [, value] of declared) {
      if (value !== String(body.length)) {
        throw new TypeError(`Content-Length says ${value} but the body has ${body.length} bytes`);
      }
    }
  }
  const head = serializeHead({ ...response, headers });
  const message = new Uint8Array(head.length + body.length);
  message.set(head, 0);
  message.set(body, head.length);
  return message;
}

/**
 * One chunk of a chunked body: size in hex, CRLF, the data, CRLF.
 * Empty data gives empty output, because a zero-size chunk would end the body.
 */
export function encodeChunk(data: Uint8Array): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const size = textToBytes(data.length.toString(16) + CRLF);
  const chunk = new Uint8Array(size.length + data.length + 2);
  chunk.set(size, 0);
  chunk.set(data, size.length);
  chunk.set(textToBytes(CRLF), size.length + data.length);
  return chunk;
}

/** The end of a chunked body: the zero-size chunk, optional trailer fields, the empty line. */
export function lastChunk(trailers: HeaderField[] = []): Uint8Array {
  let text = '0' + CRLF;
  for (const [name, value] of trailers) {
    if (!isToken(name) || !isFieldValue(value)) throw new TypeError(`invalid trailer ${name}`);
    text += `${name}: ${value}${CRLF}`;
  }
  return textToBytes(text + CRLF);
}
