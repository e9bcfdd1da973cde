/**
 * `mcpkit scan TARGET`: offline, explainable findings about what MCP servers define (poisoned descriptions, hidden
 * characters, exfiltration, shadowing, contradicting annotations), drift against `mcp.lock.json`, missing
 * authentication over HTTP, and a trust tier per server; as text, one JSON document, or SARIF for CI code scanning.
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import { type Finding, type LockedSigner, RULES, SEVERITIES, type Severity, formatFindings, showInvisible, toSarif } from '@mcpkit/trust';
import { CliError, ExitCode, type ExitCodeValue, usageError } from '../failure.js';
import { type Io, printJson } from '../output/io.js';
import { type CommandContext, type ConnectionOptions, VERSION } from '../session.js';
import { CLI_RULES } from '../trust/cli-rules.js';
import { readKeys } from '../trust/keys.js';
import { readLockfile } from '../trust/lockfile-io.js';
import { TRUST_TARGETS_HELP, addLockfileOption, addTrustTargetOptions, verdictAction } from '../trust/options.js';
import { type ScanReport, runScan } from '../trust/scan-run.js';
import { type TrustTargetOptions, lockfilePath, resolveTargets } from '../trust/targets.js';

interface ScanOptions extends ConnectionOptions, TrustTargetOptions {
  failOn: Severity;
  lockfile?: string;
  probe: boolean;
  format?: 'human' | 'json' | 'sarif';
  sarif?: string;
  disable?: string[];
  jwks?: string;
  issuer?: string;
}

export const SCAN_EXIT_CODES_HELP = `Exit codes:
  0    nothing at or above --fail-on (default high)
  1    at least one finding at or above --fail-on
  2    usage error: bad arguments, unusable config file or lockfile
  3    the scan failed: a server could not be started or reached (the other servers are still reported)
  4    a server broke the protocol while being listed
  70   mcpkit itself failed unexpectedly (a bug; never 1)
  130  interrupted (Ctrl-C)`;

const EXAMPLES = `Examples:
  mcpkit scan -- node servers/everything/bin/mcpkit-everything.js
  mcpkit scan --json --fail-on medium --config ~/Library/Application\\ Support/Claude/claude_desktop_config.json
  mcpkit scan --config mcp.yaml --sarif mcp-scan.sarif
  mcpkit scan --url https://mcp.example.com/mcp --bearer "$TOKEN"`;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * A finding with every text a server chose shown safely: names and pointers come from the server, and a name with an
 * escape sequence or invisible characters in it must not reach the terminal as is.
 */
function shown(f: Finding): Finding {
  const out: Finding = { ...f, message: showInvisible(f.message) };
  if (f.server !== undefined) out.server = showInvisible(f.server);
  if (f.tool !== undefined) out.tool = showInvisible(f.tool);
  if (f.pointer !== undefined) out.pointer = showInvisible(f.pointer);
  return out;
}

function renderHuman(io: Io, report: ScanReport): void {
  const { bold, dim, red, yellow, green } = io.color;
  const tierColor = (tier: string) => (tier === 'untrusted' || tier === 'suspicious' ? red(tier) : tier === 'unverified' ? yellow(tier) : green(tier));
  io.out(`${bold(`Scanned ${report.summary.scanned} of ${report.summary.servers} server${report.summary.servers === 1 ? '' : 's'}`)}\n`);
  for (const s of report.servers) {
    if (s.error !== undefined) {
      io.out(`  ${bold(showInvisible(s.name))}  ${red('not scanned')}: ${showInvisible(s.error)}\n`);
      continue;
    }
    const info = s.serverInfo ? ` ${dim(showInvisible(`(${s.serverInfo.name} ${s.serverInfo.version})`))}` : '';
    const c = s.counts!;
    const counts = `${c.tools} tools, ${c.prompts} prompts, ${c.resourceTemplates} templates, ${c.resources} resources`;
    const auth = s.transport === 'stdio' ? '' : `, auth ${s.auth}`;
    const manifest = s.manifest === undefined || s.manifest === 'absent' ? '' : `, manifest ${s.manifest}`;
    io.out(`  ${bold(showInvisible(s.name))}${info}  ${counts}; tier ${tierColor(s.tier ?? '?')} ${dim(`(${s.tierReason ?? ''})`)}; lockfile ${s.drift}${auth}${manifest}\n`);
  }
  io.out(`\n${formatFindings(report.findings.map(shown))}\n`);
  const { failOn, atOrAboveFailOn } = report.summary;
  if (atOrAboveFailOn > 0) io.out(`${red(`${atOrAboveFailOn} at or above --fail-on ${failOn}`)}\n`);
}

async function scan(ctx: CommandContext, options: ScanOptions): Promise<void> {
  const format = options.json ? 'json' : (options.format ?? 'human');
  if (options.json && options.format !== undefined && options.format !== 'json') throw usageError(`--json and --format ${options.format} ask for two outputs`);
  if ((options.jwks === undefined) !== (options.issuer === undefined)) throw usageError('--jwks and --issuer go together: the keys, and the identity they sign for');
  const set = await resolveTargets(options, ctx.stdio, ctx.io);
  if (options.jwks !== undefined && set.targets.length > 1) throw usageError('--jwks and --issuer pin the signer of one server', 'add --server NAME, or pin signers in the lockfile (servers.NAME.signer)');
  const signer = options.jwks === undefined ? undefined : { issuer: options.issuer!, keys: (await readKeys(options.jwks)) as unknown as NonNullable<LockedSigner['keys']> };
  const path = lockfilePath(options.lockfile, set);
  const lockfile = await readLockfile(path);
  if (lockfile === undefined && options.lockfile !== undefined) throw usageError(`${path}: no such lockfile`, 'create it with `mcpkit lock`, or leave out --lockfile');
  const report = await runScan(ctx, set, {
    timeout: options.timeout,
    protocol: options.protocol,
    failOn: options.failOn,
    lock: lockfile === undefined ? undefined : { path, lockfile },
    probe: options.probe,
    disable: options.disable ?? [],
    signer,
  });
  const sarif = () =>
    toSarif(report.findings, {
      toolName: 'mcpkit',
      version: VERSION,
      rules: [...RULES, ...CLI_RULES],
      informationUri: 'https://github.com/mcpkit/mcpkit/blob/main/docs/trust.md',
      ...(set.configFile !== undefined ? { artifactUri: relative(process.cwd(), set.configFile).split('\\').join('/') } : {}),
    });
  if (options.sarif !== undefined) {
    try {
      await writeFile(options.sarif, `${JSON.stringify(sarif(), null, 2)}\n`);
    } catch (error) {
      throw usageError(`--sarif ${options.sarif}: cannot write the file: ${(error as Error).message}`);
    }
  }
  if (format === 'json') printJson(ctx.io, { findings: report.findings, servers: report.servers, summary: report.summary });
  else if (format === 'sarif') printJson(ctx.io, sarif());
  else renderHuman(ctx.io, report);
  if (report.failure !== undefined) {
    const { exitCode, message, hint } = report.failure;
    throw new CliError(exitCode as ExitCodeValue, `the scan is incomplete: ${message}`, hint);
  }
  if (report.summary.exitCode === ExitCode.ToolError) {
    throw new CliError(ExitCode.ToolError, `${report.summary.atOrAboveFailOn} finding${report.summary.atOrAboveFailOn === 1 ? '' : 's'} at or above --fail-on ${options.failOn}`);
  }
}

export function scanCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('scan')
    .description('scan MCP servers for poisoned definitions, drift from mcp.lock.json and missing authentication; a trust tier per server')
    .usage('[options] TARGET');
  addTrustTargetOptions(command);
  addLockfileOption(command);
  command
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(SEVERITIES).default('high'))
    .addOption(new Option('--format <format>', 'what stdout gets: human text, one JSON document, or SARIF 2.1.0').choices(['human', 'json', 'sarif']))
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to FILE (for CI code scanning)')
    .option('--no-probe', 'do not probe HTTP servers for missing authentication')
    .option('--disable <rule>', 'leave out a rule by id, e.g. MCP-I006 (repeatable)', collect)
    .option('--jwks <file>', "the public keys the server's signed manifest (mcpkit/manifest) must verify with (default: the lockfile's signer)")
    .option('--issuer <id>', 'the identity that manifest must be bound to (with --jwks)')
    .addHelpText(
      'after',
      `
--json prints one document:
  {findings: [{rule, severity, server, kind, tool, pointer, message, evidence}],
   servers: [{name, target, transport, serverInfo, era, counts, auth, authProbe, manifest, manifestDetail,
              drift, tier, tierReason, findings, maxSeverity, error}],
   summary: {servers, scanned, failed, findings, bySeverity, failOn, atOrAboveFailOn, lockfile, exitCode}}
Severities: ${SEVERITIES.join(' < ')}. Rules: docs/trust.md (the scanner's MCP-U/I/S/E/X/A/O rules), and
MCP-D001 lockfile drift, MCP-D002 server not in the lockfile, MCP-P001 no authentication, MCP-M001 signed
manifest invalid.
Each server is asked for its signed manifest (mcpkit/manifest): verified against --jwks/--issuer or the
lockfile's signer, it raises the tier; one that fails, or is missing while a signer is pinned, is MCP-M001.
Over HTTP, a second connection WITHOUT your credentials asks tools/list and calls a tool name that cannot
exist; both must be refused with 401/403. No other tool is ever called.

${TRUST_TARGETS_HELP}

${EXAMPLES}

${SCAN_EXIT_CODES_HELP}
`,
    )
    .action(verdictAction((options: ScanOptions) => scan(ctx, options)));
}
