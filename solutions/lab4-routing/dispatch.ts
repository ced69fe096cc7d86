import type { Environ, StartResponse, TsgiApp, TsgiBody } from '#contracts/tsgi';
import { encodePath, type Router } from './router.ts';

/** A view: a TSGI application that also receives the values the rule's variables matched. */
export type View = (
  environ: Environ,
  startResponse: StartResponse,
  params: Record<string, unknown>,
) => TsgiBody | Promise<TsgiBody>;

const encoder = new TextEncoder();

/**
 * A TSGI application that routes each request to a view: lab 3's gateway runs it, lab 4's router
 * picks the view. Not found is 404, a wrong method 405 with Allow, a missing slash 308.
 */
export function dispatcher(router: Router, views: Record<string, View>): TsgiApp {
  return (environ, startResponse) => {
    // PATH_INFO holds bytes as text (TSGI): decode them as UTF-8 before matching.
    const path = utf8(environ.PATH_INFO);
    const result = router.match(path, environ.REQUEST_METHOD, environ.QUERY_STRING);
    switch (result.kind) {
      case 'match': {
        // Own keys only: an endpoint named `constructor` must not find Object as its view.
        const view = Object.hasOwn(views, result.endpoint) ? views[result.endpoint] : undefined;
        if (!view) throw new Error(`no view for the endpoint "${result.endpoint}"`);
        return view(environ, startResponse, result.params);
      }
      case 'redirect': {
        // The router's location is a URL from the mount point on: put the mount point in front,
        // in URL form too (SCRIPT_NAME holds bytes, like PATH_INFO).
        const location = encodePath(utf8(environ.SCRIPT_NAME)) + result.location;
        return plain(startResponse, '308 Permanent Redirect', [['Location', location]]);
      }
      case 'method-not-allowed':
        return plain(startResponse, '405 Method Not Allowed', [['Allow', result.allowed.join(', ')]]);
      case 'not-found':
        return plain(startResponse, '404 Not Found', []);
    }
  };
}

/**
 * TSGI strings hold bytes, one character each (latin1); the router works on text. Bytes that are
 * not UTF-8 become U+FFFD, never an error: a client can send any bytes.
 */
function utf8(bytesAsText: string): string {
  return Buffer.from(bytesAsText, 'latin1').toString('utf8');
}

function plain(startResponse: StartResponse, status: string, headers: Array<[string, string]>): TsgiBody {
  startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ...headers]);
  return [encoder.encode(`${status}\n`)];
}
