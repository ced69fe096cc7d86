// GIVEN: the login page's HTML, the page useLogin shows unless the app passes its own
// (LoginOptions.page; lessons/09-state.md#logging-in-and-out).
import type { RequestApi } from '#contracts/toolkit';
import { escapeHtml } from '#toolkit';
// Through index.ts, the lab's public surface, so the page works with any design of the inside.
import { csrfField } from './index.ts';

/**
 * The login page: the form (posting to this request's own URL, with the CSRF field and `next`
 * hidden), and `message`, when there is one, above it.
 */
export function loginPage(request: RequestApi, next: string, message = ''): string {
  const action = escapeHtml(request.scriptRoot + request.path);
  return `<!doctype html>
<title>Log in</title>
${message ? `<p role="alert">${escapeHtml(message)}</p>\n` : ''}<form method="post" action="${action}">
  ${csrfField(request)}
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Log in</button>
</form>
`;
}
