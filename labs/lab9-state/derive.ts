// GIVEN: scrypt as a promise, for hashPassword and verifyPassword (lessons/09-state.md#storing-passwords).
import { scrypt, type ScryptOptions } from 'node:crypto';

/** Bytes of key scrypt derives: the hash's last field decodes to this many bytes. */
export const KEY_BYTES = 64;

/**
 * scrypt as a promise: KEY_BYTES of key from `password` and `salt` at cost `params`. maxmem grows
 * with N and r, so a stored hash with a larger N than today's still verifies.
 */
export function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
