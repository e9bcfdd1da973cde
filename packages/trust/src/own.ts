/**
 * Records keyed by names a server chose: `__proto__` or `constructor` must stay an ordinary key, never reach the
 * prototype.
 * @module
 */

/** Sets `record[key]` as an own, enumerable property, whatever the key. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `record[key]` when it is the record's own property, else `undefined` (never an inherited member). */
export function getOwn<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The record's own keys sorted by UTF-16 code units (the JCS order). */
export function sortedKeys(record: object): string[] {
  return Object.keys(record).sort();
}
