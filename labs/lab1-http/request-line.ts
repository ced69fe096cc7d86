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
  // TODO(lab1): split the line into exactly three parts; check the method is a token (isToken),
  // the target matches TARGET and its form fits the method (checkTargetForm); then read the
  // version with parseVersion. Throw badRequest(...) for anything malformed.
  throw new Error('TODO(lab1): parseRequestLine is not written yet (lessons/01-http.md#the-request-line)');
}

/**
 * The four forms of RFC 9112 §3.2, each for its own methods: authority-form for CONNECT and only
 * for it; otherwise origin-form (`/...`), absolute-form, or `*` for OPTIONS.
 */
function checkTargetForm(method: string, target: string): void {
  // TODO(lab1): CONNECT needs AUTHORITY_FORM. Any other method needs a target that starts with
  // `/`, or matches ABSOLUTE_FORM, or is `*` with OPTIONS. Anything else: badRequest.
  throw new Error('TODO(lab1): checkTargetForm is not written yet (lessons/01-http.md#the-request-line)');
}

function parseVersion(text: string): HttpVersion {
  // TODO(lab1): match VERSION. Malformed: 400. Well-formed but not HTTP/1.x: 505, with
  // new HttpError(505, ...). HTTP/1.0 stays 1.0; any other 1.x is answered as HTTP/1.1.
  throw new Error('TODO(lab1): parseVersion is not written yet (lessons/01-http.md#the-request-line)');
}
