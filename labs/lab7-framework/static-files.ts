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
  // TODO(lab7): Resolve the folder, then the name inside it. A name with a NUL byte, or whose
  // resolved path does not start with the folder plus a path separator, is a NotFound. So is a
  // path that is not a regular file (stat). Otherwise a Response of the file's bytes, with the
  // Content-Type from TYPES by extension (application/octet-stream for the rest).
  throw new Error('TODO(lab7): staticFile is not written yet (lessons/07-framework.md#static-files)');
}
