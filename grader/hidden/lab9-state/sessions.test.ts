// Hidden tests for lab 9's sessions: sign and unsign, then sessions in a signed cookie, through real
// requests to app.tsgi with a cookie jar (helpers-auth.ts). Server-side sessions need the database:
// their tests are in accounts.test.ts, which starts the one PGlite of these tests. Where a test
// forges or checks a signature itself, it follows the format the lesson states (S1) with node:crypto.
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { CookieSessionOptions } from '#contracts/state';
import { App } from '#framework';
import { cookieSessions, sign, unsign } from '@lab/state';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, Jar, sessionRoutes, watchTimingSafeEqual } from './helpers-auth.ts';

const T0 = 1_764_000_000_000; // a fixed clock, in ms
const DAY = 24 * 60 * 60;

/** A signature made the way S1 states it: base64url HMAC-SHA256 of `value.timestamp`. */
const hmac = (data: string, key: string) => createHmac('sha256', key).update(data).digest('base64url');
const forge = (value: string, key: string, seconds: number | string) => `${value}.${seconds}.${hmac(`${value}.${seconds}`, key)}`;
/** What a session cookie of these values holds before it is signed: JSON, base64url. */
const payloadOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** An app with signed-cookie sessions and the routes above; the clock is `clock.now`. */
function cookieApp(options: Partial<CookieSessionOptions> = {}, clock = { now: T0 }): App {
  return bounded('new App() with cookieSessions(app, ...)', () => {
    const app = new App();
    cookieSessions(app, { secretKeys: ['k-new'], now: () => clock.now, ...options });
    sessionRoutes(app);
    return app;
  });
}

milestone('sessions', () => {
  test('sign(value, key, now) gives value.timestamp.signature: seconds, then the HMAC-SHA256 of both', {
    rules: ['S1'],
    points: 2,
    hint: "The timestamp is Math.floor(now / 1000); the signature is createHmac('sha256', key).update(`${value}.${timestamp}`).digest('base64url').",
  }, () => {
    const signed = bounded('sign', () => sign('hello', 'k1', T0 + 999));
    const seconds = Math.floor((T0 + 999) / 1000);
    expect(signed, "sign('hello', 'k1', now) with now = " + (T0 + 999)).toBe(forge('hello', 'k1', seconds));
    const dotted = bounded('sign', () => sign('a.b', 'k1', T0));
    expect(dotted, "sign('a.b', 'k1', now): a value may hold dots").toBe(forge('a.b', 'k1', T0 / 1000));
  });

  test('unsign accepts a signature by any listed key (rotation) and nothing else', {
    rules: ['S2'],
    points: 2,
    hint: 'Recompute the signature under each key in turn; the value is good if one matches.',
  }, () => {
    const keys = ['k-new', 'k-old'];
    const cases: Array<[string, string, string | null]> = [
      ['signed by the first key', forge('hello', 'k-new', T0 / 1000), 'hello'],
      ['signed by an older key still listed', forge('hello', 'k-old', T0 / 1000), 'hello'],
      ['a value with dots', forge('a.b.c', 'k-new', T0 / 1000), 'a.b.c'],
      ['signed by a key no longer listed', forge('hello', 'k-retired', T0 / 1000), null],
    ];
    for (const [what, signed, expected] of cases) {
      const got = bounded('unsign', () => unsign(signed, keys, DAY, T0));
      expect(got, `unsign(${JSON.stringify(signed)}, ${JSON.stringify(keys)}, ${DAY}, now): ${what}`).toBe(expected);
    }
  });

  test('unsign refuses a changed value, timestamp or signature', {
    rules: ['S2'],
    points: 3,
    hint: 'The signature covers the value AND the timestamp: recompute it over everything before the last dot.',
  }, () => {
    const seconds = T0 / 1000;
    const good = forge('user=1', 'k', seconds);
    const signature = good.slice(good.lastIndexOf('.') + 1);
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    const cases: Array<[string, string]> = [
      ['the value changed', `user=2.${seconds}.${signature}`],
      ['the timestamp moved later (to live longer)', `user=1.${seconds + 3600}.${signature}`],
      ['one character of the signature changed', `user=1.${seconds}.${flipped}`],
      ["the signature of another value", `user=2.${seconds}.${forge('user=1', 'k', seconds).split('.').pop()}` + ''],
    ];
    for (const [what, signed] of cases) {
      const got = bounded('unsign', () => unsign(signed, ['k'], DAY, T0));
      expect(got, `unsign(${JSON.stringify(signed)}, ['k'], ${DAY}, now): ${what}, so null`).toBeNull();
    }
  });

  test('unsign compares signatures with crypto.timingSafeEqual', {
    rules: ['S3'],
    points: 2,
    hint: "import { timingSafeEqual } from 'node:crypto' and compare the two signatures' bytes with it (equal lengths first), never with === or a loop that stops early.",
  }, async () => {
    const good = forge('hello', 'k', T0 / 1000);
    const wrong = forge('hello', 'other', T0 / 1000);
    const right = await watchTimingSafeEqual(async () => unsign(good, ['k'], DAY, T0));
    expect(right.result, 'unsign of a good signature, with timingSafeEqual watched').toBe('hello');
    expect(right.calls, `crypto.timingSafeEqual calls while unsign checked ${JSON.stringify(good)}`).toBeGreaterThan(0);
    const bad = await watchTimingSafeEqual(async () => unsign(wrong, ['k'], DAY, T0));
    expect(bad.result, 'unsign of a wrong signature, with timingSafeEqual watched').toBeNull();
    expect(bad.calls, `crypto.timingSafeEqual calls while unsign checked ${JSON.stringify(wrong)} (a wrong signature of the right length)`).toBeGreaterThan(0);
  });

  test('unsign refuses a value older than maxAge, and one more than 60 s in the future', {
    rules: ['S4'],
    points: 2,
    hint: 'age = now in seconds - timestamp: good while 0 - 60 <= age <= maxAgeSeconds.',
  }, () => {
    const seconds = T0 / 1000;
    const signed = forge('hello', 'k', seconds);
    const cases: Array<[string, string, number, string | null]> = [
      ['exactly maxAge old', signed, T0 + 3600_000, 'hello'],
      ['one second older than maxAge', signed, T0 + 3601_000, null],
      ['signed 60 s in the future (clock skew)', forge('hello', 'k', seconds + 60), T0, 'hello'],
      ['signed 61 s in the future', forge('hello', 'k', seconds + 61), T0, null],
    ];
    for (const [what, value, now, expected] of cases) {
      const got = bounded('unsign', () => unsign(value, ['k'], 3600, now));
      expect(got, `unsign(${JSON.stringify(value)}, ['k'], 3600, ${now}): ${what}`).toBe(expected);
    }
  });

  test('unsign gives null for malformed input, never an error', {
    rules: ['S5'],
    points: 2,
    hint: 'Check the shape before anything else: two dots at least, a timestamp of digits, a signature of base64url; anything else is null.',
  }, () => {
    const signature = hmac('x.1', 'k');
    // The last ones are signed correctly, with a timestamp that is not plain digits: still not sign's shape.
    const now = T0 / 1000;
    const inputs: unknown[] = ['', 'hello', 'a.b', '.', '..', `x.1.`, `x..${signature}`, `x.12z.${signature}`, `x.-1.${signature}`,
      `x.1.${signature}!`, `x.1.${'%'.repeat(43)}`, `x.1.${signature.slice(0, 20)}`, undefined, null, 42,
      forge('x', 'k', ` ${now}`), forge('x', 'k', `+${now}`), forge('x', 'k', `0x${now.toString(16)}`),
      forge('x', 'k', `${now / 100_000}e5`)];
    for (const input of inputs) {
      let got: unknown;
      const error = bounded('unsign', () => {
        try {
          got = unsign(input as string, ['k'], DAY, T0);
          return null;
        } catch (e) {
          return e;
        }
      });
      expect(error, `unsign(${JSON.stringify(input)}, ['k'], ${DAY}, now) should not throw`).toBeNull();
      expect(got, `unsign(${JSON.stringify(input)}, ['k'], ${DAY}, now)`).toBeNull();
    }
  });

  test('cookieSessions: a value set in one request is there in the next, from a signed cookie of JSON', {
    rules: ['S6'],
    points: 3,
    hint: 'After the request: JSON.stringify the values, base64url them, sign with secretKeys[0], setCookie. Before the next: unsign, decode, JSON.parse.',
  }, async () => {
    const app = cookieApp();
    const jar = new Jar();
    const set = await jar.call(app, { path: '/set/user/%3F%3F%3F%3E%3E%3E' });
    const cookie = set.cookie('session');
    expect(cookie, set.saysHead('should set the cookie "session"')).toBeDefined();
    const value = cookie!.value;
    const [payload = '', stamp = ''] = value.split('.');
    expect(value, `the cookie's value should be base64url(JSON).timestamp.signature under the first key (S1)`).toBe(forge(payload, 'k-new', Number(stamp)));
    // {"user":"???>>>"} in base64 has '/', '+' and '=': base64url has '_' and '-' and no padding.
    expect(payload, `the cookie's first part should be base64url (not base64) of the session's JSON {"user":"???>>>"} (cookie ${value})`).toBe(Buffer.from(JSON.stringify({ user: '???>>>' }), 'utf8').toString('base64url'));
    const shown = await jar.call(app, { path: '/show' });
    expect(JSON.parse(shown.text), shown.says('the next request should see user = ???>>>')).toEqual({ user: '???>>>', colour: null });
  });

  test('cookieSessions accepts a cookie signed by an older key and signs new cookies with the first', {
    rules: ['S6', 'S2'],
    points: 2,
    hint: 'unsign with every key of secretKeys; sign with secretKeys[0] only.',
  }, async () => {
    const jar = new Jar();
    jar.set('session', forge(payloadOf({ user: 'ada' }), 'k-old', T0 / 1000));
    const app = cookieApp({ secretKeys: ['k-new', 'k-old'] });
    const shown = await jar.call(app, { path: '/show' });
    expect(JSON.parse(shown.text), shown.says('a cookie signed with the older key k-old should still be read')).toEqual({ user: 'ada', colour: null });
    const set = await jar.call(app, { path: '/set/colour/red' });
    const value = set.cookie('session')?.value ?? '';
    const [payload = '', stamp = ''] = value.split('.');
    expect(value, set.saysHead('the new cookie should be signed with the first key, k-new')).toBe(forge(payload, 'k-new', Number(stamp)));
  });

  test('cookieSessions: a tampered, wrongly-signed, expired or garbage cookie gives an empty session and a normal page', {
    rules: ['S7'],
    points: 3,
    hint: 'If unsign gives null, or the payload does not decode to a JSON object, start with an empty session: never throw.',
  }, async () => {
    const good = forge(payloadOf({ user: 'ada' }), 'k-new', T0 / 1000);
    const sig = good.split('.').pop();
    const cookies: Array<[string, string]> = [
      ['tampered: another payload under the old signature', `${payloadOf({ user: 'admin' })}.${T0 / 1000}.${sig}`],
      ['signed with a key the app does not have', forge(payloadOf({ user: 'admin' }), 'guessed', T0 / 1000)],
      ['expired: signed 32 days ago', forge(payloadOf({ user: 'admin' }), 'k-new', T0 / 1000 - 32 * DAY)],
      ['garbage', 'not-a-session'],
      ['percent signs', '%%%'],
      ['signed, but not base64url of JSON', forge('bm90IGpzb24', 'k-new', T0 / 1000)],
      ['signed JSON that is not an object: null', forge(payloadOf(null), 'k-new', T0 / 1000)],
      ['signed JSON that is not an object: an array', forge(payloadOf(['admin']), 'k-new', T0 / 1000)],
    ];
    const app = cookieApp();
    for (const [what, value] of cookies) {
      const answer = await call(app, { path: '/show' }, `session=${value}`);
      expect(answer.status, answer.says(`a ${what} cookie should give a normal page`)).toBe(200);
      expect(JSON.parse(answer.text), answer.says(`a ${what} cookie should give an empty session`)).toEqual({ user: null, colour: null });
      const first = await call(app, { path: '/get/0' }, `session=${value}`);
      expect(JSON.parse(first.text), first.says(`a ${what} cookie should give an empty session: no key "0" either`)).toEqual({ value: null });
    }
  });

  test('a Set-Cookie only when the session changed or was rotated; emptying it deletes the cookie', {
    rules: ['S8'],
    points: 3,
    hint: 'In the after-request hook: nothing to do unless modified or rotated; an empty session gets deleteCookie instead of a new cookie.',
  }, async () => {
    const app = cookieApp();
    const jar = new Jar();
    const first = await jar.call(app, { path: '/show' });
    expect(first.setCookies, first.saysHead('reading an empty session should set no cookie')).toEqual([]);
    await jar.call(app, { path: '/set/user/ada' });
    const read = await jar.call(app, { path: '/show' });
    expect(read.setCookies, read.saysHead(`only reading the session (cookie ${jar}) should set no cookie`)).toEqual([]);
    const rotated = await jar.call(app, { path: '/rotate' });
    expect(rotated.cookie('session'), rotated.saysHead('rotate() should send a new cookie even with no value changed')).toBeDefined();
    const cleared = await jar.call(app, { path: '/clear' });
    expect(cleared.cookie('session'), cleared.saysHead('clearing the session should send a Set-Cookie that deletes it')).toBeDefined();
    expect(jar.get('session'), cleared.saysHead('after clear(), the browser should hold no session cookie (Max-Age=0 or an Expires in the past)')).toBeUndefined();
  });

  test('the session is saved with error pages too', {
    rules: ['S8'],
    hint: "Lab 7's after-request hooks run for error pages as well: save there, not in the view.",
  }, async () => {
    const app = cookieApp();
    const jar = new Jar();
    const failed = await jar.call(app, { path: '/fail' });
    expect(failed.status, failed.says('the view raises a 404')).toBe(404);
    expect(failed.cookie('session'), failed.saysHead('a session changed before the error should still be saved')).toBeDefined();
    const shown = await jar.call(app, { path: '/show' });
    expect(JSON.parse(shown.text), shown.says('the next request should see colour = red')).toEqual({ user: null, colour: 'red' });
  });

  test('the session cookie is HttpOnly, SameSite=Lax, Path=/ and lives maxAge seconds', {
    rules: ['S9'],
    points: 3,
    hint: "setCookie(name, value, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge, secure: request.scheme === 'https' }).",
  }, async () => {
    {
      const app = cookieApp({ maxAge: 3600 });
      const answer = await call(app, { path: '/set/user/ada' });
      const cookie = answer.cookie('session');
      expect(cookie, answer.saysHead('should set the session cookie')).toBeDefined();
      const attributes = cookie!.attributes;
      expect('httponly' in attributes, answer.saysHead('HttpOnly: scripts on the page must not read the session')).toBe(true);
      expect(attributes.samesite?.toLowerCase(), answer.saysHead("SameSite=Lax: other sites' forms must not carry it")).toBe('lax');
      expect(attributes.path, answer.saysHead('Path=/: the whole site shares one session')).toBe('/');
      expect(attributes['max-age'], answer.saysHead('Max-Age should be maxAge (3600)')).toBe('3600');
      expect('secure' in attributes, answer.saysHead('no Secure over plain http: the browser would never send it back')).toBe(false);
    }
  });

  test('the session cookie is Secure when the request came over https', {
    rules: ['S9'],
    points: 2,
    hint: "secure: request.scheme === 'https'.",
  }, async () => {
    {
      const app = cookieApp();
      const answer = await call(app, { path: '/set/user/ada', scheme: 'https' });
      const cookie = answer.cookie('session');
      expect(cookie && 'secure' in cookie.attributes, answer.saysHead('over https the session cookie should be Secure')).toBe(true);
    }
  });

  test('a session too large for a cookie (over 4096 bytes) is an error at save, not a cookie the browser drops', {
    rules: ['S10'],
    points: 2,
    hint: 'Measure name + "=" + value before setCookie; past 4096, throw (the app answers 500).',
  }, async () => {
    const app = cookieApp();
    const fits = await call(app, { path: '/big/2500' });
    expect(fits.status, fits.saysHead('2,500 characters fit in a cookie')).toBe(200);
    expect(fits.cookie('session'), fits.saysHead('2,500 characters fit in a cookie')).toBeDefined();
    const big = await call(app, { path: '/big/4000' });
    expect(big.status, big.saysHead('4,000 characters do not fit (base64 makes them 5,300): the save should fail with a 500')).toBe(500);
    expect(big.cookie('session'), big.saysHead('no session cookie for a session that does not fit')).toBeUndefined();
  });
});
