import { MultiDict } from './multidict.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder(); // UTF-8

/**
 * Decodes one component of a query string or form: `+` is a space, `%XX` a byte, and the bytes
 * are UTF-8. A `%` that doesn't start a valid escape stays as it is, rather than failing the
 * whole request over one stray character.
 */
export function decodeComponent(text: string): string {
  // Work on the UTF-8 bytes of the text, so characters that were not escaped keep their bytes.
  const raw = encoder.encode(text.replaceAll('+', ' '));
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
    if (raw[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** `a=1&b=&a=2&flag` -> a: [1, 2], b: [''], flag: ['']. Empty pieces (`&&`) are skipped. */
export function parseQuery(query: string): MultiDict<string> {
  const pairs: Array<[string, string]> = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    pairs.push([decodeComponent(key), decodeComponent(value)]);
  }
  return new MultiDict(pairs);
}
