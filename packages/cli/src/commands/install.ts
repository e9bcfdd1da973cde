/**
 * `mcpkit install CLIENT NAME TARGET`: adds a server to Claude Desktop's, Claude Code's, VS Code's or Cursor's
 * configuration, in that host's own format, without clobbering what is there.
 * @module
 */
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { CliError, ExitCode, usageError } from '../failure.js';
import { planEdit, writeEdit } from '../install/config-file.js';
import { HOSTS, type ServerSpec, hostNamed } from '../install/hosts.js';
import { prepareCommand } from '../install/server-command.js';
import { note, warn } from '../output/io.js';
import type { CommandContext } from '../session.js';
import { type TargetOptions, addTargetOptions, resolveTarget } from '../target.js';

interface InstallOptions extends TargetOptions {
  force?: boolean;
  dryRun?: boolean;
  file?: string;
  project?: boolean;
}

const FILES_HELP = `Files (--file overrides):
  claude-desktop  claude_desktop_config.json: ~/Library/Application Support/Claude/ (macOS),
                  %APPDATA%\\Claude\\ (Windows), ~/.config/Claude/ (Linux)
  claude-code     .mcp.json in this directory (the project)
  vscode          .vscode/mcp.json in this directory (JSONC: comments are kept)
  cursor          ~/.cursor/mcp.json, or .cursor/mcp.json in this directory with --project
Relative paths in the command are written absolute. The previous version of each file is kept (one backup per
file, mode 0600) in $XDG_STATE_HOME/mcpkit/backups, or ~/.local/state/mcpkit/backups
(%LOCALAPPDATA%\\mcpkit\\backups on Windows).`;

/** Server names hosts and tool namespacing both accept. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What `install` reports besides the change itself. */
interface Notes {
  absolute: Array<{ from: string; to: string }>;
}

async function serverSpec(ctx: CommandContext, options: InstallOptions, notes: Notes): Promise<ServerSpec> {
  // No --config here: entries are read with their variables expanded, and copying one would write secrets out.
  // So the hints name only the two ways install takes.
  const hint = 'give the server as `-- COMMAND ARGS...` or `--url URL`';
  if (ctx.stdio === undefined && options.url === undefined) throw usageError('no server given', hint);
  if (ctx.stdio !== undefined && options.url !== undefined) throw usageError('give one server, not `-- COMMAND` and --url', hint);
  // An API key in the environment is for this shell's calls, never to be written into a host's file.
  const target = await resolveTarget({ ...options, apiKeyFromEnv: false }, ctx.stdio);
  if (target.kind !== 'stdio') return { kind: 'http', url: target.url, headers: target.headers };
  // Hosts start servers from a directory of their own choosing (a relative script path fails there with
  // MODULE_NOT_FOUND), so relative paths are written absolute, and a command the host will not find is told.
  const prepared = prepareCommand(target.command, target.args, process.cwd(), ctx.io.env);
  notes.absolute = prepared.absolute;
  for (const problem of prepared.problems) warn(ctx.io, problem);
  return { kind: 'stdio', command: prepared.command, args: prepared.args, env: target.env };
}

async function run(ctx: CommandContext, client: string, name: string, options: InstallOptions): Promise<void> {
  const host = hostNamed(client);
  if (!NAME.test(name)) throw usageError(`server name ${JSON.stringify(name)} is not usable`, 'use letters, digits, ".", "_" and "-" (up to 64), starting with a letter or digit');
  if (options.project && host.name !== 'cursor') throw usageError(`--project applies to cursor; ${host.title}'s file is always ${host.global(true) ? 'per user' : 'in the project'}`);
  const notes: Notes = { absolute: [] };
  const server = await serverSpec(ctx, options, notes);
  const entry = host.entry(server);
  const path = options.file !== undefined ? resolve(options.file) : host.path({ cwd: process.cwd(), project: options.project === true, env: ctx.io.env });
  const plan = await planEdit(path, { key: host.key, jsonc: host.jsonc, title: host.title }, name, entry, options.force === true);
  const { io } = ctx;
  const absolute = notes.absolute.map((a) => `${a.from} → ${a.to}`).join(', ');
  if (options.dryRun) {
    if (absolute) note(io, `paths made absolute: ${absolute}`);
    io.out(plan.text);
    note(io, `dry run: ${plan.file} was not changed (it would ${plan.existed ? (plan.replaced ? 'replace' : 'add') : 'create the file with'} ${JSON.stringify(name)})`);
    return;
  }
  let saved: string | undefined;
  try {
    saved = await writeEdit(plan, io.env);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `cannot write ${plan.file}: ${(error as Error).message}`, 'check the permissions of the file and its folder, or choose another file with --file', { cause: error });
  }
  const c = io.color;
  io.out(`${c.green('✓')} ${plan.replaced ? 'Replaced' : 'Added'} ${c.bold(name)} in ${host.title}'s configuration: ${plan.file}\n`);
  if (absolute) io.out(`  paths made absolute (hosts start servers from another directory): ${absolute}\n`);
  if (saved) io.out(`  backup of the previous file (only the latest is kept, readable by you alone): ${saved}\n`);
  if (server.kind === 'http' && Object.keys(server.headers).length) io.out(`  note: the headers (credentials?) are stored in plain text in that file\n`);
  io.out(`  next: ${host.next}\n`);
}

export function installCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('install')
    .description("add a server to an MCP host's configuration (merging; a backup of the old file is kept)")
    .usage('[options] CLIENT NAME (-- COMMAND ARGS... | --url URL)')
    .addArgument(new Argument('<client>', 'the host').choices(HOSTS))
    .argument('<name>', 'the name of the server in that configuration')
    .option('--force', 'replace a server of the same name')
    .option('--dry-run', 'print the resulting file instead of writing it')
    .option('--file <path>', "the configuration file to edit, instead of the host's usual one")
    .option('--project', "cursor: the project's .cursor/mcp.json instead of ~/.cursor/mcp.json");
  addTargetOptions(command, { config: false });
  command.addHelpText('after', `\n${FILES_HELP}`);
  command.action((client: string, name: string, options: InstallOptions) => run(ctx, client, name, options));
}
