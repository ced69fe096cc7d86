import { RuleError, type Converter, type ConverterArgs, type ConverterFactory } from '#contracts/routing';
import { CUSTOM_WEIGHT, WEIGHTS, escapeRegExp } from './converters.ts';

/** One part of a rule between slashes: fixed text, a variable, or text and variables mixed. */
export type Segment =
  | { kind: 'static'; text: string; weight: number }
  | { kind: 'variable'; name: string; converter: Converter; converterName: string; regex: RegExp; weight: number }
  | MixedSegment;

type VariableSegment = Extract<Segment, { kind: 'variable' }>;

/**
 * A segment like `<name>.zip` or `<a>-<b>` (the extension of lessons/04-routing.md): its parts in
 * order, its variables, one anchored regular expression for the whole segment with a named group
 * per variable, and `rank`, which orders it against another mixed segment at the same place.
 */
export interface MixedSegment {
  kind: 'mixed';
  parts: Array<string | VariableSegment>;
  variables: VariableSegment[];
  regex: RegExp;
  weight: number;
  rank: number[];
}

/** The rule's variable names, in order, those inside mixed segments too. */
export function variableNames(segments: Segment[]): string[] {
  return segments.flatMap((s) => (s.kind === 'variable' ? [s.name] : s.kind === 'mixed' ? s.variables.map((v) => v.name) : []));
}

/** A rule, parsed: `/users/<int:id>/` is segments [users, <id>] with a trailing slash. */
export interface ParsedRule {
  text: string;
  segments: Segment[];
  trailingSlash: boolean;
  /** Index of the segment that holds the `path` variable, which may span several segments, or -1. */
  pathIndex: number;
}

/** After fixed text (0), before any whole variable (1 and up). */
const MIXED_WEIGHT = 0.5;
/** More would let one segment's regular expression backtrack for too long (P7). */
const MAX_MIXED_VARIABLES = 2;

// An identifier, but not __proto__: params.__proto__ = value would set the prototype, not a key.
const NAME = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE = /^<(?:([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?:)?([^<>:()]*)>$/;

/**
 * Parses rule text. A variable is written `<name>`, `<converter:name>` or
 * `<converter(args):name>`. Errors say where they are, with the rule text and a caret.
 */
export function parseRule(text: string, converters: Record<string, ConverterFactory>): ParsedRule {
  // TODO(lab4): refuse a rule that does not start with '/' or holds '//'. Note the trailing
  // slash, then cut the rest at '/'. A '<' that no '>' closes in its part is a RuleError. A part
  // that is exactly one <...> is a variable (parseVariable); a part without <...> is static text
  // (weight WEIGHTS.static); text and <...> together is a mixed segment (parseMixed, the
  // extension; without it, a RuleError). Refuse a variable name used twice and a second path
  // variable. Keep `offset`, where each part starts in `text`, for the errors.
  throw new Error('TODO(lab4): parseRule is not written yet (lessons/04-routing.md#rules-and-variables)');
}

/** A path variable, or a mixed segment that holds one: the segment that spans what the others leave (P4). */
function isPath(segment: Segment): boolean {
  if (segment.kind === 'mixed') return segment.variables.some(isPath);
  return segment.kind === 'variable' && segment.converterName === 'path';
}

/** Where each `<...>` of a segment starts. */
function positions(part: string): number[] {
  return [...part.matchAll(/<[^<>]*>/g)].map((m) => m.index);
}

/**
 * A segment of text and variables, `<a>-<b>.zip`: each variable parsed as a whole one would be
 * (at its own offset, so errors point at it), then one regular expression for the segment: the
 * text escaped, each variable's pattern in a named group, anchored at both ends.
 */
function parseMixed(text: string, part: string, offset: number, converters: Record<string, ConverterFactory>): MixedSegment {
  // TODO(lab4, extension): cut the part at its <...> (positions gives where each starts). Each
  // variable goes through parseVariable at the offset of its own '<'; a third variable is a
  // RuleError at its '<' (MAX_MIXED_VARIABLES). Then one regular expression for the segment: the
  // text escaped (escapeRegExp), variable i's pattern in the group (?<vi>...), all inside
  // ^(?:...)$. The rank: minus the number of pieces of text, minus each one's length, minus the
  // number of variables, then each variable's weight. The weight is MIXED_WEIGHT.
  throw new Error('TODO(lab4): parseMixed is not written yet (lessons/04-routing.md#variables-inside-a-segment)');
}

/**
 * The text each variable of a mixed segment takes, or null when the segment does not fit: the
 * regular expression decides, the first variable taking as much as it can.
 */
export function readMixed(segment: MixedSegment, text: string): string[] | null {
  // TODO(lab4, extension): run the segment's regex on the text: no match is null, else the text
  // of each variable's group (v0, v1), in order.
  throw new Error('TODO(lab4): readMixed is not written yet (lessons/04-routing.md#variables-inside-a-segment)');
}

function parseVariable(
  text: string,
  part: string,
  offset: number,
  converters: Record<string, ConverterFactory>,
): VariableSegment {
  // TODO(lab4): VARIABLE matches the part (one <...>) whole or not at all (no match: a
  // RuleError). It gives the converter name (default 'string'), the argument text and the
  // variable name (which must match NAME). Look the converter up among the own keys of
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
