/**
 * The text fallback of a result, for clients that do not read `structuredContent`: a compact aligned table.
 * @module
 */
import type { ColumnInfo, QueryResult, TableDescription } from './database.js';
import type { Cell } from './values.js';

/** Widest a column gets in the text view; the structured result keeps the whole value. */
const MAX_WIDTH = 60;

function show(cell: Cell): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'string') return cell.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
  return `<blob ${cell.bytes} bytes>`;
}

function fit(text: string): string {
  return text.length <= MAX_WIDTH ? text : `${text.slice(0, MAX_WIDTH - 1)}…`;
}

/** Renders columns and rows as a pipe-separated table with a closing count line. */
export function renderTable(result: QueryResult): string {
  const head = result.columns.map((c) => fit(show(c)));
  const body = result.rows.map((row) => row.map((c) => fit(show(c))));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const out: string[] = [];
  if (head.length) {
    out.push(line(head), widths.map((w) => '-'.repeat(w)).join('-+-'));
    for (const row of body) out.push(line(row));
  }
  const count = `(${result.rowCount} row${result.rowCount === 1 ? '' : 's'})`;
  out.push(result.truncated ? `${count} TRUNCATED: ${result.note ?? 'more rows exist'}` : count);
  return out.join('\n');
}

function columnLine(c: ColumnInfo): string {
  const parts = [c.name, c.type || '(no type)'];
  if (c.primaryKey) parts.push(`PRIMARY KEY${c.primaryKey > 1 ? ` (#${c.primaryKey})` : ''}`);
  if (c.notNull) parts.push('NOT NULL');
  if (c.defaultValue !== null) parts.push(`DEFAULT ${c.defaultValue}`);
  if (c.hidden === 1) parts.push('HIDDEN');
  if (c.hidden > 1) parts.push('GENERATED');
  return `- ${parts.join(' ')}`;
}

/** A table's description as Markdown: columns, indexes, foreign keys and the CREATE statement. */
export function renderDescription(t: TableDescription): string {
  const out = [`## ${t.type} ${t.name}`, '', 'Columns:', ...t.columns.map(columnLine)];
  if (t.indexes.length) {
    out.push('', 'Indexes:');
    for (const i of t.indexes) out.push(`- ${i.name}${i.unique ? ' UNIQUE' : ''} (${i.columns.map((c) => c ?? '<expression>').join(', ')})${i.partial ? ' partial' : ''}`);
  }
  if (t.foreignKeys.length) {
    out.push('', 'Foreign keys:');
    for (const f of t.foreignKeys) out.push(`- ${f.from} → ${f.table}(${f.to ?? 'primary key'}) on update ${f.onUpdate}, on delete ${f.onDelete}`);
  }
  if (t.sql) out.push('', '```sql', `${t.sql};`, '```');
  return out.join('\n');
}
