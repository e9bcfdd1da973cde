/**
 * `mcpkit install CLIENT NAME TARGET`: adds a server to Claude Desktop's, Claude Code's, VS Code's or Cursor's
 * configuration, in that host's own format, without clobbering what is there.
 * @module
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { CliError, ExitCode, usageError } from '../failure.js';
import { planEdit, writeEdit } from '../install/config-file.js';
import { HOSTS, type ServerSpec, hostNamed } from '../install/hosts.js';
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
  cursor          ~/.cursor/mcp.json, or .cursor/mcp.json in this directory with --project`;

/** Server names hosts and tool namespacing both accept. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function serverSpec(ctx: CommandContext, options: InstallOptions): Promise<ServerSpec> {
  // No --config here: entries are read with their variables expanded, and copying one would write secrets out.
  const target = await resolveTarget(options, ctx.stdio);
  if (target.kind === 'stdio') return { kind: 'stdio', command: target.command, args: target.args, env: target.env };
  return { kind: 'http', url: target.url, headers: target.headers };
}

/** Hosts start servers from a directory of their own choosing: relative paths in the command rarely work there. */
function warnRelativePaths(ctx: CommandContext, server: ServerSpec, global: boolean): void {
  if (server.kind !== 'stdio' || !global) return;
  const relative = [server.command, ...server.args].filter((a) => !isAbsolute(a) && /[\\/]/.test(a) && existsSync(a));
  if (relative.length) warn(ctx.io, `${relative.map((r) => JSON.stringify(r)).join(', ')} is relative to this directory, but the host may start the server elsewhere; consider ${JSON.stringify(resolve(relative[0]!))}`);
}

async function run(ctx: CommandContext, client: string, name: string, options: InstallOptions): Promise<void> {
  const host = hostNamed(client);
  if (!NAME.test(name)) throw usageError(`server name ${JSON.stringify(name)} is not usable`, 'use letters, digits, ".", "_" and "-" (up to 64), starting with a letter or digit');
  if (options.project && host.name !== 'cursor') throw usageError(`--project applies to cursor; ${host.title}'s file is always ${host.global(true) ? 'per user' : 'in the project'}`);
  const server = await serverSpec(ctx, options);
  const entry = host.entry(server);
  const path = options.file !== undefined ? resolve(options.file) : host.path({ cwd: process.cwd(), project: options.project === true, env: ctx.io.env });
  warnRelativePaths(ctx, server, options.file === undefined && host.global(options.project === true));
  const plan = await planEdit(path, { key: host.key, jsonc: host.jsonc, title: host.title }, name, entry, options.force === true);
  const { io } = ctx;
  if (options.dryRun) {
    io.out(plan.text);
    note(io, `dry run: ${plan.file} was not changed (it would ${plan.existed ? (plan.replaced ? 'replace' : 'add') : 'create the file with'} ${JSON.stringify(name)})`);
    return;
  }
  let saved: string | undefined;
  try {
    saved = await writeEdit(plan);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `cannot write ${plan.file}: ${(error as Error).message}`, 'check the permissions of the file and its folder, or choose another file with --file', { cause: error });
  }
  const c = io.color;
  io.out(`${c.green('✓')} ${plan.replaced ? 'Replaced' : 'Added'} ${c.bold(name)} in ${host.title}'s configuration: ${plan.file}\n`);
  if (saved) io.out(`  backup of the previous file: ${saved}\n`);
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
