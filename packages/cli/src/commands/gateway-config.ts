/**
 * `mcpkit gateway config history|show`: the configurations a gateway loaded, as recorded in its store (SQLite or
 * PostgreSQL), newest first; `show` prints one as written, secrets still `${env:…}`/`${file:…}` references.
 * @module
 */
import type { Command } from 'commander';
import type { ConfigRevisionStore } from '@mcpkit/gateway';
import { usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext } from '../session.js';
import { loadConfigOrFail, loadGateway } from './gateway.js';

async function withRevisions<T>(cmd: Command, work: (revisions: ConfigRevisionStore) => Promise<T>): Promise<T> {
  const config = await loadConfigOrFail((cmd.optsWithGlobals() as { config?: string }).config);
  let revisions: ConfigRevisionStore;
  try {
    revisions = await (await loadGateway()).openConfigRevisions(config);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  try {
    return await work(revisions);
  } finally {
    await revisions.close();
  }
}

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw usageError(`${what} ${JSON.stringify(text)} is not a positive whole number`);
  return n;
}

/** Adds `config history` and `config show` under `mcpkit gateway`. */
export function gatewayConfigCommand(gateway: Command, ctx: CommandContext): void {
  const config = gateway.command('config').description('the configurations the gateway loaded, recorded in its store (newest first)');
  config
    .command('history')
    .description('list recorded revisions: number, time, digest, who loaded it')
    .option('--limit <n>', 'at most this many (default 20, at most 1000)')
    .option('--json', 'print JSON')
    .action(async (o: { limit?: string; json?: boolean }, cmd: Command) => {
      const limit = o.limit === undefined ? undefined : positive(o.limit, '--limit');
      await withRevisions(cmd, async (revisions) => {
        const list = await revisions.list(limit === undefined ? {} : { limit });
        if (o.json) return printJson(ctx.io, list.map((r) => ({ ...r, recordedAt: new Date(r.recordedAt).toISOString() })));
        if (list.length === 0) return void ctx.io.out('no configuration recorded yet (a gateway records its mcp.yaml when it starts and on every reload)\n');
        for (const r of list) ctx.io.out(`${r.revision}\t${new Date(r.recordedAt).toISOString()}\t${r.digest.slice(0, 12)}\t${r.recordedBy}\t${r.source}\n`);
      });
    });
  config
    .command('show')
    .description('print one recorded revision as written (default: the latest)')
    .argument('[revision]', 'the revision number')
    .option('--json', 'print JSON, text included')
    .action(async (revision: string | undefined, o: { json?: boolean }, cmd: Command) => {
      const wanted = revision === undefined ? 'latest' : positive(revision, 'revision');
      await withRevisions(cmd, async (revisions) => {
        const found = await revisions.get(wanted);
        if (!found) throw usageError(wanted === 'latest' ? 'no configuration recorded yet' : `no revision ${wanted}`, 'see `mcpkit gateway config history`');
        if (o.json) return printJson(ctx.io, { ...found, recordedAt: new Date(found.recordedAt).toISOString() });
        ctx.io.out(found.text.endsWith('\n') ? found.text : `${found.text}\n`);
      });
    });
}
