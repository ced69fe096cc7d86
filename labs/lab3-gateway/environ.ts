import type { ServerRequest } from '#contracts/server';
import type { Environ, TsgiErrors } from '#contracts/tsgi';
import { Input } from './input.ts';
import type { GatewayOptions } from './options.ts';

const standardError: TsgiErrors = {
  write: (text) => void process.stderr.write(text),
  flush: () => {},
};

/** The path and query of a request target, for all its forms (RFC 9112 §3.2). */
export function splitTarget(target: string): { path: string; query: string } {
  // TODO(lab3): drop a leading `scheme://authority` (absolute-form), then a `#fragment`; split what
  // is left at the first '?'. After an authority, an empty path is '/'. Decode nothing.
  throw new Error('TODO(lab3): splitTarget is not written yet (lessons/03-gateway.md#the-path-and-the-query)');
}

/**
 * Undoes percent-encoding into "bytes as text": `%C3%A9` becomes the two characters \xc3 \xa9,
 * one per byte, as PEP 3333 prescribes. The application decodes the bytes (usually as UTF-8).
 * A `%` not followed by two hex digits is kept as it is.
 */
export function decodePath(path: string): string {
  // TODO(lab3): replace every `%` + two hex digits (either case) by String.fromCharCode of their
  // value. Not decodeURIComponent: it decodes UTF-8 and throws on a lone '%'.
  throw new Error('TODO(lab3): decodePath is not written yet (lessons/03-gateway.md#bytes-as-text)');
}

/** `content-type` -> `HTTP_CONTENT_TYPE`: the CGI name of a header. */
function cgiName(name: string): string {
  // TODO(lab3): 'HTTP_', then the name in capitals with every '-' as '_'.
  throw new Error('TODO(lab3): cgiName is not written yet (lessons/03-gateway.md#headers-content_type-content_length-and-http_)');
}

/**
 * Builds the environ of a request (PEP 3333 "environ Variables", carried over to TSGI).
 * Returns null when the path is outside `scriptName`: that request is not this application's.
 */
export function buildEnviron(request: ServerRequest, options: GatewayOptions = {}): Environ | null {
  // TODO(lab3): split and decode the target; return null if the decoded path is outside
  // options.scriptName. Fill in every key of the lesson's table (strings for the CGI keys, the
  // tsgi.* keys from the options), with new Input(request.body) as tsgi.input. Then the headers,
  // in order: content-type and content-length without HTTP_, names with '_' dropped, the rest
  // through cgiName, repeats joined with ', ' (cookies with '; ').
  throw new Error('TODO(lab3): buildEnviron is not written yet (lessons/03-gateway.md#the-environ)');
}
