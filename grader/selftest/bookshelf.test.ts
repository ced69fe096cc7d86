// Lab 9's bookshelf in a real browser, over HTTPS on 127.0.0.1, as `npm run serve -- --lab 9`
// starts it: plain http redirects to https, a visitor registers, logs in, adds a book, sees what
// readers also liked, and logs out. Chromium trusts exactly the course's development certificate
// (its public key pinned with --ignore-certificate-errors-spki-list), nothing else. Screenshots of
// each step go to BOOKSHELF_SCREENSHOTS when it names a folder (to look at them), else to scratch.
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Locator, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../course.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const noBrowser = `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
const browserSuite = (haveBrowser || process.env.CI) && process.platform !== 'win32' ? describe : describe.skip;
if (!haveBrowser) console.warn(`bookshelf.test.ts: ${process.env.CI ? 'failing' : 'skipping'}: ${noBrowser}`);

/** The text of the first element the locator finds, once it is there. */
async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return locator.first().innerText();
}

/** The base64 SHA-256 of the certificate's public key, as Chromium's pin list wants it. */
function spkiPin(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

browserSuite(`lab 9's bookshelf in a browser, over HTTPS${haveBrowser ? '' : ` (${noBrowser})`}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bookshelf-test-'));
  const shots = process.env.BOOKSHELF_SCREENSHOTS || join(scratch, 'screenshots');
  let server: ChildProcess | undefined;
  let output = '';
  let https = '';
  let httpPort = 0;
  let context: BrowserContext | undefined;
  /** Console errors, page errors and failed requests, from every page. */
  const problems: string[] = [];

  beforeAll(async () => {
    if (!haveBrowser) throw new Error(noBrowser);
    mkdirSync(shots, { recursive: true });
    server = spawn(process.execPath, [join(ROOT, 'grader', 'tools', 'serve.mjs'), '--lab', '9', '--reference', '--port', '0', '--https-port', '0'], {
      cwd: ROOT,
      env: { ...process.env, GRADER_STATE_DIR: join(scratch, 'state') },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    [https, httpPort] = await new Promise<[string, number]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run serve -- --lab 9 printed no URL within 60 s:\n${output}`)), 60_000);
      const listen = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /(https:\/\/127\.0\.0\.1:\d+\/) \(http on port (\d+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolve([found[1]!, Number(found[2])]);
        }
      };
      server!.stdout!.on('data', listen);
      server!.stderr!.on('data', listen);
      server!.on('exit', (code) => reject(new Error(`npm run serve -- --lab 9 exited (${code}):\n${output}`)));
    });

    const cert = readFileSync(join(ROOT, 'labs', 'lab9-state', 'dev-cert', 'cert.pem'), 'utf8');
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync', `--ignore-certificate-errors-spki-list=${spkiPin(cert)}`],
      viewport: { width: 1100, height: 800 },
    });
    context.setDefaultTimeout(15_000);
    context.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error on ${message.location().url}: ${message.text()}`);
    });
    context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
    context.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText;
      if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} (${reason})`);
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    }
    if (!process.env.BOOKSHELF_SCREENSHOTS) rmSync(scratch, { recursive: true, force: true });
  });

  it('redirects http to https, and the page comes with HSTS', async () => {
    const page = await context!.newPage();
    const answer = await page.goto(`http://127.0.0.1:${httpPort}/search?q=sql`);
    expect(page.url(), 'the browser should have followed the redirect to https').toBe(`${https}search?q=sql`);
    expect(answer?.headers()['strict-transport-security'], 'the https page should carry HSTS').toMatch(/^max-age=\d+/);
    expect(await textOf(page.locator('main li')), 'the search for "sql" should list books').toMatch(/SQL/);
    await page.screenshot({ path: join(shots, '1-search-over-https.png'), fullPage: true });
    await page.close();
  });

  it('a visitor registers, logs in, adds a book, sees recommendations, and logs out', async () => {
    const page = await context!.newPage();
    await page.goto(https);
    expect(await textOf(page.locator('h1'))).toBe('All books');
    await page.screenshot({ path: join(shots, '2-home.png'), fullPage: true });

    // Adding a book asks for a login first, and comes back to the form afterwards.
    await page.goto(`${https}books/new`);
    expect(new URL(page.url()).pathname, 'a visitor who is not logged in should land on the login page').toBe('/login');
    await page.getByRole('link', { name: 'Register' }).last().click();
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await textOf(page.getByRole('status'))).toContain('log in');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('a wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(page.getByRole('alert')), 'a wrong password should be refused on the page').toMatch(/wrong/i);
    // The browser reports the refused try's 401 as a console error: it is the answer we asked for.
    const refused = problems.findIndex((p) => p.includes('/login') && p.includes('status of 401'));
    if (refused >= 0) problems.splice(refused, 1);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.screenshot({ path: join(shots, '3-login.png'), fullPage: true });
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await textOf(page.locator('header .account')), 'the header should name the user').toContain('ada');

    const cookies = await context!.cookies(https);
    const session = cookies.find((c) => c.name === 'session');
    expect(session, `the browser should hold a session cookie: ${JSON.stringify(cookies)}`).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

    await page.goto(`${https}books/new`);
    await page.getByLabel('Title').fill('Web Security in Practice');
    await page.getByLabel('Year').fill('2024');
    await page.getByLabel('Author').selectOption({ label: 'Malcolm McDonald' });
    await page.getByLabel('Summary').fill('Sessions, CSRF tokens, password hashes and HTTPS, <b>in practice</b>.');
    await page.screenshot({ path: join(shots, '4-add-book.png'), fullPage: true });
    await page.getByRole('button', { name: 'Add' }).click();
    expect(await textOf(page.locator('h1'))).toBe('Web Security in Practice');
    expect(await textOf(page.locator('article')), "the visitor's markup should show as text").toContain('<b>in practice</b>');
    expect(await textOf(page.locator('.also')), 'a new book has no recommendations until the batch job runs').toContain('batch job');

    // A book the batch job has seen: readers also liked three others.
    await page.goto(`${https}books/11`);
    await page.locator('.also li').first().waitFor();
    expect(await page.locator('.also li').count(), 'readers also liked three books').toBe(3);
    await page.screenshot({ path: join(shots, '5-also-liked.png'), fullPage: true });

    await page.getByRole('button', { name: 'Log out' }).click();
    expect(await textOf(page.locator('header .account')), 'after logging out, the header offers to log in').toContain('Log in');
    await page.close();
    expect(problems, 'nothing should go wrong in the browser').toEqual([]);
  });

  it('a form posted from another site is refused (CSRF), even with the session cookie', async () => {
    const page = await context!.newPage();
    await page.goto(`${https}login`);
    // The same browser, a form without the token: what a forged cross-site form would send.
    const status = await page.evaluate(async () => {
      const response = await fetch('/books/new', { method: 'POST', body: new URLSearchParams({ title: 'Forged', year: '2020', author_id: '1' }) });
      return response.status;
    });
    expect(status, 'a POST without the CSRF token should get 400').toBe(400);
    await page.close();
  });
});
