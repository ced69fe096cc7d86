// What lab 6's hidden tests share: rendering through the learner's engine with every call
// bounded, and catching the TemplateError a template should cause. Nothing here implements any
// part of the engine.
import { TemplateError, type EnvironmentOptions } from '#contracts/templates';
import { DictLoader, Environment } from '@lab/templates';
import { bounded, show } from '../../harness/index.ts';

/** Renders `source` with a fresh Environment of the learner's. */
export function render(source: string, context: Record<string, unknown> = {}, options: EnvironmentOptions = {}): string {
  const env = bounded('new Environment()', () => new Environment(options));
  return bounded(`env.renderString(${show(source)})`, () => env.renderString(source, context));
}

/** Renders the template `name` from `files`, through the learner's DictLoader. */
export function renderFile(
  files: Record<string, string>,
  name: string,
  context: Record<string, unknown> = {},
  options: EnvironmentOptions = {},
): string {
  const env = bounded('new Environment()', () => new Environment({ ...options, loader: new DictLoader(files) }));
  return bounded(`env.render(${show(name)})`, () => env.render(name, context));
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

/** Where an error points, as `template:line:column`, for one readable comparison. */
export function where(error: TemplateError): string {
  return `${error.template}:${error.line}:${error.column}`;
}
