import type { RequestApi } from '#contracts/toolkit';
// The toolkit's escaping (lab 5): one function for the whole stack, not a copy per layer.
import { escapeHtml } from '#toolkit';


/** The debug page: what failed, where, and on which request. Only ever shown with DEBUG on. */
export function debugPage(error: unknown, request: RequestApi): string {
  const title = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
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
