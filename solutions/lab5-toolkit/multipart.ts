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
  const match = /;\s*boundary=(?:"([^"]*)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary || boundary.length > 70) throw new BadRequest('multipart/form-data needs a boundary of 1 to 70 characters');
  return boundary;
}

/**
 * Splits a multipart/form-data body (RFC 7578) into fields and files. The body is a series of
 * parts, each after a line `--boundary`, the last followed by `--boundary--`. Each part has its own
 * headers; Content-Disposition names the field, and a filename makes it a file.
 */
export function parseMultipart(body: Uint8Array, boundary: string, maxParts: number): FormData {
  // A delimiter counts only at the start of a line, and the CRLF before it belongs to it. The first
  // one may also open the body: put a CRLF in front, and every delimiter is CRLF--boundary.
  const data = concat(CRLF, body);
  const delimiter = concat(CRLF, new TextEncoder().encode(`--${boundary}`));
  const fields: Array<[string, string]> = [];
  const files: Array<[string, FileUpload]> = [];
  let at = indexOf(data, delimiter, 0); // what comes before it is the preamble
  if (at === -1) throw new BadRequest('the multipart body has no boundary line');
  while (true) {
    let cursor = at + delimiter.length;
    if (data[cursor] === 45 && data[cursor + 1] === 45) break; // `--boundary--`: the end (then the epilogue)
    if (data[cursor] !== 13 || data[cursor + 1] !== 10) throw new BadRequest('a boundary line must end with CRLF');
    cursor += 2;
    const next = indexOf(data, delimiter, cursor);
    if (next === -1) throw new BadRequest('the multipart body ends without its closing boundary');
    if (fields.length + files.length >= maxParts) throw new PayloadTooLarge(`more than ${maxParts} parts`);
    readPart(data.subarray(cursor, next), fields, files);
    at = next;
  }
  return { fields: new MultiDict(fields), files: new MultiDict(files) };
}

function readPart(part: Uint8Array, fields: Array<[string, string]>, files: Array<[string, FileUpload]>): void {
  // The headers end at the first empty line. Put back the CRLF that ended the delimiter line, and
  // that is the first CRLF CRLF, even in a part without header lines (its first line is empty).
  const lines = concat(CRLF, part);
  const split = indexOf(lines, Uint8Array.of(13, 10, 13, 10), 0);
  if (split === -1) throw new BadRequest('a multipart part has no blank line after its headers');
  const headers = new Map<string, string>();
  for (const line of latin1(lines.subarray(2, split)).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadRequest('a multipart header line needs a name and a colon');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\b/i.test(disposition)) throw new BadRequest('each part needs Content-Disposition: form-data');
  const name = parameter(disposition, 'name');
  if (name === undefined) throw new BadRequest('a multipart part has no field name');
  const data = lines.slice(split + 4);
  const filename = parameter(disposition, 'filename');
  if (filename === undefined) {
    fields.push([name, utf8.decode(data)]);
  } else {
    files.push([name, { name, filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data }]);
  }
}

/** A parameter of Content-Disposition: `name="a \"b\""` or `name=plain`. Browsers send UTF-8 bytes. */
function parameter(header: string, key: string): string | undefined {
  const match = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!match) return undefined;
  const raw = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!;
  return utf8.decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
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
