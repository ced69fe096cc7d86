import type { CookieOptions } from '#contracts/toolkit';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `a=1; b="two"` -> { a: '1', b: 'two' }. The first of two same-named cookies wins (RFC 6265 §5.4). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies = new Map<string, string>(); // a plain object would already "have" `constructor`
  for (const piece of (header ?? '').split(';')) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const name = piece.slice(0, eq).trim();
    let value = piece.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '' && !cookies.has(name)) cookies.set(name, safeDecode(value));
  }
  return Object.fromEntries(cookies);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not our encoding: keep the bytes as they came
  }
}

/**
 * A Set-Cookie value (RFC 6265 §4.1). The value is percent-encoded, so spaces, semicolons,
 * quotes, non-ASCII text, CR and LF can't break out of it; names and attributes that could are
 * refused instead.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  const parts = [`${name}=${encodeURIComponent(value)}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge)}`);
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  for (const [attribute, text] of [['Domain', options.domain], ['Path', options.path]] as const) {
    if (text === undefined) continue;
    if (/[;\r\n\0]/.test(text)) throw new TypeError(`the cookie's ${attribute} may not contain ; CR LF or NUL`);
    parts.push(`${attribute}=${text}`);
  }
  if (options.secure || options.sameSite === 'None') parts.push('Secure'); // browsers drop SameSite=None without it
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}
