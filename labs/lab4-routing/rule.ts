import { RuleError, type Converter, type ConverterArgs, type ConverterFactory } from '#contracts/routing';
import { CUSTOM_WEIGHT, WEIGHTS } from './converters.ts';

/** One part of a rule between slashes: fixed text, or a variable matched by a converter. */
export type Segment =
  | { kind: 'static'; text: string; weight: number }
  | { kind: 'variable'; name: string; converter: Converter; converterName: string; regex: RegExp; weight: number };

type VariableSegment = Extract<Segment, { kind: 'variable' }>;

/** A rule, parsed: `/users/<int:id>/` is segments [users, <id>] with a trailing slash. */
export interface ParsedRule {
  text: string;
  segments: Segment[];
  trailingSlash: boolean;
  /** Index of the `path` variable, which may span several segments, or -1. */
  pathIndex: number;
}

// An identifier, but not __proto__: params.__proto__ = value would set the prototype, not a key.
const NAME = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE = /^<(?:([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?:)?([^<>:()]*)>$/;

/**
 * Parses rule text. A variable takes a whole segment: `<name>`, `<converter:name>` or
 * `<converter(args):name>`. Errors say where they are, with the rule text and a caret.
 */
export function parseRule(text: string, converters: Record<string, ConverterFactory>): ParsedRule {
  // TODO(lab4): refuse a rule that does not start with '/' or holds '//'. Note the trailing
  // slash, then cut the rest at '/': a part with '<' or '>' is a variable (parseVariable), any
  // other part static text (weight WEIGHTS.static). Refuse a variable name used twice and a
  // second path variable. Keep `offset`, where each part starts in `text`, for the errors.
  throw new Error('TODO(lab4): parseRule is not written yet (lessons/04-routing.md#rules-and-variables)');
}

function isPath(segment: Segment): boolean {
  return segment.kind === 'variable' && segment.converterName === 'path';
}

function parseVariable(
  text: string,
  part: string,
  offset: number,
  converters: Record<string, ConverterFactory>,
): VariableSegment {
  // TODO(lab4): the part must be exactly one <...>: VARIABLE matches it whole or not at all (no
  // match: a RuleError). It gives the converter name (default 'string'), the argument text and
  // the variable name (which must match NAME). Look the converter up among the own keys of
  // `converters` (unknown: a RuleError that names it), call its factory with parseArgs(argText)
  // and compile its pattern anchored, ^(?:pattern)$, both inside a try: a throw is a RuleError at
  // the converter's name. The weight comes from WEIGHTS, or CUSTOM_WEIGHT for a converter it
  // doesn't list.
  throw new Error('TODO(lab4): parseVariable is not written yet (lessons/04-routing.md#rules-and-variables)');
}

/** `a, b, length=2, signed=true` -> { _: ['a', 'b'], length: 2, signed: true }. */
function parseArgs(text: string): ConverterArgs {
  // TODO(lab4): split at every comma and trim, leaving out empty items; `key=value` goes under
  // its key, anything else in `_`, in order. Every value goes through literal.
  throw new Error('TODO(lab4): parseArgs is not written yet (lessons/04-routing.md#converters)');
}

function literal(text: string): string | number | boolean {
  // TODO(lab4): true/True and false/False to booleans, decimal numbers to numbers, anything
  // else stays text (without surrounding quotes, if it has them).
  throw new Error('TODO(lab4): literal is not written yet (lessons/04-routing.md#converters)');
}

/** A RuleError whose message shows the rule with a caret under the problem. */
function ruleError(text: string, position: number, message: string): RuleError {
  // TODO(lab4): the message, then the rule text, then a line with '^' under text[position].
  throw new Error('TODO(lab4): ruleError is not written yet (lessons/04-routing.md#rule-errors)');
}
