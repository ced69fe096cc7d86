/** One range of an Accept header: `text/*;q=0.5`. */
interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses `text/html, application/*;q=0.5, *\/*;q=0.1` (RFC 9110 §12.5.1). Malformed ranges are skipped. */
export function parseAccept(header: string): MediaRange[] {
  // TODO(lab5): split at commas; split each item at `;` and trim. The first piece is `type/subtype`
  // (lowercase it; skip the item if either half is missing). A `q=` parameter gives q (default 1);
  // skip the item if q is not a number from 0 to 1.
  throw new Error('TODO(lab5): parseAccept is not written yet (lessons/05-toolkit.md#content-negotiation)');
}

/**
 * The offered type the client likes best: each offer gets the q of the most specific range that
 * covers it (`text/html` over `text/*` over `*\/*`); the highest q wins, ties go to the earlier
 * offer (the server's preference), and q=0 means "not this". No Accept header accepts anything.
 */
export function bestMatch(header: string | undefined, offered: string[]): string | null {
  // TODO(lab5): no header (or a blank one): the first offer, or null if there are none. Otherwise
  // give each offer the q of the most specific range covering it (0 if none does; specificity
  // helps), and keep the offer with the highest q above 0, the earlier one on a tie.
  throw new Error('TODO(lab5): bestMatch is not written yet (lessons/05-toolkit.md#content-negotiation)');
}

function specificity(range: MediaRange): number {
  return (range.type === '*' ? 0 : 1) + (range.subtype === '*' ? 0 : 1);
}
