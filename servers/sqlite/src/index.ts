/**
 * @mcpkit/server-sqlite: an MCP server for one SQLite database, read-only unless asked, enforced by SQLite.
 * @module
 */
export { createSqliteServer } from './server.js';
export type { SqliteServer, SqliteServerOptions } from './server.js';
export type { ColumnInfo, ExecuteResult, QueryResult, TableDescription, TableSummary } from './database.js';
export type { BlobCell, Cell, ParamValue, Params } from './values.js';
