// What a replica does with the others' change notices (issue 10), on an in-process hub.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/parse.js';
import type { GatewayConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { MemoryChangeHub } from './change-bus.js';
import { configDigest, followChanges, type ChangeFollower } from './follow-changes.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A replica's side of the hub, recording what the follower asked of it. */
async function setup(options: { changed?: boolean; pinsKind?: string; config?: string; fileConfig?: string } = {}) {
  const hub = new MemoryChangeHub();
  const [other, mine] = [hub.bus(), hub.bus()];
  const calls: string[] = [];
  const logs: string[] = [];
  const log = { warn: (_o: unknown, m: string) => logs.push(`warn ${m}`), info: (_o: unknown, m?: string) => logs.push(`info ${m ?? String(_o)}`), error: (_o: unknown, m: string) => logs.push(`error ${m}`) } as unknown as Logger;
  let config = await parseGatewayConfig(options.config ?? 'logLevel: info\n', { path: join(dir, 'mcp.yaml') });
  // The guard's refresh(): whether reading the pins again found a change.
  const trust = {
    path: join(dir, 'mcp.lock.json'),
    pinsKind: options.pinsKind ?? 'lockfile',
    async refresh() {
      calls.push('refresh');
      return options.changed ?? false;
    },
  };
  const follower: ChangeFollower = {
    bus: mine,
    log,
    forgetKey: (id) => calls.push(`forget ${id ?? 'all'}`),
    trust,
    recheckTrust: () => calls.push('recheck'),
    config: () => config,
    reload: async (next) => {
      calls.push(`reload ${next.logLevel} on port ${next.listen.port}`);
      config = next;
    },
    loadConfig: (p) => parseGatewayConfig(options.fileConfig ?? 'logLevel: info\n', { path: p }),
  };
  const stop = followChanges(follower);
  return { other, calls, logs, stop, config: () => config };
}

describe('followChanges', () => {
  it('forgets a revoked key, and hears nothing once stopped', async () => {
    const r = await setup();
    await r.other.publish({ type: 'key-revoked', id: 'ci' });
    await tick();
    expect(r.calls).toEqual(['forget ci']);
    r.stop();
    await r.other.publish({ type: 'key-revoked', id: 'cd' });
    await tick();
    expect(r.calls).toEqual(['forget ci']);
  });

  it('reads the pins again after an approval elsewhere, and checks the upstreams again', async () => {
    const r = await setup({ changed: true });
    await r.other.publish({ type: 'trust-approved', server: 'files' });
    await tick();
    expect(r.calls).toEqual(['refresh', 'recheck']);
  });

  it('warns when the approval did not reach this replica’s lockfile (it is not shared)', async () => {
    const r = await setup();
    await r.other.publish({ type: 'trust-approved', server: 'files' });
    await tick();
    expect(r.calls).toEqual(['refresh']);
    expect(r.logs).toEqual(['warn another replica approved a change, but this lockfile has not changed: replicas must share the lockfile (e.g. on a volume) for approvals to apply everywhere']);
  });

  it('stays quiet when pins in a database were already applied (its own notice came back)', async () => {
    const r = await setup({ pinsKind: 'postgres' });
    await r.other.publish({ type: 'trust-approved', server: 'files' });
    await tick();
    expect(r.calls).toEqual(['refresh']);
    expect(r.logs).toEqual([]);
  });

  it('reloads its own file after a reload elsewhere, keeping its own listen; not when the digests agree', async () => {
    const r = await setup({ config: 'listen: {port: 9001}\nlogLevel: info\n', fileConfig: 'listen: {port: 8080}\nlogLevel: debug\n' });
    await r.other.publish({ type: 'config-reloaded', digest: configDigest(r.config()) });
    await tick();
    expect(r.calls).toEqual([]);
    await r.other.publish({ type: 'config-reloaded', digest: 'elsewhere' });
    await tick();
    expect(r.calls).toEqual(['reload debug on port 9001']);
    expect(r.logs).toContain('info configuration reloaded after another replica reloaded it');
  });

  it('leaves the config alone when its file still says what it runs', async () => {
    const r = await setup({ config: 'logLevel: warn\n', fileConfig: 'logLevel: warn\n' });
    await r.other.publish({ type: 'config-reloaded', digest: 'newer elsewhere' });
    await tick();
    expect(r.calls).toEqual([]);
  });

  it('on resync forgets every key and re-reads both the pins and the config', async () => {
    const r = await setup({ changed: true, config: 'logLevel: warn\n', fileConfig: 'logLevel: error\n' });
    await r.other.publish({ type: 'resync' });
    await tick();
    expect(r.calls).toEqual(['forget all', 'refresh', 'recheck', 'reload error on port 8080']);
  });
});

describe('configDigest', () => {
  it('ignores listen and source, and nothing else', async () => {
    const a = await parseGatewayConfig('listen: {port: 1}\nlogLevel: info\n', { path: join(dir, 'a.yaml') });
    const b = await parseGatewayConfig('listen: {port: 2}\nlogLevel: info\n', { path: join(dir, 'b.yaml') });
    const c: GatewayConfig = { ...a, metrics: false };
    expect(configDigest(a)).toBe(configDigest(b));
    expect(configDigest(c)).not.toBe(configDigest(a));
  });
});
