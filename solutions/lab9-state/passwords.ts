import { randomBytes, timingSafeEqual } from 'node:crypto';
import { derive, KEY_BYTES } from './derive.ts';

/**
 * The cost of a new hash: N (CPU and memory), r (block size), p (parallelism). N = 2^14 keeps the
 * tests fast; production uses at least 2^17 (OWASP), and a stored hash records its own.
 */
export const SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 1 };
/** Bytes of salt per hash (the key's length, KEY_BYTES, is in derive.ts). */
export const SALT_BYTES = 16;

/** `scrypt$N$r$p$salt$key`, salt and key in base64url: everything verifying needs, and never the password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` is the one `stored` was made from; false for a wrong one or a malformed string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : NaN));
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  // Bounds on what a stored string may ask for: a corrupted N of 2^30 must not take the server down.
  if (!(N! >= 2 && N! <= 2 ** 20 && r! >= 1 && r! <= 32 && p! >= 1 && p! <= 16) || salt.length === 0 || expected.length !== KEY_BYTES) return false;
  try {
    const actual = await derive(password, salt, { N: N!, r: r!, p: p! });
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // N not a power of two, and the like: scrypt refuses it
  }
}
