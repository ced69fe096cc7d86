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
  // TODO(lab4): return a TSGI app. For each request: decode PATH_INFO (utf8), match it with the
  // method and the query string, then call the view of the endpoint with the params and return
  // its body as it is (no view of its own in views: throw an Error naming the endpoint), or answer
  // 308 with a Location (the mount point, encodePath(utf8(SCRIPT_NAME)), then the router's
  // location as it is), 405 with Allow (the methods joined by ', '), or 404 (plain).
  throw new Error('TODO(lab4): dispatcher is not written yet (lessons/04-routing.md#the-dispatcher)');
}

/**
 * TSGI strings hold bytes, one character each (latin1); the router works on text. Bytes that are
 * not UTF-8 become U+FFFD, never an error: a client can send any bytes.
 */
function utf8(bytesAsText: string): string {
  // TODO(lab4): Buffer.from(text, 'latin1') gives the bytes back; decode them as UTF-8.
  throw new Error('TODO(lab4): utf8 is not written yet (lessons/04-routing.md#the-dispatcher)');
}

function plain(startResponse: StartResponse, status: string, headers: Array<[string, string]>): TsgiBody {
  // TODO(lab4): start a response with Content-Type 'text/plain; charset=utf-8' and these headers;
  // the body is the status line as one chunk of bytes (encoder).
  throw new Error('TODO(lab4): plain is not written yet (lessons/04-routing.md#the-dispatcher)');
}
