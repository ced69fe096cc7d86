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
  if (!text.startsWith('/')) throw ruleError(text, 0, 'a rule must start with "/"');
  if (text.includes('//')) throw ruleError(text, text.indexOf('//') + 1, 'empty segment ("//")');
  const trailingSlash = text.length > 1 && text.endsWith('/');
  const body = text.slice(1, trailingSlash ? -1 : undefined);
  const segments: Segment[] = [];
  const names = new Set<string>();
  let offset = 1;
  for (const part of body === '' ? [] : body.split('/')) {
    // A `<` must open a variable that a `>` closes in the same segment; a lone `>` is text.
    const unclosed = part.replace(/<[^<>]*>/g, (m) => ' '.repeat(m.length)).indexOf('<');
    if (unclosed !== -1) throw ruleError(text, offset + unclosed, 'a variable opened with "<" is not closed with ">"');
    const segment = /^<[^<>]*>$/.test(part)
      ? parseVariable(text, part, offset, converters)
      : /<[^<>]*>/.test(part)
        ? parseMixed(text, part, offset, converters)
        : { kind: 'static' as const, text: part, weight: WEIGHTS.static! };
    const found = segment.kind === 'variable' ? [segment] : segment.kind === 'mixed' ? segment.variables : [];
    for (const [i, variable] of found.entries()) {
      const at = offset + (segment.kind === 'mixed' ? positions(part)[i]! : 0); // the variable's '<'
      if (names.has(variable.name)) throw ruleError(text, at, `the variable "${variable.name}" appears twice`);
      if (variable.converterName === 'path' && (segments.some(isPath) || found.slice(0, i).some(isPath))) {
        throw ruleError(text, at, 'a rule may have only one path variable');
      }
      names.add(variable.name);
    }
    segments.push(segment);
    offset += part.length + 1;
  }
  return { text, segments, trailingSlash, pathIndex: segments.findIndex(isPath) };
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
  const parts: Array<string | VariableSegment> = [];
  let last = 0;
  for (const at of positions(part)) {
    if (at > last) parts.push(part.slice(last, at));
    const end = part.indexOf('>', at) + 1;
    const variable = parseVariable(text, part.slice(at, end), offset + at, converters);
    if (parts.filter((p) => typeof p !== 'string').length === MAX_MIXED_VARIABLES) {
      throw ruleError(text, offset + at, `a segment may hold at most ${MAX_MIXED_VARIABLES} variables`);
    }
    parts.push(variable);
    last = end;
  }
  if (last < part.length) parts.push(part.slice(last));
  const variables = parts.filter((p): p is VariableSegment => typeof p !== 'string');
  const texts = parts.filter((p): p is string => typeof p === 'string');
  let source = '';
  for (const p of parts) source += typeof p === 'string' ? escapeRegExp(p) : `(?<v${variables.indexOf(p)}>${p.converter.pattern})`;
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw ruleError(text, offset, `the segment ${part} cannot be matched: ${(error as Error).message}`);
  }
  // Werkzeug's order: more pieces of text first, longer text first, more variables first, then
  // the variables' own weights (O2), left to right. Lower comes first, hence the minus signs.
  const rank = [-texts.length, ...texts.map((t) => -t.length), -variables.length, ...variables.map((v) => v.weight)];
  return { kind: 'mixed', parts, variables, regex, weight: MIXED_WEIGHT, rank };
}

/**
 * The text each variable of a mixed segment takes, or null when the segment does not fit: the
 * regular expression decides, the first variable taking as much as it can.
 */
export function readMixed(segment: MixedSegment, text: string): string[] | null {
  const match = segment.regex.exec(text);
  return match ? segment.variables.map((_, i) => match.groups![`v${i}`]!) : null;
}

function parseVariable(
  text: string,
  part: string,
  offset: number,
  converters: Record<string, ConverterFactory>,
): VariableSegment {
  const match = VARIABLE.exec(part); // anchored: the whole part is one <...>, or no match
  if (!match) throw ruleError(text, offset, `a variable is written <name>, <converter:name> or <converter(args):name>`);
  const [, converterName = 'string', argText = ''] = match;
  const name = match[3]!; // always there, maybe empty (<>)
  if (!NAME.test(name)) {
    const at = offset + Math.max(part.lastIndexOf(':'), 0) + 1; // just after ':' or '<'
    throw ruleError(text, at, `invalid variable name "${name}"`);
  }
  // The router's own converters only: `toString` or `constructor` are not converters.
  if (!Object.hasOwn(converters, converterName)) {
    throw ruleError(text, offset + 1, `unknown converter "${converterName}" (known: ${Object.keys(converters).join(', ')})`);
  }
  let converter: Converter;
  let regex: RegExp;
  try {
    converter = converters[converterName]!(parseArgs(argText));
    regex = new RegExp(`^(?:${converter.pattern})$`);
  } catch (error) {
    throw ruleError(text, offset + 1, `the converter "${converterName}" cannot be made: ${(error as Error).message}`);
  }
  return {
    kind: 'variable',
    name,
    converter,
    converterName,
    regex,
    weight: Object.hasOwn(WEIGHTS, converterName) ? WEIGHTS[converterName]! : CUSTOM_WEIGHT,
  };
}

/** `a, b, length=2, signed=true` -> { _: ['a', 'b'], length: 2, signed: true }. */
function parseArgs(text: string): ConverterArgs {
  const args: ConverterArgs = { _: [] };
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq === -1) args._.push(literal(item));
    else args[item.slice(0, eq).trim()] = literal(item.slice(eq + 1).trim());
  }
  return args;
}

function literal(text: string): string | number | boolean {
  if (/^(true|True)$/.test(text)) return true;
  if (/^(false|False)$/.test(text)) return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text.replace(/^(['"])(.*)\1$/, '$2');
}

/** A RuleError whose message shows the rule with a caret under the problem. */
function ruleError(text: string, position: number, message: string): RuleError {
  return new RuleError(`${message}\n  ${text}\n  ${' '.repeat(Math.max(0, position))}^`, position);
}
