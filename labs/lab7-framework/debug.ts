import type { RequestApi } from '#contracts/toolkit';
// The toolkit's escaping (lab 5): one function for the whole stack, not a copy per layer.
import { escapeHtml } from '#toolkit';

/**
 * Any thrown value as text. String() throws for a value that cannot be turned into text (an
 * Object.create(null) has no toString, a Symbol.toPrimitive may throw): then its tag, `[object Object]`.
 */
export function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}


/** The debug page: what failed, where, and on which request. Only ever shown with DEBUG on. */
export function debugPage(error: unknown, request: RequestApi): string {
  // TODO(lab7): A small HTML page with the error's name and message as its title and heading, the
  // request's method and URL, the stack in a <pre>, and a line saying never to turn DEBUG on in
  // production. Every piece of text goes through escapeHtml: a message can hold what a client sent.
  // Anything may be thrown, not only an Error: textOf (above) gives any value as text.
  throw new Error('TODO(lab7): debugPage is not written yet (lessons/07-framework.md#error-handling)');
}
