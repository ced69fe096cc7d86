import type { CookieOptions } from '#contracts/toolkit';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `a=1; b="two"` -> { a: '1', b: 'two' }. The first of two same-named cookies wins (RFC 6265 §5.4). */
export function parseCookies(header: string | undefined): Record<string, string> {
  // TODO(lab5): split the header (none: {}) at `;`. Skip pieces without `=` or without a name.
  // Trim the name and the value, drop the pair of double quotes around a quoted value (a quote at
  // one end only stays), and decode it with safeDecode. Keep the first of two cookies with the
  // same name. Careful: a plain {} already "has" `constructor`.
  throw new Error('TODO(lab5): parseCookies is not written yet (lessons/05-toolkit.md#cookies)');
}

function safeDecode(value: string): string {
  // TODO(lab5): percent-decode the value (decodeURIComponent); if it is not valid percent-encoding,
  // keep it as it came instead of throwing.
  throw new Error('TODO(lab5): safeDecode is not written yet (lessons/05-toolkit.md#cookies)');
}

/**
 * A Set-Cookie value (RFC 6265 §4.1). The value is percent-encoded, so spaces, semicolons,
 * quotes, non-ASCII text, CR and LF can't break out of it; names and attributes that could are
 * refused instead.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  // TODO(lab5): refuse a name that is not a TOKEN (TypeError). Write `name=` and the encoded value
  // (encodeURIComponent), then `; Attribute` for each option given: Max-Age (whole seconds),
  // Expires (toUTCString), Domain and Path (refuse ; CR LF NUL in them), Secure (also whenever
  // SameSite is None), HttpOnly, SameSite.
  throw new Error('TODO(lab5): serializeCookie is not written yet (lessons/05-toolkit.md#cookies)');
}
