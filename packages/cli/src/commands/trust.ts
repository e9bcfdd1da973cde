/**
 * `mcpkit trust approve|show|revoke SERVER [ITEM]`: approve what a server defines now (the whole server, or one tool,
 * prompt or resource template), show what the lockfile approved, or take an approval back. With a gateway `mcp.yaml`
 * whose `trust.pins` is `store`, approvals go to (and come from) the gateway's database instead of the lockfile.
 * @module
 */
import { Option, type Command } from 'commander';
import {
  type DriftReport,
  type ItemKind,
  type LockedServer,
  type Lockfile,
  ITEM_KINDS,
  approveItem,
  canonicalDefinition,
  compareServer,
  digestServer,
  emptyLockfile,
  explainDrift,
  itemKey,
  pinServer,
  removeItem,
  removeServer,
  showInvisible,
} from '@mcpkit/trust';
import { usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext, ConnectionOptions } from '../session.js';
import { approver, lockedEntry } from '../trust/lockfile-io.js';
import { type PinAccess, openPinAccess } from '../trust/pin-access.js';
import { TRUST_TARGETS_HELP, addLockfileOption, addTrustTargetOptions } from '../trust/options.js';
import { listServer } from '../trust/snapshot.js';
import { type TrustTargetOptions, isGatewayConfig, resolveTargets } from '../trust/targets.js';
import { loadConfigOrFail } from './gateway.js';

interface TrustOptions extends ConnectionOptions, TrustTargetOptions {
  lockfile?: string;
  by?: string;
  kind?: ItemKind;
}

const RECORD = { tool: 'tools', prompt: 'prompts', resourceTemplate: 'resourceTemplates' } as const;
const WORD: Record<ItemKind, string> = { tool: 'tool', prompt: 'prompt', resourceTemplate: 'resource template' };

/** Where approvals are when no target is connected (show, revoke): `--lockfile`, mcp.yaml's pins, or ./mcp.lock.json. */
async function pinsOnly(options: { lockfile?: string; config?: string }): Promise<PinAccess> {
  const gateway = options.config !== undefined && isGatewayConfig(options.config) ? await loadConfigOrFail(options.config) : undefined;
  return openPinAccess(options.lockfile, gateway);
}

async function existingLockfile(pins: PinAccess): Promise<Lockfile> {
  const lock = await pins.read();
  if (lock === undefined) throw usageError(`${pins.location}: no such lockfile`, 'create it with `mcpkit lock` or `mcpkit trust approve SERVER`');
  return lock;
}

/** Runs `work` with the pins open, closing them after. */
async function withPins<T>(pins: PinAccess, work: (pins: PinAccess) => Promise<T>): Promise<T> {
  try {
    return await work(pins);
  } finally {
    await pins.close();
  }
}

function entryOrFail(lock: Lockfile, path: string, server: string): LockedServer {
  const entry = lockedEntry(lock, server);
  if (entry === undefined) throw usageError(`${path} has no server ${JSON.stringify(server)}`, `it has: ${Object.keys(lock.servers).join(', ') || '(none)'}`);
  return entry;
}

/** The kind of `item`: `--kind`, or the only kind that has an item of that name (now or in the lockfile). */
function kindOf(item: string, has: (kind: ItemKind) => boolean, given: ItemKind | undefined): ItemKind {
  if (given !== undefined) return given;
  const kinds = ITEM_KINDS.filter(has);
  if (kinds.length === 1) return kinds[0]!;
  if (kinds.length === 0) throw usageError(`no tool, prompt or resource template named ${JSON.stringify(item)}`);
  throw usageError(`${JSON.stringify(item)} names a ${kinds.map((k) => WORD[k]).join(' and a ')}`, `say which with --kind ${kinds.join('|')}`);
}

/** The report restricted to one item, for printing what approving it changes. */
function itemReport(report: DriftReport, kind: ItemKind, name: string): DriftReport {
  const items = report.items.filter((i) => i.kind === kind && (i.name === name || i.from === name));
  return { server: report.server, status: items.length ? 'drifted' : 'unchanged', items, instructionsChanged: false, digest: report.digest };
}

async function approve(ctx: CommandContext, server: string, item: string | undefined, options: TrustOptions): Promise<void> {
  if (options.config !== undefined) {
    if (options.server !== undefined && options.server !== server) throw usageError(`SERVER is ${JSON.stringify(server)} but --server is ${JSON.stringify(options.server)}`);
    options.server = server;
  } else options.name = server;
  const set = await resolveTargets(options, ctx.stdio, ctx.io);
  return withPins(await openPinAccess(options.lockfile, set.gateway), async (pins) => {
    const path = pins.location;
    let lock = (await pins.read()) ?? emptyLockfile();
    const { snapshot } = await listServer(ctx, set.targets[0]!, options);
    const digests = await digestServer(snapshot);
    const entry = lockedEntry(lock, server);
    const report = compareServer(entry, snapshot, digests);
    const by = approver(options.by);
    let what: string;
    if (item === undefined) {
      ctx.io.out(`${explainDrift(report)}\n`);
      if (report.status === 'unchanged') return void ctx.io.out(`${server} is approved as it is: nothing to do\n`);
      lock = pinServer(lock, digests, snapshot, { by });
      what = `${server} (${snapshot.tools.length} tools, ${snapshot.prompts.length} prompts, ${snapshot.resourceTemplates.length} resource templates)`;
    } else {
      if (entry === undefined) throw usageError(`${server} is not in ${path}`, `approve the whole server first: mcpkit trust approve ${server}`);
      const live = { tool: snapshot.tools, prompt: snapshot.prompts, resourceTemplate: snapshot.resourceTemplates } as const;
      const current = (kind: ItemKind) => (live[kind] as readonly object[]).find((i) => itemKey(kind, i) === item);
      const kind = kindOf(item, (k) => current(k) !== undefined || Object.hasOwn(entry[RECORD[k]], item), options.kind);
      const itemNow = current(kind);
      const part = itemReport(report, kind, item);
      ctx.io.out(`${explainDrift(part)}\n`);
      if (part.status === 'unchanged') return void ctx.io.out(`${WORD[kind]} ${item} of ${server} is approved as it is: nothing to do\n`);
      if (itemNow === undefined) {
        lock = await removeItem(lock, server, kind, item);
        what = `the removal of ${WORD[kind]} ${item} from ${server}`;
      } else {
        const definition = canonicalDefinition(kind, itemNow as never);
        lock = await approveItem(lock, server, kind, item, digests[RECORD[kind]][item]!, { by, definition });
        what = `${WORD[kind]} ${item} of ${server}`;
      }
    }
    await pins.save(lock, server);
    ctx.io.out(`approved ${what} by ${by} in ${path}\n`);
  });
}

async function show(ctx: CommandContext, server: string, options: { lockfile?: string; config?: string; json?: boolean }): Promise<void> {
  return withPins(await pinsOnly(options), async (pins) => {
    const path = pins.location;
    const entry = entryOrFail(await existingLockfile(pins), path, server);
    if (options.json) return printJson(ctx.io, { server, ...entry });
    const { bold, dim } = ctx.io.color;
    const lines = [`${bold(showInvisible(server))} in ${path}`, `  digest ${entry.digest}`, `  approved ${entry.approvedAt} by ${entry.approvedBy}`];
    if (entry.serverName !== undefined) lines.push(`  serverInfo.name ${showInvisible(JSON.stringify(entry.serverName))}`);
    if (entry.instructions !== undefined) lines.push(`  instructions ${dim(entry.instructions.digest.slice(0, 12))} ${showInvisible(JSON.stringify(entry.instructions.text.slice(0, 120)))}`);
    if (entry.signer !== undefined) lines.push(`  signer ${entry.signer.issuer}`);
    for (const kind of ITEM_KINDS) {
      for (const [name, item] of Object.entries(entry[RECORD[kind]])) lines.push(`  ${WORD[kind]} ${showInvisible(name)} ${dim(item.digest.slice(0, 12))} approved ${item.approvedAt} by ${item.approvedBy}`);
    }
    ctx.io.out(`${lines.join('\n')}\n`);
  });
}

async function revoke(ctx: CommandContext, server: string, item: string | undefined, options: { lockfile?: string; config?: string; kind?: ItemKind }): Promise<void> {
  return withPins(await pinsOnly(options), async (pins) => {
    const path = pins.location;
    let lock = await existingLockfile(pins);
    const entry = entryOrFail(lock, path, server);
    if (item === undefined) {
      lock = removeServer(lock, server);
    } else {
      const kind = kindOf(item, (k) => Object.hasOwn(entry[RECORD[k]], item), options.kind);
      if (!Object.hasOwn(entry[RECORD[kind]], item)) throw usageError(`${server} has no approved ${WORD[kind]} ${JSON.stringify(item)} in ${path}`);
      lock = await removeItem(lock, server, kind, item);
    }
    await pins.save(lock, server);
    ctx.io.out(`revoked ${item === undefined ? `every approval of ${server}` : `${item} of ${server}`} in ${path}\n`);
  });
}

const kindOption = () => new Option('--kind <kind>', 'when ITEM names items of several kinds').choices(ITEM_KINDS);

export function trustCommand(program: Command, ctx: CommandContext): void {
  const trust = program.command('trust').description('approve, show and revoke what mcp.lock.json pins for a server');
  const approveCmd = trust
    .command('approve')
    .description('approve a server as it is now (or one tool, prompt or resource template of it), printing the changes approved')
    .argument('<server>', 'the server: its name in --config, or the lockfile name of a `-- COMMAND`/--url server')
    .argument('[item]', 'one tool, prompt or resource template (by URI template) to approve; a removed one is taken out');
  addTrustTargetOptions(approveCmd, { json: false });
  addLockfileOption(approveCmd);
  approveCmd
    .option('--by <name>', 'who approves (default: the OS user name)')
    .addOption(kindOption())
    .addHelpText(
      'after',
      `
Approving is an explicit command: nothing is asked, everything approved is printed (as a drift report) before
the lockfile is written (atomically).

${TRUST_TARGETS_HELP}

Examples:
  mcpkit trust approve files --config mcp.yaml
  mcpkit trust approve files read_file --config mcp.yaml
  mcpkit trust approve weather -- node servers/weather/bin/mcpkit-weather.js`,
    )
    .action((server: string, item: string | undefined, options: TrustOptions) => approve(ctx, server, item, options));
  const where = (c: Command) =>
    addLockfileOption(c).option('--config <file>', "a gateway mcp.yaml whose pins to use: trust.lockfile, or its database when trust.pins is store (instead of --lockfile)");
  where(trust.command('show').description('print what the lockfile approved for a server').argument('<server>', 'the server'))
    .option('--json', 'print the lockfile entry as JSON')
    .action((server: string, options: { lockfile?: string; config?: string; json?: boolean }) => show(ctx, server, options));
  where(
    trust
      .command('revoke')
      .description('take back the approval of a server (or of one of its items): the next check reports it as drift')
      .argument('<server>', 'the server')
      .argument('[item]', 'one tool, prompt or resource template'),
  )
    .addOption(kindOption())
    .action((server: string, item: string | undefined, options: { lockfile?: string; config?: string; kind?: ItemKind }) => revoke(ctx, server, item, options));
}
