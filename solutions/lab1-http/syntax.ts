// Character classes from RFC 9110 §5.6.2 and helpers shared by the parser and the serializer.
import { HttpError } from '#contracts/http';

/** token = 1*tchar: method names and header field names are tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Field values may hold visible characters, spaces and tabs, never CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

export function isFieldValue(text: string): boolean {
  return FIELD_VALUE.test(text);
}

/** Bytes to text, one character per byte (latin1), so no byte is lost or merged on the way. */
export function bytesToText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function textToBytes(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Shorthand for the parser's most common refusal. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
