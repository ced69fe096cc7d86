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
  // TODO(lab3): return an async handler that builds the environ (null: a plain 404), calls the app
  // with a new ResponseStart's startResponse and awaits its body (checkBody), reads up to the
  // first non-empty chunk (BodyReader), and resolves with the status, reason and headers the app
  // chose and the rest of the body. Any failure up to there: close the body (a value checkBody
  // refused too, if it has close(); a close() that throws is logged, not thrown), answer failure(...).
  // Log failures with report(environ, error), except once request.signal is aborted (rule R6).
  throw new Error('TODO(lab3): tsgiHandler is not written yet (lessons/03-gateway.md#the-handler)');
}

/** A string is iterable (by characters) and bytes are iterable (by numbers): neither is a body. */
function checkBody(body: unknown): asserts body is TsgiBody {
  // TODO(lab3): throw a TypeError unless body is an object with Symbol.iterator or
  // Symbol.asyncIterator that is not a Uint8Array.
  throw new Error('TODO(lab3): checkBody is not written yet (lessons/03-gateway.md#the-response-body)');
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
    // TODO(lab3): await the iterator's next step (sync or async alike); a chunk that is not a
    // Uint8Array is a TypeError.
    throw new Error('TODO(lab3): BodyReader.next is not written yet (lessons/03-gateway.md#the-response-body)');
  }

  /** The next chunk that has bytes, or null at the end: empty chunks are never handed on. */
  async nextNonEmpty(): Promise<Uint8Array | null> {
    // TODO(lab3): skip empty chunks; return the next non-empty one, or null if the body ends first.
    throw new Error('TODO(lab3): BodyReader.nextNonEmpty is not written yet (lessons/03-gateway.md#when-the-head-goes-out)');
  }

  /** Stops the iterator if it is still running, then calls the body's close(). Once. */
  async close(): Promise<void> {
    // TODO(lab3): only the first time: the iterator's return() if it has one, then (in a finally)
    // the body's close() if it has one.
    throw new Error('TODO(lab3): BodyReader.close is not written yet (lessons/03-gateway.md#closing-the-body)');
  }

  /**
   * The rest of the body as an async iterator for the server. Written by hand rather than as a
   * generator: a generator that has not started skips its finally when return() is called, and
   * a HEAD request or a client that leaves early must still close the body.
   */
  rest(first: Uint8Array | null, onError: (error: unknown) => void): AsyncIterable<Uint8Array> {
    // TODO(lab3): an iterator whose next() gives `first` (if any), then the reader's non-empty
    // chunks; at the end it closes the reader. If reading fails: onError, close, throw the error on. return()
    // closes the reader.
    throw new Error('TODO(lab3): BodyReader.rest is not written yet (lessons/03-gateway.md#closing-the-body)');
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

function report(environ: Environ, error: unknown): void {
  // TODO(lab3): write the error (its stack, or its message) to environ['tsgi.errors'], then flush.
  throw new Error('TODO(lab3): report is not written yet (lessons/03-gateway.md#errors-and-close)');
}

/** The gateway's own answers (rule H6): the status line as plain text, `404 Not Found`. */
function plain(status: number): ServerResponse {
  const text = `${status} ${STATUS_CODES[status]}\n`;
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: encoder.encode(text) };
}
