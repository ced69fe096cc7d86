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
  onlyArgs(args, ['minlength', 'maxlength', 'length']);
  const exact = numberArg(args, 'length');
  const min = exact ?? numberArg(args, 'minlength') ?? 1;
  const max = exact ?? numberArg(args, 'maxlength');
  return { pattern: `[^/]{${min},${max ?? ''}}`, toValue: (text) => text, toUrl: (value) => String(value) };
};

/**
 * The rule's min and max, read once when the rule is added: the check that an int's or a float's
 * value is in range, which throws (no match) when it is not.
 */
function bounded(args: ConverterArgs): (value: number) => number {
  const min = numberArg(args, 'min') ?? -Infinity;
  const max = numberArg(args, 'max') ?? Infinity;
  return (value) => {
    if (value < min || value > max) throw new RangeError(`${value} is out of range`);
    return value;
  };
}

/**
 * `<int:id>`, `<int(signed=true, min=1, max=99):n>`: decimal digits, a minus sign only if signed.
 * `fixed_digits=3` wants exactly 3 characters, sign included (`007`, `-07`), and writes them so.
 */
const int: ConverterFactory = (args) => {
  onlyArgs(args, ['fixed_digits', 'min', 'max', 'signed']);
  const inRange = bounded(args);
  const digits = numberArg(args, 'fixed_digits') ?? 0;
  return {
    pattern: args.signed === true ? '-?\\d+' : '\\d+',
    toValue: (text) => {
      if (digits > 0 && text.length !== digits) throw new RangeError(`${text} is not ${digits} characters long`);
      const value = Number(text);
      // Above 2^53 - 1 a number can't hold every integer: 9007199254740993 would read as ...992.
      if (!Number.isSafeInteger(value)) throw new RangeError(`${text} is too large to be read exactly`);
      return inRange(value);
    },
    toUrl: (value) => {
      const text = String(value);
      // Zeros go after the sign, as Python's zfill puts them: -7 is -07.
      const sign = text.startsWith('-') ? '-' : '';
      return sign + text.slice(sign.length).padStart(digits - sign.length, '0');
    },
  };
};

/** `<float:x>`: digits, a dot, digits (`1.5`, not `1` or `.5`), as Werkzeug has it. */
const float: ConverterFactory = (args) => {
  onlyArgs(args, ['min', 'max', 'signed']);
  const inRange = bounded(args);
  return {
    pattern: args.signed === true ? '-?\\d+\\.\\d+' : '\\d+\\.\\d+',
    toValue: (text) => inRange(Number(text)),
    toUrl: (value) => {
      const text = String(value);
      return text.includes('.') ? text : `${text}.0`;
    },
  };
};

/** `<uuid:id>`: the 8-4-4-4-12 hex form, any case; the value is lowercased. */
const uuid: ConverterFactory = (args) => {
  onlyArgs(args, []);
  return {
    pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    toValue: (text) => text.toLowerCase(),
    toUrl: (value) => String(value).toLowerCase(),
  };
};

/** `<any(about, help):page>`: one of the listed words. */
const any: ConverterFactory = (args) => {
  onlyArgs({ ...args, _: [] }, []); // the words only, no key=value
  return {
    pattern: args._.map((item) => escapeRegExp(String(item))).join('|'),
    toValue: (text) => text,
    toUrl: (value) => String(value),
  };
};

/**
 * `<path:rest>`: the rest of the path, slashes included. The router matches it specially.
 * `[\s\S]`, not `.`, which would refuse a line break (%0A) in the path.
 */
const path: ConverterFactory = (args) => {
  onlyArgs(args, []);
  return {
    pattern: '[^/][\\s\\S]*',
    toValue: (text) => text,
    toUrl: (value) => String(value),
  };
};

export const builtInConverters: Readonly<Record<string, ConverterFactory>> = { string, int, float, uuid, any, path };

/**
 * How specific a segment is: lower weights are tried first (see lessons/04-routing.md).
 * Static text beats any variable; among variables, the narrower pattern wins.
 */
export const WEIGHTS: Readonly<Record<string, number>> = { static: 0, any: 1, uuid: 2, int: 3, float: 3, string: 4, path: 5 };
export const CUSTOM_WEIGHT = 4;

export type { Converter };
