// What lab 6's hidden tests share: rendering through the learner's engine with every call
// bounded, labels that show the template and its data on failure, and catching the TemplateError a
// template should cause. Nothing here implements any part of the engine.
import { expect } from 'vitest';
import { TemplateError, type EnvironmentOptions } from '#contracts/templates';
import { DictLoader, Environment, SafeString } from '@lab/templates';
import { bounded, show } from '../../harness/index.ts';

/** Renders `source` with a fresh Environment of the learner's. */
export function render(source: string, context: Record<string, unknown> = {}, options: EnvironmentOptions = {}): string {
  // One time bound for both calls: they share it (the harness's `bounded`).
  return bounded('rendering', () => {
    const env = bounded('new Environment()', () => new Environment(options));
    return bounded(`env.renderString(${show(source)})`, () => env.renderString(source, context));
  });
}

/** Renders the template `name` from `files`, through the learner's DictLoader. */
export function renderFile(
  files: Record<string, string>,
  name: string,
  context: Record<string, unknown> = {},
  options: EnvironmentOptions = {},
): string {
  return bounded('rendering', () => {
    const env = bounded('new Environment()', () => new Environment({ ...options, loader: new DictLoader(files) }));
    return bounded(`env.render(${show(name)})`, () => env.render(name, context));
  });
}

/**
 * Data as one readable line, for failure messages: strings quoted with their escapes, functions,
 * safe strings and objects with their own toString named as such.
 */
export function showData(data: unknown): string {
  const walk = (value: unknown, depth: number): string => {
    if (value === undefined) return 'undefined';
    if (value === null) return 'none';
    if (typeof value === 'string') return show(value);
    if (typeof value === 'function') return `a function${value.name ? ` ${value.name}` : ''}`;
    if (typeof value !== 'object') return String(value);
    if (value instanceof SafeString) return `markSafe(${show(value.value)})`;
    if (depth > 4) return '...';
    if (Array.isArray(value)) return `[${value.map((item) => walk(item, depth + 1)).join(', ')}]`;
    if (Object.hasOwn(value, 'toString')) return `an object whose toString gives ${show(String(value))}`;
    const entries = Object.entries(value).map(([key, item]) => `${/^[A-Za-z_]\w*$/.test(key) ? key : show(key)}: ${walk(item, depth + 1)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  };
  return walk(data, 0);
}

/** What a failure says about a render: the template, its data and any option that is not the default. */
export function describeRender(source: string, context: Record<string, unknown> = {}, options: EnvironmentOptions = {}): string {
  const data = Object.keys(context).length === 0 ? 'no data' : `data ${showData(context)}`;
  const extra = [
    options.autoescape === false ? 'autoescape: false' : '',
    options.filters ? `extra filters ${Object.keys(options.filters).join(', ')}` : '',
  ].filter(Boolean);
  return `template ${show(source)} with ${data}${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`;
}

/** What a failure says about a render by name: the template, the other templates it may load, the data. */
export function describeFiles(files: Record<string, string>, name: string, context: Record<string, unknown> = {}): string {
  const others = Object.entries(files)
    .filter(([file]) => file !== name)
    .map(([file, source]) => `${file} = ${show(source)}`);
  const data = Object.keys(context).length === 0 ? 'no data' : `data ${showData(context)}`;
  return `${name} = ${show(files[name] ?? '(missing)')} with ${data}${others.length > 0 ? `; ${others.join('; ')}` : ''}`;
}

/** Renders `source` and expects `expected`; a failure shows the template, the data and both outputs. */
export function expectRender(
  source: string,
  context: Record<string, unknown>,
  expected: string,
  options: EnvironmentOptions = {},
): void {
  const actual = render(source, context, options);
  expect(actual, describeRender(source, context, options)).toBe(expected);
}

/** Renders the template `name` of `files` and expects `expected`; a failure shows every template and the data. */
export function expectRenderFile(
  files: Record<string, string>,
  name: string,
  context: Record<string, unknown>,
  expected: string,
  options: EnvironmentOptions = {},
): void {
  const actual = renderFile(files, name, context, options);
  expect(actual, describeFiles(files, name, context)).toBe(expected);
}

/**
 * Runs `fn` and returns the TemplateError it throws. Any other error (a TODO, a TypeError) is
 * rethrown as it is, so the report shows it; no error at all fails with what `fn` returned.
 */
export function templateError(what: string, fn: () => unknown): TemplateError {
  let result: unknown;
  try {
    result = bounded(what, fn);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`${what} should throw a TemplateError, but it returned ${show(String(result))}`);
}

/** The TemplateError that rendering `source` with `context` throws; the label shows both. */
export function renderError(source: string, context: Record<string, unknown> = {}, options: EnvironmentOptions = {}): TemplateError {
  return templateError(`rendering ${describeRender(source, context, options)}`, () => {
    const env = new Environment(options);
    return env.renderString(source, context);
  });
}

/** The TemplateError that rendering `name` of `files` throws; the label shows every template. */
export function renderFileError(files: Record<string, string>, name: string, context: Record<string, unknown> = {}): TemplateError {
  return templateError(`rendering ${describeFiles(files, name, context)}`, () => {
    const env = new Environment({ loader: new DictLoader(files) });
    return env.render(name, context);
  });
}

/** Where an error points, as `template:line:column`, for one readable comparison. */
export function where(error: TemplateError): string {
  return `${error.template}:${error.line}:${error.column}`;
}
