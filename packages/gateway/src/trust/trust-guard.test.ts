// Issue 10: replicas pinning the same upstream on first use at once, through one shared pin store (SQLite and
// PostgreSQL): the first pin wins, every other replica adopts it and judges its own catalogue by it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.js';
import { GatewayMetrics } from '../metrics.js';
import type { PinStore } from '../store/pin-store.js';
import { PostgresPinStore } from '../store/postgres-pin-store.js';
import { SqlitePinStore } from '../store/sqlite-pin-store.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from '../store/test-support/services.js';
import type { Upstream } from '../upstream/upstream.js';
import { TrustGuard } from './trust-guard.js';

const pgSkipped = await skipPostgres();
const schemas: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-guard-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

/** What the guard reads of an upstream: its name, serverInfo and lists. */
function upstreamServing(name: string, tools: string[]): Upstream {
  return {
    name,
    negotiated: { serverInfo: { name, version: '1' } },
    catalogue: { tools: tools.map((t) => ({ name: t, inputSchema: { type: 'object' } })), prompts: [], templates: [] },
    config: { listTimeoutMs: 1000 },
  } as unknown as Upstream;
}

function guardOn(pins: PinStore): TrustGuard {
  const config = { lockfile: join(dir, 'unused.lock.json'), pins: 'store' as const, onDrift: 'quarantine-tool' as const, onNew: 'pin' as const, recheckMs: 0, guardrails: { secrets: 'off' as const, injection: 'off' as const, spotlight: false } };
  return new TrustGuard(config, { log: quiet, audit: undefined, metrics: new GatewayMetrics(), onLockfileChanged: () => {}, pins });
}

const backends: Array<{ name: string; skip: boolean; open: () => Promise<() => Promise<PinStore>> }> = [
  {
    name: 'SQLite',
    skip: false,
    open: async () => {
      const path = join(dir, `${uniqueName('db')}.db`);
      return async () => SqlitePinStore.open(path);
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgSkipped,
    open: async () => {
      const schema = uniqueName('guard');
      schemas.push(schema);
      await (await PostgresPinStore.open(POSTGRES_URL, { schema })).close(); // the tables, before the race
      return () => PostgresPinStore.open(POSTGRES_URL, { schema });
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`TrustGuard first-use pins on ${backend.name}`, () => {
    it('lets the first of three replicas pin a new upstream; the others adopt its pin and judge by it', async () => {
      const open = await backend.open();
      const stores = await Promise.all([open(), open(), open()]);
      const guards = stores.map(guardOn);
      for (const g of guards) await g.start();
      // The same upstream, seen differently by one replica (a tool added between its list and the others').
      const seen = [['read'], ['read'], ['read', 'write']];
      const upstreams = seen.map((tools) => upstreamServing('files', tools));
      const checked = upstreams.map((u) => u.catalogue);
      const decisions = await Promise.all(guards.map((g, i) => g.check(upstreams[i]!)));
      // Each verdict keeps the catalogue it judged (what the front serves until the next check), even once the
      // upstream has listed another meanwhile.
      (upstreams[0] as { catalogue: unknown }).catalogue = upstreamServing('files', ['read', 'evil']).catalogue;
      for (const [i, g] of guards.entries()) expect(g.decision('files')!.catalogue).toBe(checked[i]);

      const pinned = guards[0]!.lockfile.servers.files!;
      for (const g of guards) expect(g.lockfile.servers.files).toEqual(pinned);
      expect(await stores[1]!.load()).toEqual(guards[0]!.lockfile);
      const winnerTools = Object.keys(pinned.tools);
      // One replica pinned; whoever it was, each replica's verdict is its own catalogue against that one pin.
      expect(decisions.filter((d) => d.pin)).toHaveLength(1);
      for (const [i, d] of decisions.entries()) {
        const matches = JSON.stringify(seen[i]) === JSON.stringify(winnerTools);
        expect(d.block).toBeUndefined();
        if (matches) expect(d.quarantine.size + d.warnings.length).toBe(0);
        else if (winnerTools.includes('write')) expect(d.quarantine.size + d.warnings.length).toBeGreaterThan(0); // write missing here
        else expect([...d.quarantine.keys()]).toEqual(['tool:write']);
      }
      for (const g of guards) g.close();
      for (const s of stores) await s.close();
    });

    it('sees an approval another replica made once it reads the pins again', async () => {
      const open = await backend.open();
      const [a, b] = [await open(), await open()];
      const [ga, gb] = [guardOn(a), guardOn(b)];
      await ga.start();
      await gb.start();
      await ga.check(upstreamServing('files', ['read']));
      expect(await gb.refresh()).toBe(true);
      expect(gb.lockfile).toEqual(ga.lockfile);
      expect(await gb.refresh()).toBe(false);
      const quarantined = await gb.check(upstreamServing('files', ['read', 'write']));
      expect([...quarantined.quarantine.keys()]).toEqual(['tool:write']);
      await ga.approve('files', () => undefined);
      expect(await gb.refresh()).toBe(true);
      expect(gb.lockfile.servers).toEqual({});
      ga.close();
      gb.close();
      await a.close();
      await b.close();
    });
  });
}
