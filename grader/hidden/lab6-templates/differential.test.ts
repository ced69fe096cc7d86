// Hidden tests for lab 6, the last check: every template of corpus.ts, rendered by the learner's
// engine and by nunjucks on the same data, must come out byte for byte the same. A failure shows
// the first template that differs, its data, the templates it loads, and both outputs.
import nunjucks from 'nunjucks';
import { expect } from 'vitest';
import { DictLoader, Environment } from '@lab/templates';
import { bounded, milestone, show, test } from '../../harness/index.ts';
import { corpus, extensionCorpus, type Group } from './corpus.ts';

/** nunjucks with autoescape on, reading templates from `files`: the reference behaviour. */
function nunjucksRender(source: string, data: Record<string, unknown>, files: Record<string, string>): string {
  const loader = { getSource: (name: string) => (name in files ? { src: files[name]!, path: name, noCache: true } : null) };
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, { autoescape: true });
  return env.renderString(source, data);
}

/** The learner's engine over the same `files`, or the error it threw as text. */
function learnerRender(source: string, data: Record<string, unknown>, files: Record<string, string>): string {
  try {
    const env = bounded('new Environment()', () => new Environment({ loader: new DictLoader(files) }));
    return bounded(`env.renderString(${show(source)})`, () => env.renderString(source, data));
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw error;
    return `(threw ${(error as Error).name}: ${(error as Error).message})`;
  }
}

/** One test: every template of `group` renders as nunjucks renders it. */
function rendersLikeNunjucks(group: Group): void {
  test(`renders like nunjucks: ${group.name} (${group.cases.length} templates)`, { rules: group.rules, points: 2, hint: 'Compare your output with nunjucks\'s for the template shown; the lesson\'s table lists where nunjucks and Jinja2 part ways.' }, () => {
    const failures: Array<{ template: string; data: Record<string, unknown>; files: Record<string, string>; expected: string; actual: string }> = [];
    for (const { template, data = {}, files = {} } of group.cases) {
      const expected = nunjucksRender(template, structuredClone(data), files);
      const actual = learnerRender(template, structuredClone(data), files);
      if (actual !== expected) failures.push({ template, data, files, expected, actual });
    }
    const first = failures[0];
    if (first === undefined) return;
    const loaded = Object.entries(first.files).map(([name, source]) => `${name} = ${show(source)}`);
    const message = [
      `${failures.length} of ${group.cases.length} templates render differently from nunjucks. The first: ${show(first.template)} with data ${JSON.stringify(first.data)}`,
      `expected is nunjucks's output, received is yours; ${loaded.length > 0 ? `the templates it loads: ${loaded.join(', ')}` : 'it loads no other templates'}`,
      `nunjucks: ${show(first.expected)}`,
      `yours:    ${show(first.actual)}`,
      ...failures.slice(1).map((f) => `also differs: ${show(f.template)}`),
    ].join('\n');
    expect(first.actual, message).toBe(first.expected);
  });
}

milestone('differential', () => {
  for (const group of corpus) rendersLikeNunjucks(group);
});

// The extension milestones' groups, each in its own milestone.
for (const group of extensionCorpus) milestone(group.milestone, () => rendersLikeNunjucks(group));
