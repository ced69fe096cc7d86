// Hidden tests for lab 6, where templates come from and what happens when one is wrong: the two
// loaders, the compiled-template cache, and errors that name the template, line and column.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { TemplateError, type Loader } from '#contracts/templates';
import { DictLoader, Environment, FileSystemLoader } from '@lab/templates';
import { bounded, milestone, test } from '../../harness/index.ts';
import { renderFile, templateError, where } from './helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'lab6-templates-'));
mkdirSync(join(folder, 'posts'));
writeFileSync(join(folder, 'layout.html'), '<main>{% block body %}{% endblock %}</main>');
writeFileSync(join(folder, 'posts', 'list.html'), '{% extends "layout.html" %}{% block body %}{% for p in posts %}<h2>{{ p }}</h2>{% endfor %}{% endblock %}');
writeFileSync(join(folder, 'héllo.txt'), 'héllo, wörld');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A loader that counts how often each template is asked for. */
function countingLoader(templates: Record<string, string>): Loader & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return {
    calls,
    getSource(name: string) {
      calls[name] = (calls[name] ?? 0) + 1;
      const source = templates[name];
      if (source === undefined) throw new TemplateError('template not found', name);
      return source;
    },
  };
}

milestone('loader-and-errors', () => {
  test('DictLoader gives the source stored under a name', { points: 2 }, () => {
    const loader = bounded('new DictLoader()', () => new DictLoader({ 'a.html': 'A {{ x }}' }));
    expect(bounded('loader.getSource()', () => loader.getSource('a.html'))).toBe('A {{ x }}');
    const missing = templateError('loader.getSource("nope.html")', () => loader.getSource('nope.html'));
    expect(missing.template).toBe('nope.html');
  });

  test('FileSystemLoader reads templates from a folder, subfolders included, as UTF-8', { points: 2 }, () => {
    const env = bounded('new Environment()', () => new Environment({ loader: new FileSystemLoader(folder) }));
    expect(bounded('env.render()', () => env.render('posts/list.html', { posts: ['a', '<b>'] }))).toBe('<main><h2>a</h2><h2>&lt;b&gt;</h2></main>');
    expect(bounded('env.render()', () => env.render('héllo.txt'))).toBe('héllo, wörld');
  });

  test('FileSystemLoader refuses names that leave its folder, and names what it cannot find', { points: 2, hint: 'Normalize the name first; then refuse an absolute path and anything that starts by climbing (..).' }, () => {
    const loader = bounded('new FileSystemLoader()', () => new FileSystemLoader(join(folder, 'posts')));
    for (const name of ['../layout.html', 'a/../../layout.html', join(folder, 'layout.html')]) {
      const error = templateError(`loader.getSource(${JSON.stringify(name)})`, () => loader.getSource(name));
      expect(error.template, name).toBe(name);
    }
    expect(templateError('loader.getSource("missing.html")', () => loader.getSource('missing.html')).template).toBe('missing.html');
  });

  test('getTemplate compiles a template once and serves it from the cache after', { points: 3, hint: 'Keep a Map from name to Template in the Environment: a template asked for twice, by render, include or extends, is loaded and compiled once.' }, () => {
    const loader = countingLoader({ 'page.html': '{% include "part.html" %}{% include "part.html" %}', 'part.html': '[{{ n }}]' });
    const env = bounded('new Environment()', () => new Environment({ loader }));
    const first = bounded('env.getTemplate()', () => env.getTemplate('page.html'));
    expect(bounded('env.getTemplate()', () => env.getTemplate('page.html'))).toBe(first);
    expect(bounded('env.render()', () => env.render('page.html', { n: 1 }))).toBe('[1][1]');
    expect(bounded('env.render()', () => env.render('page.html', { n: 2 }))).toBe('[2][2]');
    expect(loader.calls).toEqual({ 'page.html': 1, 'part.html': 1 });
  });

  test('an environment without a loader refuses to load by name', {}, () => {
    const env = bounded('new Environment()', () => new Environment());
    expect(templateError('env.getTemplate("x.html")', () => env.getTemplate('x.html')).template).toBe('x.html');
  });

  test('a missing include or parent fails with a TemplateError that names it', {}, () => {
    expect(templateError('env.render()', () => renderFile({ 'p.html': 'x{% include "gone.html" %}' }, 'p.html')).message).toContain('gone.html');
    expect(templateError('env.render()', () => renderFile({ 'p.html': '{% extends "gone.html" %}' }, 'p.html')).message).toContain('gone.html');
  });

  test('a syntax error in a loaded template names that template, with line and column', { points: 2 }, () => {
    const files = { 'page.html': 'x{% include "broken.html" %}', 'broken.html': 'a\n{% if x %}\n{{ 1 + }}\n{% endif %}' };
    const error = templateError('env.render()', () => renderFile(files, 'page.html'));
    expect(where(error)).toBe('broken.html:3:8');
    expect(error.message).toContain('broken.html:3:8');
  });

  test('an error while rendering names the template it happened in, with the line', { points: 2 }, () => {
    const files = { 'page.html': '{% extends "base.html" %}{% block b %}\nok\n{{ missing() }}{% endblock %}', 'base.html': '{% block b %}{% endblock %}' };
    const error = templateError('env.render()', () => renderFile(files, 'page.html'));
    expect(error.template).toBe('page.html');
    expect(error.line).toBe(3);
    expect(error.message).toContain('missing');
  });

  test('a template rendered from a string is named <string> in errors', {}, () => {
    const error = templateError('env.renderString()', () => new Environment().renderString('{{ 1 +* 2 }}', {}));
    expect(where(error)).toBe('<string>:1:7');
  });
});
