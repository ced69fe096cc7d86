// Safe text: given whole, at both levels (the grader's tests and lab 7 use it through index.ts).

/**
 * Text already safe for HTML: output as it is, never escaped again. `| safe` makes one; escaping
 * makes one; a macro's output is one. Anything else is escaped on output when autoescape is on.
 */
export class SafeString {
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  get length(): number {
    return this.value.length;
  }

  toString(): string {
    return this.value;
  }
}

/** Marks a value as safe HTML: a SafeString as it is, none and undefined as empty text, anything else its string. */
export function markSafe(value: unknown): SafeString {
  return value instanceof SafeString ? value : new SafeString(value === null || value === undefined ? '' : String(value));
}
