/**
 * Every database access the server makes, on a connection opened for that one call. Read-only is enforced by
 * SQLite (a read-only connection, and the statement's own `readonly` flag), never by reading SQL text.
 * @module
 */
import Database from 'better-sqlite3';
import { type Cell, type Params, type ResultCaps, rowBytes, toBindArgs, toCell } from './values.js';

type Connection = Database.Database;
type Statement = Database.Statement<unknown[], unknown>;

/** How long a statement waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 2000;
/** Rows shown by `sampleRows` when the caller asks for none in particular. */
const DEFAULT_SAMPLE_ROWS = 5;

/** A request the server will not run; its message is meant for the client. */
export class SqlRefusedError extends Error {
  override readonly name = 'SqlRefusedError';
  readonly code = 'MCPKIT_SQL_REFUSED';
}

/** The rows of one statement, cut to the caps. */
export interface QueryResult {
  columns: string[];
  rows: Cell[][];
  rowCount: number;
  truncated: boolean;
  /** Why the result is incomplete, when it is. */
  note?: string;
}

/** What `execute` reports: the change count, the last rowid, and any rows (`RETURNING`). */
export interface ExecuteResult extends QueryResult {
  changes: number;
  lastInsertRowid: number | string;
}

/** A table or view as `sqlite_schema` lists it. */
export interface TableSummary {
  name: string;
  type: 'table' | 'view';
}

/** One column from `pragma_table_xinfo`. */
export interface ColumnInfo {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  primaryKey: number;
  /** 0 for an ordinary column; 1 hidden (virtual tables), 2 or 3 generated. */
  hidden: number;
}

/** A table's full description. */
export interface TableDescription extends TableSummary {
  sql: string | null;
  columns: ColumnInfo[];
  indexes: Array<{ name: string; unique: boolean; origin: string; partial: boolean; columns: Array<string | null> }>;
  foreignKeys: Array<{ id: number; from: string; table: string; to: string | null; onUpdate: string; onDelete: string }>;
}

/** Opens `path` for one call and always closes it, so no connection setting outlives the call. */
function withConnection<T>(path: string, readonly: boolean, fn: (db: Connection) => T): T {
  let db: Connection;
  try {
    db = new Database(path, { readonly, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new SqlRefusedError(`Cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    db.defaultSafeIntegers(true);
    return fn(db);
  } finally {
    db.close();
  }
}

/** Prepares exactly one statement; better-sqlite3 itself refuses a string holding more than one. */
function prepareOne(db: Connection, sql: string): Statement {
  try {
    return db.prepare(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/more than one statement/.test(message)) {
      throw new SqlRefusedError('One statement per call: this SQL holds more than one statement, and none of them was run.');
    }
    if (/contains no statements/.test(message)) throw new SqlRefusedError('The SQL holds no statement.');
    throw error;
  }
}

/** Converts raw rows until a cap is reached; stopping the iteration resets the statement. */
function collect(columns: string[], source: Iterable<unknown[]>, caps: ResultCaps): QueryResult {
  const rows: Cell[][] = [];
  let bytes = 0;
  let cellsCut = false;
  let note: string | undefined;
  for (const raw of source) {
    if (rows.length >= caps.maxRows) {
      note = `stopped at the row cap of ${caps.maxRows} rows; add LIMIT/OFFSET or narrow the query to see the rest`;
      break;
    }
    const row = raw.map((v) => {
      const { cell, cut } = toCell(v as Parameters<typeof toCell>[0], caps.maxCell);
      cellsCut ||= cut;
      return cell;
    });
    const size = rowBytes(row);
    if (bytes + size > caps.maxBytes) {
      note = `stopped at the size cap of ${caps.maxBytes} bytes; select fewer columns or rows to see the rest`;
      break;
    }
    rows.push(row);
    bytes += size;
  }
  if (cellsCut) {
    const cutNote = `values longer than ${caps.maxCell} characters (text) or bytes (blobs) were cut`;
    note = note === undefined ? cutNote : `${note}; ${cutNote}`;
  }
  const result: QueryResult = { columns, rows, rowCount: rows.length, truncated: note !== undefined };
  if (note !== undefined) result.note = note;
  return result;
}

function columnsOf(stmt: Statement): string[] {
  return stmt.columns().map((c) => c.name);
}

/**
 * Runs one statement that returns rows and changes nothing, on a read-only connection (in every mode).
 * @throws SqlRefusedError for a statement that writes or returns no rows, and for more than one statement.
 */
export function runQuery(path: string, sql: string, params: Params | undefined, caps: ResultCaps): QueryResult {
  return withConnection(path, true, (db) => {
    const stmt = prepareOne(db, sql);
    // SQLite's own verdict (sqlite3_stmt_readonly): true only if the statement cannot change the database file.
    if (!stmt.readonly) {
      throw new SqlRefusedError(
        'query is read-only and SQLite reports that this statement can change the database (INSERT, UPDATE, DELETE, DDL, VACUUM, writing PRAGMAs, …). Nothing was run. Changes go through the execute tool, which needs the server to run with --write.',
      );
    }
    // Read-only statements that return no rows are ATTACH/DETACH, transaction control and connection
    // settings: none of them is a query, and ATTACH would reach other files.
    if (!stmt.reader) {
      throw new SqlRefusedError(
        'query runs statements that return rows (SELECT, WITH … SELECT, VALUES, reading PRAGMAs). This statement returns none (ATTACH, DETACH, BEGIN/COMMIT and PRAGMA settings are of that kind) and was not run.',
      );
    }
    stmt.raw(true);
    return collect(columnsOf(stmt), stmt.iterate(...toBindArgs(params)) as Iterable<unknown[]>, caps);
  });
}

/** Whether the compiled program writes a file other than the database: only `VACUUM INTO` does. */
function writesAnotherFile(db: Connection, sql: string, params: Params | undefined): boolean {
  // Asking SQLite for the program of the very statement it just prepared, not reading the text: the
  // Vacuum opcode's P2 names the register holding the INTO target, and is 0 for a plain VACUUM.
  let program: Array<{ opcode: string; p2: number | bigint }>;
  try {
    program = db.prepare(`EXPLAIN ${sql}`).all(...toBindArgs(params)) as typeof program;
  } catch {
    return true; // fail closed: a statement whose program cannot be inspected is not run
  }
  return program.some((op) => op.opcode === 'Vacuum' && Number(op.p2) !== 0);
}

/**
 * Runs one statement that changes the database, on a read-write connection (only with --write).
 * @throws SqlRefusedError for a statement SQLite reports as read-only (ATTACH, DETACH, transaction control,
 *   connection settings, plain reads), for VACUUM INTO, and for more than one statement.
 */
export function runExecute(path: string, sql: string, params: Params | undefined, caps: ResultCaps): ExecuteResult {
  return withConnection(path, false, (db) => {
    const stmt = prepareOne(db, sql);
    if (stmt.readonly) {
      throw new SqlRefusedError(
        'execute runs statements that change the database, and SQLite reports that this one does not. Reads go through query; ATTACH, DETACH, transaction control (each call is its own transaction) and connection PRAGMAs are refused. Nothing was run.',
      );
    }
    if (writesAnotherFile(db, sql, params)) {
      throw new SqlRefusedError('VACUUM INTO writes a copy of the database to another file and is refused (plain VACUUM is allowed). Nothing was run.');
    }
    const args = toBindArgs(params);
    if (stmt.reader) {
      // RETURNING (or a PRAGMA that reports its new value): read every row so the statement completes,
      // then cap what is shown.
      stmt.raw(true);
      const all = stmt.all(...args) as unknown[][];
      const changes = Number(db.prepare('SELECT changes()').pluck().get());
      const lastId = db.prepare('SELECT last_insert_rowid()').pluck().get() as bigint;
      return { ...collect(columnsOf(stmt), all, caps), changes, lastInsertRowid: toCell(lastId, caps.maxCell).cell as number | string };
    }
    const info = stmt.run(...args);
    const lastInsertRowid = toCell(BigInt(info.lastInsertRowid), caps.maxCell).cell as number | string;
    return { columns: [], rows: [], rowCount: 0, truncated: false, changes: info.changes, lastInsertRowid };
  });
}

const LIST_TABLES_SQL = `SELECT name, type FROM sqlite_schema
  WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`;

function listOn(db: Connection): TableSummary[] {
  return db.prepare(LIST_TABLES_SQL).all() as TableSummary[];
}

/** The user's tables and views (SQLite's internal `sqlite_*` tables left out), by name. */
export function listTables(path: string): TableSummary[] {
  return withConnection(path, true, listOn);
}

/**
 * Finds a table or view by name in `sqlite_schema`, with a bound parameter. SQLite names are
 * case-insensitive, so the match is too, and the stored spelling is returned.
 * @throws SqlRefusedError when no table or view has that name.
 */
function resolveTable(db: Connection, name: string): TableSummary & { sql: string | null } {
  const row = db
    .prepare(`SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .get(name) as (TableSummary & { sql: string | null }) | undefined;
  if (!row) {
    const known = listOn(db).map((t) => t.name);
    const list = known.length ? `Known tables and views: ${known.join(', ')}.` : 'The database has no tables or views.';
    throw new SqlRefusedError(`No table or view is named ${JSON.stringify(name)}. ${list}`);
  }
  return row;
}

/**
 * Describes a table or view: columns, indexes, foreign keys and its CREATE statement. Every lookup is a
 * table-valued PRAGMA function with the name bound as a parameter; no identifier is spliced into SQL.
 * @throws SqlRefusedError when no table or view has that name.
 */
export function describeTable(path: string, name: string): TableDescription {
  return withConnection(path, true, (db) => {
    const table = resolveTable(db, name);
    const columns = (
      db.prepare('SELECT name, type, "notnull" AS "notNull", dflt_value AS "defaultValue", pk AS "primaryKey", hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(table.name) as Array<
        Omit<ColumnInfo, 'notNull' | 'primaryKey' | 'hidden'> & { notNull: bigint; primaryKey: bigint; hidden: bigint }
      >
    ).map((c) => ({ ...c, notNull: c.notNull !== 0n, primaryKey: Number(c.primaryKey), hidden: Number(c.hidden) }));
    const indexRows = db.prepare('SELECT name, "unique" AS "isUnique", origin, partial FROM pragma_index_list(?) ORDER BY seq').all(table.name) as Array<{
      name: string;
      isUnique: bigint;
      origin: string;
      partial: bigint;
    }>;
    const indexColumns = db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck();
    const indexes = indexRows.map((i) => ({
      name: i.name,
      unique: i.isUnique !== 0n,
      origin: i.origin,
      partial: i.partial !== 0n,
      columns: indexColumns.all(i.name) as Array<string | null>,
    }));
    const foreignKeys = (
      db.prepare('SELECT id, "from", "table", "to", on_update AS "onUpdate", on_delete AS "onDelete" FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table.name) as Array<{
        id: bigint;
        from: string;
        table: string;
        to: string | null;
        onUpdate: string;
        onDelete: string;
      }>
    ).map((f) => ({ ...f, id: Number(f.id) }));
    return { name: table.name, type: table.type, sql: table.sql, columns, indexes, foreignKeys };
  });
}

/**
 * A table's description plus its first rows.
 * @throws SqlRefusedError when no table or view has that name.
 */
export function sampleTable(path: string, name: string, caps: ResultCaps, limit = DEFAULT_SAMPLE_ROWS): { table: TableDescription; sample: QueryResult } {
  const table = describeTable(path, name);
  const sample = withConnection(path, true, (db) => {
    const resolved = resolveTable(db, table.name);
    // A FROM clause cannot take a bound parameter, so this is the one place a name enters SQL: only a name
    // just read back from sqlite_schema, quoted as an identifier ("" doubles a quote), on a read-only
    // connection, and only if SQLite agrees the statement is a read.
    const stmt = db.prepare(`SELECT * FROM "${resolved.name.replaceAll('"', '""')}" LIMIT ?`);
    if (!stmt.readonly || !stmt.reader) throw new SqlRefusedError(`Cannot sample ${JSON.stringify(name)}.`);
    stmt.raw(true);
    return collect(columnsOf(stmt), stmt.iterate(limit) as Iterable<unknown[]>, caps);
  });
  return { table, sample };
}

/** Every CREATE statement in the database, tables first, each ending in a semicolon. */
export function readSchema(path: string): string {
  return withConnection(path, true, (db) => {
    const rows = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, name`)
      .pluck()
      .all() as string[];
    return rows.map((sql) => `${sql};`).join('\n\n');
  });
}

/** Reads the schema over a read-write connection, which rolls back a hot journal left by a killed write. */
export function recoverJournal(path: string): void {
  withConnection(path, false, listOn);
}

/** Opens the database once, read-only, and reads its schema: proves the file is there and is SQLite. */
export function checkDatabase(path: string): void {
  listTables(path);
}
