import { SafeString } from './runtime.ts';

/**
 * A test: `{{ value is name(arg1, arg2) }}` calls `test(value, arg1, arg2)` and asks a yes or no
 * question about the value. Registered by name, like filters.
 */
export type Test = (value: any, ...args: any[]) => unknown;

/** Text to compare with its lower- or upper-case form: strings and safe strings only. */
function isText(value: unknown): value is string | SafeString {
  return typeof value === 'string' || value instanceof SafeString;
}

const equalto: Test = (value, other) => value === other;
const lessthan: Test = (value, other) => value < other;
const greaterthan: Test = (value, other) => value > other;

/**
 * The built-in tests: nunjucks's list and semantics, plus Jinja2's name `none`. Where the answers
 * differ from nunjucks's (odd for negative numbers, lower and upper of a non-string),
 * lessons/06-templates.md says why.
 */
export const builtInTests: Record<string, Test> = {
  defined: (value) => value !== undefined,
  undefined: (value) => value === undefined,
  null: (value) => value === null,
  none: (value) => value === null,

  number: (value) => typeof value === 'number',
  string: (value) => isText(value),
  callable: (value) => typeof value === 'function',
  // Anything a for loop walks item by item: arrays, strings, Maps, Sets.
  iterable: (value) => value !== null && value !== undefined && typeof value[Symbol.iterator] === 'function',
  // Key-value objects: not arrays, Sets or safe strings, which are objects too in JavaScript.
  mapping: (value) => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Set) && !(value instanceof SafeString),
  escaped: (value) => value instanceof SafeString,

  truthy: (value) => !!value,
  falsy: (value) => !value,

  // `%` converts as JavaScript does ("5" is odd, as in nunjucks) and keeps the sign: -3 % 2 is -1.
  odd: (value) => Math.abs(value % 2) === 1,
  even: (value) => value % 2 === 0,
  divisibleby: (value, divisor) => value % divisor === 0,

  lower: (value) => isText(value) && String(value).toLowerCase() === String(value),
  upper: (value) => isText(value) && String(value).toUpperCase() === String(value),

  equalto,
  eq: equalto,
  sameas: equalto,
  ne: (value, other) => value !== other,
  lessthan,
  lt: lessthan,
  greaterthan,
  gt: greaterthan,
  le: (value, other) => value <= other,
  ge: (value, other) => value >= other,
};
