/** One range of an Accept header: `text/*;q=0.5`. */
interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Parses `text/html, application/*;q=0.5, *\/*;q=0.1` (RFC 9110 §12.5.1). Malformed ranges are skipped. */
export function parseAccept(header: string): MediaRange[] {
  return header.split(',').flatMap((item) => {
    const [range = '', ...params] = item.split(';').map((s) => s.trim());
    const [type, subtype] = range.toLowerCase().split('/');
    if (!type || !subtype) return [];
    const qParam = params.find((p) => p.toLowerCase().startsWith('q='));
    // Digits with an optional fraction only, so no sign: Number() would read '' as 0 and '0x1' as 1.
    const raw = qParam?.slice(2);
    const q = raw === undefined ? 1 : /^(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : NaN;
    return q <= 1 ? [{ type, subtype, q }] : []; // NaN, a malformed q, is not <= 1 either
  });
}

/**
 * The offered type the client likes best: each offer gets the q of the most specific range that
 * covers it (`text/html` over `text/*` over `*\/*`); the highest q wins, ties go to the earlier
 * offer (the server's preference), and q=0 means "not this". No Accept header accepts anything.
 */
export function bestMatch(header: string | undefined, offered: string[]): string | null {
  if (header === undefined || header.trim() === '') return offered[0] ?? null;
  const ranges = parseAccept(header);
  let best: string | null = null;
  let bestQ = 0;
  for (const offer of offered) {
    const [type = '', subtype = ''] = offer.toLowerCase().split('/');
    const covering = ranges
      .filter((r) => (r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype))
      .sort((a, b) => specificity(b) - specificity(a));
    const q = covering[0]?.q ?? 0;
    if (q > bestQ) [best, bestQ] = [offer, q];
  }
  return best;
}

function specificity(range: MediaRange): number {
  return (range.type === '*' ? 0 : 1) + (range.subtype === '*' ? 0 : 1);
}
