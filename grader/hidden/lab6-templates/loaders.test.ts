// Hidden tests for lab 6, where templates come from and what happens when one is wrong: the two
// loaders, the compiled-template cache, and errors that name the template, line and column.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { TemplateError, type Loader } from '#contracts/templates';
import { DictLoader, Environment, FileSystemLoader } from '@lab/templates';
import { bounded, milestone, test } from '../../harness/index.ts';
import { describeFiles, renderFileError, templateError, where } from './helpers.ts';

const folder = mkdtempSync(join(tmpdir(), 'lab6-templates-'));
mkdirSync(join(folder, 'posts'));
writeFileSync(join(folder, 'layout.html'), '<main>{% block body %}{% endblock %}</main>');
writeFileSync(join(folder, 'posts', 'list.html'), '{% extends "layout.html" %}{% block body %}{% for p in posts %}<h2>{{ p }}</h2>{% endfor %}{% endblock %}');
writeFileSync(join(folder, 'héllo.txt'), 'héllo, wörld');
writeFileSync(join(folder, 'posts', '..list.html'), 'dots');
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
  test('DictLoader gives the source stored under a name', { rules: ['T1'], points: 2 }, () => {
    const loader = bounded('new DictLoader()', () => new DictLoader({ 'a.html': 'A {{ x }}', 'b/c.html': '' }));
    expect(bounded('loader.getSource("a.html")', () => loader.getSource('a.html')), 'DictLoader({ "a.html": "A {{ x }}" }).getSource("a.html")').toBe('A {{ x }}');
    expect(bounded('loader.getSource("b/c.html")', () => loader.getSource('b/c.html')), 'an empty template is a template too').toBe('');
  });

  test('a loader without the template throws a TemplateError naming it', { rules: ['T4'] }, () => {
    const dict = bounded('new DictLoader()', () => new DictLoader({ 'a.html': 'A' }));
    expect(templateError('DictLoader.getSource("nope.html")', () => dict.getSource('nope.html')).template, 'the template DictLoader says is missing').toBe('nope.html');
    expect(templateError('DictLoader.getSource("toString")', () => dict.getSource('toString')).template, 'a name that is only a property of every object is missing too').toBe('toString');
    const files = bounded('new FileSystemLoader()', () => new FileSystemLoader(join(folder, 'posts')));
    expect(templateError('FileSystemLoader.getSource("missing.html")', () => files.getSource('missing.html')).template, 'the template FileSystemLoader says is missing').toBe('missing.html');
  });

  test('FileSystemLoader reads templates from a folder, subfolders included, as UTF-8', { rules: ['T2'], points: 2 }, () => {
    const env = bounded('new Environment()', () => new Environment({ loader: new FileSystemLoader(folder) }));
    expect(bounded('env.render("posts/list.html")', () => env.render('posts/list.html', { posts: ['a', '<b>'] })), 'posts/list.html, which extends layout.html, from a FileSystemLoader').toBe('<main><h2>a</h2><h2>&lt;b&gt;</h2></main>');
    expect(bounded('env.render("héllo.txt")', () => env.render('héllo.txt')), 'héllo.txt, holding "héllo, wörld" in UTF-8').toBe('héllo, wörld');
  });

  test('FileSystemLoader refuses names that leave its folder', { rules: ['T3'], points: 2, hint: 'Normalize the name first; then refuse an absolute path and anything that starts by climbing (..).' }, () => {
    const loader = bounded('new FileSystemLoader()', () => new FileSystemLoader(join(folder, 'posts')));
    for (const name of ['../layout.html', 'a/../../layout.html', '/list.html', join(folder, 'layout.html'), join(folder, 'posts', 'list.html')]) {
      const error = templateError(`FileSystemLoader(<folder>/posts).getSource(${JSON.stringify(name)})`, () => loader.getSource(name));
      expect(error.template, `the template named by the refusal of ${JSON.stringify(name)}`).toBe(name);
    }
    expect(bounded('loader.getSource("sub/../list.html")', () => loader.getSource('sub/../list.html')), 'a name that climbs but stays inside the folder is fine').toContain('{% extends');
    expect(bounded('loader.getSource("..list.html")', () => loader.getSource('..list.html').length), 'a name that merely starts with two dots stays inside').toBeGreaterThan(0);
  });

  test('getTemplate compiles a template once and serves it from the cache after', { rules: ['T6'], points: 3, hint: 'Keep a Map from name to Template in the Environment: a template asked for twice, by render, include or extends, is loaded and compiled once.' }, () => {
    const loader = countingLoader({ 'page.html': '{% extends "base.html" %}{% block b %}{% include "part.html" %}{% include "part.html" %}{% endblock %}', 'base.html': '<{% block b %}{% endblock %}>', 'part.html': '[{{ n }}]' });
    const env = bounded('new Environment()', () => new Environment({ loader }));
    const first = bounded('env.getTemplate("page.html")', () => env.getTemplate('page.html'));
    expect(bounded('env.getTemplate("page.html")', () => env.getTemplate('page.html')), 'getTemplate("page.html") twice should give the same Template').toBe(first);
    expect(bounded('env.render("page.html")', () => env.render('page.html', { n: 1 })), 'page.html, the first time').toBe('<[1][1]>');
    expect(bounded('env.render("page.html")', () => env.render('page.html', { n: 2 })), 'page.html, the second time').toBe('<[2][2]>');
    expect(loader.calls, 'how often the loader was asked for each template').toEqual({ 'page.html': 1, 'base.html': 1, 'part.html': 1 });
  });

  test('an environment without a loader refuses to load by name', { rules: ['T5'] }, () => {
    const env = bounded('new Environment()', () => new Environment());
    expect(templateError('env.getTemplate("x.html"), with no loader', () => env.getTemplate('x.html')).template, 'the template named by the refusal').toBe('x.html');
    expect(templateError('env.render("y.html"), with no loader', () => env.render('y.html')).template, 'the template named by the refusal').toBe('y.html');
  });

  test('a missing include or parent fails with a TemplateError that names it', { rules: ['E4'] }, () => {
    const include = { 'p.html': 'x{% include "gone.html" %}' };
    expect(renderFileError(include, 'p.html').message, `${describeFiles(include, 'p.html')}: the error should name the missing template`).toContain('gone.html');
    const parent = { 'p.html': '{% extends "gone.html" %}' };
    expect(renderFileError(parent, 'p.html').message, `${describeFiles(parent, 'p.html')}: the error should name the missing template`).toContain('gone.html');
  });

  test('a syntax error in a loaded template names that template, with line and column', { rules: ['E2'], points: 2 }, () => {
    const files = { 'page.html': 'x{% include "broken.html" %}', 'broken.html': 'a\n{% if x %}\n{{ 1 + }}\n{% endif %}' };
    const error = renderFileError(files, 'page.html');
    expect(where(error), `${describeFiles(files, 'page.html')}: where the error points`).toBe('broken.html:3:8');
    expect(error.message, 'the message should start with where').toContain('broken.html:3:8');
    const parent = { 'page.html': '{% extends "base.html" %}', 'base.html': '\n\n {{ x|nope }}' };
    expect(where(renderFileError(parent, 'page.html')), `${describeFiles(parent, 'page.html')}: where the error points`).toBe('base.html:3:7');
    const lexing = { 'page.html': 'ok {% include "part.html" %}', 'part.html': 'a\n  {{ "abc }}' };
    expect(where(renderFileError(lexing, 'page.html')), `${describeFiles(lexing, 'page.html')}: where the error points`).toBe('part.html:2:6');
  });

  test('an error while rendering names the template it happened in, with the line', { rules: ['E3'], points: 2 }, () => {
    const files = { 'page.html': '{% extends "base.html" %}{% block b %}\nok\n{{ missing() }}{% endblock %}', 'base.html': '{% block b %}{% endblock %}' };
    const error = renderFileError(files, 'page.html');
    expect(`${error.template}:${error.line}`, `${describeFiles(files, 'page.html')}: where the error points`).toBe('page.html:3');
    expect(error.message, 'the error should name the callee').toContain('missing');
    const included = { 'page.html': 'a\n{% include "part.html" %}', 'part.html': '\n\n\n{{ x|boom }}' };
    const boom = () => {
      throw new Error('boom');
    };
    const fromPart = templateError(`rendering ${describeFiles(included, 'page.html')}, with a filter boom that throws`, () => new Environment({ loader: new DictLoader(included), filters: { boom } }).render('page.html'));
    expect(where(fromPart), `${describeFiles(included, 'page.html')}: where the error of boom points`).toBe('part.html:4:6');
  });

  test('an error a function from the context throws becomes a TemplateError at the call', { rules: ['E3', 'C11'], hint: 'Wrap the call in rt.call as applyFilter wraps a filter: rethrow a TemplateError as it is, and turn anything else into one with the call\'s template, line and column.' }, () => {
    const files = { 'page.html': 'ok\n  {{ f(1) }}' };
    const f = () => {
      throw new Error('kaput');
    };
    const error = templateError(`rendering ${describeFiles(files, 'page.html')}, with a function f that throws`, () => new Environment({ loader: new DictLoader(files) }).render('page.html', { f }));
    expect(where(error), `${describeFiles(files, 'page.html')}: where the error of f points (the call's "(")`).toBe('page.html:2:7');
  });

  test('a template\'s name, quotes and backslashes included, is data in the generated code, and errors name it as it is', { rules: ['E3', 'E2'], hint: 'Paste the template\'s name into the generated JavaScript with JSON.stringify, like every string from the template: a name with a quote must not end a string there.' }, () => {
    const name = 'we"ird\\name\n\'.html';
    const files = { [name]: 'a{% include "part.html" %}\n{{ f() }}', 'part.html': 'P', 'page.html': `{% extends ${JSON.stringify(name)} %}` };
    const error = renderFileError(files, 'page.html');
    expect(`${error.template}:${error.line}`, `${describeFiles(files, 'page.html')}: where the error of f() points`).toBe(`${name}:2`);
    const rendered = bounded(`env.render(${JSON.stringify(name)})`, () => new Environment({ loader: new DictLoader(files) }).render(name, { f: () => 'F' }));
    expect(rendered, `${describeFiles(files, name)} with f giving "F"`).toBe('aP\nF');
  });

  test('a template rendered from a string is named <string> in errors', { rules: ['E1'] }, () => {
    const error = templateError('env.renderString("{{ 1 +* 2 }}")', () => new Environment().renderString('{{ 1 +* 2 }}', {}));
    expect(where(error), 'where the error of "{{ 1 +* 2 }}" points').toBe('<string>:1:7');
    const late = templateError('env.fromString("\\n{{ f() }}").render()', () => new Environment().fromString('\n{{ f() }}').render());
    expect(`${late.template}:${late.line}`, 'where the error of "\\n{{ f() }}" points').toBe('<string>:2');
  });
});
