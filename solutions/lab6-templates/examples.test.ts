// Visible examples for lab 6: run them with `npm run examples lab6`. Each milestone has an example
// or two, declared like the hidden tests (milestone(), and test() with the lesson's rules it shows
// and a hint). They show the shape of the API; the hidden tests (`npm run grade lab6`) check much
// more. Add your own tests here freely.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { expect } from 'vitest';
import { milestone, test } from '../../grader/harness/index.ts';
import { TemplateError } from '#contracts/templates';
import { DictLoader, Environment, FileSystemLoader, markSafe, parse, tokenize } from './index.ts';

milestone('lexer', () => {
  test('cuts a template into tokens', {
    rules: ['L1', 'L2', 'L4', 'L6'],
    hint: 'Text up to the next {{, {% or {#; inside a tag, names, numbers, strings and operators; one end token last.',
  }, () => {
    const tokens = tokenize('Total: {{ price * 2 }}');
    expect(tokens.map((token) => token.type)).toEqual(['text', 'variable-start', 'name', 'operator', 'number', 'variable-end', 'end']);
    expect(tokens.map((token) => token.value).slice(0, 5)).toEqual(['Total: ', '{{', 'price', '*', '2']);
  });

  test('every token knows its line and column; an unclosed tag is an error at its opener', {
    rules: ['L7', 'L8'],
    hint: 'Count lines and columns as you go (both from 1); throw a TemplateError with the position of the {{.',
  }, () => {
    const name = tokenize('Dear\n  {{ guest }}').find((token) => token.type === 'name');
    expect(name).toMatchObject({ value: 'guest', line: 2, column: 6 });
    expect(() => tokenize('one\ntwo {{ oops')).toThrow(TemplateError);
    expect(() => tokenize('one\ntwo {{ oops')).toThrow(expect.objectContaining({ line: 2, column: 5 }));
  });
});

milestone('parser', () => {
  test('an if tag becomes one if node, with its branches and its else body', {
    rules: ['P3', 'P4'],
    hint: 'Parse the body up to elif, else or endif; each test and body is a branch, the else body is otherwise.',
  }, () => {
    const { body } = parse('{% if sunny %}walk{% else %}read{% endif %}!');
    expect(body.map((node) => node.kind)).toEqual(['if', 'text']);
    expect(body[0]).toMatchObject({
      kind: 'if',
      branches: [{ test: { kind: 'name', name: 'sunny' }, body: [{ kind: 'text', text: 'walk' }] }],
      otherwise: [{ kind: 'text', text: 'read' }],
    });
  });

  test('* binds tighter than +; a stray end tag is an error that names it', {
    rules: ['X1', 'P10'],
    hint: 'One method per level of the ladder, each calling the next tighter one for its operands.',
  }, () => {
    const [output] = parse('{{ 1 + 2 * 3 }}').body;
    expect(output).toMatchObject({
      kind: 'output',
      value: { kind: 'binary', operator: '+', left: { kind: 'literal', value: 1 }, right: { kind: 'binary', operator: '*' } },
    });
    expect(() => parse('text{% endfor %}')).toThrow(/endfor/);
  });
});

milestone('expressions', () => {
  test('arithmetic and ~ work the JavaScript way', {
    rules: ['C7', 'C8'],
    hint: 'Compile each operator to its JavaScript: // is Math.floor of /, ** is Math.pow, ~ joins as strings.',
  }, () => {
    const env = new Environment();
    expect(env.renderString('{{ 7 // 2 }} {{ 7 % 2 }} {{ 2 ** 3 }} {{ "n" ~ 1 }}')).toBe('3 1 8 n1');
  });

  test('names, members and method calls', {
    rules: ['C3', 'C4', 'C5'],
    hint: 'A missing name or member is undefined (prints nothing), never an error; a method keeps its this.',
  }, () => {
    const env = new Environment();
    const cart = { items: ['tea', 'jam'], count() { return this.items.length; } };
    expect(env.renderString('{{ cart.items[1] }}, {{ cart.count() }}, [{{ nobody.name }}]', { cart })).toBe('jam, 2, []');
  });
});

milestone('filters', () => {
  test('filters take arguments and chain from left to right', {
    rules: ['F1', 'F4', 'F8'],
    hint: 'value|name(a, b) calls filters.name(value, a, b); the result goes to the next filter.',
  }, () => {
    const env = new Environment();
    expect(env.renderString('{{ tags|join(" & ")|title }}', { tags: ['green tea', 'jam'] })).toBe('Green Tea &amp; Jam');
  });

  test('default fills in a missing value; an environment can add its own filters', {
    rules: ['F7', 'F19'],
    hint: 'The options\' filters and addFilter go in the same table as the built-in ones.',
  }, () => {
    const env = new Environment({ filters: { shout: (text: string) => `${text}!` } });
    expect(env.renderString('Hello {{ nick|default("guest")|shout }}')).toBe('Hello guest!');
    expect(env.renderString('Hello {{ nick|default("guest")|shout }}', { nick: 'Mo' })).toBe('Hello Mo!');
  });
});

milestone('autoescape', () => {
  test('every {{ }} escapes HTML by default', {
    rules: ['A1'],
    hint: 'Replace & < > " \' by their entities in one pass, where a value is printed.',
  }, () => {
    const env = new Environment();
    expect(env.renderString('<p>{{ note }}</p>', { note: '"Tom & Jerry" <3' })).toBe('<p>&quot;Tom &amp; Jerry&quot; &lt;3</p>');
  });

  test('safe text prints as it is; autoescape: false escapes nothing', {
    rules: ['A4', 'A8'],
    hint: 'A SafeString is not escaped again; |safe and markSafe make one.',
  }, () => {
    const env = new Environment();
    const data = { trusted: '<em>new</em>', marked: markSafe('<i>sale</i>') };
    expect(env.renderString('{{ trusted|safe }} {{ marked }}', data)).toBe('<em>new</em> <i>sale</i>');
    expect(new Environment({ autoescape: false }).renderString('{{ tag }}', { tag: '<br>' })).toBe('<br>');
  });
});

milestone('control-flow', () => {
  test('for walks a list, with loop variables; else runs when there is nothing', {
    rules: ['S3', 'S5', 'S6'],
    hint: 'Give each pass a loop object (index from 1, last true on the final item); run otherwise for an empty list.',
  }, () => {
    const env = new Environment();
    const template = '{% for d in days %}{{ loop.index }}:{{ d }}{% if not loop.last %}, {% endif %}{% else %}closed{% endfor %}';
    expect(env.renderString(template, { days: ['Mon', 'Tue', 'Fri'] })).toBe('1:Mon, 2:Tue, 3:Fri');
    expect(env.renderString(template, { days: [] })).toBe('closed');
  });

  test('set, then if, elif and else', {
    rules: ['S1', 'S10'],
    hint: 'set stores a value the rest of the template sees; the first true branch of an if runs.',
  }, () => {
    const env = new Environment();
    const template = '{% set n = basket|length %}{% if n == 0 %}empty{% elif n == 1 %}one item{% else %}{{ n }} items{% endif %}';
    expect(env.renderString(template, { basket: [] })).toBe('empty');
    expect(env.renderString(template, { basket: ['pear'] })).toBe('one item');
    expect(env.renderString(template, { basket: ['pear', 'fig', 'kiwi'] })).toBe('3 items');
  });
});

milestone('inheritance', () => {
  test('a page fills the blocks of the layout it extends, and super() keeps the parent\'s', {
    rules: ['I1', 'I4'],
    hint: 'Render the parent, with each block replaced by the child\'s version; super() renders the parent\'s version.',
  }, () => {
    const env = new Environment({
      loader: new DictLoader({
        'layout.html': '<h1>{% block heading %}Recipes{% endblock %}</h1><main>{% block main %}{% endblock %}</main>',
        'soup.html': '{% extends "layout.html" %}{% block heading %}Soup - {{ super() }}{% endblock %}{% block main %}Boil.{% endblock %}',
      }),
    });
    expect(env.render('soup.html')).toBe('<h1>Soup - Recipes</h1><main>Boil.</main>');
  });

  test('a child\'s text outside its blocks is dropped', {
    rules: ['I2', 'I3'],
    hint: 'Only the blocks of a child count; a template without a parent renders its blocks in place.',
  }, () => {
    const env = new Environment({
      loader: new DictLoader({
        'frame.html': '[{% block inside %}empty{% endblock %}]',
        'card.html': 'dropped {% extends "frame.html" %}{% block inside %}full{% endblock %} also dropped',
      }),
    });
    expect(env.render('frame.html')).toBe('[empty]');
    expect(env.render('card.html')).toBe('[full]');
  });
});

milestone('macros-and-include', () => {
  test('a macro takes positional and keyword arguments, with defaults', {
    rules: ['M3', 'M4', 'M8'],
    hint: 'Compile a macro to a function of its parameters; keyword arguments go by name; it returns a SafeString.',
  }, () => {
    const env = new Environment();
    const template =
      '{% macro badge(text, color="grey") %}<b class="{{ color }}">{{ text }}</b>{% endmacro %}' +
      '{{ badge("new") }} {{ badge("sale", color="red") }}';
    expect(env.renderString(template)).toBe('<b class="grey">new</b> <b class="red">sale</b>');
  });

  test('an included template sees the variables around the include', {
    rules: ['M1'],
    hint: 'Render the included template with a context and frame that inherit from the includer\'s.',
  }, () => {
    const env = new Environment({
      loader: new DictLoader({
        'row.html': '<li>{{ fruit }}</li>',
        'list.html': '<ul>{% for fruit in fruits %}{% include "row.html" %}{% endfor %}</ul>',
      }),
    });
    expect(env.render('list.html', { fruits: ['fig', 'plum'] })).toBe('<ul><li>fig</li><li>plum</li></ul>');
  });
});

milestone('loader-and-errors', () => {
  test('FileSystemLoader reads templates from a folder, and never from outside it', {
    rules: ['T2', 'T3'],
    hint: 'Join the name to the folder, and refuse a name that is absolute or climbs out with "..".',
  }, () => {
    const folder = mkdtempSync(join(tmpdir(), 'lab6-examples-'));
    try {
      mkdirSync(join(folder, 'emails'));
      writeFileSync(join(folder, 'emails', 'welcome.txt'), 'Welcome, {{ name }}!');
      const env = new Environment({ loader: new FileSystemLoader(folder) });
      expect(env.render('emails/welcome.txt', { name: 'Ines' })).toBe('Welcome, Ines!');
      expect(() => env.render('../secret.txt')).toThrow(TemplateError);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('errors name the template, the line and the column', {
    rules: ['E1', 'F20', 'T4'],
    hint: 'Throw TemplateError(message, templateName, line, column) with the position of the token at fault.',
  }, () => {
    const env = new Environment({ loader: new DictLoader({}) });
    expect(() => env.renderString('line one\n{{ price|nosuch }}')).toThrow(
      expect.objectContaining({ name: 'TemplateError', template: '<string>', line: 2, column: 10 }),
    );
    expect(() => env.render('missing.html')).toThrow(/missing\.html/);
  });
});

milestone('differential', () => {
  test('renders like nunjucks', {
    rules: ['N1'],
    hint: 'Render the same template with nunjucks (npm has it) and compare; the lesson lists the few deliberate differences.',
  }, () => {
    const theirs = new nunjucks.Environment(null, { autoescape: true });
    const ours = new Environment();
    const data = { guests: [{ name: 'Ann', age: 31 }, { name: 'Bo <3', age: 7 }], title: 'party' };
    for (const template of [
      '{{ title|capitalize }}: {% for g in guests %}{{ g.name }}{% if g.age < 18 %} (child){% endif %}{{ ", " if not loop.last }}{% endfor %}',
      '{{ guests|length }} guests, {{ guests[0].age + guests[1].age }} years in all',
    ]) {
      expect(ours.renderString(template, data)).toBe(theirs.renderString(template, data));
    }
  });
});
