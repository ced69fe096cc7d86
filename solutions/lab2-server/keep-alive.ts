import type { HeaderField, RequestHead } from '#contracts/http';

/** The comma-separated tokens of every Connection header, lowercased. */
export function connectionTokens(headers: HeaderField[]): string[] {
  return headers
    .filter(([name]) => name.toLowerCase() === 'connection')
    .flatMap(([, value]) => value.split(','))
    .map((token) => token.trim().toLowerCase());
}

/**
 * Whether the client wants the connection kept open after this request (RFC 9112 §9.3):
 * HTTP/1.1 keeps it unless the client says `Connection: close`; HTTP/1.0 closes it unless the
 * client says `Connection: keep-alive`.
 */
export function wantsKeepAlive(head: RequestHead): boolean {
  const tokens = connectionTokens(head.headers);
  if (tokens.includes('close')) return false;
  if (head.version === 'HTTP/1.0') return tokens.includes('keep-alive');
  return true;
}
