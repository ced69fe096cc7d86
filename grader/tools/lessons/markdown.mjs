// @ts-check
// Markdown of the course -> HTML of the site, with markdown-it and four additions:
// - headings get GitHub's anchors (github-slugger), so `01-http.md#the-request-line` still lands;
//   h2 and h3 make the page's table of contents, and the first h1 becomes the page title;
// - relative links are rewritten to the site's routes (routes.mjs);
// - code is highlighted by highlight.js when its language is known, escaped as it is otherwise;
// - ```quiz blocks become forms (quiz.mjs).
import GithubSlugger from 'github-slugger';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import http from 'highlight.js/lib/languages/http';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import MarkdownIt from 'markdown-it';
import { parseQuiz, renderQuiz, renderQuizError } from './quiz.mjs';
import { rewriteLink } from './routes.mjs';

for (const [name, language] of Object.entries({ bash, http, javascript, json, python, typescript, xml })) {
  hljs.registerLanguage(name, language);
}

/**
 * @typedef {object} TocEntry
 * @property {number} level  2 or 3
 * @property {string} id
 * @property {string} text
 *
 * @typedef {object} RenderedMarkdown
 * @property {string} title     the first h1, as plain text ('' if the file starts otherwise)
 * @property {string} titleId   its anchor
 * @property {string} html      the rest of the file
 * @property {TocEntry[]} toc
 * @property {string[]} links   files of the course the page links to (they get pages too)
 * @property {number} questions how many quiz questions the page has
 *
 * @typedef {object} Source
 * @property {string} file    relative to the course root, with `/`: `lessons/01-http.md`
 * @property {string} route   the page it becomes: `01-http.html`
 * @property {string} root    the course root on disk
 *
 * @typedef {Source & { title: string, titleId: string, toc: TocEntry[], links: Set<string>, questions: number }} Env
 */

/** @type {import('markdown-it').MarkdownIt} */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false, highlight: highlightCode });
md.core.ruler.after('inline', 'site_headings', headingsRule);
md.core.ruler.after('site_headings', 'site_links', linksRule);
md.core.ruler.after('site_links', 'site_tables', tablesRule);

const defaultFence = /** @type {import('markdown-it').RendererRule} */ (md.renderer.rules.fence);
/** @type {import('markdown-it').RendererRule} */
const fence = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  if (token.info.trim() !== 'quiz') return defaultFence(tokens, idx, options, env, self);
  const state = /** @type {Env} */ (env);
  try {
    const questions = parseQuiz(token.content);
    const html = renderQuiz(questions, { first: state.questions + 1, inline: (text) => md.renderInline(text, env) });
    state.questions += questions.length;
    return html;
  } catch (error) {
    return renderQuizError(/** @type {Error} */ (error), md.utils.escapeHtml);
  }
};
md.renderer.rules.fence = fence;
// Tables scroll sideways inside their own box instead of widening the page (site.css shows a
// shadow where there is more); wide ones (tablesRule) become one card per row on a phone.
/** @type {import('markdown-it').RendererRule} */
const tableOpen = (tokens, idx) => `<div class="table-wrap"><table${tokens[idx].attrGet('class') ? ` class="${tokens[idx].attrGet('class')}"` : ''}>\n`;
md.renderer.rules.table_open = tableOpen;
md.renderer.rules.table_close = () => '</table></div>\n';
// A quiet "#" after each h2-h4 links to the section, for sharing.
/** @type {import('markdown-it').RendererRule} */
const headingClose = (tokens, idx) => {
  const open = tokens[idx - 2];
  const id = open.attrGet('id');
  const anchor = id && /^h[2-4]$/.test(open.tag) ? ` <a class="anchor" href="#${id}" aria-label="Link to this section">#</a>` : '';
  return `${anchor}</${tokens[idx].tag}>\n`;
};
md.renderer.rules.heading_close = headingClose;

/** Tables of this many columns and more are "wide": on a narrow screen each row becomes a card. */
const WIDE_COLUMNS = 4;

/**
 * Gives each body cell of a table its column's heading as `data-label`, so a narrow screen can show
 * a row as a card of "heading: value" lines (site.css) instead of cutting the columns off; marks
 * tables of WIDE_COLUMNS columns or more as `wide`.
 * @param {import('markdown-it').StateCore} state
 */
function tablesRule(state) {
  /** @type {string[]} */
  let headings = [];
  /** @type {import('markdown-it').Token | null} */
  let table = null;
  let column = 0;
  state.tokens.forEach((token, i) => {
    if (token.type === 'table_open') {
      table = token;
      headings = [];
    } else if (token.type === 'th_open') {
      const inline = state.tokens[i + 1];
      headings.push(inline?.type === 'inline' ? (inline.children ?? []).map((child) => child.content).join('') : '');
    } else if (token.type === 'thead_close' && table && headings.length >= WIDE_COLUMNS) {
      table.attrSet('class', 'wide');
    } else if (token.type === 'tr_open') {
      column = 0;
    } else if (token.type === 'td_open') {
      const label = headings[column] ?? '';
      if (label) token.attrSet('data-label', label);
      column += 1;
    }
  });
}

/**
 * Renders one Markdown file of the course.
 * @param {string} text
 * @param {Source} source
 * @returns {RenderedMarkdown}
 */
export function renderMarkdown(text, source) {
  /** @type {Env} */
  const env = { ...source, title: '', titleId: '', toc: [], links: new Set(), questions: 0 };
  const html = md.render(text, env);
  return { title: env.title, titleId: env.titleId, html, toc: env.toc, links: [...env.links], questions: env.questions };
}

/** Highlights a source file shown as a page of its own (`files/labs/contracts/tsgi.ts.html`). */
export function renderCode(/** @type {string} */ code, /** @type {string} */ file) {
  const extension = /\.(\w+)$/.exec(file)?.[1] ?? '';
  const language = { ts: 'typescript', mts: 'typescript', js: 'javascript', mjs: 'javascript', json: 'json', sh: 'bash', html: 'xml' }[extension];
  return highlightCode(code, language ?? '');
}

export const escapeHtml = md.utils.escapeHtml;

/**
 * markdown-it's `highlight` option: a whole <pre>, so markdown-it adds no wrapper of its own.
 * @param {string} code
 * @param {string} lang
 * @returns {string}
 */
function highlightCode(code, lang) {
  const language = lang && hljs.getLanguage(lang) ? lang : '';
  const body = language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : md.utils.escapeHtml(code);
  return `<pre class="code"><code class="hljs${language ? ` language-${language}` : ''}">${body}</code></pre>\n`;
}

/**
 * Gives every heading GitHub's anchor, collects h2/h3 for the table of contents, and takes a
 * leading h1 out of the body: the page template shows it as the title.
 * @param {import('markdown-it').StateCore} state
 */
function headingsRule(state) {
  const env = /** @type {Env} */ (state.env);
  const slugger = new GithubSlugger();
  const tokens = state.tokens;
  let titled = false;
  for (let i = 0; i < tokens.length; i += 1) {
    if (tokens[i].type !== 'heading_open') continue;
    const inline = tokens[i + 1];
    // The Markdown source of the heading, as GitHub slugs it (and as the course's link check does).
    const id = slugger.slug(inline.content);
    tokens[i].attrSet('id', id);
    const text = plainText(inline);
    const level = Number(tokens[i].tag.slice(1));
    if (i === 0 && level === 1 && !titled) {
      env.title = text;
      env.titleId = id;
      titled = true;
      tokens.splice(0, 3);
      i = -1;
    } else if (level === 2 || level === 3) {
      env.toc.push({ level, id, text });
    }
  }
}

/** @param {import('markdown-it').StateCore} state */
function linksRule(state) {
  const env = /** @type {Env} */ (state.env);
  for (const token of state.tokens) {
    for (const child of token.children ?? []) {
      if (child.type !== 'link_open') continue;
      const rewritten = rewriteLink(String(child.attrGet('href') ?? ''), env, env.root);
      child.attrSet('href', rewritten.href);
      if (rewritten.file) env.links.add(rewritten.file);
    }
  }
}

/** The text of an inline token without its Markdown: "The `feed` loop" -> "The feed loop". */
function plainText(/** @type {import('markdown-it').Token} */ inline) {
  return (inline.children ?? [])
    .filter((t) => t.type === 'text' || t.type === 'code_inline')
    .map((t) => t.content)
    .join('');
}
