// Hidden tests for lab 9 that need the database (one PGlite for the file, which costs seconds to
// start): server-side sessions (milestone "sessions"), then passwords and login: scrypt hashes, the
// UserStore, the login and logout routes, loginRequired, the open redirect, session fixation and
// the rate limit, through real requests to app.tsgi with a cookie jar. Sessions in the login tests
// are the learner's serverSessions: rotation at login is checked by replaying the old id.
import { scrypt } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LoginOptions } from '#contracts/state';
import type { RequestApi } from '#contracts/toolkit';
import { App } from '#framework';
import { currentUser, hashPassword, loginRequired, safeNext, serverSessions, useCsrf, useLogin, UserStore, verifyPassword } from '@lab/state';
import { bounded, milestone, test } from '../../harness/index.ts';
import { call, type CallInit, Jar, sessionRoutes, thrown, watchRandomBytes, watchTimingSafeEqual } from './helpers-auth.ts';
import { startDatabase } from './database.ts';

let db: PGlite;
let users: UserStore;
beforeAll(async () => {
  db = await startDatabase();
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const T0 = 1_764_000_000_000;
let counter = 0;
/** A username no other test uses (they share one table). */
const fresh = (name: string) => `${name}${++counter}`;

/** scrypt as the test's own reference, to check a stored string against P1. */
const scryptKey = (password: string, salt: Buffer, N: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, 64, { N, r, p, maxmem: 256 * N * r }, (e, key) => (e ? reject(e) : resolve(key))));

/** An app with server-side sessions and the session routes of helpers-auth.ts. */
async function serverApp(clock = { now: T0 }, maxAge?: number): Promise<App> {
  const app = new App();
  await serverSessions(app, { db, now: () => clock.now, ...(maxAge ? { maxAge } : {}) });
  sessionRoutes(app);
  return app;
}

/** A UserStore on this file's database, its table made. */
async function store(): Promise<UserStore> {
  users ??= new UserStore(db);
  await users.init();
  return users;
}

/** An app with server sessions, login and two pages: /me (who is logged in) and /secret (loginRequired). */
async function loginApp(options: LoginOptions & { csrf?: boolean } = {}, clock = { now: T0 }) {
  const accounts = await store();
  const app = new App();
  await serverSessions(app, { db: db, now: () => clock.now });
  if (options.csrf) useCsrf(app);
  bounded('useLogin(app, ...)', () => useLogin(app, { users: accounts, now: () => clock.now, ...options }));
  app.get('/me', async function me(request: RequestApi) {
    return { user: await currentUser(request) };
  });
  app.get('/secret', loginRequired(function secret() {
    return 'the secret page';
  }));
  sessionRoutes(app);
  return { app, accounts, clock };
}

/** POST /login as this visitor, with these fields. */
const postLogin = (jar: Jar, app: App, fields: Record<string, string>, extra: Partial<CallInit> = {}) =>
  jar.call(app, { method: 'POST', path: '/login', form: fields, ...extra });

milestone('sessions', () => {
  test('the server session cookie is HttpOnly, SameSite=Lax, Path=/ and lives maxAge seconds', {
    rules: ['S9'],
    points: 1,
    hint: "setCookie(name, value, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge, secure: request.scheme === 'https' }).",
  }, async () => {
    {
      const app = await serverApp({ now: T0 }, 3600);
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

  test('the server session cookie is Secure when the request came over https', {
    rules: ['S9'],
    points: 1,
    hint: "secure: request.scheme === 'https'.",
  }, async () => {
    {
      const app = await serverApp();
      const answer = await call(app, { path: '/set/user/ada', scheme: 'https' });
      const cookie = answer.cookie('session');
      expect(cookie && 'secure' in cookie.attributes, answer.saysHead('over https the session cookie should be Secure')).toBe(true);
    }
  });

  test('serverSessions: the cookie holds only a random 32-byte id; the values stay in the database', {
    rules: ['S11'],
    points: 3,
    hint: "randomBytes(32).toString('base64url') for the id; the values go in the table, as JSON, keyed by it.",
  }, async () => {
    const app = await serverApp();
    const ada = new Jar();
    const set = await ada.call(app, { path: '/set/user/ada' });
    const id = set.cookie('session')?.value ?? '';
    expect(id, set.saysHead('the cookie should be 32 random bytes in base64url (43 characters)')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url').toString('latin1'), set.saysHead('the cookie should not hold the values')).not.toContain('ada');
    const shown = await ada.call(app, { path: '/show' });
    expect(JSON.parse(shown.text), shown.says('the next request should see user = ada')).toEqual({ user: 'ada', colour: null });
    const grace = new Jar();
    const other = await grace.call(app, { path: '/set/user/grace' });
    expect(other.cookie('session')?.value, other.saysHead(`another visitor should get another id than ${id}`)).not.toBe(id);
  });

  test("serverSessions makes each id with node:crypto's randomBytes(32), not a guessable generator", {
    rules: ['S11'],
    points: 2,
    hint: "Math.random is predictable from a few outputs: the id must be crypto.randomBytes(32).toString('base64url').",
  }, async () => {
    const app = await serverApp();
    const { result: set, made } = await watchRandomBytes(() => new Jar().call(app, { path: '/set/user/ada' }));
    const id = set.cookie('session')?.value ?? '';
    const sources = made.filter((call) => call.size === 32).map((call) => call.bytes.toString('base64url'));
    expect(sources, set.saysHead(`the cookie's id ${id} should be the base64url of a randomBytes(32) call; the calls made ${JSON.stringify(made.map((c) => c.size))}`)).toContain(id);
  });

  test('serverSessions never adopts an id it did not hand out (session fixation)', {
    rules: ['S12'],
    points: 3,
    hint: 'Remember whether the id was found in the database; if not, saving makes a new id with randomBytes.',
  }, async () => {
    const app = await serverApp();
    const planted = 'A'.repeat(43);
    const jar = new Jar();
    jar.set('session', planted);
    const set = await jar.call(app, { path: '/set/user/ada' });
    expect(set.cookie('session')?.value, set.saysHead(`an unknown id (${planted}) must be replaced by a new one when the session is saved`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set.cookie('session')?.value, set.saysHead('the planted id must not be kept')).not.toBe(planted);
    const attacker = await call(app, { path: '/show' }, `session=${planted}`);
    expect(JSON.parse(attacker.text), attacker.says('the planted id must see nothing of what was saved')).toEqual({ user: null, colour: null });
  });

  test('serverSessions: an expired id gives an empty session, and is not adopted either', {
    rules: ['S12'],
    points: 2,
    hint: 'Store an expiry (now + maxAge) with each session and read only rows whose expiry is later than now.',
  }, async () => {
    const clock = { now: T0 };
    const app = await serverApp(clock, 3600);
    const jar = new Jar();
    await jar.call(app, { path: '/set/user/ada' });
    const old = jar.get('session');
    clock.now = T0 + 3601_000;
    const shown = await jar.call(app, { path: '/show' });
    expect(JSON.parse(shown.text), shown.says('a session unused for longer than maxAge (3600 s) should be empty')).toEqual({ user: null, colour: null });
    const set = await jar.call(app, { path: '/set/colour/red' });
    expect(set.cookie('session')?.value, set.saysHead(`the expired id ${old} should be replaced`)).not.toBe(old);
  });

  test('serverSessions: garbage ids give an empty session and a normal page', {
    rules: ['S7'],
    hint: 'An id is only a key to look up: any text that finds no row is an empty session. Use $1 parameters, never string concatenation.',
  }, async () => {
    const app = await serverApp();
    for (const id of ["x' OR '1'='1", '', 'é'.repeat(500), '%00']) {
      const answer = await call(app, { path: '/show' }, `session=${id}`);
      expect(answer.status, answer.says('a garbage id should give a normal page')).toBe(200);
      expect(JSON.parse(answer.text), answer.says('a garbage id should give an empty session')).toEqual({ user: null, colour: null });
    }
  });

  test('rotate() moves a server session to a new id, and the old id stops working', {
    rules: ['S13'],
    points: 3,
    hint: 'On save after rotate(): delete the old row, insert the values under a new random id, set the cookie to it.',
  }, async () => {
    const app = await serverApp();
    const jar = new Jar();
    await jar.call(app, { path: '/set/user/ada' });
    const old = jar.get('session');
    const rotated = await jar.call(app, { path: '/rotate' });
    const fresh = rotated.cookie('session')?.value;
    expect(fresh, rotated.saysHead(`rotate() should set a new id instead of ${old}`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh, rotated.saysHead('the new id should differ from the old one')).not.toBe(old);
    const kept = await jar.call(app, { path: '/show' });
    expect(JSON.parse(kept.text), kept.says('the values should move to the new id')).toEqual({ user: 'ada', colour: null });
    const replay = await call(app, { path: '/show' }, `session=${old}`);
    expect(JSON.parse(replay.text), replay.says('the old id should no longer find the session')).toEqual({ user: null, colour: null });
  });

  test('clearing a server session deletes it: the old id stops working and the cookie is deleted', {
    rules: ['S14'],
    points: 2,
    hint: 'An empty session on save: DELETE its row, then deleteCookie.',
  }, async () => {
    const app = await serverApp();
    const jar = new Jar();
    await jar.call(app, { path: '/set/user/ada' });
    const old = jar.get('session');
    const cleared = await jar.call(app, { path: '/clear' });
    expect(jar.get('session'), cleared.saysHead('the cookie should be deleted')).toBeUndefined();
    const replay = await call(app, { path: '/show' }, `session=${old}`);
    expect(JSON.parse(replay.text), replay.says('a copy of the old cookie should no longer find anything')).toEqual({ user: null, colour: null });
  });
});

milestone('login', () => {
  test('hashPassword gives scrypt$N$r$p$salt$key: a fresh 16-byte salt and the 64-byte scrypt key', {
    rules: ['P1'],
    points: 3,
    hint: "randomBytes(16) for the salt; scrypt(password, salt, 64, { N, r, p }); join 'scrypt', N, r, p, salt and key (base64url) with '$'.",
  }, async () => {
    const stored = await hashPassword('correct horse');
    const parts = stored.split('$');
    expect(parts.length, `hashPassword('correct horse') = ${JSON.stringify(stored)}: six parts separated by $`).toBe(6);
    const [scheme, N, r, p, salt, key] = parts as [string, string, string, string, string, string];
    expect(scheme, `the first part of ${stored}`).toBe('scrypt');
    expect(Number(N), `N in ${stored} should be at least 16384`).toBeGreaterThanOrEqual(16384);
    expect([Number(r), Number(p)], `r and p in ${stored}`).toEqual([8, 1]);
    expect(Buffer.from(salt, 'base64url').length, `the salt of ${stored}, in bytes`).toBe(16);
    const expected = await scryptKey('correct horse', Buffer.from(salt, 'base64url'), Number(N), 8, 1);
    expect(key, `the last part of ${stored} should be scrypt('correct horse', salt, 64, { N, r, p }) in base64url`).toBe(expected.toString('base64url'));
    const again = await hashPassword('correct horse');
    expect(again.split('$')[4], `a second hash of the same password (${again}) should have another salt`).not.toBe(salt);
  });

  test('verifyPassword is true for the right password only, using the parameters stored with the hash', {
    rules: ['P2'],
    points: 3,
    hint: "Split the stored string on '$', recompute scrypt with ITS N, r, p and salt, and compare the keys.",
  }, async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', stored), `verifyPassword('correct horse', ${stored})`).toBe(true);
    expect(await verifyPassword('correct horsE', stored), `verifyPassword('correct horsE', ${stored})`).toBe(false);
    expect(await verifyPassword('', stored), `verifyPassword('', ${stored})`).toBe(false);
    const salt = Buffer.from('0123456789abcdef');
    const old = `scrypt$1024$8$1$${salt.toString('base64url')}$${(await scryptKey('tea', salt, 1024, 8, 1)).toString('base64url')}`;
    expect(await verifyPassword('tea', old), `verifyPassword('tea', ${old}): a hash made with N = 1024 (an older setting)`).toBe(true);
    const bigger = `scrypt$32768$8$1$${salt.toString('base64url')}$${(await scryptKey('tea', salt, 32768, 8, 1)).toString('base64url')}`;
    expect(await verifyPassword('tea', bigger), `verifyPassword('tea', ${bigger}): a hash made with N = 32768 (a newer setting)`).toBe(true);
  });

  test('verifyPassword compares the keys with crypto.timingSafeEqual', {
    rules: ['P3'],
    hint: "timingSafeEqual(computedKey, storedKey), from 'node:crypto'.",
  }, async () => {
    const stored = await hashPassword('correct horse');
    for (const password of ['correct horse', 'wrong']) {
      const { result, calls } = await watchTimingSafeEqual(() => verifyPassword(password, stored));
      expect(result, `verifyPassword('${password}', ${stored})`).toBe(password === 'correct horse');
      expect(calls, `crypto.timingSafeEqual calls during verifyPassword('${password}', ...)`).toBeGreaterThan(0);
    }
  });

  test('verifyPassword gives false for a malformed stored string, never an error', {
    rules: ['P4'],
    points: 2,
    hint: 'Check the shape: six parts, "scrypt", N r p in range (N a power of two), a salt, a 64-byte key; wrap scrypt in try/catch.',
  }, async () => {
    const good = await hashPassword('tea');
    const [, N, r, p, salt, key] = good.split('$');
    const inputs: unknown[] = ['', 'tea', 'scrypt', `bcrypt$${N}$${r}$${p}$${salt}$${key}`, `scrypt$${N}$${r}$${p}$${salt}`,
      `scrypt$${N}$${r}$${p}$${salt}$${key}$extra`, `scrypt$1000$${r}$${p}$${salt}$${key}`, `scrypt$abc$${r}$${p}$${salt}$${key}`,
      `scrypt$${N}$0$${p}$${salt}$${key}`, `scrypt$${N}$${r}$${p}$${salt}$`, `scrypt$${N}$${r}$${p}$${salt}$${key!.slice(0, 10)}`, undefined, null];
    for (const input of inputs) {
      const error = await thrown(async () => {
        const result = await verifyPassword('tea', input as string);
        if (result !== false) throw new Error(`it answered ${JSON.stringify(result)}`);
      });
      expect(error, `verifyPassword('tea', ${JSON.stringify(input)}) should be false, without throwing`).toBeNull();
    }
  });

  test('UserStore.create keeps a hash, never the password, and refuses a taken username', {
    rules: ['L1'],
    points: 3,
    hint: 'INSERT the username and hashPassword(password) into users; a UNIQUE username column makes the second insert fail: throw then.',
  }, async () => {
    const accounts = await store();
    const name = fresh('ada');
    const user = await accounts.create(name, 'pa55-word!');
    expect(user, `create('${name}', ...) should return the new user`).toEqual({ id: expect.any(String), username: name });
    const { rows } = await db.query<{ row: string }>('SELECT row_to_json(users)::text AS row FROM users WHERE username = $1', [name]);
    expect(rows.length, `a row for ${name} in the table users`).toBe(1);
    expect(rows[0]!.row, 'the stored row must not hold the password').not.toContain('pa55-word!');
    expect(rows[0]!.row, 'the stored row should hold a scrypt hash').toContain('scrypt$');
    const again = await thrown(() => accounts.create(name, 'other'));
    expect(again, `a second create('${name}', ...) should be refused`).toBeInstanceOf(Error);
  });

  test('UserStore.authenticate: the user for the right password, null for a wrong one or an unknown name', {
    rules: ['L2'],
    points: 2,
    hint: 'SELECT the hash by username ($1 parameter), then verifyPassword; null when either fails.',
  }, async () => {
    const accounts = await store();
    const name = fresh('grace');
    const user = await accounts.create(name, 'hopper');
    expect(await accounts.authenticate(name, 'hopper'), `authenticate('${name}', 'hopper')`).toEqual(user);
    expect(await accounts.authenticate(name, 'Hopper'), `authenticate('${name}', 'Hopper')`).toBeNull();
    expect(await accounts.authenticate(fresh('nobody'), 'hopper'), 'authenticate of an unknown name').toBeNull();
    // SQL injection: a name that, pasted into the query, adds a row with a hash the attacker made.
    const salt = Buffer.from('0123456789abcdef');
    const forged = `scrypt$1024$8$1$${salt.toString('base64url')}$${(await scryptKey('pw', salt, 1024, 8, 1)).toString('base64url')}`;
    const injected = `${fresh('nobody')}' UNION SELECT 1, '${forged}' --`;
    expect(await accounts.authenticate(injected, 'pw'), `authenticate(${JSON.stringify(injected)}, 'pw'): the name is data, never SQL`).toBeNull();
  });

  test('GET /login is the form, carrying the next of its query string', {
    rules: ['L3'],
    points: 2,
    hint: "Give loginPage the query's next: request.args.get('next') ?? ''.",
  }, async () => {
    const { app } = await loginApp();
    const answer = await call(app, { path: '/login?next=%2Fbooks%3Fpage%3D2' });
    expect(answer.status, answer.says('should be a 200')).toBe(200);
    for (const field of ['username', 'password', 'csrf_token']) {
      expect(answer.text, answer.says(`the form should have a field named ${field}`)).toContain(`name="${field}"`);
    }
    expect(answer.text, answer.says('the hidden field next should carry /books?page=2')).toMatch(/name="next" value="\/books\?page=2"/);
  });

  test("the login page is the app's own when it gives options.page, with next and the failure's message", {
    rules: ['L13'],
    points: 2,
    hint: 'Keep one function that renders the page: options.page when given, else loginPage; call it for GET /login with message "" and after a failed try with the message.',
  }, async () => {
    const seen: Array<{ next: string; message: string }> = [];
    const { app, accounts } = await loginApp({
      page: (_request, form) => {
        seen.push({ ...form });
        return `<main class="own">next=${form.next} message=${form.message.length > 0 ? 'some' : 'none'}</main>`;
      },
    });
    const name = fresh('grace');
    await accounts.create(name, 'secret');
    const form = await call(app, { path: '/login?next=%2Fbooks' });
    expect(form.status, form.says('should be a 200')).toBe(200);
    expect(form.text, form.says("should be the app's page, given next and no message")).toBe('<main class="own">next=/books message=none</main>');
    const wrong = await postLogin(new Jar(), app, { username: name, password: 'wrong', next: '/books' });
    expect(wrong.status, wrong.says('a failed try should still answer 401')).toBe(401);
    expect(wrong.text, wrong.says("should be the app's page, given next and a message")).toBe('<main class="own">next=/books message=some</main>');
    expect(seen, 'page should have been called once for the form and once after the failed try').toEqual([{ next: '/books', message: '' }, { next: '/books', message: expect.any(String) }]);
  });

  test('a right login answers 303 to next, and the user is logged in from then on', {
    rules: ['L4'],
    points: 3,
    hint: "authenticate, then session.set('user_id', user.id) and Response.redirect(safeNext(next), 303); currentUser reads user_id and asks the store.",
  }, async () => {
    const { app, accounts } = await loginApp();
    const name = fresh('ada');
    const user = await accounts.create(name, 'secret');
    const jar = new Jar();
    const before = await jar.call(app, { path: '/me' });
    expect(JSON.parse(before.text), before.says('nobody is logged in yet')).toEqual({ user: null });
    const login = await postLogin(jar, app, { username: name, password: 'secret', next: '/books?page=2' });
    expect(login.status, login.says('a right login should answer 303')).toBe(303);
    expect(login.header('location'), login.saysHead('should go to next')).toBe('/books?page=2');
    const me = await jar.call(app, { path: '/me' });
    expect(JSON.parse(me.text), me.says(`currentUser should be ${name}`)).toEqual({ user });
  });

  test('logging in rotates the session: the id from before the login does not get the login (fixation)', {
    rules: ['L5'],
    points: 3,
    hint: 'Call session(request).rotate() in the login view before storing the user id.',
  }, async () => {
    const { app, accounts } = await loginApp();
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    const jar = new Jar();
    await jar.call(app, { path: '/login' }); // the form's token starts a session: an id an attacker could have planted
    const planted = jar.get('session');
    expect(planted, 'GET /login should have started a session (its CSRF token)').toBeDefined();
    const login = await postLogin(jar, app, { username: name, password: 'secret', next: '/' });
    expect(jar.get('session'), login.saysHead(`the login should set a new session id instead of ${planted}`)).not.toBe(planted);
    const attacker = await call(app, { path: '/me' }, `session=${planted}`);
    expect(JSON.parse(attacker.text), attacker.says('the id from before the login must not be logged in')).toEqual({ user: null });
  });

  test('safeNext keeps a local path and turns anything else into /', {
    rules: ['L8'],
    points: 4,
    hint: "One '/' first, then not '/' or '\\'; no backslash or control character anywhere; else '/'.",
  }, () => {
    const cases: Array<[string, string]> = [
      ['/books?page=2', '/books?page=2'],
      ['/', '/'],
      ['/a/b#c', '/a/b#c'],
      ['//evil.example', '/'],
      ['/\\evil.example', '/'],
      ['\\\\evil.example', '/'],
      ['/\t/evil.example', '/'],
      ['/\n/evil.example', '/'],
      ['https://evil.example', '/'],
      ['http:evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['evil.example', '/'],
      [' /books', '/'],
      ['/books\\..\\admin', '/'],
      ['/books\u0000', '/'],
      ['/books\u007f', '/'],
      ['', '/'],
    ];
    for (const [input, expected] of cases) {
      const got = bounded('safeNext', () => safeNext(input));
      expect(got, `safeNext(${JSON.stringify(input)})`).toBe(expected);
    }
  });

  test('after a login, a next that leaves the site goes to / instead (the open redirect)', {
    rules: ['L8', 'L4'],
    points: 2,
    hint: 'Redirect to safeNext(next), never to next itself.',
  }, async () => {
    const { app, accounts } = await loginApp();
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    for (const next of ['//evil.example/login', '/\\evil.example', 'https://evil.example/']) {
      const login = await postLogin(new Jar(), app, { username: name, password: 'secret', next });
      expect(login.header('location'), login.saysHead(`next = ${JSON.stringify(next)} should become /`)).toBe('/');
    }
  });

  test('loginRequired sends a visitor who is not logged in to /login?next=<path and query>, and lets a user in', {
    rules: ['L7'],
    points: 3,
    hint: "No currentUser: Response.redirect(loginPath + '?next=' + encodeURIComponent(path + '?' + query), 302).",
  }, async () => {
    const { app, accounts } = await loginApp();
    const jar = new Jar();
    const away = await jar.call(app, { path: '/secret?x=1&y=2' });
    expect(away.status, away.says('a visitor who is not logged in should be redirected (302)')).toBe(302);
    const location = new URL(away.header('location') ?? '', 'http://localhost');
    expect(location.pathname, away.saysHead('should go to /login')).toBe('/login');
    expect(location.searchParams.get('next'), away.saysHead('next should be the path and query asked for')).toBe('/secret?x=1&y=2');
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    await postLogin(jar, app, { username: name, password: 'secret', next: '/secret?x=1&y=2' });
    const page = await jar.call(app, { path: '/secret' });
    expect(page.text, page.says('a logged-in user should see the page')).toBe('the secret page');
    const elsewhere = await loginApp({ loginPath: '/account/login' });
    const custom = await call(elsewhere.app, { path: '/secret' });
    expect(new URL(custom.header('location') ?? '', 'http://localhost').pathname, custom.saysHead('with loginPath /account/login')).toBe('/account/login');
  });

  test("a view wrapped in loginRequired keeps its name: the route's endpoint and urlFor stay the same", {
    rules: ['L14'],
    points: 1,
    hint: "Lab 7 names an endpoint after the view function. Return the wrapper with Object.defineProperty(wrapper, 'name', { value: view.name }).",
  }, async () => {
    const { app } = await loginApp();
    app.get('/drafts', loginRequired(function drafts() {
      return 'drafts';
    }));
    const guarded = loginRequired(function new_book() {
      return 'form';
    });
    expect(guarded.name, 'loginRequired(function new_book() {...}).name').toBe('new_book');
    expect(bounded("app.urlFor('drafts')", () => app.urlFor('drafts')), "urlFor('drafts') for app.get('/drafts', loginRequired(function drafts() {...}))").toBe('/drafts');
    expect(bounded("app.urlFor('secret')", () => app.urlFor('secret')), "urlFor('secret') for the app's guarded /secret").toBe('/secret');
  });

  test('a wrong password and an unknown user get the same 401 answer, and nobody is logged in', {
    rules: ['L12'],
    points: 3,
    hint: 'One answer for both failures: the form again with one message, status 401.',
  }, async () => {
    const { app, accounts } = await loginApp();
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    const jar = new Jar();
    const wrong = await postLogin(jar, app, { username: name, password: 'Secret', next: '/' });
    const unknown = await postLogin(jar, app, { username: fresh('nobody'), password: 'Secret', next: '/' });
    expect(wrong.status, wrong.says('a wrong password should be a 401')).toBe(401);
    expect(unknown.status, unknown.says('an unknown user should be a 401')).toBe(401);
    expect(unknown.text, unknown.says(`the same page as for a wrong password: ${JSON.stringify(wrong.text)}`)).toBe(wrong.text);
    const me = await jar.call(app, { path: '/me' });
    expect(JSON.parse(me.text), me.says('nobody should be logged in')).toEqual({ user: null });
  });

  test('POST /logout clears the session: the user is out, and a copy of the old cookie too', {
    rules: ['L6'],
    points: 2,
    hint: "session(request).clear(), then Response.redirect('/', 303).",
  }, async () => {
    const { app, accounts } = await loginApp();
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    const jar = new Jar();
    await postLogin(jar, app, { username: name, password: 'secret', next: '/' });
    await jar.call(app, { path: '/set/colour/red' });
    const copy = jar.get('session');
    const out = await jar.call(app, { method: 'POST', path: '/logout' });
    expect(out.status, out.says('logout should answer 303')).toBe(303);
    const me = await jar.call(app, { path: '/me' });
    expect(JSON.parse(me.text), me.says('nobody should be logged in after logout')).toEqual({ user: null });
    const replay = await call(app, { path: '/me' }, `session=${copy}`);
    expect(JSON.parse(replay.text), replay.says('a copy of the cookie from before the logout should not be logged in')).toEqual({ user: null });
    const rest = await jar.call(app, { path: '/show' });
    expect(JSON.parse(rest.text), rest.says('logout clears the whole session, not only the user id: colour should be gone')).toEqual({ user: null, colour: null });
    const restCopy = await call(app, { path: '/show' }, `session=${copy}`);
    expect(JSON.parse(restCopy.text), restCopy.says('and a copy of the old cookie should find nothing either')).toEqual({ user: null, colour: null });
  });

  test('after maxFailures failed logins for a username, it gets 429 with Retry-After, even with the right password, until the window passes', {
    rules: ['L9'],
    points: 4,
    hint: 'Keep the times of failures per username; before checking a password, count those within windowMs: at maxFailures, answer 429 with Retry-After.',
  }, async () => {
    const { app, accounts, clock } = await loginApp({ maxFailures: 3, windowMs: 60_000 });
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    // Each attempt from another address, so only the username's count can stop it.
    for (let i = 0; i < 3; i++) {
      const failed = await postLogin(new Jar(), app, { username: name, password: `guess${i}`, next: '/' }, { remoteAddr: `10.0.0.${i + 1}` });
      expect(failed.status, failed.says(`failure ${i + 1} of 3 should be a plain 401`)).toBe(401);
    }
    clock.now = T0 + 10_000;
    const blocked = await postLogin(new Jar(), app, { username: name, password: 'secret', next: '/' }, { remoteAddr: '10.0.0.9' });
    expect(blocked.status, blocked.says('after 3 failures, even the right password should get 429')).toBe(429);
    expect(blocked.header('retry-after'), blocked.saysHead('Retry-After: seconds until the oldest failure leaves the 60 s window (50)')).toBe('50');
    clock.now = T0 + 60_001;
    const later = await postLogin(new Jar(), app, { username: name, password: 'secret', next: '/' }, { remoteAddr: '10.0.0.9' });
    expect(later.status, later.says('once the window has passed, the right password should work again')).toBe(303);
  });

  test('the same limit holds per client address, whatever usernames it tries', {
    rules: ['L10'],
    points: 3,
    hint: 'Count failures by request.remoteAddr as well as by username; either at the limit means 429.',
  }, async () => {
    const { app, accounts } = await loginApp({ maxFailures: 3, windowMs: 60_000 });
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    for (let i = 0; i < 3; i++) {
      await postLogin(new Jar(), app, { username: fresh('someone'), password: 'guess', next: '/' }, { remoteAddr: '10.1.1.1' });
    }
    const blocked = await postLogin(new Jar(), app, { username: name, password: 'secret', next: '/' }, { remoteAddr: '10.1.1.1' });
    expect(blocked.status, blocked.says('after 3 failures from 10.1.1.1, any login from it should get 429')).toBe(429);
    expect(blocked.header('retry-after'), blocked.saysHead('a 429 should say when to retry')).toMatch(/^[1-9]\d*$/);
    const other = await postLogin(new Jar(), app, { username: name, password: 'secret', next: '/' }, { remoteAddr: '10.2.2.2' });
    expect(other.status, other.says('another address should not be limited')).toBe(303);
  });

  test("a successful login clears the username's failures", {
    rules: ['L11'],
    points: 2,
    hint: "On success, forget the username's failures.",
  }, async () => {
    const { app, accounts } = await loginApp({ maxFailures: 3, windowMs: 60_000 });
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    let address = 0;
    const attempt = (password: string) => postLogin(new Jar(), app, { username: name, password, next: '/' }, { remoteAddr: `10.3.0.${++address}` });
    await attempt('guess');
    await attempt('guess');
    const ok = await attempt('secret');
    expect(ok.status, ok.says('2 failures of 3: the right password works')).toBe(303);
    await attempt('guess');
    await attempt('guess');
    const again = await attempt('secret');
    expect(again.status, again.says('the success cleared the count: 2 new failures of 3 should not block')).toBe(303);
  });

  test("a successful login does not clear its address's failures", {
    rules: ['L11'],
    points: 2,
    hint: "On success, forget the username's failures only: an attacker with one account of their own must not reset the count of the address they guess from.",
  }, async () => {
    const { app, accounts } = await loginApp({ maxFailures: 3, windowMs: 60_000 });
    const mine = fresh('mallory');
    await accounts.create(mine, 'mine');
    const from = { remoteAddr: '10.4.0.1' };
    const attempt = (username: string, password: string) => postLogin(new Jar(), app, { username, password, next: '/' }, from);
    await attempt(fresh('victim'), 'guess');
    await attempt(fresh('victim'), 'guess');
    const own = await attempt(mine, 'mine');
    expect(own.status, own.says('2 failures of 3 from this address: the right password works')).toBe(303);
    await attempt(fresh('victim'), 'guess');
    const blocked = await attempt(mine, 'mine');
    expect(blocked.status, blocked.says("3 failures from 10.4.0.1: the success in between did not clear the address's count, so this is 429")).toBe(429);
  });

  test('the login form is protected by CSRF too: a login without the token is refused', {
    rules: ['C3'],
    points: 2,
    hint: "useCsrf's hook checks every POST, /login included: the form carries csrfField(request).",
  }, async () => {
    const { app, accounts } = await loginApp({ csrf: true });
    const name = fresh('ada');
    await accounts.create(name, 'secret');
    const jar = new Jar();
    const form = await jar.call(app, { path: '/login' });
    const token = /name="csrf_token" value="([^"]+)"/.exec(form.text)?.[1];
    expect(token, form.says('the login form should carry a csrf_token')).toBeDefined();
    const forged = await postLogin(jar, app, { username: name, password: 'secret', next: '/' });
    expect(forged.status, forged.says('a login without the token should be refused (login CSRF)')).toBe(400);
    const real = await postLogin(jar, app, { username: name, password: 'secret', next: '/', csrf_token: token! });
    expect(real.status, real.says('with the form\'s token the login should work')).toBe(303);
  });
});
