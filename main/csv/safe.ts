/**
 * Formula-injection defence for every CSV the station writes (OWASP "CSV Injection"): a cell
 * that a spreadsheet would read as a formula — starting with = + - @, a tab or a carriage
 * return — gets a leading single quote, so it is shown as text and never evaluated.
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseCell(value: string): string {
  return value.length > 0 && TRIGGERS.has(value[0] as string) ? `'${value}` : value;
}
