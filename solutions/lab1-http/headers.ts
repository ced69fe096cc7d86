import { HttpError, type BodyFraming, type HeaderField, type RequestHead } from '#contracts/http';
import { badRequest, isFieldValue, isToken } from './syntax.ts';

/**
 * Parses one field line, `Name: value` (RFC 9112 §5), without its CRLF.
 * The name is lowercased; spaces and tabs around the value are dropped.
 */
export function parseHeaderField(line: string): HeaderField {
  const colon = line.indexOf(':');
  if (colon === -1) throw badRequest(`header line without a colon: ${JSON.stringify(line)}`);
  // Untrimmed on purpose: a folded line (obs-fold, ` X: more`) or a space before the colon
  // (`Host : x`, a smuggling vector, RFC 9112 §5.1) leaves a space or tab in the name, and a name
  // with one is no token: both are refused here, with no check of their own (lessons H1, H3).
  const name = line.slice(0, colon);
  if (!isToken(name)) throw badRequest(`invalid header name ${JSON.stringify(name)}`);
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (!isFieldValue(value)) throw badRequest(`invalid character in the value of ${name}`);
  return [name.toLowerCase(), value];
}

/**
 * Every value of a field, in order: the list form `a, b` and repeated lines count alike. Items are
 * trimmed of spaces and tabs; empty ones are kept, so that an empty Content-Length is seen (and
 * refused), not skipped.
 */
function listValues(headers: HeaderField[], name: string): string[] {
  return headers
    .filter(([field]) => field === name)
    .flatMap(([, value]) => value.split(','))
    // Spaces and tabs only (the RFC's OWS): String.trim() would also drop a 0xA0 byte, and
    // `Content-Length: \xA05` would pass as 5 here while another server refuses it.
    .map((item) => item.replace(/^[ \t]+|[ \t]+$/g, ''));
}

/**
 * Decides how the body of a request is delimited (RFC 9112 §6.3): by Transfer-Encoding: chunked,
 * by Content-Length, or not at all. Ambiguity is refused, because two servers that resolve it
 * differently can be fed one request that each reads as another (request smuggling).
 */
export function bodyFraming(head: RequestHead): BodyFraming {
  const hasTransferEncoding = head.headers.some(([name]) => name === 'transfer-encoding');
  const hasContentLength = head.headers.some(([name]) => name === 'content-length');
  if (hasTransferEncoding && hasContentLength) {
    throw badRequest('a request may not carry both Transfer-Encoding and Content-Length');
  }
  if (hasTransferEncoding) return transferEncodingFraming(head);
  if (hasContentLength) return contentLengthFraming(head);
  return { kind: 'none' };
}

function transferEncodingFraming(head: RequestHead): BodyFraming {
  if (head.version === 'HTTP/1.0') {
    throw badRequest('Transfer-Encoding is not defined for HTTP/1.0 requests');
  }
  const codings = listValues(head.headers, 'transfer-encoding').map((coding) => coding.toLowerCase());
  if (codings.at(-1) !== 'chunked') {
    throw badRequest('chunked must be the last transfer coding of a request');
  }
  if (codings.filter((coding) => coding === 'chunked').length > 1) {
    throw badRequest('chunked may be applied only once');
  }
  if (codings.length > 1) {
    throw new HttpError(501, `only chunked is supported, got Transfer-Encoding: ${codings.join(', ')}`);
  }
  return { kind: 'chunked' };
}

function contentLengthFraming(head: RequestHead): BodyFraming {
  const values = listValues(head.headers, 'content-length');
  // An empty value is refused too: `Content-Length: ` must not hide behind a later `Content-Length: 5`.
  if (!values.every((value) => /^\d+$/.test(value))) {
    throw badRequest(`Content-Length must be a decimal number, got ${JSON.stringify(values.join(', '))}`);
  }
  // Repeats of one value are harmless (RFC 9112 §6.3 item 5); different values are an attack.
  if (new Set(values.map(Number)).size !== 1) {
    throw badRequest(`conflicting Content-Length values: ${values.join(', ')}`);
  }
  const length = Number(values[0]);
  if (!Number.isSafeInteger(length)) throw badRequest('Content-Length is too large to handle');
  return length === 0 ? { kind: 'none' } : { kind: 'length', length };
}
