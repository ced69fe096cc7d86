import { HttpError, type HttpVersion, type RequestLine } from '#contracts/http';
import { badRequest, isToken } from './syntax.ts';

/** A request target is visible ASCII, no spaces (RFC 9112 §3.2). */
const TARGET = /^[\x21-\x7e]+$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;
/**
 * absolute-form (RFC 9112 §3.2.2): a scheme, `://`, then a non-empty authority without userinfo,
 * up to the path, the query or the end. The authority is the first group.
 */
export const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#@]+)(?=[/?#]|$)/;
/** authority-form (RFC 9112 §3.2.3), for CONNECT only: host ":" port. */
const AUTHORITY_FORM = /^[^/?#@]+:[0-9]+$/;

/**
 * Splits `METHOD SP TARGET SP VERSION` (RFC 9112 §3), the line without its CRLF.
 * Exactly one space between the parts: anything looser lets a proxy and a server disagree on
 * where the target ends.
 */
export function parseRequestLine(line: string): RequestLine {
  const parts = line.split(' ');
  if (parts.length !== 3) {
    throw badRequest(`a request line is METHOD SP TARGET SP VERSION, got ${JSON.stringify(line)}`);
  }
  const [method, target, versionText] = parts as [string, string, string];
  if (!isToken(method)) throw badRequest(`invalid method ${JSON.stringify(method)}`);
  if (!TARGET.test(target)) throw badRequest(`invalid request target ${JSON.stringify(target)}`);
  checkTargetForm(method, target);
  return { method, target, version: parseVersion(versionText) };
}

/**
 * The four forms of RFC 9112 §3.2, each for its own methods: authority-form for CONNECT and only
 * for it; otherwise origin-form (`/...`), absolute-form, or `*` for OPTIONS.
 */
function checkTargetForm(method: string, target: string): void {
  const fits =
    method === 'CONNECT'
      ? AUTHORITY_FORM.test(target)
      : target.startsWith('/') || ABSOLUTE_FORM.test(target) || (method === 'OPTIONS' && target === '*');
  if (!fits) throw badRequest(`a ${method} request cannot have the target ${JSON.stringify(target)}`);
}

function parseVersion(text: string): HttpVersion {
  const match = VERSION.exec(text);
  if (!match) throw badRequest(`invalid HTTP version ${JSON.stringify(text)}`);
  const [, major, minor] = match;
  // A well-formed version we don't speak is not the client's syntax error: 505 says so.
  if (major !== '1') throw new HttpError(505, `HTTP version ${text} is not supported`);
  // HTTP/1.2 and later minors are compatible with 1.1 (RFC 9110 §2.5), so we answer as 1.1.
  return minor === '0' ? 'HTTP/1.0' : 'HTTP/1.1';
}
