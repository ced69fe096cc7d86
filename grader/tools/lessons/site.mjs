// @ts-check
// The lessons site: which pages exist and what each one shows. The server (server.ts) asks it
// for one page per request, so progress and edits show up on reload; `--build` asks it for
// every page and writes them to a folder.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { LABS, ROOT, isPresent } from '../../course.mjs';
import { renderCode, renderMarkdown } from './markdown.mjs';
import { labProgress, quizScores, stateDir } from './progress.mjs';
import { INDEX, fileOfRoute, hrefBetween, rewriteLink, rootOf, routeOf } from './routes.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const COURSE_TITLE = 'Build the web stack';

/** Files served under assets/: ours, and highlight.js's GitHub themes from node_modules. */
const ASSETS = {
  'assets/site.css': join(HERE, 'assets', 'site.css'),
  'assets/quiz.js': join(HERE, 'assets', 'quiz.js'),
  'assets/site.js': join(HERE, 'assets', 'site.js'),
  'assets/favicon.svg': join(HERE, 'assets', 'favicon.svg'),
  'assets/hljs-light.css': require.resolve('highlight.js/styles/github.css'),
  'assets/hljs-dark.css': require.resolve('highlight.js/styles/github-dark.css'),
};

const TYPES = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/**
 * @typedef {import('../../course.mjs').LabInfo} LabInfo
 * @typedef {import('./markdown.mjs').RenderedMarkdown} RenderedMarkdown
 *
 * @typedef {object} Lesson
 * @property {string} name     `01-http.md`: also its key in quiz.json
 * @property {string} file     `lessons/01-http.md`
 * @property {string} route    `01-http.html`
 * @property {number} number
 * @property {LabInfo} [lab]
 *
 * @typedef {{ type: string, body: string | Buffer }} Resource
 *
 * @typedef {object} SiteOptions
 * @property {boolean} [served]   true when a server answers (quiz scores are POSTed to it)
 * @property {string} [quizEndpoint]  where, relative to a page
 * @property {string} [servedBy]  a line for the footer: which layers serve the page
 * @property {string} [stateDir]  where the progress is read from
 */

export function createSite(/** @type {SiteOptions} */ options = {}) {
  const state = options.stateDir ?? stateDir();
  const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(HERE, 'templates')), {
    autoescape: true,
    throwOnUndefined: false,
  });
  /** @type {Map<string, { mtimeMs: number, page: RenderedMarkdown }>} */
  const cache = new Map();

  /** A Markdown file of the course, rendered once per version of the file. */
  function markdown(/** @type {string} */ file) {
    const path = join(ROOT, file);
    const mtimeMs = statSync(path).mtimeMs;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.page;
    const page = renderMarkdown(readFileSync(path, 'utf8'), { file, route: routeOf(file), root: ROOT });
    cache.set(file, { mtimeMs, page });
    return page;
  }

  /** @returns {Lesson[]} */
  function lessons() {
    return readdirSync(join(ROOT, 'lessons'))
      .filter((name) => /^\d\d-[\w.-]+\.md$/.test(name))
      .sort()
      .map((name) => ({
        name,
        file: `lessons/${name}`,
        route: routeOf(`lessons/${name}`),
        number: Number(name.slice(0, 2)),
        lab: LABS.find((lab) => lab.lesson === name),
      }));
  }

  function labReadme(/** @type {LabInfo} */ lab) {
    const file = `labs/${lab.folder}/README.md`;
    return existsSync(join(ROOT, file)) ? file : null;
  }

  /** "Lesson 1: HTTP/1.1 messages, byte by byte" -> "HTTP/1.1 messages, byte by byte" */
  function shortTitle(/** @type {Lesson} */ lesson) {
    const title = markdown(lesson.file).title.replace(/^Lesson\s+\d+\s*:\s*/i, '') || lesson.name;
    return title.charAt(0).toUpperCase() + title.slice(1);
  }

  /** Every page a reader can reach from the index, following links into other course files. */
  function pageRoutes() {
    const files = lessons().map((lesson) => lesson.file);
    for (const lab of LABS) {
      const readme = labReadme(lab);
      if (readme) files.push(readme);
    }
    const seen = new Set(files);
    for (let i = 0; i < files.length; i += 1) {
      if (!files[i].endsWith('.md')) continue;
      for (const linked of markdown(files[i]).links) {
        if (!seen.has(linked)) {
          seen.add(linked);
          files.push(linked);
        }
      }
    }
    return [INDEX, ...files.map(routeOf)];
  }

  /** Every route of the site: its pages and its assets. */
  function routes() {
    return [...pageRoutes(), ...Object.keys(ASSETS)];
  }

  /**
   * What a route shows, or null if there is no such page.
   * @param {string} route  `01-http.html`, `labs/lab1-http.html`, `assets/site.css`, ...
   * @returns {Resource | null}
   */
  function render(route) {
    if (Object.hasOwn(ASSETS, route)) {
      const type = /** @type {keyof typeof TYPES} */ (route.slice(route.lastIndexOf('.') + 1));
      return { type: TYPES[type], body: readFileSync(ASSETS[/** @type {keyof typeof ASSETS} */ (route)]) };
    }
    if (!pageRoutes().includes(route)) return null;
    return { type: TYPES.html, body: renderPage(route) };
  }

  /** @param {string} route */
  function renderPage(route) {
    const all = lessons();
    const lessonIndex = all.findIndex((lesson) => lesson.route === route);
    const lab = LABS.find((l) => routeOf(`labs/${l.folder}/README.md`) === route);
    const common = {
      course: COURSE_TITLE,
      root: rootOf(route),
      nav: navigation(all, route),
      servedBy: options.servedBy,
    };
    if (route === INDEX) {
      return templates.render('index.njk', { ...common, title: COURSE_TITLE, lessons: lessonCards(all, route), toc: [] });
    }
    if (lessonIndex !== -1) {
      const lesson = all[lessonIndex];
      const page = markdown(lesson.file);
      const link = (/** @type {Lesson | undefined} */ l) => l && { href: hrefBetween(route, l.route), title: markdown(l.file).title };
      return templates.render('page.njk', {
        ...common,
        ...page,
        title: page.title || lesson.name,
        lesson: lesson.name,
        quizEndpoint: options.served && page.questions > 0 ? options.quizEndpoint ?? 'api/quiz' : undefined,
        status: lesson.lab && labStatus(lesson.lab, route),
        prev: link(all[lessonIndex - 1]),
        next: link(all[lessonIndex + 1]),
      });
    }
    if (lab) {
      const page = markdown(`labs/${lab.folder}/README.md`);
      const lesson = all.find((l) => l.lab === lab);
      const next = lesson && all[all.indexOf(lesson) + 1];
      return templates.render('page.njk', {
        ...common,
        ...page,
        title: page.title || `Lab ${lab.number}`,
        status: labStatus(lab, route),
        prev: lesson && { href: hrefBetween(route, lesson.route), title: markdown(lesson.file).title },
        next: next && { href: hrefBetween(route, next.route), title: markdown(next.file).title },
      });
    }
    const file = /** @type {string} */ (fileOfRoute(route));
    if (file.endsWith('.md')) {
      const page = markdown(file);
      return templates.render('page.njk', { ...common, ...page, title: page.title || file });
    }
    const code = readFileSync(join(ROOT, file), 'utf8');
    return templates.render('page.njk', { ...common, title: file, titleId: 'top', toc: [], html: renderCode(code, file), isFile: true });
  }

  /** The sidebar: every lesson, with its lab under it. */
  function navigation(/** @type {Lesson[]} */ all, /** @type {string} */ route) {
    return all.map((lesson) => {
      const readme = lesson.lab && labReadme(lesson.lab);
      const progress = lesson.lab && labProgress(lesson.lab.folder, state);
      return {
        number: lesson.number,
        title: shortTitle(lesson),
        href: hrefBetween(route, lesson.route),
        current: lesson.route === route,
        lab: readme && lesson.lab && {
          number: lesson.lab.number,
          href: hrefBetween(route, routeOf(readme)),
          current: routeOf(readme) === route,
          percent: progress ? progress.percent : null,
        },
      };
    });
  }

  /** The index's list: each lesson, its lab's grade and its quiz score. */
  function lessonCards(/** @type {Lesson[]} */ all, /** @type {string} */ route) {
    const scores = quizScores(state);
    return all.map((lesson) => {
      const readme = lesson.lab && labReadme(lesson.lab);
      return {
        number: lesson.number,
        name: lesson.name,
        title: shortTitle(lesson),
        href: hrefBetween(route, lesson.route),
        questions: markdown(lesson.file).questions,
        quiz: scores[lesson.name],
        lab: lesson.lab && {
          number: lesson.lab.number,
          title: lesson.lab.title,
          href: readme ? hrefBetween(route, routeOf(readme)) : null,
          present: isPresent(lesson.lab),
          progress: labProgress(lesson.lab.folder, state),
        },
      };
    });
  }

  /** The box on a lesson's and a lab's page: the lab's last grade and its milestones. */
  function labStatus(/** @type {LabInfo} */ lab, /** @type {string} */ route) {
    const progress = labProgress(lab.folder, state);
    const readme = labReadme(lab);
    return {
      number: lab.number,
      title: lab.title,
      present: isPresent(lab),
      tasksHref: readme && routeOf(readme) !== route ? hrefBetween(route, routeOf(readme)) : null,
      progress,
      gradedAt: progress?.gradedAt ? formatDate(progress.gradedAt) : '',
      // Points, as `npm run grade` prints each milestone (12/12), so the site and the terminal agree.
      milestones: (progress?.milestones ?? []).map((m) => ({
        title: m.title,
        score: m.score ?? m.passed,
        maxScore: m.maxScore ?? m.total,
        passed: m.passed,
        total: m.total,
        done: m.total > 0 && m.passed === m.total,
        extension: Boolean(m.extension),
        href: rewriteLink(m.lesson, { file: 'progress.md', route }, ROOT).href,
      })),
    };
  }

  return { routes, render, lessons };
}

function formatDate(/** @type {string} */ iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Writes the whole site to a folder, for opening from disk or any static server. Quiz answers
 * stay in the browser (localStorage): there is no server to record them.
 * @param {string} outDir
 * @param {SiteOptions} [options]
 * @returns {string[]} the routes written
 */
export function buildSite(outDir, options = {}) {
  const site = createSite({ ...options, served: false });
  const written = [];
  for (const route of site.routes()) {
    const resource = site.render(route);
    if (!resource) continue;
    const target = join(outDir, ...route.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, resource.body);
    written.push(route);
  }
  return written;
}
