/**
 * Test harness: the one {@link PinStore} contract every backend passes (lockfile, SQLite, PostgreSQL). A site is
 * one backend's shared state; each `store()` is another process's (or replica's) handle on it.
 * @module
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { type LockedServer, type ServerSnapshot, digestServer, emptyLockfile, pinServer } from '@mcpkit/trust';
import type { PinStore } from '../pin-store.js';

export interface PinSite {
  /** A new handle on the site's shared pins. */
  store(): Promise<PinStore>;
  /** Calls `onChange` when another handle changed the pins (the store's watch, or its change notices); resolves once listening. */
  follow(store: PinStore, onChange: () => void): Promise<() => Promise<void>>;
  /** Writes a malformed entry for `server` behind the store's back. */
  corrupt(server: string): Promise<void>;
}

/** The entry pinning `server` as serving `tools` (names of `{type: object}` tools). */
export async function entryFor(server: string, tools: string[], by = 'contract'): Promise<LockedServer> {
  const snapshot: ServerSnapshot = { name: server, serverInfo: { name: server, version: '1' }, tools: tools.map((name) => ({ name, inputSchema: { type: 'object' } })), prompts: [], resourceTemplates: [] };
  return pinServer(emptyLockfile(), await digestServer(snapshot), snapshot, { by, at: '2026-12-05T00:00:00.000Z' }).servers[server]!;
}

/** Polls `check` until it holds (bounded, generous: the machine is loaded). */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Declares the contract's tests for one backend; `site()` makes an empty one. */
export function pinStoreContract(name: string, site: () => Promise<PinSite>, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`PinStore contract: ${name}`, () => {
    it('starts empty, pins a server once, and hands later pinners the first pin', async () => {
      const s = await site();
      const store = await s.store();
      expect(await store.load()).toEqual(emptyLockfile());
      const first = await entryFor('files', ['read']);
      const second = await entryFor('files', ['read', 'write'], 'late');
      expect(await store.pinIfAbsent('files', first)).toEqual({ entry: first, pinned: true });
      expect(await store.pinIfAbsent('files', second)).toEqual({ entry: first, pinned: false });
      expect((await store.load()).servers).toEqual({ files: first });
      await store.close();
    });

    it('lets exactly one of several handles pinning one server at once win; every one gets the winner', async () => {
      const s = await site();
      const stores = await Promise.all([s.store(), s.store(), s.store()]);
      const entries = await Promise.all(stores.map((_, i) => entryFor('weather', [`tool_${i}`], `replica ${i}`)));
      const results = await Promise.all(stores.map((store, i) => store.pinIfAbsent('weather', entries[i]!)));
      expect(results.filter((r) => r.pinned)).toHaveLength(1);
      const winner = results.find((r) => r.pinned)!.entry;
      for (const r of results) expect(r.entry).toEqual(winner);
      for (const store of stores) expect((await store.load()).servers.weather).toEqual(winner);
      for (const store of stores) await store.close();
    });

    it('updates one server from its current entry, removes it, and leaves the others alone', async () => {
      const s = await site();
      const store = await s.store();
      const files = await entryFor('files', ['read']);
      const other = await entryFor('other', ['x']);
      await store.pinIfAbsent('other', other);
      const seen: Array<LockedServer | undefined> = [];
      expect(await store.update('files', (current) => (seen.push(current), files))).toEqual(files);
      const wider = await entryFor('files', ['read', 'write'], 'alice');
      expect(await store.update('files', async (current) => (seen.push(current), wider))).toEqual(wider);
      expect(seen).toEqual([undefined, files]);
      expect((await store.load()).servers).toEqual({ files: wider, other });
      expect(await store.update('files', () => undefined)).toBeUndefined();
      expect((await store.load()).servers).toEqual({ other });
      await store.close();
    });

    it('loses no update when two handles change one server at once', async () => {
      const s = await site();
      const [a, b] = [await s.store(), await s.store()];
      await a.pinIfAbsent('files', await entryFor('files', []));
      // Each adds its own tool to what it finds: both tools survive only if neither write undid the other.
      const add = (tool: string) => async (current: LockedServer | undefined) => {
        const names = Object.keys(current!.tools);
        await new Promise((r) => setTimeout(r, 5));
        return entryFor('files', [...names, tool]);
      };
      await Promise.all([a.update('files', add('from_a')), b.update('files', add('from_b'))]);
      expect(Object.keys((await a.load()).servers.files!.tools).sort()).toEqual(['from_a', 'from_b']);
      await a.close();
      await b.close();
    });

    it('keeps a server called __proto__ as an entry like any other', async () => {
      const s = await site();
      const store = await s.store();
      const entry = await entryFor('__proto__', ['t']);
      expect((await store.pinIfAbsent('__proto__', entry)).pinned).toBe(true);
      const lock = await store.load();
      expect(Object.hasOwn(lock.servers, '__proto__')).toBe(true);
      expect(lock.servers['__proto__']).toEqual(entry);
      await store.close();
    });

    it('tells another handle of a pin and of an approval', async () => {
      const s = await site();
      const [writer, reader] = [await s.store(), await s.store()];
      let heard = 0;
      const stop = await s.follow(reader, () => heard++);
      await writer.pinIfAbsent('files', await entryFor('files', ['read']));
      await until(() => heard > 0, 'the pin to be heard');
      const before = heard;
      await writer.update('files', () => entryFor('files', ['read', 'write'], 'bob'));
      await until(() => heard > before, 'the approval to be heard');
      expect(Object.keys((await reader.load()).servers.files!.tools)).toEqual(['read', 'write']);
      await stop();
      await writer.close();
      await reader.close();
    });

    it('refuses malformed stored pins with an error naming the server, never a crash', async () => {
      const s = await site();
      const store = await s.store();
      await store.pinIfAbsent('good', await entryFor('good', []));
      await s.corrupt('bad');
      const error = await store.load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(String((error as Error).message)).toMatch(/bad/);
      await store.close();
    });
  });
}
