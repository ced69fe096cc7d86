// Visible examples for lab 6: run them with `npm run examples lab6`. They show the shape of the
// API; the hidden tests (`npm run grade lab6`) check much more. Add your own tests here freely.
import { describe, expect, it } from 'vitest';
import { DictLoader, Environment, tokenize } from './index.ts';

describe('lab 6 examples', () => {
  it('cuts a template into tokens', () => {
    expect(tokenize('Hi {{ name }}!').map((token) => token.type)).toEqual([
      'text',
      'variable-start',
      'name',
      'variable-end',
      'text',
      'end',
    ]);
  });

  it('renders a template with data, escaping it for HTML', () => {
    const env = new Environment();
    expect(env.renderString('<p>{{ comment }}</p>', { comment: '<b>hi</b> & bye' })).toBe('<p>&lt;b&gt;hi&lt;/b&gt; &amp; bye</p>');
  });

  it('loops, with filters', () => {
    const env = new Environment();
    const books = [{ title: 'dune' }, { title: 'emma' }];
    expect(env.renderString('{% for b in books %}{{ loop.index }}. {{ b.title|title }} {% endfor %}', { books })).toBe('1. Dune 2. Emma ');
  });

  it('fills a layout\'s blocks from a page that extends it', () => {
    const env = new Environment({
      loader: new DictLoader({
        'base.html': '<title>{% block title %}Shelf{% endblock %}</title>',
        'page.html': '{% extends "base.html" %}{% block title %}Dune | {{ super() }}{% endblock %}',
      }),
    });
    expect(env.render('page.html')).toBe('<title>Dune | Shelf</title>');
  });
});
