/**
 * `mcpkit audit verify|tail|query --config mcp.yaml`: check the hash chain of the gateway's audit log and read it.
 * @module
 */
import type { Command } from 'commander';
import type { AuditLog, StoredAuditRecord } from '@mcpkit/gateway';
import { CliError, ExitCode, usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext } from '../session.js';
import { loadConfigOrFail, loadGateway } from './gateway.js';

async function withLog<T>(path: string, run: (log: AuditLog) => Promise<T>): Promise<T> {
  const config = await loadConfigOrFail(path);
  const log = await (await loadGateway()).openAuditLog(config.audit.store);
  try {
    return await run(log);
  } finally {
    await log.close();
  }
}

function line(r: StoredAuditRecord): string {
  const who = r.principal ?? 'anonymous';
  const what = r.target ? `${r.method} ${r.target}` : r.method;
  const code = r.errorCode === null ? '' : ` (${String(r.errorCode)})`;
  const why = r.reason ? ` ${r.reason}` : '';
  return `${r.seq}\t${r.time}\t${who}\t${what}\t${r.outcome}${code}${why}\t${r.durationMs} ms\n`;
}

export function auditCommand(program: Command, ctx: CommandContext): void {
  const audit = program.command('audit').description("read and verify the gateway's hash-chained audit log");
  audit
    .command('verify')
    .description('check every record against the hash chain; exit 1 naming the first edited, deleted or reordered record')
    .requiredOption('--config <file>', 'the gateway configuration (mcp.yaml)')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) => {
      const result = await withLog(o.config, (log) => log.verify());
      if (o.json) printJson(ctx.io, result);
      if (result.ok) {
        if (!o.json) ctx.io.out(`audit log intact: ${result.count} records, head seq ${result.head.seq} hash ${result.head.hash}\n`);
        return;
      }
      const bad = result.firstBad;
      throw new CliError(ExitCode.ToolError, `audit log broken at record ${bad.seq} (${bad.reason}): ${bad.detail}`, `${result.count} records before it check out`);
    });
  audit
    .command('tail')
    .description('the last records; --follow keeps printing new ones')
    .requiredOption('--config <file>', 'the gateway configuration (mcp.yaml)')
    .option('-n, --lines <n>', 'how many', '20')
    .option('-f, --follow', 'keep printing records as they arrive (Ctrl-C to stop)')
    .option('--json', 'one JSON record per line')
    .action(async (o: { config: string; lines: string; follow?: boolean; json?: boolean }) => {
      const n = Number(o.lines);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw usageError('--lines must be a whole number from 1 to 10000');
      const print = (r: StoredAuditRecord) => ctx.io.out(o.json ? `${JSON.stringify(r)}\n` : line(r));
      await withLog(o.config, async (log) => {
        const head = await log.head();
        const records = await log.query({ afterSeq: Math.max(0, head.seq - n), limit: n });
        records.forEach(print);
        if (o.follow) await log.follow(head.seq, print, ctx.signal);
      });
    });
  audit
    .command('query')
    .description('records matching a filter, oldest first')
    .requiredOption('--config <file>', 'the gateway configuration (mcp.yaml)')
    .option('--since <time>', 'ISO time or epoch ms')
    .option('--until <time>', 'ISO time or epoch ms')
    .option('--principal <id>', 'e.g. key:ci')
    .option('--method <method>', 'e.g. tools/call')
    .option('--target <name>', 'e.g. files__read_file')
    .option('--outcome <outcome>', 'ok, error or refused')
    .option('--after <seq>', 'records after this seq')
    .option('--limit <n>', 'at most this many (default 100, at most 10000)')
    .option('--json', 'print a JSON array')
    .action(async (o: Record<string, string | boolean | undefined> & { config: string }) => {
      const filter: Record<string, unknown> = {};
      for (const k of ['since', 'until', 'principal', 'method', 'target', 'outcome'] as const) if (typeof o[k] === 'string') filter[k] = o[k];
      if (typeof o.after === 'string') filter.afterSeq = Number(o.after);
      if (typeof o.limit === 'string') filter.limit = Number(o.limit);
      let records: StoredAuditRecord[];
      try {
        records = await withLog(o.config, (log) => log.query(filter));
      } catch (error) {
        if ((error as { code?: string }).code === 'MCPKIT_INVALID_ARGUMENT') throw usageError((error as Error).message);
        throw error;
      }
      if (o.json) printJson(ctx.io, records);
      else records.forEach((r) => ctx.io.out(line(r)));
    });
}
