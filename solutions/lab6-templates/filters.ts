import type { Filter } from '#contracts/templates';
import { escape, escapeHtml, markSafe, SafeString } from './runtime.ts';

/** Results of string filters stay safe if their input was (nunjucks's copySafeness). */
function keepSafety(input: unknown, result: string): string | SafeString {
  return input instanceof SafeString ? new SafeString(result) : result;
}

/**
 * An argument a filter puts into its result, as text. When the value is a SafeString the result
 * will be one too, so the argument must be escaped like the value was (unless it is safe itself):
 * else `{{ s|e|replace("a", x) }}` would print x unescaped. nunjucks forgets this; Jinja2 does not.
 */
function argText(value: unknown, arg: unknown): string {
  if (!(value instanceof SafeString)) return String(arg);
  return arg instanceof SafeString ? arg.value : escapeHtml(String(arg));
}

/** `a.b.c` of an item: each step one attribute, undefined once one is missing. */
function attributeOf(item: unknown, path: string): unknown {
  let value = item;
  for (const key of path.split('.')) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return value;
}

/** null, undefined and false become the fallback; anything else its string. */
function text(value: unknown): string {
  return value === null || value === undefined || value === false ? '' : String(value);
}

function capitalize(value: unknown): string | SafeString {
  const lower = text(value).toLowerCase();
  return keepSafety(value, lower.charAt(0).toUpperCase() + lower.slice(1));
}

/** Every word capitalized. One pass over the characters: a split, a map and a join cost twice as much. */
function title(value: unknown): string | SafeString {
  const lower = text(value).toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length; i++) out += i === 0 || lower[i - 1] === ' ' ? lower[i]!.toUpperCase() : lower[i];
  return keepSafety(value, out);
}

/**
 * The built-in filters, with nunjucks's semantics (the engine is checked against it). Where those
 * differ from Jinja2's, lessons/06-templates.md shows both.
 */
export const builtInFilters: Record<string, Filter> = {
  upper: (value) => text(value).toUpperCase(),
  lower: (value) => text(value).toLowerCase(),
  capitalize,
  title,
  trim: (value) => keepSafety(value, text(value).replace(/^\s*|\s*$/g, '')),

  length(value) {
    if (value === null || value === undefined || value === false) return 0;
    if (value instanceof Map || value instanceof Set) return value.size;
    if (typeof value === 'object' && !(value instanceof SafeString) && !Array.isArray(value)) return Object.keys(value).length;
    return (value as { length?: number }).length;
  },

  /** The fallback when the value is undefined; with `boolean` true, when it is falsy. */
  default: (value, fallback, boolean = false) => (boolean ? value || fallback : value !== undefined ? value : fallback),

  join(value, separator = '', attribute?: string) {
    const items = attribute ? (value as Array<Record<string, unknown>>).map((item) => item[attribute]) : (value as unknown[]);
    return items.join(separator || '');
  },

  replace(value, old, replacement, maxCount = -1) {
    const source = typeof value === 'number' ? String(value) : value;
    if (typeof source !== 'string' && !(source instanceof SafeString)) return value;
    const haystack = String(source);
    if (typeof old !== 'string' && typeof old !== 'number' && !(old instanceof SafeString)) return value;
    // Into safe text, the old and the new text go escaped (see argText).
    const needle = argText(value, old);
    const insert = argText(value, replacement);
    if (needle === '') return keepSafety(value, insert + [...haystack].join(insert) + insert);
    let result = '';
    let position = 0;
    let count = 0;
    for (let at = haystack.indexOf(needle); at !== -1 && (maxCount === -1 || count < maxCount); at = haystack.indexOf(needle, position)) {
      result += haystack.slice(position, at) + insert;
      position = at + needle.length;
      count += 1;
    }
    if (count === 0) return value;
    return keepSafety(value, result + haystack.slice(position));
  },

  escape,
  e: escape,
  safe: markSafe,

  first: (value) => (value as ArrayLike<unknown>)[0],
  last: (value) => {
    const items = value as ArrayLike<unknown>;
    return items[items.length - 1];
  },

  reverse(value) {
    if (typeof value === 'string' || value instanceof SafeString) return keepSafety(value, [...String(value)].reverse().join(''));
    return [...(value as unknown[])].reverse();
  },

  sort: Object.assign(function sort(value: unknown, reverse = false, caseSensitive = false, attribute?: string) {
    const key = (item: unknown) => {
      const v = attribute ? attributeOf(item, attribute) : item;
      return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
    };
    return [...(value as unknown[])].sort((a, b) => {
      const [x, y] = [key(a) as number, key(b) as number];
      return x < y ? (reverse ? 1 : -1) : x > y ? (reverse ? -1 : 1) : 0;
    });
  }, { params: ['reverse', 'case_sensitive', 'attribute'] }),

  round(value, precision = 0, method = 'common') {
    const factor = Math.pow(10, precision || 0);
    const rounder = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : Math.round;
    return rounder((value as number) * factor) / factor;
  },

  int: Object.assign(function int(value: unknown, fallback?: unknown, base = 10) {
    const result = parseInt(value as string, base);
    return Number.isNaN(result) ? fallback : result;
  }, { params: ['default', 'base'] }),

  float(value, fallback?: unknown) {
    const result = parseFloat(value as string);
    return Number.isNaN(result) ? fallback : result;
  },

  list(value) {
    if (typeof value === 'string') return value.split('');
    if (Array.isArray(value)) return value;
    if (value !== null && typeof value === 'object') return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    throw new TypeError('list filter: the value is not iterable');
  },

  /** Cuts at a word boundary (or mid-word with killwords) and adds `end`. */
  truncate(value, length = 255, killwords = false, end?: string) {
    const input = text(value);
    const limit = length || 255;
    if (input.length <= limit) return keepSafety(value, input);
    let cut: string;
    if (killwords) {
      cut = input.slice(0, limit);
    } else {
      const space = input.lastIndexOf(' ', limit);
      cut = input.slice(0, space === -1 ? limit : space);
    }
    return keepSafety(value, cut + argText(value, end ?? '...'));
  },
};
