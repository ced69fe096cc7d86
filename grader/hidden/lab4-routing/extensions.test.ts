// Hidden tests for lab 4's optional extension: urlFor with a method (rule X1 of the lesson's
// "Extensions (optional)"). Reported apart from the core score.
import { expect } from 'vitest';
import { BuildError } from '#contracts/routing';
import type { Router } from '@lab/routing';
import { bounded, milestone, test } from '../../harness/index.ts';
import { errorOf, routerWith, rulesOf, showValue } from './helpers.ts';

type UrlFor = (endpoint: string, values?: Record<string, unknown>, options?: { method?: string }) => string;

function call(router: Router, endpoint: string, values: Record<string, unknown>, method?: string): string {
  const options = method === undefined ? '' : `, { method: ${JSON.stringify(method)} }`;
  return `router.urlFor(${JSON.stringify(endpoint)}, ${showValue(values)}${options}) with ${rulesOf(router)}`;
}

function urlFor(router: Router, endpoint: string, values: Record<string, unknown>, method?: string): string {
  const fn = router.urlFor.bind(router) as UrlFor;
  return method === undefined ? fn(endpoint, values) : fn(endpoint, values, { method });
}

function expectUrl(router: Router, endpoint: string, values: Record<string, unknown>, method: string | undefined, url: string): void {
  const what = call(router, endpoint, values, method);
  expect(bounded(what, () => urlFor(router, endpoint, values, method)), `${what} should be ${JSON.stringify(url)}`).toBe(url);
}

function expectBuildError(router: Router, endpoint: string, values: Record<string, unknown>, method: string): void {
  const what = call(router, endpoint, values, method);
  expect(errorOf(what, () => urlFor(router, endpoint, values, method)), `${what} should throw a BuildError`).toBeInstanceOf(BuildError);
}

milestone('urlfor-method', () => {
  test('urlFor with a method builds with a rule that answers it', {
    rules: ['X1'],
    hint: 'With options.method, keep only the rules that answer it (in capitals), then take the first in build order that suits the values.',
  }, () => {
    const router = routerWith([
      ['/posts/', { endpoint: 'post', methods: ['POST'] }],
      ['/posts/<int:id>', { endpoint: 'post', methods: ['GET', 'PUT'] }],
    ]);
    expectUrl(router, 'post', { id: 3 }, undefined, '/posts/3');
    expectUrl(router, 'post', { id: 3 }, 'POST', '/posts/?id=3');
    expectUrl(router, 'post', { id: 3 }, 'put', '/posts/3');
    expectUrl(router, 'post', { id: 3 }, 'HEAD', '/posts/3');
    expectUrl(router, 'post', { id: 3 }, 'GET', '/posts/3');
    expectBuildError(router, 'post', { id: 3 }, 'DELETE');
    expectBuildError(router, 'post', {}, 'PUT');
    const pages = routerWith([
      ['/page/', { endpoint: 'page', defaults: { n: 1 } }],
      ['/page/<int:n>', { endpoint: 'page', methods: ['GET', 'POST'] }],
    ]);
    expectUrl(pages, 'page', { n: 1 }, 'POST', '/page/1');
    expectUrl(pages, 'page', { n: 1 }, 'GET', '/page/');
  });
});
