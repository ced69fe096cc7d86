import { TemplateError, type Filter } from '#contracts/templates';
import { markSafe, SafeString } from './safe.ts';
import type { Test } from './tests.ts';

// SafeString and markSafe are given whole in safe.ts; the rest of the engine reaches them through here.
export { SafeString, markSafe };

/** Any character escapeHtml replaces. */
const SPECIAL = /[&<>"']/;

/**
 * `<` to `&lt;` and so on, in one pass: copy the text between special characters, and each
 * special character's entity. Text with nothing to escape comes back as it is, uncopied.
 */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape: one regular expression test (native code) says so faster
  // than a loop over its characters in JavaScript.
  if (!SPECIAL.test(text)) return text;
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    let entity: string;
    switch (text.charCodeAt(i)) {
      case 38: entity = '&amp;'; break; // &
      case 60: entity = '&lt;'; break; // <
      case 62: entity = '&gt;'; break; // >
      case 34: entity = '&quot;'; break; // "
      case 39: entity = '&#39;'; break; // '
      default: continue;
    }
    out += text.slice(copied, i) + entity;
    copied = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `| escape`: escaped once; a SafeString is already escaped (no double escaping). */
export function escape(value: unknown): SafeString {
  if (value instanceof SafeString) return value;
  return new SafeString(escapeHtml(value === null || value === undefined ? '' : String(value)));
}

/** What `{{ value }}` writes: nothing for undefined or null, and escaped HTML unless safe. */
export function output(value: unknown, autoescape: boolean): string {
  if (typeof value === 'string') return autoescape ? escapeHtml(value) : value;
  if (typeof value === 'number') return String(value); // digits need no escaping
  if (value === undefined || value === null) return '';
  if (value instanceof SafeString) return value.value;
  return autoescape ? escapeHtml(String(value)) : String(value);
}

/**
 * A variable: from the innermost frame that has it, else from the context. Frames are objects
 * whose prototypes are the enclosing frames, so the lookup walks out scope by scope.
 */
export function lookup(frame: Record<string, unknown>, context: Record<string, unknown>, name: string): unknown {
  return name in frame ? frame[name] : context[name];
}

/**
 * `{% set %}`: in a loop, updates the variable in the frame around that already holds it (a loop
 * can change a variable set before it); elsewhere, and when no frame has it, sets it in the
 * current frame, so a block or an included template can't change its caller's variables. At the
 * top level the context gets it too, so blocks, includes and macros see it.
 */
export function assign(
  frame: Record<string, unknown>,
  context: Record<string, unknown>,
  name: string,
  value: unknown,
  topLevel: boolean,
  inLoop: boolean,
): void {
  let holder: object | null = frame;
  if (inLoop) while (holder !== null && !Object.hasOwn(holder, name)) holder = Object.getPrototypeOf(holder);
  ((holder ?? frame) as Record<string, unknown>)[name] = value;
  if (topLevel) context[name] = value;
}

/**
 * `a[key]`: undefined when `a` is, and methods keep their object. (`a.b` and `a["b"]` compile to
 * readers of their own that do the same: see the compiler's #member.)
 */
export function member(target: unknown, key: unknown): unknown {
  if (target === undefined || target === null) return undefined;
  const value = (target as Record<string, unknown>)[key as string];
  return method(target, value);
}

/** A value read from `target`: a function is bound to it, so a method keeps its object. */
export function method(target: unknown, value: unknown): unknown {
  // A macro is not bound: binding would drop its `params`, and with them its keyword arguments.
  return typeof value === 'function' && !Array.isArray((value as Partial<Macro>).params) ? value.bind(target) : value;
}

/**
 * `in`: an item of a list, a substring of a string, a key of an object. Anything else holds
 * nothing to look for, and asking is a mistake (often a misspelt name): an error, as in nunjucks.
 */
export function contains(container: unknown, item: unknown, where: Where): boolean {
  if (Array.isArray(container)) return container.includes(item);
  if (typeof container === 'string') return container.includes(String(item));
  if (container !== null && typeof container === 'object') return String(item) in container;
  const got = container === null ? 'none' : container === undefined ? 'undefined' : typeof container;
  throw new TemplateError(`"in" needs a list, a string or an object, got ${got}`, where.template, where.line, where.column);
}

/**
 * What `{% for %}` walks: arrays, strings by character, any other iterable (a Set, a Map, a
 * generator) in its own order, and objects as [key, value] pairs.
 */
export function iterable(value: unknown, targets: number): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(''); // JavaScript's characters, as `length` counts them
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  if (value !== null && typeof value === 'object') {
    // As in nunjucks: `for k, v in object` walks its entries; a single name gets nothing.
    return targets === 2 ? Object.entries(value) : [];
  }
  return [];
}

/** The `loop` variable of one iteration. */
export function loopInfo(index: number, length: number) {
  return {
    index: index + 1,
    index0: index,
    revindex: length - index,
    revindex0: length - index - 1,
    first: index === 0,
    last: index === length - 1,
    length,
  };
}

/**
 * A macro: a function that knows its parameter names, so `m(1, b=2)` can pass b by name, and that
 * a call block can call with a `caller` (rule K1).
 */
export interface Macro {
  (...args: unknown[]): SafeString;
  params: string[];
  withCaller: (caller: Macro, args: unknown[]) => SafeString;
}

export function makeMacro(params: string[], body: (args: unknown[], caller?: Macro) => SafeString): Macro {
  return Object.assign((...args: unknown[]) => body(args), { params, withCaller: (caller: Macro, args: unknown[]) => body(args, caller) });
}

/** Where a call or filter is in its template, for error messages. */
interface Where {
  template: string;
  line: number;
  column: number;
  name: string;
}

/**
 * The arguments of a macro or filter that names its parameters: the positional ones in order,
 * then each keyword argument at its parameter's place. A keyword no parameter has is a mistake
 * (a typo, or a parameter this engine lacks): an error, never silently dropped.
 */
function byName(params: string[], args: unknown[], kwargs: Record<string, unknown>, where: Where): unknown[] {
  const full = [...args];
  for (const [name, value] of Object.entries(kwargs)) {
    const at = params.indexOf(name);
    if (at === -1) throw new TemplateError(`${where.name} has no parameter named "${name}"`, where.template, where.line, where.column);
    full[at] = value;
  }
  return full;
}

/** `f(args, name=value)`: keyword arguments go to a macro's parameters by name. */
export function call(callee: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): unknown {
  if (typeof callee !== 'function') {
    throw new TemplateError(`cannot call ${where.name}: it is ${callee === undefined ? 'undefined' : typeof callee}`, where.template, where.line, where.column);
  }
  const params = (callee as Partial<Macro>).params;
  // A macro takes them by name; any other function gets them as one last object.
  const full = kwargs === null ? args : params ? byName(params, args, kwargs, where) : [...args, kwargs];
  try {
    return callee(...full);
  } catch (error) {
    // What the function threw, said where it was called (rule E3); a macro's errors say it already.
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`calling ${where.name} threw: ${(error as Error).message}`, where.template, where.line, where.column);
  }
}

/** `{% call m(args) %}`: the macro `m`, called with the block's body as its `caller`. */
export function callWithCaller(callee: unknown, args: unknown[], kwargs: Record<string, unknown> | null, caller: Macro, where: Where): unknown {
  const macro = callee as Partial<Macro>;
  if (typeof macro.withCaller !== 'function') {
    throw new TemplateError(`{% call %} needs a macro: ${where.name} is ${callee === undefined ? 'undefined' : typeof callee}`, where.template, where.line, where.column);
  }
  return macro.withCaller(caller, kwargs === null ? args : byName(macro.params!, args, kwargs, where));
}

/**
 * `a[start:stop:step]` of a list or a string, as Python slices: each part optional, negative
 * numbers count from the end, a negative step walks backwards. Strings are cut into JavaScript's
 * characters (rule S3); a safe string's slice stays safe. Undefined and none give undefined.
 */
export function slice(target: unknown, start: number | null, stop: number | null, step: number | null, where: Where): unknown {
  if (target === undefined || target === null) return undefined;
  const text = typeof target === 'string' || target instanceof SafeString;
  const items: unknown[] = text ? String(target).split('') : Array.isArray(target) ? target : [];
  const by = step ?? 1;
  if (by === 0) throw new TemplateError('a slice step cannot be 0', where.template, where.line, where.column);
  const length = items.length;
  // Where an index lands: from the end when negative, then kept inside the walkable range.
  const bound = (index: number | null, fallback: number, low: number, high: number) =>
    index === null ? fallback : Math.min(Math.max(index < 0 ? index + length : index, low), high);
  const picked: unknown[] = [];
  if (by > 0) {
    for (let i = bound(start, 0, 0, length), end = bound(stop, length, 0, length); i < end; i += by) picked.push(items[i]);
  } else {
    for (let i = bound(start, length - 1, -1, length - 1), end = bound(stop, -1, -1, length - 1); i > end; i += by) picked.push(items[i]);
  }
  if (!text) return picked;
  return target instanceof SafeString ? new SafeString(picked.join('')) : picked.join('');
}

/** `value | name(args)`: keyword arguments go by name to filters that list their parameters. */
export function applyFilter(filter: Filter, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): unknown {
  const params = (filter as Filter & { params?: string[] }).params;
  const full = kwargs === null ? args : params ? byName(params, args, kwargs, where) : [...args, kwargs];
  try {
    return filter(value, ...full);
  } catch (error) {
    throw filterFailed(error, where);
  }
}

/** What a filter's error becomes: said where the filter is (a TemplateError says it already). */
export function filterFailed(error: unknown, where: Where): TemplateError {
  if (error instanceof TemplateError) return error;
  return new TemplateError(`filter "${where.name}" failed: ${(error as Error).message}`, where.template, where.line, where.column);
}

/** A name that `{% from t import name %}` asks of an imported template; one it does not define is an error. */
export function exported(module: Record<string, unknown>, name: string, where: Where): unknown {
  if (!Object.hasOwn(module, name)) throw new TemplateError(`cannot import "${name}": the template does not define it`, where.template, where.line, where.column);
  return module[name];
}

/** `value is name(args)`: the test's answer, as a boolean (true or false, whatever it returned). */
export function applyTest(test: Test, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): boolean {
  const params = (test as Test & { params?: string[] }).params;
  const full = kwargs === null ? args : params ? byName(params, args, kwargs, where) : [...args, kwargs];
  try {
    return Boolean(test(value, ...full));
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`test "${where.name}" threw: ${(error as Error).message}`, where.template, where.line, where.column);
  }
}

/**
 * `super()` in a block: the same block of the parent template, already safe HTML. It gets the
 * frame the child's block was called with, so it sees what is around the block, not what the
 * child's block set.
 */
export function callSuper(chain: Record<string, Array<(...a: any[]) => string>>, name: string, depth: number, context: object, outer: object, where: Where): SafeString {
  const parent = chain[name]?.[depth + 1];
  if (!parent) throw new TemplateError(`super(): no parent template defines the block "${name}"`, where.template, where.line, where.column);
  return new SafeString(parent(context, outer, chain, depth + 1));
}
