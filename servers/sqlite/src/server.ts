/**
 * The sqlite MCP server: tools to list, describe and query tables (and, with write access, change them),
 * the schema and each table as resources, and a prompt to explore the data.
 * @module
 */
import { ErrorCode, McpServer, ProtocolError, type CallToolResult, type RequestContext, ResourceNotFoundError } from '@mcpkit/server';
import { z } from 'zod';
import type { ExecuteResult, QueryResult, TableDescription, TableSummary } from './database.js';
import { QueryRunner, RunnerError } from './runner-client.js';
import type { RunnerOp } from './runner-protocol.js';
import { renderDescription, renderTable } from './text-table.js';
import type { Params, ResultCaps } from './values.js';

/** How to serve one database file. */
export interface SqliteServerOptions {
  /** The database file; it must exist. */
  path: string;
  /** Open for writing and offer the `execute` tool. Default false: the database is opened read-only. */
  write?: boolean;
  /** Most rows one result carries. Default 500. */
  maxRows?: number;
  /** Most bytes (approximate JSON size) of one result's rows. Default 256 KiB. */
  maxBytes?: number;
  /** Longest text (characters) or blob (bytes) kept whole in one cell. Default 16 KiB. */
  maxCell?: number;
  /** Longest one statement may run before it is stopped. Default 15 s. */
  timeoutMs?: number;
}

/** The server and the way to stop its database process. */
export interface SqliteServer {
  readonly server: McpServer;
  close(): Promise<void>;
}

const SAMPLE_ROWS = 5;
const SCHEMA_URI = 'sqlite://schema';
const TABLE_TEMPLATE = 'sqlite://table/{name}';

const cellSchema = z.union([z.null(), z.number(), z.string(), z.object({ base64: z.string(), bytes: z.number().int() })]);
const resultShape = {
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  rowCount: z.number().int(),
  truncated: z.boolean(),
  note: z.string().optional(),
};
const paramValue = z.union([z.null(), z.number(), z.string(), z.boolean(), z.object({ base64: z.string() })]);
const sqlInput = {
  sql: z.string().describe('Exactly one SQL statement'),
  params: z
    .union([z.array(paramValue), z.record(z.string(), paramValue)])
    .optional()
    .describe('Bound parameters: an array for ?, or an object for :name / @name / $name; a blob is { base64 }'),
};

function failure(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** The client-facing message of a failed operation; internal details stay in this process's log. */
function messageOf(error: unknown): string {
  if (error instanceof RunnerError && error.kind !== 'internal') return error.message;
  console.error('mcpkit-sqlite:', error);
  return 'Internal error: the database operation failed; the server log has details.';
}

/**
 * Builds the sqlite server. Each call opens its own connection in a separate database process; `query`
 * connections are read-only whatever the mode.
 * @example
 * const { server } = createSqliteServer({ path: 'app.db' });
 * await serveStdio(server);
 */
export function createSqliteServer(options: SqliteServerOptions): SqliteServer {
  const write = options.write ?? false;
  const caps: ResultCaps = { maxRows: options.maxRows ?? 500, maxBytes: options.maxBytes ?? 256 * 1024, maxCell: options.maxCell ?? 16 * 1024 };
  const runner = new QueryRunner({ path: options.path, caps, timeoutMs: options.timeoutMs ?? 15_000, write });
  const run = <T>(op: RunnerOp, ctx?: RequestContext) => runner.run<T>(op, ctx?.signal);

  const server = new McpServer(
    { name: 'mcpkit-sqlite', version: '0.1.0', title: 'SQLite' },
    {
      instructions: write
        ? 'A SQLite database, writable. Explore with list_tables and describe_table, read with query, change data with execute (one statement per call).'
        : 'A SQLite database, read-only. Explore with list_tables and describe_table, read with query (one statement per call).',
    },
  );

  server.tool(
    'list_tables',
    {
      title: 'List tables',
      description: 'Lists the tables and views of the database.',
      outputSchema: { tables: z.array(z.object({ name: z.string(), type: z.enum(['table', 'view']) })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (_args, ctx) => {
      try {
        const tables = await run<TableSummary[]>({ kind: 'listTables' }, ctx);
        const text = tables.length ? tables.map((t) => `${t.name} (${t.type})`).join('\n') : 'The database has no tables or views.';
        return { content: [{ type: 'text', text }], structuredContent: { tables } };
      } catch (error) {
        return failure(messageOf(error));
      }
    },
  );

  server.tool(
    'describe_table',
    {
      title: 'Describe a table',
      description: 'Columns, indexes, foreign keys and the CREATE statement of one table or view.',
      inputSchema: { table: z.string().min(1).describe('Table or view name, as list_tables shows it') },
      outputSchema: {
        name: z.string(),
        type: z.enum(['table', 'view']),
        sql: z.string().nullable(),
        columns: z.array(
          z.object({ name: z.string(), type: z.string(), notNull: z.boolean(), defaultValue: z.string().nullable(), primaryKey: z.number().int(), hidden: z.number().int() }),
        ),
        indexes: z.array(z.object({ name: z.string(), unique: z.boolean(), origin: z.string(), partial: z.boolean(), columns: z.array(z.string().nullable()) })),
        foreignKeys: z.array(z.object({ id: z.number().int(), from: z.string(), table: z.string(), to: z.string().nullable(), onUpdate: z.string(), onDelete: z.string() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ table }, ctx) => {
      try {
        const description = await run<TableDescription>({ kind: 'describeTable', name: table }, ctx);
        return { content: [{ type: 'text', text: renderDescription(description) }], structuredContent: { ...description } };
      } catch (error) {
        return failure(messageOf(error));
      }
    },
  );

  server.tool(
    'query',
    {
      title: 'Run a read-only query',
      description:
        'Runs one statement that returns rows and changes nothing (SELECT, WITH … SELECT, VALUES, reading PRAGMAs) on a read-only connection. Large results are cut at a row and size cap, marked truncated.',
      inputSchema: sqlInput,
      outputSchema: resultShape,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ sql, params }, ctx) => {
      try {
        const result = await run<QueryResult>({ kind: 'query', sql, params: params as Params | undefined }, ctx);
        return { content: [{ type: 'text', text: renderTable(result) }], structuredContent: { ...result } };
      } catch (error) {
        return failure(messageOf(error));
      }
    },
  );

  if (write) {
    server.tool(
      'execute',
      {
        title: 'Change the database',
        description:
          'Runs one statement that changes the database (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, …) in its own transaction. Returns the change count and any RETURNING rows.',
        inputSchema: sqlInput,
        outputSchema: { ...resultShape, changes: z.number().int(), lastInsertRowid: z.union([z.number(), z.string()]) },
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
      },
      async ({ sql, params }, ctx) => {
        try {
          const result = await run<ExecuteResult>({ kind: 'execute', sql, params: params as Params | undefined }, ctx);
          const summary = `${result.changes} row${result.changes === 1 ? '' : 's'} changed; last insert rowid ${result.lastInsertRowid}`;
          const text = result.columns.length ? `${summary}\n${renderTable(result)}` : summary;
          return { content: [{ type: 'text', text }], structuredContent: { ...result } };
        } catch (error) {
          return failure(messageOf(error));
        }
      },
    );
  }

  server.resource('schema', SCHEMA_URI, { title: 'Database schema', description: 'Every CREATE statement in the database', mimeType: 'application/sql' }, async (_uri, ctx) => {
    const text = await run<string>({ kind: 'readSchema' }, ctx).catch((error: unknown) => {
      throw new ProtocolError(ErrorCode.InternalError, messageOf(error));
    });
    return { contents: [{ mimeType: 'application/sql', text: text || '-- the database has no tables' }] };
  });

  server.resourceTemplate(
    'table',
    TABLE_TEMPLATE,
    {
      title: 'Table',
      description: `A table or view: its columns, CREATE statement and first ${SAMPLE_ROWS} rows`,
      mimeType: 'text/markdown',
      list: async (ctx) =>
        (await run<TableSummary[]>({ kind: 'listTables' }, ctx)).map((t) => ({
          uri: `sqlite://table/${encodeURIComponent(t.name)}`,
          name: t.name,
          description: `${t.type} ${t.name}`,
          mimeType: 'text/markdown',
        })),
      complete: {
        name: async (value) => {
          const prefix = value.toLowerCase();
          return (await run<TableSummary[]>({ kind: 'listTables' })).map((t) => t.name).filter((n) => n.toLowerCase().startsWith(prefix));
        },
      },
    },
    async (uri, variables, ctx) => {
      const name = variables.name;
      try {
        if (typeof name !== 'string') throw new RunnerError('refused', 'one table name expected');
        const { table, sample } = await run<{ table: TableDescription; sample: QueryResult }>({ kind: 'sampleTable', name, limit: SAMPLE_ROWS }, ctx);
        const text = `${renderDescription(table)}\n\nFirst rows:\n\n${renderTable(sample)}\n`;
        return { contents: [{ mimeType: 'text/markdown', text }] };
      } catch (error) {
        if (error instanceof RunnerError && error.kind === 'refused') {
          // The SDK answers with the revision's not-found error (-32002, or -32602 from 2026-07-28).
          throw new ResourceNotFoundError(uri, error.message);
        }
        throw new ProtocolError(ErrorCode.InternalError, messageOf(error));
      }
    },
  );

  server.prompt(
    'explore_data',
    {
      title: 'Explore the data',
      description: 'Starts an exploration of this database, optionally around a topic',
      arguments: { topic: z.string().optional().describe('What to look into, e.g. "late orders" or "customer churn"') },
    },
    async ({ topic }, ctx) => {
      const schema = await run<string>({ kind: 'readSchema' }, ctx).catch(() => '');
      const focus = topic ? `Focus on: ${topic}.` : 'Find what the data is about and what is interesting in it.';
      const how = write
        ? 'Use list_tables and describe_table to learn the structure, and query (read-only, one statement per call) to look at the data. Do not call execute unless I ask you to change something.'
        : 'Use list_tables and describe_table to learn the structure, and query (read-only, one statement per call) to look at the data.';
      return {
        description: topic ? `Explore the database: ${topic}` : 'Explore the database',
        messages: [
          { role: 'user', content: { type: 'resource', resource: { uri: SCHEMA_URI, mimeType: 'application/sql', text: schema || '-- the database has no tables' } } },
          {
            role: 'user',
            content: {
              type: 'text',
              text: `Here is the schema of a SQLite database. ${focus} ${how} Start with small queries (LIMIT), then summarise what you found with the queries that show it.`,
            },
          },
        ],
      };
    },
  );

  return { server, close: () => runner.close() };
}
