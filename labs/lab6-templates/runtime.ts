import { TemplateError, type Filter } from '#contracts/templates';
import { markSafe, SafeString } from './safe.ts';
import type { Test } from './tests.ts';

// SafeString and markSafe are given whole in safe.ts; the rest of the engine reaches them through here.
export { SafeString, markSafe };

/**
 * `<` to `&lt;` and so on, in one pass: copy the text between special characters, and each
 * special character's entity. Text with nothing to escape comes back as it is, uncopied.
 */
export function escapeHtml(text: string): string {
  // TODO(lab6): replace & < > " ' by &amp; &lt; &gt; &quot; &#39;. One pass over the text;
  // text with nothing to escape may come back as it is.
  throw new Error('TODO(lab6): escapeHtml is not written yet (lessons/06-templates.md#autoescaping)');
}

/** `| escape`: escaped once; a SafeString is already escaped (no double escaping). */
export function escape(value: unknown): SafeString {
  // TODO(lab6): a SafeString comes back as it is (it is already escaped); anything else is
  // escaped (undefined and null as '') and wrapped in a SafeString.
  throw new Error('TODO(lab6): escape is not written yet (lessons/06-templates.md#autoescaping)');
}

/** What `{{ value }}` writes: nothing for undefined or null, and escaped HTML unless safe. */
export function output(value: unknown, autoescape: boolean): string {
  // TODO(lab6): undefined and null print nothing; a SafeString prints its value; anything else
  // prints as its string, escaped when autoescape is on.
  throw new Error('TODO(lab6): output is not written yet (lessons/06-templates.md#autoescaping)');
}

/**
 * A variable: from the innermost frame that has it, else from the context. Frames are objects
 * whose prototypes are the enclosing frames, so the lookup walks out scope by scope.
 */
export function lookup(frame: Record<string, unknown>, context: Record<string, unknown>, name: string): unknown {
  // TODO(lab6): the frame (with the frames it inherits from) first, then the context.
  throw new Error('TODO(lab6): lookup is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
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
  // TODO(lab6): in a loop, find the frame on the prototype chain that already holds the name
  // and set it there; otherwise (or when none holds it) set it in `frame`. At the top level, set it
  // in the context too.
  throw new Error('TODO(lab6): assign is not written yet (lessons/06-templates.md#control-flow)');
}

/** `a.b` and `a["b"]`: undefined when `a` is, and methods keep their object. */
export function member(target: unknown, key: unknown): unknown {
  // TODO(lab6): undefined for an undefined or null target; a function value is bound to its
  // target, so `user.name.toUpperCase()` works, except a macro (binding would lose its `params`).
  throw new Error('TODO(lab6): member is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
}

/** `in`: an item of a list, a substring of a string, a key of an object; anything else, an error. */
export function contains(container: unknown, item: unknown, where: Where): boolean {
  // TODO(lab6): arrays by item, strings by substring, objects by key; anything else (a number,
  // none, undefined): a TemplateError at `where` (the template, line and column of the `in`).
  throw new Error('TODO(lab6): contains is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
}

/** What `{% for %}` walks: arrays, strings by character, and objects as [key, value] pairs. */
export function iterable(value: unknown, targets: number): unknown[] {
  // TODO(lab6): an array as it is; a string as its characters (split(''), as `length` counts them); an object as its [key, value]
  // entries when there are two targets, else nothing; anything else (undefined, null, numbers):
  // nothing.
  // Extension (lessons/06-templates.md#more-tags-from-nunjucks): other iterables (Set, Map, ...).
  throw new Error('TODO(lab6): iterable is not written yet (lessons/06-templates.md#control-flow)');
}

/** The `loop` variable of one iteration. */
export function loopInfo(index: number, length: number) {
  // TODO(lab6): index, index0, revindex, revindex0, first, last and length, as in the lesson.
  throw new Error('TODO(lab6): loopInfo is not written yet (lessons/06-templates.md#control-flow)');
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

/** `f(args, name=value)`: keyword arguments go to a macro's parameters by name. */
export function call(callee: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): unknown {
  // TODO(lab6): a callee that is not a function: TemplateError naming it (where.name), with the
  // call's template, line and column. Keyword arguments go to a macro's parameters by name (its
  // `params`), and a keyword that is none of them is a TemplateError naming it; any other function
  // gets them as one last object argument. What the function throws, other than a TemplateError,
  // becomes a TemplateError at the call (rule E3), as applyFilter does for filters.
  throw new Error('TODO(lab6): call is not written yet (lessons/06-templates.md#compiling-a-tree-to-javascript)');
}

/** `{% call m(args) %}`: the macro `m`, called with the block's body as its `caller`. */
export function callWithCaller(callee: unknown, args: unknown[], kwargs: Record<string, unknown> | null, caller: Macro, where: Where): unknown {
  // TODO(lab6, extension): a callee without withCaller is no macro: TemplateError naming it, at
  // `where`. Else callee.withCaller(caller, the arguments, keyword ones by name as in call).
  throw new Error('TODO(lab6): callWithCaller is not written yet (lessons/06-templates.md#call-blocks-and-caller)');
}

/**
 * `a[start:stop:step]` of a list or a string, as Python slices: each part optional, negative
 * numbers count from the end, a negative step walks backwards. Strings are cut into JavaScript's
 * characters (rule S3); a safe string's slice stays safe. Undefined and none give undefined.
 */
export function slice(target: unknown, start: number | null, stop: number | null, step: number | null, where: Where): unknown {
  // TODO(lab6, extension): see lessons/06-templates.md#slices for where each index lands. A step
  // of 0 is a TemplateError at `where`.
  throw new Error('TODO(lab6): slice is not written yet (lessons/06-templates.md#slices)');
}

/** `value | name(args)`: keyword arguments go by name to filters that list their parameters. */
export function applyFilter(filter: Filter, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): unknown {
  // TODO(lab6): call the filter with the value, then the arguments. Keyword arguments go by name
  // into the positions listed in the filter's `params`, when it has them (a keyword that is not
  // listed: TemplateError naming it), else as one last object. An error thrown by the filter
  // becomes a TemplateError that names the filter and says where.
  throw new Error('TODO(lab6): applyFilter is not written yet (lessons/06-templates.md#filters)');
}

/** A name that `{% from t import name %}` asks of an imported template; one it does not define is an error. */
export function exported(module: Record<string, unknown>, name: string, where: Where): unknown {
  // TODO(lab6): the module's own property of that name (Object.hasOwn); none: a TemplateError that
  // names it, at `where`.
  throw new Error('TODO(lab6): exported is not written yet (lessons/06-templates.md#include-and-macros)');
}

/** `value is name(args)`: the test's answer, as a boolean (true or false, whatever it returned). */
export function applyTest(test: Test, value: unknown, args: unknown[], kwargs: Record<string, unknown> | null, where: Where): boolean {
  // TODO(lab6): as applyFilter, with the test: its answer as true or false (Boolean), and an
  // error it throws as a TemplateError that names the test and says where.
  throw new Error('TODO(lab6): applyTest is not written yet (lessons/06-templates.md#tests-with-is)');
}

/**
 * `super()` in a block: the same block of the parent template, already safe HTML. It gets the
 * frame the child's block was called with, so it sees what is around the block, not what the
 * child's block set.
 */
export function callSuper(chain: Record<string, Array<(...a: any[]) => string>>, name: string, depth: number, context: object, outer: object, where: Where): SafeString {
  // TODO(lab6): the next block of that name in the chain (depth + 1), called with `outer` (a
  // block function makes its own frame on top of what it gets), as a SafeString. No such block:
  // TemplateError that says so.
  throw new Error('TODO(lab6): callSuper is not written yet (lessons/06-templates.md#template-inheritance)');
}
