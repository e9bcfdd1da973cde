/**
 * What the PostgreSQL stores share: SQL naming and the transaction wrapper.
 * @module
 */
import type pg from 'pg';
import { InvalidArgumentError } from '@mcpkit/protocol';

/**
 * A schema or channel name, double-quoted for SQL.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` unless it is a plain identifier (letters, digits, _).
 */
export function sqlIdentifier(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new InvalidArgumentError(`${what} must be a plain SQL identifier (letters, digits, _), got ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL the WHATWG parser takes: cut out whatever sits between `:` and `@` in the authority.
    return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/, '$1***@');
  }
}

/** Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {}); // the connection may be gone; the original error says why
    throw error;
  } finally {
    client.release();
  }
}
