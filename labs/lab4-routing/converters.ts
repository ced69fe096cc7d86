import type { Converter, ConverterArgs, ConverterFactory } from '#contracts/routing';

/** Escapes text for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A number argument (`length=2`), or undefined if the rule doesn't give it. Anything else is a mistake in the rule. */
function numberArg(args: ConverterArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || typeof value === 'number') return value;
  throw new TypeError(`${name} must be a number, got ${String(value)}`);
}

/**
 * Refuses the arguments a converter does not take: a key not in `names`, or any positional
 * argument. `<int(fixed_digit=3):n>` is a typo to report when the rule is added, not an argument
 * to ignore.
 */
function onlyArgs(args: ConverterArgs, names: string[]): void {
  const unknown = Object.keys(args).filter((key) => key !== '_' && !names.includes(key));
  if (unknown.length > 0) throw new TypeError(`unknown argument ${unknown.join(', ')} (known: ${names.join(', ') || 'none'})`);
  if (args._.length > 0) throw new TypeError(`positional arguments are not taken here: write ${names[0] ?? 'nothing'}=...`);
}

/** `<name>` or `<string(minlength=2, maxlength=8):name>` or `<string(length=2):name>`: one segment. */
const string: ConverterFactory = (args) => {
  // TODO(lab4): one or more characters that are not '/'; `length` fixes the count, `minlength`
  // (default 1) and `maxlength` bound it. A regular expression quantifier {min,max} says that.
  // The value is the text itself. onlyArgs refuses any other argument.
  throw new Error('TODO(lab4): the string converter is not written yet (lessons/04-routing.md#converters)');
};

/**
 * The rule's min and max, read once when the rule is added: the check that an int's or a float's
 * value is in range, which throws (no match) when it is not.
 */
function bounded(args: ConverterArgs): (value: number) => number {
  // TODO(lab4): read min and max with numberArg now (so a min that is not a number throws while
  // the rule is added), and return a function that throws (any error) for a value below min or
  // above max, and otherwise returns it. A converter that throws in toValue refuses the match.
  throw new Error('TODO(lab4): bounded is not written yet (lessons/04-routing.md#converters)');
}

/**
 * `<int:id>`, `<int(signed=true, min=1, max=99):n>`: decimal digits, a minus sign only if signed.
 * `fixed_digits=3` wants exactly 3 characters, sign included (`007`, `-07`), and writes them so.
 */
const int: ConverterFactory = (args) => {
  // TODO(lab4): the pattern, the text to a number (checked by bounded(args), and refused when it
  // is not a safe integer, or not fixed_digits characters long), and back to text (zeros after
  // the sign up to fixed_digits characters). onlyArgs refuses any other argument.
  throw new Error('TODO(lab4): the int converter is not written yet (lessons/04-routing.md#converters)');
};

/** `<float:x>`: digits, a dot, digits (`1.5`, not `1` or `.5`), as Werkzeug has it. */
const float: ConverterFactory = (args) => {
  // TODO(lab4): like int, but the dot and the digits after it are required, both ways: 2 is
  // written `2.0`. No fixed_digits here: onlyArgs refuses any argument but min, max, signed.
  throw new Error('TODO(lab4): the float converter is not written yet (lessons/04-routing.md#converters)');
};

/** `<uuid:id>`: the 8-4-4-4-12 hex form, any case; the value is lowercased. */
const uuid: ConverterFactory = (args) => {
  // TODO(lab4): 8-4-4-4-12 hexadecimal digits in either case; lowercase the value both ways.
  // It takes no argument (onlyArgs).
  throw new Error('TODO(lab4): the uuid converter is not written yet (lessons/04-routing.md#converters)');
};

/** `<any(about, help):page>`: one of the listed words. */
const any: ConverterFactory = (args) => {
  // TODO(lab4): the positional arguments (args._), each escaped (escapeRegExp), joined with '|'.
  // A key=value argument is refused (onlyArgs on the args without their words).
  throw new Error('TODO(lab4): the any converter is not written yet (lessons/04-routing.md#converters)');
};

/** `<path:rest>`: the rest of the path, slashes included. The router matches it specially. */
const path: ConverterFactory = (args) => {
  // TODO(lab4): a first character that is not '/', then anything, line breaks included ('.'
  // refuses them). The router decides how many segments the text spans; this pattern only checks it.
  // It takes no argument (onlyArgs).
  throw new Error('TODO(lab4): the path converter is not written yet (lessons/04-routing.md#converters)');
};

export const builtInConverters: Readonly<Record<string, ConverterFactory>> = { string, int, float, uuid, any, path };

/**
 * How specific a segment is: lower weights are tried first (see lessons/04-routing.md).
 * Static text beats any variable; among variables, the narrower pattern wins.
 */
export const WEIGHTS: Readonly<Record<string, number>> = { static: 0, any: 1, uuid: 2, int: 3, float: 3, string: 4, path: 5 };
export const CUSTOM_WEIGHT = 4;

export type { Converter };
