/**
 * The office log as files: CSV (one row a record, a BOM so spreadsheet programs read the Chinese,
 * cells that would start a formula defused) and JSONL (the records as they are kept).
 */
import type { LogRecord } from '../../src/office/log.ts';

const COLUMNS = ['type', 'at', 'day', 'channel', 'user', 'qid', 'text', 'focus', 'entry', 'score', 'fallback', 'event', 'eligible', 'blockers', 'vote', 'comment'] as const;

export function toCsv(records: readonly LogRecord[]): string {
  const rows = records.map((r) => {
    const cells: Record<string, unknown> = { ...r };
    return COLUMNS.map((c) => cell(cells[c])).join(',');
  });
  return `\uFEFF${[COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export function toJsonl(records: readonly LogRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let s = Array.isArray(value) ? value.join(' ') : String(value);
  // A cell starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
