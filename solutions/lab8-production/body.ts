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
  return async (environ, startResponse) => {
    let start: Start | null = null;
    let passedOn = false;
    const body = await app(environ, (status, headers, excInfo) => {
      // Once the middleware has passed the head on, only the server can judge a late change.
      if (passedOn) return startResponse(status, headers, excInfo);
      // Before that, a call with excInfo (the app handling an error) replaces the recorded one.
      if (start !== null && excInfo === undefined) throw new Error('startResponse was already called; a second call needs excInfo');
      start = { status, headers };
    });
    const iterator = toAsyncIterator(body);
    const cleanup = async () => {
      await iterator.return?.();
      body.close?.();
    };
    let first: IteratorResult<Uint8Array>;
    try {
      // An app may call startResponse as late as its first non-empty chunk (lesson 3, A3).
      first = await iterator.next();
      while (!first.done && first.value.length === 0) first = await iterator.next();
      if (start === null) throw new Error('the application did not call startResponse before its body');
    } catch (error) {
      // No body goes back to the server, so nobody else will close the app's.
      await cleanup();
      throw error;
    }
    const rest = (async function* () {
      if (!first.done) yield first.value;
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield step.value;
    })();
    const passOn: StartResponse = (status, headers, excInfo) => {
      passedOn = true;
      startResponse(status, headers, excInfo);
    };
    return closing(respond(start, rest, passOn, environ), cleanup);
  };
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
