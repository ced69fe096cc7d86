import { SafeString } from './runtime.ts';

/**
 * A test: `{{ value is name(arg1, arg2) }}` calls `test(value, arg1, arg2)` and asks a yes or no
 * question about the value. Registered by name, like filters.
 */
export type Test = (value: any, ...args: any[]) => unknown;

const equalto: Test = (value, other) => {
  // TODO(lab6): true when the value is the argument (===).
  throw new Error('TODO(lab6): the equalto test is not written yet (lessons/06-templates.md#tests-with-is)');
};
const lessthan: Test = (value, other) => {
  // TODO(lab6): true when the value is less than the argument (<).
  throw new Error('TODO(lab6): the lessthan test is not written yet (lessons/06-templates.md#tests-with-is)');
};
const greaterthan: Test = (value, other) => {
  // TODO(lab6): true when the value is greater than the argument (>).
  throw new Error('TODO(lab6): the greaterthan test is not written yet (lessons/06-templates.md#tests-with-is)');
};

/**
 * The built-in tests: nunjucks's list and semantics, plus Jinja2's name `none`. Where the answers
 * differ from nunjucks's (odd for negative numbers, lower and upper of a non-string),
 * lessons/06-templates.md says why.
 */
export const builtInTests: Record<string, Test> = {
  defined: (value) => {
    // TODO(lab6): true unless the value is undefined.
    throw new Error('TODO(lab6): the defined test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  undefined: (value) => {
    // TODO(lab6): true only for undefined.
    throw new Error('TODO(lab6): the undefined test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  null: (value) => {
    // TODO(lab6): true only for null.
    throw new Error('TODO(lab6): the null test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  none: (value) => {
    // TODO(lab6): Jinja2's name for the null test: the same answer.
    throw new Error('TODO(lab6): the none test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  number: (value) => {
    // TODO(lab6): true for a number.
    throw new Error('TODO(lab6): the number test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  string: (value) => {
    // TODO(lab6): true for a string or a SafeString.
    throw new Error('TODO(lab6): the string test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  callable: (value) => {
    // TODO(lab6): true for a function.
    throw new Error('TODO(lab6): the callable test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  iterable: (value) => {
    // TODO(lab6): true for what has a Symbol.iterator method: arrays, strings, Maps, Sets (not
    // undefined or null).
    throw new Error('TODO(lab6): the iterable test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  mapping: (value) => {
    // TODO(lab6): true for an object that is not null, an array, a Set or a SafeString.
    throw new Error('TODO(lab6): the mapping test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  escaped: (value) => {
    // TODO(lab6): true for a SafeString.
    throw new Error('TODO(lab6): the escaped test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  truthy: (value) => {
    // TODO(lab6): true when JavaScript's if would take the value.
    throw new Error('TODO(lab6): the truthy test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  falsy: (value) => {
    // TODO(lab6): the opposite of truthy.
    throw new Error('TODO(lab6): the falsy test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  odd: (value) => {
    // TODO(lab6): true when the remainder of the value divided by 2 (JavaScript's %) is 1 or -1:
    // -3 % 2 is -1.
    throw new Error('TODO(lab6): the odd test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  even: (value) => {
    // TODO(lab6): true when the remainder of the value divided by 2 is 0.
    throw new Error('TODO(lab6): the even test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  divisibleby: (value, divisor) => {
    // TODO(lab6): true when the argument divides the value (the remainder is 0).
    throw new Error('TODO(lab6): the divisibleby test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  lower: (value) => {
    // TODO(lab6): true for a string or SafeString that lower case leaves as it is; false for
    // anything else.
    throw new Error('TODO(lab6): the lower test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  upper: (value) => {
    // TODO(lab6): the same with upper case.
    throw new Error('TODO(lab6): the upper test is not written yet (lessons/06-templates.md#tests-with-is)');
  },

  equalto,
  eq: equalto,
  sameas: equalto,
  ne: (value, other) => {
    // TODO(lab6): the opposite of equalto.
    throw new Error('TODO(lab6): the ne test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  lessthan,
  lt: lessthan,
  greaterthan,
  gt: greaterthan,
  le: (value, other) => {
    // TODO(lab6): true when the value is less than or equal to the argument (<=).
    throw new Error('TODO(lab6): the le test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
  ge: (value, other) => {
    // TODO(lab6): true when the value is greater than or equal to the argument (>=).
    throw new Error('TODO(lab6): the ge test is not written yet (lessons/06-templates.md#tests-with-is)');
  },
};
