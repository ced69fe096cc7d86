import { MultiDict } from './multidict.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder(); // UTF-8

/**
 * Decodes one component of a query string or form: `+` is a space, `%XX` a byte, and the bytes
 * are UTF-8. A `%` that doesn't start a valid escape stays as it is, rather than failing the
 * whole request over one stray character.
 */
export function decodeComponent(text: string): string {
  // TODO(lab5): turn `+` into a space, then walk the UTF-8 bytes of the text (encoder): `%` and two
  // hex digits is one byte; anything else, a stray `%` included, is kept as it is. Decode the
  // bytes with decoder, which replaces what is not UTF-8 with U+FFFD instead of throwing.
  throw new Error('TODO(lab5): decodeComponent is not written yet (lessons/05-toolkit.md#query-strings)');
}

/** `a=1&b=&a=2&flag` -> a: [1, 2], b: [''], flag: ['']. Empty pieces (`&&`) are skipped. */
export function parseQuery(query: string): MultiDict<string> {
  // TODO(lab5): split at `&`, skip empty pieces, split each at its first `=` (none: the value is
  // ''), decode both halves with decodeComponent, and keep every pair in order in a MultiDict.
  throw new Error('TODO(lab5): parseQuery is not written yet (lessons/05-toolkit.md#query-strings)');
}
