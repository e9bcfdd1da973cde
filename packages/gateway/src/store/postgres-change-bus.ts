/**
 * Change notices over PostgreSQL `LISTEN/NOTIFY`: one dedicated connection listens (a pooled one cannot, it is
 * handed to other queries between uses); notices are sent with `pg_notify` and delivered on commit. A lost
 * connection is opened again with a capped backoff, and listeners then get `resync` for what they may have missed.
 * @module
 */
import pg from 'pg';
import { ChangeListeners, decodeChange, encodeChange, newOrigin, type ChangeBus, type ChangeListener, type ChangeMessage } from './change-bus.js';
import { redactUrl, sqlIdentifier } from './sql.js';

export interface PostgresChangeBusOptions {
  /** The channel (a plain identifier). Default `mcpkit_changes`. */
  channel?: string;
  /** Reports a lost connection or a notice that is not one. Default: stderr. */
  onError?: (error: Error) => void;
}

export const DEFAULT_PG_CHANNEL = 'mcpkit_changes';

/**
 * @example
 * const bus = await PostgresChangeBus.open('postgres://gw@db/gw');
 * bus.subscribe((m) => { if (m.type === 'key-revoked') verifier.forget(m.id); });
 */
export class PostgresChangeBus implements ChangeBus {
  readonly #url: string;
  readonly #channel: string;
  readonly #origin = newOrigin();
  readonly #onError: (error: Error) => void;
  readonly #listeners: ChangeListeners;
  #client: pg.Client | undefined;
  #closed = false;
  #retries = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Connects and listens.
   * @throws Error naming the URL (password redacted) when PostgreSQL cannot be reached.
   */
  static async open(url: string, options: PostgresChangeBusOptions = {}): Promise<PostgresChangeBus> {
    const bus = new PostgresChangeBus(url, options);
    try {
      await bus.#connect();
    } catch (error) {
      throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
    }
    return bus;
  }

  private constructor(url: string, options: PostgresChangeBusOptions) {
    this.#url = url;
    this.#channel = options.channel ?? DEFAULT_PG_CHANNEL;
    sqlIdentifier(this.#channel, 'change bus: channel');
    this.#onError = options.onError ?? ((error) => console.error(`[mcpkit] change notices (PostgreSQL at ${redactUrl(url)}): ${error.message}`));
    this.#listeners = new ChangeListeners((error) => this.#onError(error as Error));
  }

  async publish(message: ChangeMessage): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw new Error('the change bus is not connected to PostgreSQL');
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, encodeChange(message, this.#origin)]);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('notification', (n) => {
      if (n.channel !== this.#channel || n.payload === undefined) return;
      const decoded = decodeChange(n.payload);
      if (decoded === undefined) return this.#onError(new Error(`ignored a notice that is not a change: ${n.payload.slice(0, 200)}`));
      if (decoded.origin !== this.#origin) this.#listeners.emit(decoded.message);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${sqlIdentifier(this.#channel, 'change bus: channel')}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) return void (await client.end().catch(() => {}));
    this.#client = client;
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    this.#onError(new Error(`lost the connection (${error.message}); listening again shortly`));
    void client.end().catch(() => {});
    this.#reconnectSoon();
  }

  #reconnectSoon(): void {
    const delay = Math.min(100 * 2 ** Math.min(this.#retries++, 5), 3000);
    this.#retryTimer = setTimeout(() => {
      this.#connect().then(
        () => {
          this.#retries = 0;
          // Notices sent while nobody listened are gone: whatever was cached may be stale.
          if (!this.#closed) this.#listeners.emit({ type: 'resync' });
        },
        (error: unknown) => {
          if (this.#closed) return;
          this.#onError(new Error(`cannot listen again yet: ${(error as Error).message}`));
          this.#reconnectSoon();
        },
      );
    }, delay);
    this.#retryTimer.unref();
  }
}
