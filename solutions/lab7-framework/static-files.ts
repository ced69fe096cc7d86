import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { NotFound, Response } from '#toolkit';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
};

/**
 * A file from the static folder, or 404. A name that would leave the folder (`../secret`) is a
 * 404 too: the folder is all this route may show. (Lab 8's middleware does this job in full.)
 */
export async function staticFile(folder: string, name: string): Promise<Response> {
  const root = resolve(folder);
  const full = resolve(root, name);
  if (name.includes('\0') || !full.startsWith(root + sep)) throw new NotFound();
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) throw new NotFound();
  const body = new Uint8Array(await readFile(full));
  return new Response(body, { contentType: TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream' });
}
