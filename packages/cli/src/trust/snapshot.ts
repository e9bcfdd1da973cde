/**
 * Connects to one server and lists everything it defines into a `ServerSnapshot` (the input of digests, lockfiles,
 * drift reports and the scanner).
 * @module
 */
import type { ServerSnapshot } from '@mcpkit/trust';
import { type CommandContext, type ConnectionOptions, type Session, withTargetSession } from '../session.js';
import type { Target } from '../target.js';
import { type FetchedManifest, fetchManifest } from './manifest-check.js';
import type { NamedTarget } from './targets.js';

/** A server as listed: its snapshot, how it was reached, and the era it speaks. */
export interface ListedServer {
  snapshot: ServerSnapshot;
  target: Target;
  era: 'session' | 'stateless' | undefined;
  /** The server's signed manifest (`mcpkit/manifest`), when asked for. */
  manifest?: FetchedManifest;
}

/** What to fetch besides the lists. */
export interface ListOptions extends Pick<ConnectionOptions, 'timeout' | 'protocol'> {
  manifest?: boolean;
}

/** Lists tools, prompts, resource templates and resources, each only when the server declares its capability. */
export async function snapshotOf(session: Session, name: string | undefined): Promise<ServerSnapshot> {
  const server = session.client.server;
  const offers = (capability: string) => server?.capabilities[capability] !== undefined;
  const { client } = session;
  return {
    name: name ?? server?.serverInfo?.name ?? 'server',
    serverInfo: server?.serverInfo,
    instructions: server?.instructions,
    tools: offers('tools') ? await session.request('tools/list', (signal) => client.listTools({ signal })) : [],
    prompts: offers('prompts') ? await session.request('prompts/list', (signal) => client.listPrompts({ signal })) : [],
    resourceTemplates: offers('resources') ? await session.request('resources/templates/list', (signal) => client.listResourceTemplates({ signal })) : [],
    resources: offers('resources') ? await session.request('resources/list', (signal) => client.listResources({ signal })) : [],
  };
}

/**
 * Connects to `named`, lists it, and closes the connection.
 * @throws CliError with the CLI's exit code for the failure (3 when it cannot connect).
 */
export function listServer(ctx: CommandContext, named: NamedTarget, options: ListOptions): Promise<ListedServer> {
  return withTargetSession(ctx, named.target, options, async (session) => ({
    snapshot: await snapshotOf(session, named.name),
    target: named.target,
    era: session.client.server?.era,
    ...(options.manifest ? { manifest: await fetchManifest(session, options.timeout) } : {}),
  }));
}

/** How many servers of a config are connected to and listed at once. */
const CONCURRENCY = 4;

/** One target's outcome: its listing, or what failed (thrown by {@link listServer}). */
export type Listing = { ok: true; listed: ListedServer } | { ok: false; error: unknown };

/**
 * Lists every target, a few at a time, in the targets' order. With more than one target no spinner is drawn: several
 * would fight over one terminal line.
 */
export async function listEach(ctx: CommandContext, targets: readonly NamedTarget[], options: ListOptions): Promise<Listing[]> {
  const quiet: CommandContext = targets.length > 1 ? { ...ctx, io: { ...ctx.io, stderrIsTty: false } } : ctx;
  const out: Listing[] = new Array<Listing>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      try {
        out[i] = { ok: true, listed: await listServer(quiet, targets[i]!, options) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, targets.length) }, worker));
  return out;
}
