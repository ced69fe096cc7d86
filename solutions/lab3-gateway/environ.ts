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
  // absolute-form, `GET http://example.com/a?b HTTP/1.1`, is what a client sends to a proxy.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target)?.[0] ?? '';
  let rest = target.slice(authority.length);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
  // An empty path means the root (RFC 9110 §4.2.3): only the absolute-form can leave one.
  return { path: path === '' ? '/' : path, query };
}

/**
 * Undoes percent-encoding into "bytes as text": `%C3%A9` becomes the two characters \xc3 \xa9,
 * one per byte, as PEP 3333 prescribes. The application decodes the bytes (usually as UTF-8).
 * A `%` not followed by two hex digits is kept as it is.
 */
export function decodePath(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** `content-type` -> `HTTP_CONTENT_TYPE`: the CGI name of a header. */
function cgiName(name: string): string {
  return 'HTTP_' + name.toUpperCase().replace(/-/g, '_');
}

/**
 * Builds the environ of a request (PEP 3333 "environ Variables", carried over to TSGI).
 * Returns null when the path is outside `scriptName`: that request is not this application's.
 */
export function buildEnviron(request: ServerRequest, options: GatewayOptions = {}): Environ | null {
  const { path, query } = splitTarget(request.target);
  const decoded = decodePath(path);
  const scriptName = options.scriptName ?? '';
  if (scriptName !== '' && decoded !== scriptName && !decoded.startsWith(scriptName + '/')) return null;

  const environ: Environ = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: scriptName,
    PATH_INFO: decoded.slice(scriptName.length),
    QUERY_STRING: query,
    SERVER_NAME: options.serverName ?? request.localAddress,
    SERVER_PORT: String(request.localPort),
    SERVER_PROTOCOL: request.version,
    REMOTE_ADDR: request.remoteAddress,
    REMOTE_PORT: String(request.remotePort),
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': options.urlScheme ?? 'http',
    'tsgi.input': new Input(request.body),
    'tsgi.errors': options.errors ?? standardError,
    'tsgi.multithread': false,
    'tsgi.multiprocess': options.multiprocess ?? false,
    'tsgi.run_once': false,
  };
  for (const [name, value] of request.headers) {
    if (name === 'content-type') environ.CONTENT_TYPE = value;
    // Lab 1 lets `Content-Length: 12, 12` through (the copies agree): one copy is the length.
    else if (name === 'content-length') environ.CONTENT_LENGTH = value.split(',')[0]!.trim();
    // `X_Forwarded_For` and `X-Forwarded-For` would both become HTTP_X_FORWARDED_FOR: a client
    // could forge a header a proxy vouches for. Names with '_' are dropped, as nginx does.
    else if (name.includes('_')) continue;
    else {
      const key = cgiName(name);
      const previous = environ[key];
      // Repeated fields are joined into one value (RFC 9110 §5.3); cookies with '; ' (RFC 6265 §5.4).
      const separator = name === 'cookie' ? '; ' : ', ';
      environ[key] = typeof previous === 'string' ? previous + separator + value : value;
    }
  }
  return environ;
}
