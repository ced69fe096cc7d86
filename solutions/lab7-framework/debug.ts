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
  const title = error instanceof Error ? `${error.name}: ${error.message}` : textOf(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  return [
    '<!doctype html>',
    `<title>${escapeHtml(title)}</title>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(`${request.method} ${request.url}`)}</p>`,
    `<pre>${escapeHtml(stack)}</pre>`,
    '<p>You see this page because DEBUG is on. Never turn it on in production: it shows your code to anyone.</p>',
    '',
  ].join('\n');
}
