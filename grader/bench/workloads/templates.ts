// The template engine benchmark: the reference engine (lab 6) against nunjucks, rendering the same
// 90-item page from the same templates and data. Two pages: a typical one (variables, a loop, an
// `if`, one filter per row) and a filter-heavy one (four filters per row), where most of the time
// goes to the filters themselves, which do the same work in both engines.
import nunjucks from 'nunjucks';
import { DictLoader, Environment } from '#templates';
import type { Workload } from './workload.ts';

const LAYOUT_HEAD = '<!doctype html><html><head><title>{% block title %}Shop{% endblock %}</title></head><body>';
const LAYOUT_FOOT = '{% block content %}{% endblock %}<footer>&copy; {{ year }}</footer></body></html>';

const pages = {
  typical: {
    'layout.html': `${LAYOUT_HEAD}<header>{{ site.name }}</header>${LAYOUT_FOOT}`,
    'list.html':
      '{% extends "layout.html" %}{% block title %}{{ title }} - {{ super() }}{% endblock %}{% block content %}<table>' +
      '{% for item in items %}<tr class="{{ "odd" if loop.index % 2 else "even" }}">' +
      '<td><a href="/items/{{ item.id }}">{{ item.name }}</a></td><td>{{ item.price }}</td>' +
      '<td>{% if item.stock > 0 %}{{ item.stock }} left{% else %}sold out{% endif %}</td>' +
      '<td>{{ item.tags | join(", ") }}</td></tr>{% endfor %}</table>{% endblock %}',
  },
  filters: {
    'layout.html': `${LAYOUT_HEAD}<header>{{ site.name | upper }}</header>${LAYOUT_FOOT}`,
    'list.html':
      '{% extends "layout.html" %}{% block title %}{{ title }} - {{ super() }}{% endblock %}{% block content %}<ul>' +
      '{% for item in items %}<li class="{{ "odd" if loop.index % 2 else "even" }}">' +
      '<a href="/items/{{ item.id }}">{{ item.name | title }}</a> {{ item.rawPrice | round(2) }} ' +
      '{% if item.tags %}{{ item.tags | join(", ") }}{% else %}-{% endif %}' +
      '<p>{{ item.description | truncate(40) }}</p></li>{% endfor %}</ul>{% endblock %}',
  },
} satisfies Record<string, Record<string, string>>;

/** 90 items; every tenth name needs escaping, a third have no tags. */
const items = Array.from({ length: 90 }, (_, i) => ({
  id: i,
  name: i % 10 === 0 ? `item <${i}> & co` : `item number ${i}`,
  price: (i * 1.25).toFixed(2),
  rawPrice: i * 1.2345,
  stock: i % 7,
  tags: i % 3 ? ['a', 'b & c'] : [],
  description: 'A fairly long description of the item that goes on and on',
}));
const context = { site: { name: 'shop' }, year: 2026, title: 'All items', items };

export function templatesWorkload(page: keyof typeof pages): Workload {
  const templates: Record<string, string> = pages[page];
  const theirs = new nunjucks.Environment(
    // A loader in nunjucks' shape: the same sources, cached after the first compile, as ours are.
    { getSource: (name: string) => ({ src: templates[name]!, path: name, noCache: false }) } as unknown as nunjucks.ILoader,
    { autoescape: true },
  );
  const ours = new Environment({ loader: new DictLoader(templates) });
  return {
    subject: () => ours.render('list.html', context),
    peer: () => theirs.render('list.html', context),
    unit: 'pages/CPU-s',
    check() {
      const a = ours.render('list.html', context);
      const b = theirs.render('list.html', context);
      if (a !== b) throw new Error(`the two engines render the ${page} page differently:\n${a.slice(0, 300)}\n---\n${b.slice(0, 300)}`);
      if (a.length < 4000) throw new Error(`the ${page} page is suspiciously short (${a.length} characters)`);
    },
  };
}
