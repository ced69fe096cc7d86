/** Escapes text for HTML: each of & < > " ' becomes a character reference (given whole). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
