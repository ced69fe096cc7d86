// Hidden tests for lab 8's static files: types, ETag and 304, ranges, and above all that nothing
// outside the folder comes out. The traversal attempts go over a raw socket as exact bytes: fetch
// and URL() would resolve `..` and `%2e%2e` on the client side, and the server would never see them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type { TsgiApp } from '#contracts/tsgi';
import { parseRange, resolveInside, staticFiles } from '@lab/production';
import { bounded, milestone, test } from '../../harness/index.ts';
import { callApp, cleanUp, onWindows, rawRequest, removeTempFolders, serveApp, tempFolder, testUnless, utf8 } from './helpers.ts';

afterEach(cleanUp);
afterAll(removeTempFolders);

const SECRET = `TOP-SECRET-${Math.random().toString(36).slice(2)}`;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 254, 255]);

/** An app for everything outside the prefix: it says so, with a 404 of its own. */
const fallback: TsgiApp = (environ, startResponse) => {
  startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
  return [utf8(`app: ${environ.PATH_INFO}`)];
};

/** tmp/site/public holds the files served; tmp/site/secret.txt and tmp/site/public-keys/ must stay out of reach. */
function site(): { root: string; secretPath: string } {
  const dir = tempFolder();
  const root = join(dir, 'public');
  mkdirSync(join(root, 'css'), { recursive: true });
  mkdirSync(join(dir, 'public-keys'));
  writeFileSync(join(root, 'index.html'), '<h1>hello</h1>\n');
  writeFileSync(join(root, 'css', 'site.css'), 'body { color: teal }\n');
  writeFileSync(join(root, 'notes.txt'), 'abcdefghijklmnopqrstuvwxyz');
  writeFileSync(join(root, 'logo.png'), PNG);
  writeFileSync(join(root, 'data.bin'), 'raw');
  writeFileSync(join(root, 'caf\u00e9.txt'), 'coffee');
  const secretPath = join(dir, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  writeFileSync(join(dir, 'public-keys', 'key.txt'), SECRET);
  return { root, secretPath };
}

/**
 * Makes a symlink. The grader's permission model forbids fs.symlink in the test process (a link
 * can point anywhere), so a short-lived node process makes it.
 */
function symlink(target: string, path: string): void {
  execFileSync(process.execPath, ['-e', 'require("node:fs").symlinkSync(process.argv[1], process.argv[2])', target, path]);
}

function staticApp(root: string): TsgiApp {
  return bounded('staticFiles()', () => staticFiles({ root, prefix: '/static' }))(fallback);
}

milestone('static-files', () => {
  test('serves files under the prefix with a Content-Type from the extension', {
    points: 2,
    hint: 'Strip the prefix from PATH_INFO, find the file under root, and pick the type from the extension (application/octet-stream if unknown).',
  }, async () => {
    const app = staticApp(site().root);
    const cases: Array<[string, string, string | Buffer]> = [
      ['/static/index.html', 'text/html', '<h1>hello</h1>\n'],
      ['/static/css/site.css', 'text/css', 'body { color: teal }\n'],
      ['/static/logo.png', 'image/png', PNG],
      ['/static/data.bin', 'application/octet-stream', 'raw'],
      ['/static/caf%C3%A9.txt', 'text/plain', 'coffee'],
    ];
    for (const [path, type, content] of cases) {
      const answer = await callApp(app, { path });
      expect(answer.status, path).toBe(200);
      expect(answer.header('Content-Type'), path).toMatch(new RegExp(`^${type}`));
      expect(Buffer.compare(answer.bytes, Buffer.from(content)), `${path}: the file's bytes`).toBe(0);
      expect(answer.header('Content-Length'), path).toBe(String(Buffer.from(content).length));
    }
  });

  test('hands other paths to the app, and answers 404 for what is not a file', {
    hint: 'Only paths that start with the prefix and a slash are yours. A missing file or a folder is a 404.',
  }, async () => {
    const app = staticApp(site().root);
    for (const path of ['/', '/index.html', '/staticky/index.html']) {
      expect((await callApp(app, { path })).text, path).toBe(`app: ${path}`);
    }
    for (const path of ['/static/missing.txt', '/static/css', '/static/css/']) {
      const answer = await callApp(app, { path });
      expect(answer.status, path).toBe(404);
      expect(answer.text, `${path} is the middleware's 404, not the app's`).not.toContain('app:');
    }
  });

  test('HEAD gets the headers without the body; other methods get 405', {
    hint: 'HEAD: the same status and headers, Content-Length included, and no body. POST and the rest: 405 with Allow: GET, HEAD.',
  }, async () => {
    const app = staticApp(site().root);
    const head = await callApp(app, { method: 'HEAD', path: '/static/notes.txt' });
    expect(head.status).toBe(200);
    expect(head.header('Content-Length')).toBe('26');
    expect(head.bytes.length).toBe(0);
    const post = await callApp(app, { method: 'POST', path: '/static/notes.txt', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.header('Allow')).toMatch(/GET/);
  });

  test('sends an ETag and answers If-None-Match with 304', {
    points: 2,
    hint: 'Make the ETag from what changes when the file changes (size, modification time), quoted. A matching If-None-Match (W/ or not, or *) gets 304 and no body.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    const first = await callApp(app, { path: '/static/notes.txt' });
    const etag = first.header('ETag');
    expect(etag, 'an ETag header').toMatch(/^(W\/)?"[^"]*"$/);
    for (const tag of [etag!, `W/${etag!.replace(/^W\//, '')}`, `"other", ${etag}`, '*']) {
      const again = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': tag } });
      expect(again.status, `If-None-Match: ${tag}`).toBe(304);
      expect(again.bytes.length, 'a 304 has no body').toBe(0);
    }
    expect((await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
    writeFileSync(join(root, 'notes.txt'), 'a different, longer content');
    const changed = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': etag! } });
    expect(changed.status, 'the file changed: its old ETag no longer matches').toBe(200);
    expect(changed.header('ETag')).not.toBe(etag);
  });

  test('parseRange reads one byte range', {
    hint: 'bytes=S-E, bytes=S- (to the end), bytes=-N (the last N). Past the end: unsatisfiable. Anything else: null, and the whole file goes out.',
  }, () => {
    const cases: Array<[unknown, [number, number] | null | 'unsatisfiable']> = [
      ['bytes=0-4', [0, 4]],
      ['bytes=5-', [5, 25]],
      ['bytes=-3', [23, 25]],
      ['bytes=20-100', [20, 25]],
      ['bytes=-100', [0, 25]],
      ['bytes=26-', 'unsatisfiable'],
      ['bytes=-0', 'unsatisfiable'],
      ['bytes=5-2', null],
      ['bytes=0-1,4-5', null],
      ['items=0-4', null],
      ['bytes=-', null],
      [undefined, null],
    ];
    for (const [header, expected] of cases) {
      expect(bounded('parseRange()', () => parseRange(header, 26)), `parseRange(${JSON.stringify(header)}, 26)`).toEqual(expected);
    }
  });

  test('answers Range with 206 and the bytes asked for, and 416 past the end', {
    points: 2,
    hint: '206 carries Content-Range: bytes start-end/size and only those bytes; 416 carries Content-Range: bytes */size.',
  }, async () => {
    const app = staticApp(site().root);
    const cases: Array<[string, string, string]> = [
      ['bytes=0-4', 'bytes 0-4/26', 'abcde'],
      ['bytes=23-', 'bytes 23-25/26', 'xyz'],
      ['bytes=-2', 'bytes 24-25/26', 'yz'],
    ];
    for (const [range, contentRange, body] of cases) {
      const answer = await callApp(app, { path: '/static/notes.txt', headers: { Range: range } });
      expect(answer.status, range).toBe(206);
      expect(answer.header('Content-Range'), range).toBe(contentRange);
      expect(answer.text, range).toBe(body);
      expect(answer.header('Content-Length'), range).toBe(String(body.length));
    }
    const beyond = await callApp(app, { path: '/static/notes.txt', headers: { Range: 'bytes=30-' } });
    expect(beyond.status).toBe(416);
    expect(beyond.header('Content-Range')).toBe('bytes */26');
  });

  test('on a real socket: type, 304 and 206', {
    hint: 'The same answers through the gateway: If-None-Match and Range arrive as HTTP_IF_NONE_MATCH and HTTP_RANGE.',
  }, async () => {
    const { port } = await serveApp(staticApp(site().root));
    const page = await rawRequest(port, ['GET /static/index.html HTTP/1.1', 'Host: test']);
    expect(page.status, page.story).toBe(200);
    expect(page.header('content-type')).toMatch(/^text\/html/);
    expect(page.body.toString()).toBe('<h1>hello</h1>\n');
    const etag = page.header('etag') ?? '';
    const cached = await rawRequest(port, ['GET /static/index.html HTTP/1.1', 'Host: test', `If-None-Match: ${etag}`]);
    expect(cached.status, cached.story).toBe(304);
    const part = await rawRequest(port, ['GET /static/notes.txt HTTP/1.1', 'Host: test', 'Range: bytes=2-4']);
    expect(part.status, part.story).toBe(206);
    expect(part.body.toString()).toBe('cde');
  });

  test('resolveInside finds files inside the root and nothing outside it', {
    hint: 'Refuse the text first (.., ., empty segments, \\, NUL), then compare real paths: the file must be under the real root plus a separator.',
  }, async () => {
    const { root } = site();
    const found = await bounded('resolveInside()', () => resolveInside(root, 'css/site.css'));
    expect(found?.size).toBe(21);
    for (const name of ['../secret.txt', 'css/../../secret.txt', '..\\secret.txt', 'notes.txt\0', '/etc/passwd', '../public-keys/key.txt', 'css']) {
      expect(await bounded('resolveInside()', () => resolveInside(root, name)), JSON.stringify(name)).toBeNull();
    }
  });

  test('nothing outside the folder comes out, however the path is written (raw bytes)', {
    points: 4,
    hint: 'The gateway has already percent-decoded PATH_INFO once: check the decoded name. Refuse any .. segment, backslash or NUL, and never decode again.',
  }, async () => {
    const { root, secretPath } = site();
    const { port } = await serveApp(staticApp(root));
    const control = await rawRequest(port, ['GET /static/notes.txt HTTP/1.1', 'Host: test']);
    expect(control.status, `a file inside the folder is served; ${control.story}`).toBe(200);
    const absolute = secretPath.split('\\').join('/');
    const attempts = [
      '/static/../secret.txt',
      '/static/css/../../secret.txt',
      '/static/./../secret.txt',
      '/static/%2e%2e/secret.txt',
      '/static/%2E%2e/secret.txt',
      '/static/.%2e/secret.txt',
      '/static/..%2fsecret.txt',
      '/static/..%2Fsecret.txt',
      '/static/%2e%2e%2fsecret.txt',
      '/static/css%2f..%2f..%2fsecret.txt',
      '/static/..\\secret.txt',
      '/static/..%5csecret.txt',
      '/static/%2e%2e%5csecret.txt',
      '/static/css\\..\\..\\secret.txt',
      '/static/../public-keys/key.txt',
      '/static/%252e%252e/secret.txt',
      '/static/%252e%252e%252fsecret.txt',
      '/static/..%00/secret.txt',
      '/static/secret.txt%00.png',
      '/static/%00../secret.txt',
      '/static/%c0%ae%c0%ae/secret.txt',
      `/static/${absolute}`,
      `/static/${encodeURIComponent(absolute)}`,
      `/static//${absolute}`,
      `http://test/static/../secret.txt`,
    ];
    for (const target of attempts) {
      const reply = await rawRequest(port, [`GET ${target} HTTP/1.1`, 'Host: test']);
      expect(reply.body.toString('latin1'), `GET ${target} must not give the secret file; ${reply.story}`).not.toContain(SECRET);
      expect(reply.status, `GET ${target}: a refusal (4xx); ${reply.story}`).toBeGreaterThanOrEqual(400);
      expect(reply.status, `GET ${target}: a refusal (4xx); ${reply.story}`).toBeLessThan(500);
    }
  });

  testUnless(onWindows && 'creating symlinks needs extra rights on Windows', 'a symlink inside the folder that points outside it is not followed', {
    points: 2,
    hint: 'Text checks cannot see a symlink: resolve the real path (fs.realpath) of the file and of the root, and compare those.',
  }, async () => {
    const { root, secretPath } = site();
    const app = staticApp(root);
    expect((await callApp(app, { path: '/static/notes.txt' })).status, 'a file inside the folder is served').toBe(200);
    symlink(secretPath, join(root, 'leak.txt'));
    symlink(join(root, '..'), join(root, 'up'));
    for (const path of ['/static/leak.txt', '/static/up/secret.txt', '/static/up/public-keys/key.txt']) {
      const answer = await callApp(app, { path });
      expect(answer.text, `${path} must not give the secret file`).not.toContain(SECRET);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
    }
    const { port } = await serveApp(app);
    const reply = await rawRequest(port, ['GET /static/leak.txt HTTP/1.1', 'Host: test']);
    expect(reply.body.toString('latin1'), reply.story).not.toContain(SECRET);
  });
});
