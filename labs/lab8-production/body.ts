import type { Environ, StartResponse, TsgiApp, TsgiBody, TsgiHeaders } from '#contracts/tsgi';

/** The status and headers an app chose, caught on their way to the server. */
export interface Start {
  status: string;
  headers: TsgiHeaders;
}

/**
 * Runs `app` with a startResponse that records instead of sending, and hands the recorded start
 * and the body to `respond`, which calls the real startResponse (changed or not) and returns the
 * body to send. An app may call startResponse late, inside its body, so the body is read up to
 * its first non-empty chunk (or its end) before `respond` sees anything: the core trick of WSGI
 * middleware.
 */
export function intercept(
  app: TsgiApp,
  respond: (start: Start, body: AsyncIterable<Uint8Array>, startResponse: StartResponse, environ: Environ) => AsyncIterable<Uint8Array>,
): TsgiApp {
  // TODO(lab8): return an async app that calls `app` with its own startResponse. That one records
  // { status, headers } (a later call with excInfo replaces the record; a second call without it
  // throws), and once `respond` has passed the head on, forwards calls to the real startResponse.
  // Read the body up to its first non-empty chunk or its end (toAsyncIterator), then fail if
  // nothing was recorded; if that read throws, or nothing was recorded, run cleanup (below) before
  // you throw: no body goes back to the server, so nobody else will close the app's. Build `rest`:
  // that first chunk, then the others. Return closing(respond(start, rest, a startResponse that
  // notes the head was passed on, environ), cleanup) where cleanup calls the iterator's return()
  // and the body's close().
  throw new Error('TODO(lab8): intercept is not written yet (lessons/08-production.md#catching-startresponse)');
}

/** A body whose close() (and early end) also cleans up what it was made from. */
export function closing(body: AsyncIterable<Uint8Array>, cleanup: () => Promise<void> | void): TsgiBody {
  let done = false;
  const finish = async () => {
    if (done) return;
    done = true;
    await cleanup();
  };
  const inner = body[Symbol.asyncIterator]();
  const iterator: AsyncIterator<Uint8Array> = {
    async next() {
      const step = await inner.next();
      if (step.done) await finish();
      return step;
    },
    async return() {
      await inner.return?.();
      await finish();
      return { done: true, value: undefined };
    },
  };
  // close() alone (all a server owes a body) also ends `body`, so that its finally blocks run.
  return Object.assign({ [Symbol.asyncIterator]: () => iterator }, { close: () => void iterator.return!() });
}

export function toAsyncIterator(body: TsgiBody): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in body) return body[Symbol.asyncIterator]();
  // yield* passes return() on to the sync iterator: a generator's finally blocks still run.
  return (async function* () {
    yield* body;
  })();
}

/** A header's value from a TSGI header list, case-insensitively. */
export function headerValue(headers: TsgiHeaders, name: string): string | undefined {
  const key = name.toLowerCase();
  return headers.find(([field]) => field.toLowerCase() === key)?.[1];
}

/** A small plain-text response, for the middleware's own answers (304, 404, 413, 416). */
export function plain(startResponse: StartResponse, status: string, headers: TsgiHeaders = [], text = `${status}\n`): TsgiBody {
  const bytes = new TextEncoder().encode(text);
  startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(bytes.length)], ...headers]);
  return [bytes];
}
