/** HTML text and attribute escaping shared by the report page and the history dashboard. */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function attr(name: string, value: string | number | boolean | null | undefined): string {
  if (value === undefined) return '';
  return ` ${name}="${esc(String(value))}"`;
}
