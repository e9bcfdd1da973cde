/**
 * Issue 10: the `tools/list` cache is shared and filled once. Three `mcpkit gateway` processes share Redis
 * (`storage.redis`, `sessions.secret`) in front of one HTTP upstream that counts the tools/list requests it answers:
 * the replicas starting together list it once, not three times, and each list_changed it raises (heard by all three)
 * costs one more list, while every replica's clients hear list_changed and see the new tool.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, eventually, startFixtureServer, startGatewayProcess, writeRedisReplicaConfig } from './harness.js';
import { connectClient, sleep, waitForTools } from './helpers.js';
import { REDIS_URL, dropRedisPrefixes, skipRedis } from '../../packages/gateway/src/store/test-support/services.js';

// Skipped with a warning when Redis is down, a failure under CI (the store suites' own probe).
const available = !(await skipRedis());
const REPLICAS = 3;
const PREFIX = `mcpkit-test-lists-${randomBytes(4).toString('hex')}:`;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-list-cache-'));
const replicas: GatewayProcess[] = [];
const clients: Client[] = [];
let upstream: ChildProcess | undefined;
let upstreamUrl: string;

/** The counting fixture (one HTTP upstream every replica connects to); resolves with its MCP URL. */
async function startUpstream(): Promise<string> {
  const started = await startFixtureServer('counting-server.mjs');
  upstream = started.child;
  return started.url;
}

/** How many tools/list requests the upstream has answered. */
async function lists(): Promise<number> {
  const res = await fetch(new URL('/count', upstreamUrl));
  return ((await res.json()) as { lists: number }).lists;
}

function writeConfig(n: number): string {
  return writeRedisReplicaConfig(dir, n, `  counting:
    url: ${upstreamUrl}`, PREFIX, REDIS_URL);
}

/** Waits until the upstream's count stops moving (no list still on its way), and returns it. */
async function settledLists(): Promise<number> {
  let last = await lists();
  for (;;) {
    await sleep(400);
    const now = await lists();
    if (now === last) return now;
    last = now;
  }
}

describe.runIf(available)(`${REPLICAS} gateway replicas sharing Redis in front of one HTTP upstream: its lists are shared`, () => {
  beforeAll(async () => {
    process.env.MCPKIT_TEST_SESSION_SECRET = randomBytes(32).toString('base64url');
    upstreamUrl = await startUpstream();
    // Started together: their first lists of the upstream race, and one of them lists it.
    replicas.push(...(await Promise.all(Array.from({ length: REPLICAS }, (_, n) => startGatewayProcess(writeConfig(n))))));
    for (const r of replicas) await waitForTools(r.url, '', ['counting__first'], 'the upstream on every replica');
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await Promise.all(replicas.map((r) => r.stop()));
    upstream?.kill();
    rmSync(dir, { recursive: true, force: true });
    if (available) await dropRedisPrefixes([PREFIX]);
  });

  it('lists the upstream once at start and once per list_changed, and every replica serves the new tools', { timeout: 60_000 }, async () => {
    expect(await settledLists(), 'tools/list calls after the replicas started').toBe(1);
    const heard = replicas.map(() => 0);
    for (const [i, r] of replicas.entries()) {
      const client = await connectClient(r.url, '', '2025-11-25');
      client.on('toolsChanged', () => void heard[i]!++);
      clients.push(client);
    }
    for (const name of ['second', 'third']) {
      const before = await lists();
      const heardBefore = [...heard];
      const res = await fetch(new URL(`/add?name=${name}`, upstreamUrl), { method: 'POST' });
      expect(res.status).toBe(204);
      for (const [i, client] of clients.entries()) {
        await eventually(async () => (await client.listTools()).some((t) => t.name === `counting__${name}`), `counting__${name} on replica ${i}`);
        await eventually(() => heard[i]! > heardBefore[i]!, `list_changed from replica ${i}`);
      }
      expect(await settledLists(), `tools/list calls for the change that added ${name}`).toBe(before + 1);
    }
  });
});
