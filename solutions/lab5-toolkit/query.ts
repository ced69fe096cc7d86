import { MultiDict } from './multidict.ts';

const decoder = new TextDecoder('utf-8');

/**
 * Decodes one component of a query string or form: `+` is a space, `%XX` a byte, and the bytes
 * are UTF-8. A `%` that doesn't start a valid escape stays as it is, rather than failing the
 * whole request over one stray character.
 */
export function decodeComponent(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '+') {
      bytes.push(0x20);
    } else if (char === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...encoder.encode(char));
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
