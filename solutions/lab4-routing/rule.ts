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
  if (!text.startsWith('/')) throw ruleError(text, 0, 'a rule must start with "/"');
  if (text.includes('//')) throw ruleError(text, text.indexOf('//') + 1, 'empty segment ("//")');
  const trailingSlash = text.length > 1 && text.endsWith('/');
  const body = text.slice(1, trailingSlash ? -1 : undefined);
  const segments: Segment[] = [];
  const names = new Set<string>();
  let offset = 1;
  for (const part of body === '' ? [] : body.split('/')) {
    if (part.includes('<') || part.includes('>')) {
      const segment = parseVariable(text, part, offset, converters);
      if (names.has(segment.name)) throw ruleError(text, offset, `the variable "${segment.name}" appears twice`);
      if (segment.converterName === 'path' && segments.some(isPath)) {
        throw ruleError(text, offset, 'a rule may have only one path variable');
      }
      names.add(segment.name);
      segments.push(segment);
    } else {
      segments.push({ kind: 'static', text: part, weight: WEIGHTS.static! });
    }
    offset += part.length + 1;
  }
  return { text, segments, trailingSlash, pathIndex: segments.findIndex(isPath) };
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
  const match = VARIABLE.exec(part); // anchored: the whole part is one <...>, or no match
  if (!match) throw ruleError(text, offset, `a variable must be a whole segment, like /<name>/, closed with ">"`);
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
