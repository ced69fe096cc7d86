import { STATUS_CODES } from 'node:http';
import { HttpError } from '#contracts/http';
import type { Handler, ServerRequest, ServerResponse } from '#contracts/server';
import type { Environ, TsgiApp, TsgiBody } from '#contracts/tsgi';
import { buildEnviron } from './environ.ts';
import type { GatewayOptions } from './options.ts';
import { ResponseStart } from './start-response.ts';

const encoder = new TextEncoder();

/**
 * The server side of TSGI: turns a TSGI application into a lab 2 handler. For each request it
 * builds the environ, calls the application, and sends the status and headers the application
 * chose with the first non-empty chunk of its body (so an error before that can still become a
 * clean 500). Whatever happens, the body's close() is called once.
 */
export function tsgiHandler(app: TsgiApp, options: GatewayOptions = {}): Handler {
  return async (request: ServerRequest): Promise<ServerResponse> => {
    const environ = buildEnviron(request, options);
    if (environ === null) return plain(404);
    // Once the client has gone (lab 2 aborts the signal and fails the request body), a failure is
    // no fault of the app's: nothing goes to tsgi.errors then (rule R6).
    const log = (error: unknown) => {
      if (!request.signal.aborted) report(environ, error);
    };
    const start = new ResponseStart();
    let body: TsgiBody;
    try {
      body = await app(environ, start.startResponse);
    } catch (error) {
      return failure(error, log);
    }
    try {
      checkBody(body);
    } catch (error) {
      // Not a body, but it may still hold a resource: its close() runs all the same (rule C1).
      const response = failure(error, log);
      await closeQuietly(() => (body as { close?: () => void } | null)?.close?.(), log);
      return response;
    }
    const chunks = new BodyReader(body);
    let first: Uint8Array | null;
    try {
      first = await chunks.nextNonEmpty();
      if (start.status === null) throw new Error('the application produced its body without calling startResponse');
    } catch (error) {
      const response = failure(error, log);
      await closeQuietly(() => chunks.close(), log);
      return response;
    }
    start.headersSent = true;
    return {
      status: start.status,
      reason: start.reason,
      headers: start.headers,
      // From here on a failure can only cut the connection (lab 2 does that); it is still logged.
      body: chunks.rest(first, log),
    };
  };
}

/** A string is iterable (by characters) and bytes are iterable (by numbers): neither is a body. */
function checkBody(body: unknown): asserts body is TsgiBody {
  const iterable = body !== null && typeof body === 'object' && (Symbol.iterator in body || Symbol.asyncIterator in body);
  if (!iterable || body instanceof Uint8Array) {
    throw new TypeError('the application must return an iterable of Uint8Array chunks, such as [bytes]');
  }
}

/**
 * Reads an application's body, sync or async, chunk by chunk, and calls its close() exactly once.
 * The gateway reads up to the first non-empty chunk itself; the server reads the rest.
 */
class BodyReader {
  readonly #body: TsgiBody;
  readonly #iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
  #closed = false;

  constructor(body: TsgiBody) {
    this.#body = body;
    this.#iterator = Symbol.asyncIterator in body ? body[Symbol.asyncIterator]() : body[Symbol.iterator]();
  }

  /** The next chunk, or null at the end. */
  async next(): Promise<Uint8Array | null> {
    const step = await this.#iterator.next();
    if (step.done) return null;
    if (!(step.value instanceof Uint8Array)) {
      throw new TypeError(`body chunks must be Uint8Array (encode strings first), got ${typeof step.value}`);
    }
    return step.value;
  }

  /** The next chunk that has bytes, or null at the end: empty chunks are never handed on. */
  async nextNonEmpty(): Promise<Uint8Array | null> {
    for (let chunk = await this.next(); chunk !== null; chunk = await this.next()) {
      if (chunk.length > 0) return chunk;
    }
    return null;
  }

  /** Stops the iterator if it is still running, then calls the body's close(). Once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#iterator.return?.();
    } finally {
      this.#body.close?.();
    }
  }

  /**
   * The rest of the body as an async iterator for the server. Written by hand rather than as a
   * generator: a generator that has not started skips its finally when return() is called, and
   * a HEAD request or a client that leaves early must still close the body.
   */
  rest(first: Uint8Array | null, onError: (error: unknown) => void): AsyncIterable<Uint8Array> {
    let pending = first;
    const reader = this;
    const iterator: AsyncIterator<Uint8Array> = {
      async next() {
        try {
          if (pending !== null) {
            const chunk = pending;
            pending = null;
            return { done: false, value: chunk };
          }
          const chunk = await reader.nextNonEmpty();
          if (chunk !== null) return { done: false, value: chunk };
        } catch (error) {
          onError(error);
          await reader.close();
          throw error;
        }
        await reader.close();
        return { done: true, value: undefined };
      },
      async return() {
        await reader.close();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }
}

/**
 * Before the head went out, a failure becomes a clean error response, and it is logged. An
 * HttpError is the client's doing (the 413 that reading tsgi.input throws when a body passes the
 * server's limit): its own status. Anything else is the app's: 500 (rule R2).
 */
function failure(error: unknown, log: (error: unknown) => void): ServerResponse {
  log(error);
  return plain(error instanceof HttpError ? error.status : 500);
}

/** A close() that throws is one more failure of the app: logged, and the 500 still goes out (rule H2). */
async function closeQuietly(close: () => unknown, log: (error: unknown) => void): Promise<void> {
  try {
    await close();
  } catch (error) {
    log(error);
  }
}

function report(environ: Environ, error: unknown): void {
  const errors = environ['tsgi.errors'];
  // An HttpError is the client's doing (a body over the limit, a malformed chunk): one line, no
  // stack, so that a client sending garbage cannot fill the log with traces (R5 leaves this free).
  if (error instanceof HttpError) errors.write(`TSGI request refused: ${error.status} ${error.message}\n`);
  else errors.write(`TSGI application failed: ${error instanceof Error ? (error.stack ?? error.message) : describe(error)}\n`);
  errors.flush();
}

/** String(value) throws for an object without a prototype (Object.create(null)): the log must not. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The gateway's own answers (rule H6): the status line as plain text, `404 Not Found`. */
function plain(status: number): ServerResponse {
  const text = `${status} ${STATUS_CODES[status]}\n`;
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: encoder.encode(text) };
}
