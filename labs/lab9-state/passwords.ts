import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * The cost of a new hash: N (CPU and memory), r (block size), p (parallelism). N = 2^14 keeps the
 * tests fast; production uses at least 2^17 (OWASP), and a stored hash records its own.
 */
export const SCRYPT_PARAMS = { N: 2 ** 14, r: 8, p: 1 };
/** Bytes of key scrypt derives, and of salt per hash. */
export const KEY_BYTES = 64;
export const SALT_BYTES = 16;

/** scrypt as a promise; maxmem grows with N and r, so a stored hash with a larger N still verifies. Given. */
function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64url: everything verifying needs, and never the password. */
export async function hashPassword(password: string): Promise<string> {
  throw new Error('TODO(lab9): hashPassword is not written yet: read lessons/09-state.md, Passwords and login (#storing-passwords)');
}

/** True when `password` is the one `stored` was made from; false for a wrong one or a malformed string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  throw new Error('TODO(lab9): verifyPassword is not written yet: read lessons/09-state.md, Passwords and login (#storing-passwords)');
}
