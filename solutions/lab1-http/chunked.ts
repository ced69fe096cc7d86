import { badRequest } from './syntax.ts';

/**
 * Reads a chunk-size line (RFC 9112 §7.1): hexadecimal digits, then optional extensions
 * `;name=value`, which carry nothing we use and are ignored.
 */
export function parseChunkSize(line: string): number {
  const semicolon = line.indexOf(';');
  // Spaces or tabs may sit before the `;` of an extension (BWS), never inside the number.
  const digits = (semicolon === -1 ? line : line.slice(0, semicolon)).replace(/[ \t]+$/, '');
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw badRequest(`invalid chunk size ${JSON.stringify(line)}`);
  const size = parseInt(digits, 16);
  if (!Number.isSafeInteger(size)) throw badRequest(`chunk size ${digits} is too large`);
  return size;
}
