/**
 * Change notices over Redis pub/sub, for replicas sharing Redis but not PostgreSQL. Subscribing takes a connection
 * of its own; node-redis subscribes again after a reconnect, and listeners then get `resync` for what they may
 * have missed (pub/sub keeps nothing for absent subscribers).
 * @module
 */
import { ChangeListeners, decodeChange, encodeChange, newOrigin, type ChangeBus, type ChangeListener, type ChangeMessage } from './change-bus.js';
import { connectRedis, type RedisConnection } from './redis-client.js';
import { redactUrl } from './sql.js';

export interface RedisChangeBusOptions {
  /** Default `mcpkit:changes`. */
  channel?: string;
  /** Reports a lost connection or a notice that is not one. Default: stderr. */
  onError?: (error: Error) => void;
}

/**
 * @example
 * const bus = await RedisChangeBus.open('redis://cache:6379');
 * await bus.publish({ type: 'key-revoked', id: 'ci' });
 */
export class RedisChangeBus implements ChangeBus {
  readonly #publisher: RedisConnection;
  readonly #subscriber: RedisConnection;
  readonly #channel: string;
  readonly #origin = newOrigin();
  readonly #listeners: ChangeListeners;
  readonly #onError: (error: Error) => void;

  /**
   * Opens its two connections (one publishes, one subscribes) and subscribes.
   * @throws Error naming the URL (password redacted) when Redis cannot be reached.
   */
  static async open(url: string, options: RedisChangeBusOptions = {}): Promise<RedisChangeBus> {
    const onError = options.onError ?? ((error: Error) => console.error(`[mcpkit] change notices (Redis at ${redactUrl(url)}): ${error.message}`));
    const publisher = await connectRedis(url, { onError });
    let subscriber: RedisConnection;
    try {
      subscriber = await connectRedis(url, { onError });
    } catch (error) {
      publisher.destroy();
      throw error;
    }
    const bus = new RedisChangeBus(publisher, subscriber, options.channel ?? 'mcpkit:changes', onError);
    try {
      await subscriber.subscribe(bus.#channel, (text) => bus.#receive(text));
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  private constructor(publisher: RedisConnection, subscriber: RedisConnection, channel: string, onError: (error: Error) => void) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#channel = channel;
    this.#onError = onError;
    this.#listeners = new ChangeListeners((error) => onError(error as Error));
    // 'ready' follows every (re)connection; the first one happened before this constructor ran.
    subscriber.on('ready', () => this.#listeners.emit({ type: 'resync' }));
  }

  async publish(message: ChangeMessage): Promise<void> {
    await this.#publisher.publish(this.#channel, encodeChange(message, this.#origin));
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    for (const client of [this.#subscriber, this.#publisher]) if (client.isOpen) client.destroy();
  }

  #receive(text: string): void {
    const decoded = decodeChange(text);
    if (decoded === undefined) return this.#onError(new Error(`ignored a notice that is not a change: ${text.slice(0, 200)}`));
    if (decoded.origin !== this.#origin) this.#listeners.emit(decoded.message);
  }
}
