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
  // TODO(lab8): the prefix with exactly one '/' at its end. A PATH_INFO that does not start with
  // it goes to the app. Other methods than GET and HEAD: 405 with Allow: GET, HEAD. The name after
  // the prefix is bytes as text: decode it as UTF-8. resolveInside finds the file (null: 404), and
  // sendFile answers.
  throw new Error('TODO(lab8): staticFiles is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

/** The real path of `name` under `root`, or null if it is not a file safely inside it. */
export async function resolveInside(root: string, name: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  // TODO(lab8): null for a name holding NUL or a backslash, or with a segment (between '/') that is
  // '..', '.' or empty. Then realpath the root and the joined path: the real file must start with
  // the real root plus `sep` (a symlink may point outside), and be a file (stat). An error whose
  // code says the name leads nowhere (ENOENT, ENOTDIR, ENAMETOOLONG): null; any other: throw it.
  throw new Error('TODO(lab8): resolveInside is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

async function sendFile(file: { path: string; size: number; mtimeMs: number }, environ: Environ, startResponse: StartResponse): Promise<TsgiBody> {
  // TODO(lab8): an ETag from the size and mtime, quoted; the Content-Type from TYPES (else
  // application/octet-stream); ETag and Accept-Ranges: bytes on every answer. If-None-Match holding
  // the ETag (or W/ it, or *): 304 with no body. Then, for GET only, parseRange: 'unsatisfiable' is a 416 with
  // Content-Range: bytes */size; a range is a 206 with Content-Range: bytes start-end/size; none
  // is a 200. Content-Length is the length sent. HEAD (or nothing to send): no body; else stream
  // the bytes with createReadStream({ start, end }), and destroy the stream in the body's close().
  throw new Error('TODO(lab8): sendFile is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}

/**
 * One byte range, `bytes=0-99`, `bytes=100-` or `bytes=-100` (RFC 9110 §14.1.2), as [start, end].
 * Several ranges, or a malformed header: null (send the whole file). Past the end: unsatisfiable.
 */
export function parseRange(header: unknown, size: number): [number, number] | null | 'unsatisfiable' {
  // TODO(lab8): match /^bytes=(\d*)-(\d*)$/ (anything else, or both numbers missing: null).
  // '-N' is the last N bytes (N = 0: unsatisfiable). 'S-' runs to the end; 'S-E' ends at E, cut to
  // the last byte (E < S: null). A start at or past the end: 'unsatisfiable'.
  throw new Error('TODO(lab8): parseRange is not written yet (lessons/08-production.md#static-files-and-path-traversal)');
}
