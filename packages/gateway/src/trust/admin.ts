/**
 * The gateway's trust admin endpoint: `GET /admin/trust` (every upstream's verdict) and `POST /admin/trust/approve`
 * (`{"server": NAME, "item"?: NAME}`: approve what the gateway sees that upstream serve now, the whole server or one
 * tool, prompt or resource template). Callers need a key or token with the `admin` scope.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthVerifier } from '@mcpkit/server';
import { ITEM_KINDS, type ItemKind, type LockedServer, type Lockfile, approveItem, canonicalDefinition, digestServer, itemKey, pinServer } from '@mcpkit/trust';
import type { Upstream } from '../upstream/upstream.js';
import { type TrustGuard, snapshotOf } from './trust-guard.js';
import { authorizeAdmin, sendJson as send } from '../admin/admin-auth.js';

const MAX_BODY = 64 * 1024;

export interface AdminDeps {
  verifier: AuthVerifier;
  guard: TrustGuard;
  upstream: (name: string) => Upstream | undefined;
  upstreams: () => Iterable<Upstream>;
  /** Host names accepted (DNS-rebinding protection); undefined accepts any. */
  allowedHosts: ReadonlySet<string> | undefined;
  /** After an approval: check the upstream again and rebuild the lists. */
  recheck: (upstream: Upstream) => Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`the body exceeds ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** Finds an item by name (a resource template by its URI template) in what the upstream serves now. */
function findItem(upstream: Upstream, name: string): { kind: ItemKind; item: object } | undefined {
  const lists: Record<ItemKind, readonly object[]> = { tool: upstream.catalogue.tools, prompt: upstream.catalogue.prompts, resourceTemplate: upstream.catalogue.templates };
  for (const kind of ITEM_KINDS) {
    const item = lists[kind].find((i) => itemKey(kind, i as never) === name);
    if (item) return { kind, item };
  }
  return undefined;
}

/** The listener for `/admin/trust` and `/admin/trust/approve`. */
export function trustAdmin(deps: AdminDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const principal = await authorizeAdmin(req, res, deps.verifier, deps.allowedHosts);
      if (principal === undefined) return;
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/admin/trust') {
        const servers = [...deps.upstreams()].map((u) => {
          const d = deps.guard.decision(u.name);
          return { server: u.name, state: u.state, blocked: d?.block ?? null, quarantined: Object.fromEntries(d?.quarantine ?? []), warnings: d?.warnings ?? [] };
        });
        return send(res, 200, { lockfile: deps.guard.path, pins: deps.guard.pinsKind, servers });
      }
      if (req.method !== 'POST' || path !== '/admin/trust/approve') return send(res, 405, { error: 'use GET /admin/trust or POST /admin/trust/approve' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'Content-Type must be application/json' });
      let body: { server?: unknown; item?: unknown };
      try {
        body = (await readJson(req)) as typeof body;
      } catch (error) {
        return send(res, 400, { error: `the body is not JSON: ${(error as Error).message}` });
      }
      if (typeof body?.server !== 'string') return send(res, 400, { error: 'body.server must name an upstream' });
      const upstream = deps.upstream(body.server);
      if (!upstream) return send(res, 404, { error: `no upstream named ${body.server}` });
      if (upstream.state !== 'up') return send(res, 409, { error: `upstream ${body.server} is ${upstream.state}; approve it once it is connected` });
      const snapshot = snapshotOf(upstream);
      const digests = await digestServer(snapshot);
      const by = principal.keyId ? `key:${principal.keyId}` : principal.id;
      const server = body.server;
      // Each change is computed from the server's entry as the pin store holds it at the time of writing.
      const asLock = (current: LockedServer | undefined): Lockfile => ({ lockfileVersion: 1, servers: current ? { [server]: current } : {} });
      if (body.item === undefined) {
        await deps.guard.approve(server, (current) => pinServer(asLock(current), digests, snapshot, { by }).servers[server]);
      } else {
        if (typeof body.item !== 'string') return send(res, 400, { error: 'body.item must be a tool, prompt or resource template name' });
        if (!Object.hasOwn(deps.guard.lockfile.servers, server)) return send(res, 409, { error: `server ${server} is not in the lockfile yet: approve the whole server first` });
        const found = findItem(upstream, body.item);
        if (!found) return send(res, 404, { error: `upstream ${server} serves no tool, prompt or resource template named ${body.item}` });
        const record = found.kind === 'tool' ? digests.tools : found.kind === 'prompt' ? digests.prompts : digests.resourceTemplates;
        const item = body.item;
        // approveItem refuses a server that is gone from the store (revoked meanwhile): a 500 that says so.
        await deps.guard.approve(server, async (current) =>
          (await approveItem(asLock(current), server, found.kind, item, record[item]!, { by, definition: canonicalDefinition(found.kind, found.item as never) })).servers[server],
        );
      }
      await deps.recheck(upstream);
      const d = deps.guard.decision(upstream.name);
      send(res, 200, { approved: { server: body.server, item: body.item ?? null, by }, blocked: d?.block ?? null, quarantined: Object.fromEntries(d?.quarantine ?? []) });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: `approval failed: ${(error as Error).message}` });
    });
  };
}
