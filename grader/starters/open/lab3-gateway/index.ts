// Lab 3's public surface, at the open level: every export the grader and later labs use, with its
// final signature. Each one throws until you write it; the comment above it says what it is for and
// which part of lessons/03-gateway.md specifies it. How you build them, and in which files, is
// yours to design: keep these names and signatures, and this file as the one the grader imports.
import type { Server, ServerRequest, Handler } from '#contracts/server';
import type { Environ, TsgiApp, TsgiInput, TsgiViolation } from '#contracts/tsgi';
import type { GatewayOptions, ServeOptions } from './options.ts';

export type { GatewayOptions, ServeOptions } from './options.ts';

/** The path and the query of a request target, in every form it can take, still encoded.
 * Specified in "The path and the query". */
export function splitTarget(target: string): { path: string; query: string } {
  throw new Error('TODO(lab3): splitTarget is not written yet (lessons/03-gateway.md#the-path-and-the-query)');
}

/** Undoes percent-encoding into "bytes as text", one character per byte, as PEP 3333 prescribes.
 * Specified in "Bytes as text". */
export function decodePath(path: string): string {
  throw new Error('TODO(lab3): decodePath is not written yet (lessons/03-gateway.md#bytes-as-text)');
}

/** The environ of a request, or null when its path is outside the `scriptName` it is mounted at.
 * Specified in "The environ" and its subsections (rules E1–E23). */
export function buildEnviron(request: ServerRequest, options: GatewayOptions = {}): Environ | null {
  throw new Error('TODO(lab3): buildEnviron is not written yet (lessons/03-gateway.md#the-environ)');
}

/** `tsgi.input`: the request body as the application reads it, read from the server's stream only
 * when the application asks. Specified in "The input stream: tsgi.input" (rules I1–I6). */
export class Input implements TsgiInput {
  /** `source` is the request body as the server streams it (lab 2's `request.body`). */
  constructor(source: AsyncIterable<Uint8Array>) {
    throw new Error('TODO(lab3): Input is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
  }

  /** `size` bytes (fewer only at the end of the body); with no size, everything that is left. */
  async read(size?: number): Promise<Uint8Array> {
    throw new Error('TODO(lab3): Input.read is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
  }

  /** The body's remaining bytes, chunk by chunk, from the same position `read` uses. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    throw new Error('TODO(lab3): Input[Symbol.asyncIterator] is not written yet (lessons/03-gateway.md#the-input-stream-tsgiinput)');
  }
}

/** The server side of TSGI: turns a TSGI application into a handler for lab 2's server.
 * Specified in "The handler" through "Errors and close()" (rules A, H, S, B, R and C). */
export function tsgiHandler(app: TsgiApp, options: GatewayOptions = {}): Handler {
  throw new Error('TODO(lab3): tsgiHandler is not written yet (lessons/03-gateway.md#the-handler)');
}

/** What `validator` does with each violation it finds. */
export interface ValidatorOptions {
  /** Called with each violation. The default throws it, as wsgiref.validate does. */
  onViolation?: (violation: TsgiViolation) => void;
}

/** Wraps an application and checks both sides of every call against the TSGI rules.
 * Specified in "The validator" (rules V1–V28). */
export function validator(app: TsgiApp, options: ValidatorOptions = {}): TsgiApp {
  throw new Error('TODO(lab3): validator is not written yet (lessons/03-gateway.md#the-validator)');
}

/** The smallest TSGI application: `Hello, WSGI!`. Specified in "The smallest app" (rule A5). */
export const helloApp: TsgiApp = (environ, startResponse) => {
  throw new Error('TODO(lab3): helloApp is not written yet (lessons/03-gateway.md#the-smallest-app)');
};

/** Shows the environ as the application sees it, one line per string entry.
 * Specified in "The smallest app" (rule A6). */
export const environApp: TsgiApp = (environ, startResponse) => {
  throw new Error('TODO(lab3): environApp is not written yet (lessons/03-gateway.md#the-smallest-app)');
};

/** Runs a TSGI application on lab 2's server: `await serve(helloApp, { port: 8000 })`.
 * Specified in "Running apps" (rules N1, N2). */
export async function serve(app: TsgiApp, options: ServeOptions = {}): Promise<Server> {
  throw new Error('TODO(lab3): serve is not written yet (lessons/03-gateway.md#running-apps)');
}
