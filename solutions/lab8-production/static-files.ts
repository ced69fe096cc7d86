import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { Middleware, StaticOptions } from '#contracts/production';
import type { Environ, StartResponse, TsgiBody } from '#contracts/tsgi';
import { plain } from './body.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves files under `prefix` from `root`, with a Content-Type from the extension, an ETag that
 * answers If-None-Match with 304, and Range that answers with 206. Other paths go to the app.
 * The path is checked as text (no `..`, backslash or NUL) and again after resolving symlinks:
 * the real file must be inside the real root.
 */
export function staticFiles(options: StaticOptions): Middleware {
  const prefix = options.prefix.replace(/\/$/, '') + '/';
  return (app) => async (environ, startResponse) => {
    if (!environ.PATH_INFO.startsWith(prefix)) return app(environ, startResponse);
    if (environ.REQUEST_METHOD !== 'GET' && environ.REQUEST_METHOD !== 'HEAD') {
      return plain(startResponse, '405 Method Not Allowed', [['Allow', 'GET, HEAD']]);
    }
    // PATH_INFO is bytes as text (TSGI); file names are UTF-8.
    const name = Buffer.from(environ.PATH_INFO.slice(prefix.length), 'latin1').toString('utf8');
    const file = await resolveInside(options.root, name);
    if (file === null) return plain(startResponse, '404 Not Found');
    return sendFile(file, environ, startResponse);
  };
}

/** Errors of the file system that mean "this name leads to no file": a 404, not a failure. */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG']);

/** The real path of `name` under `root`, or null if it is not a file safely inside it. */
export async function resolveInside(root: string, name: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  // The text first: no NUL, no backslash, no `..`, `.` or empty segment (rules T1-T5).
  const segments = name.split('/');
  if (name.includes('\0') || name.includes('\\') || segments.some((s) => s === '..' || s === '.' || s === '')) return null;
  try {
    // Then the real paths, symlinks resolved: the file must be inside the root (T6).
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return null; // a symlink pointing out of the folder
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch (error) {
    if (NOT_FOUND.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error; // anything else is a real failure: the server answers 500 and logs it
  }
}

async function sendFile(file: { path: string; size: number; mtimeMs: number }, environ: Environ, startResponse: StartResponse): Promise<TsgiBody> {
  const etag = `"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const type = TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
  const common: Array<[string, string]> = [['ETag', etag], ['Accept-Ranges', 'bytes']];
  const ifNoneMatch = environ.HTTP_IF_NONE_MATCH;
  if (typeof ifNoneMatch === 'string') {
    // The tags the client has, weak ones (W/"...") compared as strong.
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (tags.includes(etag) || tags.includes('*')) {
      startResponse('304 Not Modified', common);
      return [];
    }
  }
  // Range is defined for GET only (RFC 9110 §14.2): a HEAD gets the 200 head of the whole file.
  const range = environ.REQUEST_METHOD === 'GET' ? parseRange(environ.HTTP_RANGE, file.size) : null;
  if (range === 'unsatisfiable') {
    return plain(startResponse, '416 Range Not Satisfiable', [['Content-Range', `bytes */${file.size}`]]);
  }
  const [start, end] = range ?? [0, file.size - 1];
  const length = end - start + 1; // an empty file: [0, -1], no bytes
  const headers: Array<[string, string]> = [['Content-Type', type], ['Content-Length', String(length)], ...common];
  if (range) headers.push(['Content-Range', `bytes ${start}-${end}/${file.size}`]);
  startResponse(range ? '206 Partial Content' : '200 OK', headers);
  if (environ.REQUEST_METHOD === 'HEAD' || length === 0) return [];
  const stream = createReadStream(file.path, { start, end });
  return Object.assign(
    (async function* () {
      for await (const chunk of stream) yield new Uint8Array(chunk as Buffer);
    })(),
    { close: () => stream.destroy() },
  );
}

/**
 * One byte range, `bytes=0-99`, `bytes=100-` or `bytes=-100` (RFC 9110 §14.1.2), as [start, end].
 * Several ranges, or a malformed header: null (send the whole file). Past the end: unsatisfiable.
 */
export function parseRange(header: unknown, size: number): [number, number] | null | 'unsatisfiable' {
  if (typeof header !== 'string') return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2])); // `-0` starts at the end: unsatisfiable below
    end = size - 1;
  } else {
    start = Number(match[1]);
    if (match[2] !== '' && Number(match[2]) < start) return null; // reversed: not a range at all
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size) return 'unsatisfiable';
  return [start, end];
}
