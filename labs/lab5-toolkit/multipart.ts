import type { FileUpload, FormData } from '#contracts/toolkit';
import { BadRequest, PayloadTooLarge } from './errors.ts';
import { MultiDict } from './multidict.ts';

const CRLF = Uint8Array.of(13, 10);
const utf8 = new TextDecoder(); // UTF-8

/** Bytes as text, one character per byte (ISO-8859-1): how header lines are read. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** The boundary parameter of a multipart Content-Type, quoted or not (RFC 2046 §5.1.1: 1-70 chars). */
export function boundaryOf(contentType: string): string {
  // TODO(lab5): find `boundary=` after a `;`, quoted ("...") or not (up to `;` or whitespace).
  // Missing, empty or longer than 70 characters: BadRequest.
  throw new Error('TODO(lab5): boundaryOf is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
}

/**
 * Splits a multipart/form-data body (RFC 7578) into fields and files. The body is a series of
 * parts, each after a line `--boundary`, the last followed by `--boundary--`. Each part has its own
 * headers; Content-Disposition names the field, and a filename makes it a file.
 */
export function parseMultipart(body: Uint8Array, boundary: string, maxParts: number): FormData {
  // TODO(lab5): find the first `--boundary` at the start of the body or of a line (none:
  // BadRequest); what comes before it is ignored. Then loop: right after a delimiter,
  // `--` ends the body; anything but CRLF is a BadRequest. The part runs to the next
  // CRLF--boundary (none: BadRequest, the body never closes). Refuse a part past maxParts with
  // PayloadTooLarge, hand each part to readPart, and return both lists as MultiDicts.
  throw new Error('TODO(lab5): parseMultipart is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
}

function readPart(part: Uint8Array, fields: Array<[string, string]>, files: Array<[string, FileUpload]>): void {
  // TODO(lab5): the headers end at the first empty line (none: BadRequest); a part whose first
  // line is empty has no headers. Read the header lines as latin1 (a line without a name and a
  // colon: BadRequest), names lowercased. Content-Disposition must be form-data with a name (else
  // BadRequest). With a filename it is a file (Content-Type, default application/octet-stream,
  // and the bytes); without, a field whose bytes are decoded as UTF-8.
  throw new Error('TODO(lab5): readPart is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
}

/** A parameter of Content-Disposition: `name="a \"b\""` or `name=plain`. Browsers send UTF-8 bytes. */
function parameter(header: string, key: string): string | undefined {
  // TODO(lab5): find `; key=` (key in any case) followed by a quoted string (undo its backslash
  // escapes) or a plain value; undefined if absent. The header was read as latin1: decode its
  // characters as UTF-8 bytes. Mind that `; filename=` must not be taken for `name=`.
  throw new Error('TODO(lab5): parameter is not written yet (lessons/05-toolkit.md#forms-url-encoded-and-multipart)');
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
