/**
 * `mcpkit chat --lock FILE`: the lockfile guard of @mcpkit/trust over FILE. A server seen for the first time is
 * pinned; a tool or prompt whose definition no longer matches is hidden from the model, or, in an interactive chat,
 * the user is shown why and asked whether to accept the new definition (pinned in FILE, as `mcpkit trust approve`).
 * @module
 */
import type { CatalogueGuard, GuardListing } from '@mcpkit/host';
import type { Prompt, Tool } from '@mcpkit/protocol';
import { approveItem, canonicalDefinition, digestItem, emptyLockfile, lockfileGuard } from '@mcpkit/trust';
import { type Io, warn } from '../output/io.js';
import { approver, readLockfile, writeLockfile } from '../trust/lockfile-io.js';

/** The chat's terminal: one exchange at a time (`converse`), one line per question (`ask`, undefined at the end). */
export interface UserTerminal {
  converse<T>(exchange: () => Promise<T>): Promise<T>;
  ask(prompt: string): Promise<string | undefined>;
}

function itemOf(listing: GuardListing, key: string): { kind: 'tool'; item: Tool } | { kind: 'prompt'; item: Prompt } | undefined {
  const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'tool') {
    const item = listing.tools.find((t) => t.name === name);
    return item && { kind, item };
  }
  if (kind === 'prompt') {
    const item = listing.prompts.find((p) => p.name === name);
    return item && { kind, item };
  }
  return undefined;
}

/** The guard; with `ask`, drift is a question rather than a hidden tool. */
export async function pinningGuard(path: string, io: Io, terminal?: UserTerminal): Promise<CatalogueGuard> {
  let lock = (await readLockfile(path)) ?? emptyLockfile();
  const guard = lockfileGuard({
    onDrift: 'quarantine-tool',
    onNew: 'pin',
    lockfile: () => lock,
    onPin: async (next) => {
      lock = next;
      await writeLockfile(path, next);
    },
    onWarning: (server, warnings) => {
      for (const w of warnings) warn(io, `${server}: ${w}`);
    },
  });
  if (!terminal) return guard;
  return async (listing) => {
    const verdict = await guard(listing);
    if (!verdict.quarantine?.size) return verdict;
    const quarantine = new Map(verdict.quarantine);
    for (const [key, why] of verdict.quarantine) {
      const found = itemOf(listing, key);
      if (!found) continue;
      const c = io.errColor;
      const answer = await terminal.converse(async () => {
        io.err(`${c.yellow('?')} ${listing.server}: ${found.kind} ${c.bold(found.item.name)} is not what ${path} pinned: ${why.replace(/; approve it with mcpkit trust approve .*$/, '')}\n`);
        if (found.item.description) io.err(`  its description now: ${found.item.description.slice(0, 400)}\n`);
        return ((await terminal.ask(`  [a] accept the new definition (pin it in ${path})  [N] keep it hidden: `)) ?? '').trim().toLowerCase();
      });
      if (answer !== 'a' && answer !== 'accept') continue;
      // As `mcpkit trust approve SERVER ITEM` does: the definition as it is now, under its digest.
      const definition = canonicalDefinition(found.kind, found.item as never);
      lock = await approveItem(lock, listing.server, found.kind, found.item.name, await digestItem(found.kind, found.item as never), { by: approver(undefined), definition });
      await writeLockfile(path, lock);
      quarantine.delete(key);
      io.err(`  pinned the new definition of ${found.item.name} in ${path}\n`);
    }
    return { ...verdict, quarantine };
  };
}
