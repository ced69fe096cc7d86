// Hidden tests for lab 9's CSRF protection: the token kept in the session, the form field, and the
// check on every unsafe method, through real requests to app.tsgi with a cookie jar. The app under
// test uses the learner's cookieSessions (milestone "sessions") to keep the token.
import { expect } from 'vitest';
import type { RequestApi } from '#contracts/toolkit';
import { App } from '#framework';
import { cookieSessions, csrfField, csrfToken, session, useCsrf } from '@lab/state';
import { bounded, milestone, test } from '../../harness/index.ts';
import { type CallInit, Jar, watchTimingSafeEqual } from './helpers-auth.ts';

const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** An app with sessions and CSRF; /change runs for every method and counts the runs. */
function csrfApp() {
  const runs: string[] = [];
  const app = bounded('new App() with cookieSessions and useCsrf', () => {
    const app = new App();
    cookieSessions(app, { secretKeys: ['k'] });
    useCsrf(app);
    app.get('/token', function token(request: RequestApi) {
      return csrfToken(request);
    });
    app.get('/field', function field(request: RequestApi) {
      return csrfField(request);
    });
    app.get('/odd-token', function oddToken(request: RequestApi) {
      session(request).set('csrf_token', '"><script>alert(1)</script>');
      return csrfField(request);
    });
    app.route('/change', { methods: ['GET', 'OPTIONS', ...UNSAFE] }, function change(request: RequestApi) {
      runs.push(request.method);
      return 'changed';
    });
    return app;
  });
  return { app, runs };
}

/** A visitor who has loaded a page with a form, so the session holds a token: the jar and the token. */
async function visitor(app: App): Promise<{ jar: Jar; token: string }> {
  const jar = new Jar();
  const answer = await jar.call(app, { path: '/token' });
  return { jar, token: answer.text };
}

/** The session's values, read from a signed cookie session (S6: base64url JSON before the first dot). */
/** HTML's character references back to characters: named (&quot; &amp; &lt; &gt; &apos;) and numeric. */
const unescapeHtml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|quot|amp|lt|gt|apos);/gi, (_, ref: string) => {
    const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
    if (ref[0] !== '#') return named[ref.toLowerCase()]!;
    return String.fromCodePoint(ref[1]!.toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
  });

const cookieValues = (jar: Jar) => JSON.parse(Buffer.from((jar.get('session') ?? '').split('.')[0]!, 'base64url').toString('utf8'));

milestone('csrf', () => {
  test('csrfToken makes a random token on first use, keeps it in the session, and gives the same one after', {
    rules: ['C1'],
    points: 3,
    hint: "session(request).get('csrf_token'); if it is not there, randomBytes(32).toString('base64url'), set it, return it.",
  }, async () => {
    const { app } = csrfApp();
    const { jar, token } = await visitor(app);
    expect(token, `GET /token: the token should be 32 random bytes in base64url`).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookieValues(jar).csrf_token, `the session (cookie ${jar}) should keep the token under csrf_token`).toBe(token);
    const again = await jar.call(app, { path: '/token' });
    expect(again.text, again.says(`the same session should get the same token (${token})`)).toBe(token);
    const other = await visitor(app);
    expect(other.token, `another visitor should get another token than ${token}`).not.toBe(token);
  });

  test('csrfField is the hidden input csrf_token with the token, escaped', {
    rules: ['C2'],
    points: 2,
    hint: '`<input type="hidden" name="csrf_token" value="${escapeHtml(token)}">`: escapeHtml comes from #toolkit.',
  }, async () => {
    const { app } = csrfApp();
    const { jar, token } = await visitor(app);
    const field = await jar.call(app, { path: '/field' });
    expect(field.text, field.says('should be the hidden input with the session\'s token')).toBe(`<input type="hidden" name="csrf_token" value="${token}">`);
    const odd = await jar.call(app, { path: '/odd-token' });
    expect(odd.text, odd.says('a token holding HTML must not break out of the value attribute')).not.toContain('"><script>');
    const value = /^<input type="hidden" name="csrf_token" value="([^"<>]*)">$/.exec(odd.text)?.[1];
    expect(value, odd.says('the field should be one input whose value holds no raw " < or >')).toBeDefined();
    expect(unescapeHtml(value!), odd.says('the value, unescaped, should be the token as it is in the session')).toBe('"><script>alert(1)</script>');
  });

  for (const method of UNSAFE) {
    test(`a ${method} without a token is refused with 400, and the view does not run`, {
      rules: ['C3'],
      points: 2,
      hint: `In a before-request hook: for ${UNSAFE.join(', ')}, no token sent means the answer ['...', 400], returned before the view.`,
    }, async () => {
      const { app, runs } = csrfApp();
      const { jar } = await visitor(app);
      const answer = await jar.call(app, { method, path: '/change', form: { title: 'x' } });
      expect(answer.status, answer.says(`a ${method} with no csrf_token field and no X-CSRFToken header should be refused`)).toBe(400);
      expect(runs, answer.says('the view should not have run')).toEqual([]);
    });
  }

  test('without a session or with a body that is not a form, a missing token is still a 400', {
    rules: ['C3'],
    points: 2,
    hint: "A session with no token refuses everything (beware String(undefined) === 'undefined'). request.form() throws 415 for JSON: catch it, the token is then missing.",
  }, async () => {
    const { app, runs } = csrfApp();
    const cases: CallInit[] = [
      { method: 'POST', path: '/change', form: { csrf_token: 'undefined' } },
      { method: 'POST', path: '/change', form: { csrf_token: '' } },
      { method: 'POST', path: '/change', headers: { 'X-CSRFToken': 'undefined' } },
    ];
    for (const init of cases) {
      const answer = await new Jar().call(app, init);
      expect(answer.status, answer.says('a visitor with no session (so no token) should be refused')).toBe(400);
    }
    const { jar } = await visitor(app);
    const json = await jar.call(app, { method: 'POST', path: '/change', headers: { 'Content-Type': 'application/json' }, body: '{"title":"x"}' });
    expect(json.status, json.says('a JSON POST without X-CSRFToken should be a 400 (not 415 or 500)')).toBe(400);
    expect(runs, 'the view should never have run').toEqual([]);
  });

  test("a wrong token, or another visitor's, is refused", {
    rules: ['C4'],
    points: 3,
    hint: "Compare the token sent with the one in THIS request's session; anything else is 400.",
  }, async () => {
    const { app, runs } = csrfApp();
    const { jar, token } = await visitor(app);
    const mallory = await visitor(app);
    const wrong = token.slice(0, 42) + (token.endsWith('A') ? 'B' : 'A');
    const cases: CallInit[] = [
      { method: 'POST', path: '/change', form: { csrf_token: mallory.token } },
      { method: 'POST', path: '/change', form: { csrf_token: wrong } },
      { method: 'DELETE', path: '/change', headers: { 'X-CSRFToken': mallory.token } },
      { method: 'POST', path: '/change', form: { csrf_token: token.slice(0, 20) } },
    ];
    for (const init of cases) {
      const answer = await jar.call(app, init);
      expect(answer.status, answer.says(`the session's token is ${token}: this one should be refused`)).toBe(400);
    }
    expect(runs, 'the view should never have run').toEqual([]);
  });

  test('the right token, as the form field csrf_token or the header X-CSRFToken, lets the request through', {
    rules: ['C4'],
    points: 3,
    hint: 'Look at the X-CSRFToken header first, then at the form field csrf_token.',
  }, async () => {
    const { app, runs } = csrfApp();
    const { jar, token } = await visitor(app);
    const form = await jar.call(app, { method: 'POST', path: '/change', form: { csrf_token: token, title: 'x' } });
    expect(form.status, form.says('the right token in the form field should pass')).toBe(200);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const header = await jar.call(app, { method, path: '/change', headers: { 'X-CSRFToken': token, 'Content-Type': 'application/json' }, body: '{}' });
      expect(header.status, header.says('the right token in the X-CSRFToken header should pass')).toBe(200);
    }
    expect(runs, 'the view should have run for each').toEqual(['POST', 'PUT', 'PATCH', 'DELETE']);
  });

  test('the token is compared with crypto.timingSafeEqual', {
    rules: ['C5'],
    points: 2,
    hint: "Buffers of equal length, then timingSafeEqual from 'node:crypto'; never ===.",
  }, async () => {
    const { app } = csrfApp();
    const { jar, token } = await visitor(app);
    const wrong = token.slice(0, 42) + (token.endsWith('A') ? 'B' : 'A');
    for (const [sent, status] of [[token, 200], [wrong, 400]] as const) {
      const { result, args } = await watchTimingSafeEqual(() => jar.call(app, { method: 'POST', path: '/change', form: { csrf_token: sent } }));
      expect(result.status, result.says(`the token sent was ${sent === token ? 'right' : 'wrong'}`)).toBe(status);
      // The session's own check (S3) calls it too: look for a call that had the token sent, as text or decoded.
      const forms = [Buffer.from(sent), Buffer.from(sent, 'base64url')];
      const withToken = args.filter((pair) => pair.some((a) => forms.some((f) => f.equals(a))));
      expect(withToken.length, result.saysHead(`calls of crypto.timingSafeEqual with the token sent (${sent}) among ${args.length} calls`)).toBeGreaterThan(0);
    }
  });

  test('GET, HEAD and OPTIONS are never checked', {
    rules: ['C6'],
    points: 2,
    hint: 'Only POST, PUT, PATCH and DELETE are checked: safe methods change nothing, and links and images must work.',
  }, async () => {
    const { app, runs } = csrfApp();
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const answer = await new Jar().call(app, { method, path: '/change' });
      expect(answer.status, answer.says(`a ${method} with no session and no token should pass`)).toBe(200);
    }
    expect(runs, 'the view should have run for each').toEqual(['GET', 'HEAD', 'OPTIONS']);
  });
});
