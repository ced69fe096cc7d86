// @ts-check
// Where each file of the course lives in the site. A route is a path relative to the site's root
// (`01-http.html`); the same routes are the files of a static build and the URLs of the server,
// so every link between pages is relative and works from disk, from any static server, and from
// `npm run lessons`.
//
//   lessons/01-http.md           ->  01-http.html
//   labs/lab1-http/README.md     ->  labs/lab1-http.html
//   labs/contracts/tsgi.ts       ->  files/labs/contracts/tsgi.ts.html   (any other file a page links to)
import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export const INDEX = 'index.html';

/**
 * The route of a file of the course, given as a path relative to the course root with `/`.
 * @param {string} file  `lessons/01-http.md`
 */
export function routeOf(file) {
  const lesson = /^lessons\/([\w.-]+)\.md$/.exec(file);
  if (lesson) return `${lesson[1]}.html`;
  const lab = /^labs\/(lab\d+-[\w-]+)\/README\.md$/.exec(file);
  if (lab) return `labs/${lab[1]}.html`;
  return `files/${file}.html`;
}

/** The inverse of routeOf for `files/` routes: the file a route shows, or null. */
export function fileOfRoute(/** @type {string} */ route) {
  const match = /^files\/(.+)\.html$/.exec(route);
  return match ? match[1] : null;
}

/** How a page at `from` links to the page at `to`: `../01-http.html` from a lab page. */
export function hrefBetween(/** @type {string} */ from, /** @type {string} */ to) {
  const href = posix.relative(posix.dirname(from), to);
  return href === '' ? posix.basename(to) : href;
}

/** `../../` for a page two folders deep: the prefix that reaches the site's root from `route`. */
export function rootOf(/** @type {string} */ route) {
  return '../'.repeat(route.split('/').length - 1);
}

/** Files a page may link to as a `files/` page: inside the course, not tooling or scratch space. */
function isShowable(/** @type {string} */ file) {
  return !file.startsWith('../') && !/(^|\/)(node_modules|\.git|\.grader)(\/|$)/.test(file);
}

/**
 * Rewrites a link written in a Markdown file of the course for the site. Links to other
 * Markdown files (`01-http.md#the-request-line`, `../../lessons/02-server.md`) and to files of
 * the course (`../labs/contracts/tsgi.ts`) become links to their pages; the anchor is kept, since
 * pages use the same GitHub-style anchors as the Markdown. External links, in-page anchors and
 * links to nothing the course has are left as they are.
 * @param {string} href      as written
 * @param {object} from
 * @param {string} from.file   the Markdown file, relative to the course root: `lessons/01-http.md`
 * @param {string} from.route  its page
 * @param {string} root        the course root on disk, to see which targets exist
 * @returns {{ href: string, file?: string }}  file: the course file it now points at, if any
 */
export function rewriteLink(href, from, root) {
  if (/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(href) || href.startsWith('/')) return { href };
  const hashAt = href.indexOf('#');
  const path = hashAt === -1 ? href : href.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : href.slice(hashAt);
  let target;
  try {
    target = posix.normalize(posix.join(posix.dirname(from.file), decodeURIComponent(path)));
  } catch {
    return { href };
  }
  if (!isShowable(target)) return { href };
  const onDisk = posix.join(root.split('\\').join('/'), target);
  if (existsSync(onDisk) && statSync(onDisk).isDirectory()) {
    if (!existsSync(posix.join(onDisk, 'README.md'))) return { href };
    target = posix.join(target, 'README.md');
  } else if (!existsSync(onDisk)) {
    return { href };
  }
  return { href: hrefBetween(from.route, routeOf(target)) + hash, file: target };
}
