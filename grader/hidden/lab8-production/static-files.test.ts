// Hidden tests for lab 8's static files: types, ETag and 304, ranges, and above all that nothing
// outside the folder comes out. The traversal attempts go over a raw socket as exact bytes: fetch
// and URL() would resolve `..` and `%2e%2e` on the client side, and the server would never see them.
// Each text refusal (T1-T5) is also checked on a name that stays inside the folder: there, only the
// text check can refuse it, so a resolveInside that relies on realpath alone is caught.
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import type { TsgiApp, TsgiBody } from '#contracts/tsgi';
import { parseRange, resolveInside, staticFiles } from '@lab/production';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { type Answer, APP_BOUND_MS, callApp, type CallInit, cleanUp, makeEnviron, onWindows, rawRequest, removeTempFolders, serveApp, tempFolder, testUnless, utf8, within } from './helpers.ts';

afterEach(cleanUp);
afterAll(removeTempFolders);

const SECRET = `TOP-SECRET-${Math.random().toString(36).slice(2)}`;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 254, 255]);
const NOTES = 'abcdefghijklmnopqrstuvwxyz';

/** An app for everything outside the prefix: it says so, with a 404 of its own. */
const fallback: TsgiApp = (environ, startResponse) => {
  startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
  return [utf8(`app: ${environ.PATH_INFO}`)];
};

/** tmp/site/public holds the files served; tmp/site/secret.txt and tmp/site/public-keys/ must stay out of reach. */
function site(): { dir: string; root: string; secretPath: string } {
  const dir = tempFolder();
  const root = join(dir, 'public');
  mkdirSync(join(root, 'css'), { recursive: true });
  mkdirSync(join(dir, 'public-keys'));
  writeFileSync(join(root, 'index.html'), '<h1>hello</h1>\n');
  writeFileSync(join(root, 'css', 'site.css'), 'body { color: teal }\n');
  writeFileSync(join(root, 'notes.txt'), NOTES);
  writeFileSync(join(root, 'logo.png'), PNG);
  writeFileSync(join(root, 'SHOUT.CSS'), 'P { FONT-WEIGHT: BOLD }');
  writeFileSync(join(root, 'data.bin'), 'raw');
  writeFileSync(join(root, 'caf\u00e9.txt'), 'coffee');
  writeFileSync(join(root, '100%25.txt'), 'a file whose name holds a percent sign');
  const secretPath = join(dir, 'secret.txt');
  writeFileSync(secretPath, SECRET);
  writeFileSync(join(dir, 'public-keys', 'key.txt'), SECRET);
  return { dir, root, secretPath };
}

/**
 * Makes a symlink. The grader's permission model forbids fs.symlink in the test process (a link
 * can point anywhere), so a short-lived node process makes it.
 */
function symlink(target: string, path: string): void {
  execFileSync(process.execPath, ['-e', 'require("node:fs").symlinkSync(process.argv[1], process.argv[2])', target, path]);
}

/**
 * How many open files of this process are `path` (a real path). A short-lived node process reads
 * /proc/<pid>/fd: the grader's permission model does not let the test process read /proc.
 */
function openCount(path: string): number {
  const script = 'const fs = require("node:fs"); const dir = `/proc/${process.argv[1]}/fd`; let n = 0;' +
    'for (const fd of fs.readdirSync(dir)) { try { if (fs.readlinkSync(`${dir}/${fd}`) === process.argv[2]) n++; } catch {} }' +
    'process.stdout.write(String(n));';
  return Number(execFileSync(process.execPath, ['-e', script, String(process.pid), path]).toString());
}

function staticApp(root: string): TsgiApp {
  return bounded('staticFiles()', () => staticFiles({ root, prefix: '/static' }))(fallback);
}

/** The answer to `init`, or the error the middleware threw, as a story for a message. */
async function attempt(app: TsgiApp, init: CallInit): Promise<{ answer: Answer | null; story: string }> {
  try {
    const answer = await callApp(app, init);
    return { answer, story: answer.story };
  } catch (error) {
    return { answer: null, story: `GET ${show(init.path ?? '/')}: the middleware threw ${String(error)} (the server would answer 500)` };
  }
}

/** `path` must be refused with a 4xx (not a 500), and without the file's bytes. */
async function expectRefused(app: TsgiApp, path: string, content: string, why: string): Promise<void> {
  const { answer, story } = await attempt(app, { path });
  expect(answer?.status ?? 500, `GET ${path} should be refused with a 4xx, ${why}; ${story}`).toBeGreaterThanOrEqual(400);
  expect(answer?.status ?? 500, `GET ${path} should be refused with a 4xx, not a failure; ${story}`).toBeLessThan(500);
  expect(answer?.text ?? '', `GET ${path} must not give the file; ${story}`).not.toContain(content);
}

milestone('static-files', () => {
  test('serves files under the prefix with a Content-Type from the extension', {
    rules: ['F3', 'F4', 'T8'],
    points: 2,
    hint: 'Strip the prefix from PATH_INFO, decode the rest as UTF-8, find the file under root, and pick the type from the extension, lowercased (application/octet-stream if unknown).',
  }, async () => {
    const app = staticApp(site().root);
    const cases: Array<[string, string, string | Buffer]> = [
      ['/static/index.html', 'text/html', '<h1>hello</h1>\n'],
      ['/static/css/site.css', 'text/css', 'body { color: teal }\n'],
      ['/static/logo.png', 'image/png', PNG],
      ['/static/SHOUT.CSS', 'text/css', 'P { FONT-WEIGHT: BOLD }'],
      ['/static/data.bin', 'application/octet-stream', 'raw'],
      ['/static/caf%C3%A9.txt', 'text/plain', 'coffee'],
    ];
    for (const [path, type, content] of cases) {
      const answer = await callApp(app, { path });
      expect(answer.status, `GET ${path}; ${answer.story}`).toBe(200);
      expect(answer.header('Content-Type'), `GET ${path}: the type; ${answer.story}`).toMatch(new RegExp(`^${type}`));
      expect(Buffer.compare(answer.bytes, Buffer.from(content)), `GET ${path}: the file's bytes; ${answer.story}`).toBe(0);
      expect(answer.header('Content-Length'), `GET ${path}: the file's size; ${answer.story}`).toBe(String(Buffer.from(content).length));
      expect(answer.header('Accept-Ranges'), `GET ${path}: we take ranges; ${answer.story}`).toBe('bytes');
      expect(answer.header('Content-Range'), `GET ${path} without Range: a 200 has no Content-Range; ${answer.story}`).toBeUndefined();
    }
  });

  test('gives every extension of the TYPES table its type', {
    rules: ['F4'],
    hint: 'Look the lowercased extension up in the TYPES table that static-files.ts gives you.',
  }, async () => {
    const { root } = site();
    const table: Array<[string, string]> = [
      ['a.html', 'text/html'], ['a.css', 'text/css'], ['a.js', 'text/javascript'], ['a.json', 'application/json'],
      ['a.txt', 'text/plain'], ['a.svg', 'image/svg+xml'], ['a.png', 'image/png'], ['a.jpg', 'image/jpeg'],
      ['a.gif', 'image/gif'], ['a.ico', 'image/x-icon'], ['a.woff2', 'font/woff2'],
    ];
    mkdirSync(join(root, 'types'));
    for (const [name] of table) writeFileSync(join(root, 'types', name), 'x');
    const app = staticApp(root);
    for (const [name, type] of table) {
      const answer = await callApp(app, { path: `/static/types/${name}` });
      expect(answer.status, `GET /static/types/${name}; ${answer.story}`).toBe(200);
      expect((answer.header('Content-Type') ?? '').split(';')[0], `GET /static/types/${name}: the type from TYPES; ${answer.story}`).toBe(type);
    }
  });

  test('serves an empty file as a 200 with no bytes', {
    rules: ['F3'],
    hint: 'An empty file has nothing to stream: createReadStream({ start: 0, end: -1 }) throws. Answer 200 with Content-Length: 0 and no body.',
  }, async () => {
    const { root } = site();
    writeFileSync(join(root, 'empty.txt'), '');
    const app = staticApp(root);
    const { answer, story } = await attempt(app, { path: '/static/empty.txt' });
    expect(answer?.status, `GET /static/empty.txt (0 bytes); ${story}`).toBe(200);
    expect(answer?.header('Content-Length'), story).toBe('0');
    expect(answer?.bytes.length, story).toBe(0);
  });

  test('takes a prefix given with a slash at its end as the same prefix', {
    rules: ['F1'],
    hint: 'Strip one trailing slash from the prefix, then add one: /static and /static/ both give /static/.',
  }, async () => {
    const app = bounded('staticFiles()', () => staticFiles({ root: site().root, prefix: '/static/' }))(fallback);
    const file = await callApp(app, { path: '/static/notes.txt' });
    expect(file.status, `prefix '/static/', GET /static/notes.txt; ${file.story}`).toBe(200);
    expect(file.text, file.story).toBe(NOTES);
    const other = await callApp(app, { path: '/staticky/notes.txt' });
    expect(other.text, `prefix '/static/', GET /staticky/notes.txt belongs to the app; ${other.story}`).toBe('app: /staticky/notes.txt');
  });

  test('hands other paths to the app, unchanged', {
    rules: ['F1'],
    hint: 'Only paths that start with the prefix and a slash are yours: /staticky is not. Everything else goes to the app as it came.',
  }, async () => {
    const app = staticApp(site().root);
    for (const path of ['/', '/index.html', '/staticky/index.html', '/static', '/about/']) {
      const answer = await callApp(app, { path });
      expect(answer.text, `GET ${path} belongs to the app; ${answer.story}`).toBe(`app: ${path}`);
    }
    const post = await callApp(app, { method: 'POST', path: '/upload', body: 'x' });
    expect(post.text, `POST /upload belongs to the app; ${post.story}`).toBe('app: /upload');
  });

  test('answers 404 for a missing file, a folder, and a name too long for the file system', {
    rules: ['F5'],
    hint: 'A missing file, a folder (stat: not a file) and the file system\'s ENOENT, ENOTDIR, ENAMETOOLONG are all "not found": 404, from the middleware, not the app.',
  }, async () => {
    const app = staticApp(site().root);
    for (const path of ['/static/missing.txt', '/static/css', '/static/notes.txt/inside', `/static/${'n'.repeat(300)}.txt`]) {
      const { answer, story } = await attempt(app, { path });
      expect(answer?.status, `GET ${path.length > 60 ? path.slice(0, 60) + '...' : path}; ${story}`).toBe(404);
      expect(answer?.text, `the middleware's 404, not the app's; ${story}`).not.toContain('app:');
    }
  });

  test('HEAD gets the headers without the body', {
    rules: ['F3', 'F2'],
    hint: 'HEAD: the same status and headers, Content-Length included, and no body.',
  }, async () => {
    const app = staticApp(site().root);
    const head = await callApp(app, { method: 'HEAD', path: '/static/notes.txt' });
    expect(head.status, head.story).toBe(200);
    expect(head.header('Content-Length'), head.story).toBe('26');
    expect(head.bytes.length, `no body for HEAD; ${head.story}`).toBe(0);
  });

  test('HEAD ignores Range: the head of the whole file', {
    rules: ['F8', 'F3'],
    hint: 'Range is defined for GET only (RFC 9110 §14.2): read it only when REQUEST_METHOD is GET. A HEAD with a Range gets the 200 head a GET without one would get.',
  }, async () => {
    const app = staticApp(site().root);
    for (const range of ['bytes=0-4', 'bytes=99-']) {
      const head = await callApp(app, { method: 'HEAD', path: '/static/notes.txt', headers: { Range: range } });
      expect(head.status, `HEAD with Range: ${range}; ${head.story}`).toBe(200);
      expect(head.header('Content-Length'), `HEAD with Range: ${range}: the whole file's length; ${head.story}`).toBe('26');
      expect(head.header('Content-Range'), `HEAD with Range: ${range}; ${head.story}`).toBeUndefined();
    }
  });

  test('other methods get 405 with Allow: GET, HEAD', {
    rules: ['F2'],
    hint: 'POST, PUT, DELETE and the rest under the prefix: 405 Method Not Allowed, with an Allow header naming GET and HEAD.',
  }, async () => {
    const app = staticApp(site().root);
    for (const method of ['POST', 'DELETE']) {
      const answer = await callApp(app, { method, path: '/static/notes.txt', body: 'x' });
      expect(answer.status, `${method} /static/notes.txt; ${answer.story}`).toBe(405);
      const allow = (answer.header('Allow') ?? '').split(',').map((m) => m.trim()).sort();
      expect(allow, `the Allow header; ${answer.story}`).toEqual(['GET', 'HEAD']);
    }
  });

  test("the middleware's own 404, 405 and 416 are plain text that says why, with a true Content-Length", {
    rules: ['M2'],
    hint: 'Answer with the given plain(): text/plain; charset=utf-8, a line that says what happened, and a Content-Length of exactly that many bytes.',
  }, async () => {
    const app = staticApp(site().root);
    const refusals: Array<[string, CallInit]> = [
      ['404', { path: '/static/missing.txt' }],
      ['405', { method: 'POST', path: '/static/notes.txt', body: 'x' }],
      ['416', { path: '/static/notes.txt', headers: { Range: 'bytes=26-' } }],
    ];
    for (const [status, init] of refusals) {
      const answer = await callApp(app, init);
      expect(String(answer.status), answer.story).toBe(status);
      expect(answer.header('Content-Type') ?? '', `the ${status}'s Content-Type; ${answer.story}`).toMatch(/^text\/plain\b/i);
      expect(answer.bytes.length, `the ${status} should say what happened in its body; ${answer.story}`).toBeGreaterThan(0);
      expect(answer.header('Content-Length'), `the ${status}'s Content-Length against the ${answer.bytes.length} bytes sent; ${answer.story}`).toBe(String(answer.bytes.length));
    }
  });

  test('sends an ETag and answers If-None-Match with 304', {
    rules: ['F7', 'F6'],
    points: 2,
    hint: 'A matching If-None-Match (W/ or not, anywhere in a comma-separated list, or *) gets 304 and no body.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    const first = await callApp(app, { path: '/static/notes.txt' });
    const etag = first.header('ETag');
    expect(etag, `an ETag header, a quoted string; ${first.story}`).toMatch(/^(W\/)?"[^"]*"$/);
    for (const tag of [etag!, `W/${etag!.replace(/^W\//, '')}`, `"other", ${etag}`, '*']) {
      const again = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': tag } });
      expect(again.status, `If-None-Match: ${tag}; ${again.story}`).toBe(304);
      expect(again.bytes.length, `a 304 has no body; ${again.story}`).toBe(0);
      expect(again.header('ETag'), `a 304 carries the ETag a 200 would have; ${again.story}`).toBe(etag);
    }
    const stale = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': '"stale"' } });
    expect(stale.status, stale.story).toBe(200);
    // A strong tag whose text starts with W/ is another tag: only a W/ in front of the quote makes a tag weak.
    const inside = `"W/${etag!.replace(/^W\//, '').slice(1)}`;
    const other = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': inside } });
    expect(other.status, `If-None-Match: ${inside} is another tag than ${etag}; ${other.story}`).toBe(200);
  });

  test('the ETag changes when the file changes, even to the same size', {
    rules: ['F6'],
    points: 2,
    hint: 'Make the ETag from the size and the modification time (mtimeMs): a file rewritten with as many bytes as before has a new mtime.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    const path = join(root, 'notes.txt');
    utimesSync(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const before = await callApp(app, { path: '/static/notes.txt' });
    const etag = before.header('ETag');
    writeFileSync(path, NOTES.toUpperCase());
    utimesSync(path, new Date('2024-06-01T12:00:00Z'), new Date('2024-06-01T12:00:00Z'));
    const sameSize = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': etag! } });
    expect(sameSize.status, `rewritten with 26 other bytes and a new mtime: the old ETag ${etag} must not match; ${sameSize.story}`).toBe(200);
    expect(sameSize.header('ETag'), sameSize.story).not.toBe(etag);
    writeFileSync(path, 'a different, longer content');
    utimesSync(path, new Date('2024-06-01T12:00:00Z'), new Date('2024-06-01T12:00:00Z'));
    const longer = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': sameSize.header('ETag')! } });
    expect(longer.status, `rewritten with another size, same mtime; ${longer.story}`).toBe(200);
    // Rewritten twice within one second: the mtime moves by a quarter of a second.
    const latest = longer.header('ETag');
    utimesSync(path, new Date('2024-06-01T12:00:00.250Z'), new Date('2024-06-01T12:00:00.250Z'));
    const quick = await callApp(app, { path: '/static/notes.txt', headers: { 'If-None-Match': latest! } });
    expect(quick.status, `same size, mtime 250 ms later: the old ETag ${latest} must not match; ${quick.story}`).toBe(200);
  });

  test('parseRange reads one byte range', {
    rules: ['F8', 'F9', 'F10'],
    hint: 'bytes=S-E, bytes=S- (to the end), bytes=-N (the last N). Past the end: unsatisfiable. Anything else: null, and the whole file goes out.',
  }, () => {
    const cases: Array<[unknown, [number, number] | null | 'unsatisfiable']> = [
      ['bytes=0-4', [0, 4]],
      ['bytes=5-', [5, 25]],
      ['bytes=-3', [23, 25]],
      ['bytes=25-25', [25, 25]],
      ['bytes=20-100', [20, 25]],
      ['bytes=-100', [0, 25]],
      ['bytes=26-', 'unsatisfiable'],
      ['bytes=26-30', 'unsatisfiable'],
      ['bytes=-0', 'unsatisfiable'],
      ['bytes=5-2', null],
      ['bytes=0-1,4-5', null],
      ['items=0-4', null],
      ['kilobytes=0-4', null],
      ['bytes=-', null],
      [undefined, null],
    ];
    for (const [header, expected] of cases) {
      expect(bounded('parseRange()', () => parseRange(header, 26)), `parseRange(${JSON.stringify(header)}, 26)`).toEqual(expected);
    }
  });

  test('answers Range with 206 and the bytes asked for', {
    rules: ['F8', 'F4'],
    points: 2,
    hint: '206 carries Content-Range: bytes start-end/size, a Content-Length of end - start + 1, and only those bytes.',
  }, async () => {
    const app = staticApp(site().root);
    const cases: Array<[string, string, string]> = [
      ['bytes=0-4', 'bytes 0-4/26', 'abcde'],
      ['bytes=23-', 'bytes 23-25/26', 'xyz'],
      ['bytes=-2', 'bytes 24-25/26', 'yz'],
      ['bytes=20-100', 'bytes 20-25/26', 'uvwxyz'],
    ];
    for (const [range, contentRange, body] of cases) {
      const answer = await callApp(app, { path: '/static/notes.txt', headers: { Range: range } });
      expect(answer.status, `Range: ${range}; ${answer.story}`).toBe(206);
      expect(answer.header('Content-Range'), `Range: ${range}; ${answer.story}`).toBe(contentRange);
      expect(answer.text, `Range: ${range}; ${answer.story}`).toBe(body);
      expect(answer.header('Content-Length'), `Range: ${range}; ${answer.story}`).toBe(String(body.length));
      expect(answer.header('Content-Type'), `Range: ${range}: a part has the file's type too; ${answer.story}`).toMatch(/^text\/plain/);
    }
  });

  test('answers 416 for a range past the end, and the whole file for ranges it does not take', {
    rules: ['F9', 'F10'],
    hint: '416 carries Content-Range: bytes */size. Several ranges, or a reversed one, are ignored: a plain 200 with the whole file.',
  }, async () => {
    const app = staticApp(site().root);
    for (const range of ['bytes=26-', 'bytes=-0']) {
      const beyond = await callApp(app, { path: '/static/notes.txt', headers: { Range: range } });
      expect(beyond.status, `Range: ${range} on a 26-byte file; ${beyond.story}`).toBe(416);
      expect(beyond.header('Content-Range'), beyond.story).toBe('bytes */26');
    }
    for (const range of ['bytes=0-1,4-5', 'bytes=5-2', 'lines=1-2', 'kilobytes=0-4']) {
      const whole = await callApp(app, { path: '/static/notes.txt', headers: { Range: range } });
      expect(whole.status, `Range: ${range}; ${whole.story}`).toBe(200);
      expect(whole.text, `Range: ${range}: the whole file; ${whole.story}`).toBe(NOTES);
      expect(whole.header('Content-Range'), `Range: ${range} ignored: a 200 has no Content-Range; ${whole.story}`).toBeUndefined();
    }
  });

  test('on a real socket: type, 304 and 206', {
    rules: ['F3', 'F7', 'F8'],
    hint: 'The same answers through the gateway: If-None-Match and Range arrive as HTTP_IF_NONE_MATCH and HTTP_RANGE.',
  }, async () => {
    const { port } = await serveApp(staticApp(site().root));
    const page = await rawRequest(port, ['GET /static/index.html HTTP/1.1', 'Host: test']);
    expect(page.status, page.story).toBe(200);
    expect(page.header('content-type'), page.story).toMatch(/^text\/html/);
    expect(page.body.toString(), page.story).toBe('<h1>hello</h1>\n');
    const etag = page.header('etag') ?? '';
    const cached = await rawRequest(port, ['GET /static/index.html HTTP/1.1', 'Host: test', `If-None-Match: ${etag}`]);
    expect(cached.status, cached.story).toBe(304);
    const part = await rawRequest(port, ['GET /static/notes.txt HTTP/1.1', 'Host: test', 'Range: bytes=2-4']);
    expect(part.status, part.story).toBe(206);
    expect(part.body.toString(), part.story).toBe('cde');
  });

  test('refuses a name with a .. segment, even one that stays inside the folder', {
    rules: ['T1'],
    points: 2,
    hint: 'Check the text before the file system: split the name at / and refuse it if any segment is "..". realpath alone would let css/../notes.txt through.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    await expectRefused(app, '/static/css/../notes.txt', NOTES, 'for its .. segment');
    expect(await bounded('resolveInside()', () => resolveInside(root, 'css/../notes.txt')), 'resolveInside(root, "css/../notes.txt")').toBeNull();
  });

  test('refuses a name with a . segment', {
    rules: ['T2'],
    hint: 'A segment that is "." is another spelling of a name: refuse it with the text check.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    await expectRefused(app, '/static/./notes.txt', NOTES, 'for its . segment');
    await expectRefused(app, '/static/css/./site.css', 'teal', 'for its . segment');
    expect(await bounded('resolveInside()', () => resolveInside(root, './notes.txt')), 'resolveInside(root, "./notes.txt")').toBeNull();
  });

  test('refuses a name with an empty segment', {
    rules: ['T3'],
    hint: 'Two slashes in a row, or a name that starts with a slash, give an empty segment: refuse it (it would make the name absolute).',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    await expectRefused(app, '/static/css//site.css', 'teal', 'for its empty segment');
    await expectRefused(app, '/static//notes.txt', NOTES, 'for its empty segment');
    expect(await bounded('resolveInside()', () => resolveInside(root, '/notes.txt')), 'resolveInside(root, "/notes.txt")').toBeNull();
  });

  testUnless(onWindows && 'a file name cannot hold a backslash on Windows', 'refuses a name holding a backslash, on every system', {
    rules: ['T4'],
    hint: 'A backslash is a separator on Windows: refuse any name that holds one, even where it is an ordinary character.',
  }, async () => {
    const { root } = site();
    writeFileSync(join(root, 'back\\slash.txt'), 'behind a backslash');
    const app = staticApp(root);
    await expectRefused(app, '/static/back%5Cslash.txt', 'behind a backslash', 'for its backslash');
    expect(await bounded('resolveInside()', () => resolveInside(root, 'back\\slash.txt')), 'resolveInside(root, "back\\\\slash.txt")').toBeNull();
  });

  test('refuses a name holding a NUL byte, before the file system sees it', {
    rules: ['T5'],
    hint: 'Node\'s file functions throw for a NUL in a path, which is not "not found": refuse the name with the text check, so the answer is a 404, not a 500.',
  }, async () => {
    const { root } = site();
    const app = staticApp(root);
    await expectRefused(app, '/static/notes.txt%00', NOTES, 'for its NUL byte');
    await expectRefused(app, '/static/notes.txt%00.png', NOTES, 'for its NUL byte');
    let result: unknown;
    try {
      result = await bounded('resolveInside()', () => resolveInside(root, 'notes.txt\0'));
    } catch (error) {
      result = `threw ${String(error)}`;
    }
    expect(result, 'resolveInside(root, "notes.txt\\0")').toBeNull();
  });

  test('never decodes the name a second time', {
    rules: ['T7'],
    hint: 'The gateway decoded PATH_INFO once: /static/100%2525.txt asks for the file 100%25.txt. Decode again and you look for 100%.txt, and %252e%252e becomes ..',
  }, async () => {
    const app = staticApp(site().root);
    const answer = await callApp(app, { path: '/static/100%2525.txt' });
    expect(answer.status, `GET /static/100%2525.txt asks for the file named 100%25.txt; ${answer.story}`).toBe(200);
    expect(answer.text, answer.story).toBe('a file whose name holds a percent sign');
  });

  test('nothing outside the folder comes out, however the path is written (raw bytes)', {
    rules: ['T1', 'T3', 'T4', 'T5', 'T6', 'T7'],
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
      expect(reply.status, `GET ${target}: a refusal (4xx), not a failure; ${reply.story}`).toBeLessThan(500);
    }
  });

  testUnless(onWindows && 'creating symlinks needs extra rights on Windows', 'a symlink inside the folder that points outside it is not followed', {
    rules: ['T6'],
    points: 2,
    hint: 'Text checks cannot see a symlink: resolve the real path (fs.realpath) of the file and of the root, and compare those, with a separator after the root.',
  }, async () => {
    const { root, secretPath } = site();
    const app = staticApp(root);
    const inside = await callApp(app, { path: '/static/notes.txt' });
    expect(inside.status, `a file inside the folder is served; ${inside.story}`).toBe(200);
    symlink(secretPath, join(root, 'leak.txt'));
    symlink(join(root, '..'), join(root, 'up'));
    for (const path of ['/static/leak.txt', '/static/up/secret.txt', '/static/up/public-keys/key.txt']) {
      await expectRefused(app, path, SECRET, 'as its real path is outside the folder');
    }
    const { port } = await serveApp(app);
    const reply = await rawRequest(port, ['GET /static/leak.txt HTTP/1.1', 'Host: test']);
    expect(reply.body.toString('latin1'), reply.story).not.toContain(SECRET);
  });

  testUnless(onWindows && 'creating symlinks needs extra rights on Windows', 'serves a folder reached through a symlink, and a symlink that stays inside it', {
    rules: ['T6'],
    hint: 'Compare real paths on both sides: realpath the root too, or a root given through a symlink would refuse every file in it.',
  }, async () => {
    const { dir, root } = site();
    const linkedRoot = join(dir, 'site-link');
    symlink(root, linkedRoot);
    symlink(join(root, 'css', 'site.css'), join(root, 'style.css'));
    const app = staticApp(linkedRoot);
    for (const [path, content] of [['/static/notes.txt', NOTES], ['/static/style.css', 'body { color: teal }\n']]) {
      const answer = await callApp(app, { path });
      expect(answer.status, `GET ${path} with the root given as a symlink to the folder; ${answer.story}`).toBe(200);
      expect(answer.text, answer.story).toBe(content);
    }
  });

  testUnless(onWindows && 'creating symlinks needs extra rights on Windows', 'a file system error other than "not found" goes on to the server', {
    rules: ['F5'],
    hint: 'Only ENOENT, ENOTDIR and ENAMETOOLONG mean "not found". Any other error (ELOOP: a symlink that leads to itself) is a real failure: throw it, and the server answers 500.',
  }, async () => {
    const { root } = site();
    symlink('loop', join(root, 'loop'));
    const app = staticApp(root);
    const { answer, story } = await attempt(app, { path: '/static/loop' });
    expect(answer === null || answer.status >= 500, `GET /static/loop, a symlink to itself (ELOOP), is a failure for the server, not a 404; ${story}`).toBe(true);
  });

  testUnless(process.platform !== 'linux' && 'the test reads /proc to see open files', 'closes the file when the server closes the body before its end', {
    rules: ['F11'],
    hint: 'Give the body a close() that destroys the read stream: a server whose client went away calls close() and reads no further.',
  }, async () => {
    const { root } = site();
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(1 << 20, 7));
    const real = realpathSync(join(root, 'big.bin'));
    const app = staticApp(root);
    const body = (await bounded('app()', () => app(makeEnviron({ path: '/static/big.bin' }), () => {}))) as TsgiBody & AsyncIterable<Uint8Array>;
    const first = await within(APP_BOUND_MS, 'the first chunk of a 1 MB file', body[Symbol.asyncIterator]().next());
    expect(first.done, 'GET /static/big.bin (1 MB): a first chunk').toBe(false);
    expect(openCount(real), 'the file should be open while its body is being read').toBeGreaterThan(0);
    body.close?.();
    let open = openCount(real);
    for (const deadline = Date.now() + APP_BOUND_MS; open > 0 && Date.now() < deadline; open = openCount(real)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(open, 'GET /static/big.bin, one chunk read, then close(): open files of big.bin left').toBe(0);
  });

  test('staticFiles leaves the environ it was given as it was', {
    rules: ['M1'],
    hint: 'A middleware reads the environ it was given; if it needs other values for the app, it passes a copy.',
  }, async () => {
    const app = staticApp(site().root);
    for (const path of ['/static/notes.txt', '/elsewhere']) {
      const environ = makeEnviron({ path, headers: { Range: 'bytes=0-3' } });
      const before = { ...environ };
      await callApp(app, environ);
      const changed = Object.keys({ ...before, ...environ }).filter((key) => before[key] !== environ[key]);
      expect(changed, `GET ${path}: keys of the caller's environ that staticFiles changed`).toEqual([]);
    }
  });
});
