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
  // TODO(lab6): String(arg) for a plain value; for a SafeString value, the argument escaped with
  // escapeHtml, or its own text if it is a SafeString itself.
  throw new Error('TODO(lab6): argText is not written yet (lessons/06-templates.md#autoescaping)');
}

/** null, undefined and false become the fallback; anything else its string. */
function text(value: unknown): string {
  return value === null || value === undefined || value === false ? '' : String(value);
}

function capitalize(value: unknown): string | SafeString {
  // TODO(lab6): first character upper case, the rest lower case; keeps safety.
  throw new Error('TODO(lab6): the capitalize filter is not written yet (lessons/06-templates.md#filters)');
}

/**
 * The built-in filters, with nunjucks's semantics (the engine is checked against it). Where those
 * differ from Jinja2's, lessons/06-templates.md shows both.
 */
export const builtInFilters: Record<string, Filter> = {
  upper: (value) => {
    // TODO(lab6): the text in upper case. The result is a plain string, even for safe input.
    throw new Error('TODO(lab6): the upper filter is not written yet (lessons/06-templates.md#filters)');
  },
  lower: (value) => {
    // TODO(lab6): the text in lower case; a plain string, like upper.
    throw new Error('TODO(lab6): the lower filter is not written yet (lessons/06-templates.md#filters)');
  },
  capitalize,
  title: (value) => {
    // TODO(lab6): capitalize each word (words are split at spaces); keeps safety.
    throw new Error('TODO(lab6): the title filter is not written yet (lessons/06-templates.md#filters)');
  },
  trim: (value) => {
    // TODO(lab6): without whitespace at both ends (none and undefined: ''); keeps safety.
    throw new Error('TODO(lab6): the trim filter is not written yet (lessons/06-templates.md#filters)');
  },

  length(value) {
    // TODO(lab6): 0 for undefined, null and false; the size of a Map or Set; the number of keys of
    // an object; otherwise its length (a string's, an array's, a SafeString's).
    throw new Error('TODO(lab6): the length filter is not written yet (lessons/06-templates.md#filters)');
  },

  /** The fallback when the value is undefined; with `boolean` true, when it is falsy. */
  default: (value, fallback, boolean = false) => {
    // TODO(lab6): the fallback when the value is undefined, or, with `boolean`, when it is falsy.
    throw new Error('TODO(lab6): the default filter is not written yet (lessons/06-templates.md#filters)');
  },

  join(value, separator = '', attribute?: string) {
    // TODO(lab6): the items joined by the separator (default ''); with an attribute, that attribute
    // of each item.
    throw new Error('TODO(lab6): the join filter is not written yet (lessons/06-templates.md#filters)');
  },

  replace(value, old, replacement, maxCount = -1) {
    // TODO(lab6): every occurrence of `old` replaced (at most maxCount of them unless it is -1),
    // as nunjucks does: numbers count as strings; an empty `old` puts the replacement around every
    // character; no match returns the value as it was. Keeps safety, and so takes `old` and the
    // replacement through argText.
    // Extension (lessons/06-templates.md#more-expressions-from-nunjucks): `old` may be a RegExp.
    throw new Error('TODO(lab6): the replace filter is not written yet (lessons/06-templates.md#filters)');
  },

  escape,
  e: escape,
  safe: markSafe,

  first: (value) => {
    // TODO(lab6): the first item (or character).
    throw new Error('TODO(lab6): the first filter is not written yet (lessons/06-templates.md#filters)');
  },
  last: (value) => {
    // TODO(lab6): the last item (or character).
    throw new Error('TODO(lab6): the last filter is not written yet (lessons/06-templates.md#filters)');
  },

  reverse(value) {
    // TODO(lab6): a string reversed (keeping safety), or a reversed copy of a list.
    throw new Error('TODO(lab6): the reverse filter is not written yet (lessons/06-templates.md#filters)');
  },

  sort: Object.assign(function sort(value: unknown, reverse = false, caseSensitive = false, attribute?: string) {
    // TODO(lab6): a sorted copy: by `attribute` of each item if given (a dotted one, "a.b", goes
    // one attribute at a time), strings compared in lower case unless caseSensitive, descending if
    // reverse.
    throw new Error('TODO(lab6): the sort filter is not written yet (lessons/06-templates.md#filters)');
  }, { params: ['reverse', 'case_sensitive', 'attribute'] }),

  round(value, precision = 0, method = 'common') {
    // TODO(lab6): rounded to `precision` decimals: Math.round, or Math.ceil / Math.floor for
    // the methods 'ceil' and 'floor'.
    throw new Error('TODO(lab6): the round filter is not written yet (lessons/06-templates.md#filters)');
  },

  int: Object.assign(function int(value: unknown, fallback?: unknown, base = 10) {
    // TODO(lab6): parseInt in the base (10 unless given), or the fallback when that is NaN.
    throw new Error('TODO(lab6): the int filter is not written yet (lessons/06-templates.md#filters)');
  }, { params: ['default', 'base'] }),

  float(value, fallback?: unknown) {
    // TODO(lab6): parseFloat, or the fallback when that is NaN.
    throw new Error('TODO(lab6): the float filter is not written yet (lessons/06-templates.md#filters)');
  },

  list(value) {
    // TODO(lab6): a string as its characters; an array as it is; an object as a list of
    // { key, value } items; anything else: a TypeError.
    throw new Error('TODO(lab6): the list filter is not written yet (lessons/06-templates.md#filters)');
  },

  /** Cuts at a word boundary (or mid-word with killwords) and adds `end`. */
  truncate(value, length = 255, killwords = false, end?: string) {
    // TODO(lab6): text up to `length` characters (default 255) stays as it is. Longer text is
    // cut at the last space before `length` (or at `length` exactly with killwords) and gets `end`
    // (default '...', taken through argText). Keeps safety.
    throw new Error('TODO(lab6): the truncate filter is not written yet (lessons/06-templates.md#filters)');
  },

  // Extension filters (optional, lessons/06-templates.md#extensions-optional): Flask's everyday
  // filters. The core milestones never call them.

  dictsort: Object.assign(function dictsort(value: unknown, caseSensitive = false, by = 'key') {
    // TODO(lab6, extension): the object's [key, value] pairs sorted by key (or by value), strings
    // compared in upper case unless caseSensitive; any other `by` throws.
    throw new Error('TODO(lab6): the dictsort filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['case_sensitive', 'by'] }),

  groupby: Object.assign(function groupby(value: unknown, attribute: string) {
    // TODO(lab6, extension): an object from each value of the (maybe dotted) attribute, as text,
    // to the list of its items, in order.
    throw new Error('TODO(lab6): the groupby filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['attribute'] }),

  sum: Object.assign(function sum(value: unknown, attribute?: string, start = 0) {
    // TODO(lab6, extension): start plus the items (or the attribute of each) added up.
    throw new Error('TODO(lab6): the sum filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['attribute', 'start'] }),

  batch: Object.assign(function batch(value: unknown, size: number, fill?: unknown) {
    // TODO(lab6, extension): lists of `size` items, the last one padded with `fill` when that is
    // given and not falsy.
    throw new Error('TODO(lab6): the batch filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['linecount', 'fill_with'] }),

  min: Object.assign(function min(value: unknown, caseSensitive = false, attribute?: string) {
    // TODO(lab6, extension): the smallest item (compared by its attribute if one is given),
    // strings in lower case unless caseSensitive; the first of equal items.
    throw new Error('TODO(lab6): the min filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['case_sensitive', 'attribute'] }),

  max: Object.assign(function max(value: unknown, caseSensitive = false, attribute?: string) {
    // TODO(lab6, extension): the largest item, compared as min compares.
    throw new Error('TODO(lab6): the max filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['case_sensitive', 'attribute'] }),

  unique: Object.assign(function unique(value: unknown, caseSensitive = false, attribute?: string) {
    // TODO(lab6, extension): the items in order, without those equal to an earlier one.
    throw new Error('TODO(lab6): the unique filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['case_sensitive', 'attribute'] }),

  items(value) {
    // TODO(lab6, extension): an object's [key, value] pairs; [] for none and undefined; anything
    // else throws.
    throw new Error('TODO(lab6): the items filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  },

  map: Object.assign(function map(value: unknown, filter?: string, ...rest: unknown[]) {
    // TODO(lab6, extension): with a filter name, each item through that built-in filter with the
    // rest of the arguments; without one, rest is [attribute, default]: each item's attribute,
    // or the default where it is undefined.
    throw new Error('TODO(lab6): the map filter is not written yet (lessons/06-templates.md#filters-for-lists-and-dicts)');
  }, { params: ['filter', 'attribute', 'default'] }),

  tojson: Object.assign(function tojson(value: unknown, indent?: number) {
    // TODO(lab6, extension): JSON as Jinja2 writes it, with < > & ' as \u escapes, returned as
    // a SafeString.
    throw new Error('TODO(lab6): the tojson filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  }, { params: ['indent'] }),

  striptags: Object.assign(function striptags(value: unknown, preserveLinebreaks = false) {
    // TODO(lab6, extension): the text without tags and comments, whitespace squeezed (or, with
    // preserveLinebreaks, each line trimmed and blank lines squeezed); plain text, never a
    // SafeString (a SafeString's entities decoded).
    throw new Error('TODO(lab6): the striptags filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  }, { params: ['preserve_linebreaks'] }),

  urlencode(value) {
    // TODO(lab6, extension): percent-encoded text, or key=value pairs joined by &; plain text.
    throw new Error('TODO(lab6): the urlencode filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  },

  wordcount(value) {
    // TODO(lab6, extension): how many runs of \w the text has; undefined when none.
    throw new Error('TODO(lab6): the wordcount filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  },

  indent: Object.assign(function indent(value: unknown, width = 4, first = false) {
    // TODO(lab6, extension): `width` spaces before every line but the first (before every line
    // with `first`); keeps safety.
    throw new Error('TODO(lab6): the indent filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  }, { params: ['width', 'first'] }),

  abs: (value) => {
    // TODO(lab6, extension): the absolute value.
    throw new Error('TODO(lab6): the abs filter is not written yet (lessons/06-templates.md#filters-for-text-and-numbers)');
  },

  select: (value, test?: string, ...args: unknown[]) => {
    // TODO(lab6, extension): the items that pass the built-in test of that name (with args), or
    // the truthy items without a name.
    throw new Error('TODO(lab6): the select filter is not written yet (lessons/06-templates.md#filters-that-call-tests)');
  },
  reject: (value, test?: string, ...args: unknown[]) => {
    // TODO(lab6, extension): the items that fail the test, or the falsy items without a name.
    throw new Error('TODO(lab6): the reject filter is not written yet (lessons/06-templates.md#filters-that-call-tests)');
  },
  selectattr: (value, attribute: string, test?: string, ...args: unknown[]) => {
    // TODO(lab6, extension): as select, asked of each item's (maybe dotted) attribute.
    throw new Error('TODO(lab6): the selectattr filter is not written yet (lessons/06-templates.md#filters-that-call-tests)');
  },
  rejectattr: (value, attribute: string, test?: string, ...args: unknown[]) => {
    // TODO(lab6, extension): as reject, asked of each item's (maybe dotted) attribute.
    throw new Error('TODO(lab6): the rejectattr filter is not written yet (lessons/06-templates.md#filters-that-call-tests)');
  },

  // Extension filters (optional, lessons/06-templates.md#more-filters-from-nunjucks): the rest of
  // nunjucks's built-in filters. The core milestones never call them.

  center: Object.assign(function center(value: unknown, width = 80) {
    // TODO(lab6, extension): the text with spaces on both sides, `width` characters in all (80 when
    // width is 0), the odd space on the right; text as long as width or longer as it is. Keeps safety.
    throw new Error('TODO(lab6): the center filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  }, { params: ['width'] }),

  nl2br: (value) => {
    // TODO(lab6, extension): '<br />' before each \n or \r\n (which becomes \n); '' for none and
    // undefined. Keeps safety: plain text stays plain.
    throw new Error('TODO(lab6): the nl2br filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  },

  urlize: Object.assign(function urlize(value: unknown, limit?: number, nofollow = false) {
    // TODO(lab6, extension): each word that is a URL or an email address as a link, the rest as it
    // is; plain text escaped piece by piece, the whole returned as a SafeString.
    throw new Error('TODO(lab6): the urlize filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  }, { params: ['trim_url_limit', 'nofollow'] }),

  dump: Object.assign(function dump(value: unknown, indent?: number | string) {
    // TODO(lab6, extension): JSON.stringify(value, null, indent), SafeStrings as their text.
    throw new Error('TODO(lab6): the dump filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  }, { params: ['indent'] }),

  forceescape: (value) => {
    // TODO(lab6, extension): escapeHtml of the text, even of a SafeString's, as a SafeString.
    throw new Error('TODO(lab6): the forceescape filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  },

  slice: Object.assign(function slice(value: unknown, slices: number, fill?: unknown) {
    // TODO(lab6, extension): `slices` lists, the first length % slices of them one item longer;
    // the others get `fill` at the end when it is given and not falsy.
    throw new Error('TODO(lab6): the slice filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  }, { params: ['slices', 'fill_with'] }),

  random(value) {
    // TODO(lab6, extension): one item, chosen with Math.random.
    throw new Error('TODO(lab6): the random filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  },

  string: (value) => {
    // TODO(lab6, extension): the value as text, '' for none and undefined. Keeps safety.
    throw new Error('TODO(lab6): the string filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  },

  d: (value, fallback, boolean = false) => {
    // TODO(lab6, extension): the same as the default filter.
    throw new Error('TODO(lab6): the d filter is not written yet (lessons/06-templates.md#more-filters-from-nunjucks)');
  },
};
