/**
 * Small helpers shared by the gateway's hostile and lifecycle suites (the process harness is in harness.ts).
 * @module
 */
import { Client, connectHttp } from '@mcpkit/client';
import { eventually, mcpkit } from './harness.js';

export const HOSTILE = new URL('./fixtures/hostile.mjs', import.meta.url).pathname;

/** Waits (bounded) until the gateway lists every one of `names` to a client holding `key`. */
export async function waitForTools(url: string, key: string, names: readonly string[], what: string, timeoutMs = 30_000): Promise<void> {
  const client = await connectClient(url, key);
  try {
    await eventually(async () => {
      const listed = new Set((await client.listTools()).map((t) => t.name));
      return names.every((n) => listed.has(n));
    }, what, timeoutMs);
  } finally {
    await client.close();
  }
}

/** mcpkit's client connected to the gateway, with an API key (or none) in `X-API-Key`. */
export async function connectClient(
  url: string,
  key: string | undefined,
  protocolVersion = '2026-07-28',
  options: ConstructorParameters<typeof Client>[1] = {},
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: 'gateway-hostile-test', version: '1' }, { protocolVersion, ...options });
  await connectHttp(client, url, { headers: key ? { 'X-API-Key': key, ...headers } : headers, legacyFallback: false });
  return client;
}

/** The rejection of `promise`, or a failure when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: unknown; data?: unknown }> {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 300)}`);
  } catch (error) {
    return error as Error & { code?: unknown; data?: unknown };
  }
}

/** The value of one Prometheus sample on the gateway's `/metrics` (0 when absent). */
export async function metricValue(gatewayUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    const has = Object.entries(labels).every(([k, v]) => labelText.split(',').includes(`${k}="${v}"`));
    if (has) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export interface AuditRow {
  seq: number;
  method: string;
  target: string | null;
  upstream: string | null;
  principal: string | null;
  outcome: 'ok' | 'error' | 'refused';
  errorCode: number | string | null;
  reason: string | null;
}

/** `mcpkit audit query --json` with extra filters. */
export async function auditQuery(config: string, filters: string[] = []): Promise<AuditRow[]> {
  const out = await mcpkit(['audit', 'query', '--config', config, '--json', '--limit', '10000', ...filters]);
  if (out.code !== 0) throw new Error(`audit query failed (${out.code}): ${out.stderr}`);
  return JSON.parse(out.stdout) as AuditRow[];
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
