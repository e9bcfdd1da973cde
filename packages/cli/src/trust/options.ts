/**
 * Options and help text shared by the trust commands (scan, lock, trust, sign).
 * @module
 */
import type { Command } from 'commander';
import { CliError, ExitCode, describeFailure } from '../failure.js';
import { addConnectionOptions } from '../session.js';
import { addTargetOptions } from '../target.js';

export const TRUST_TARGETS_HELP = `Targets (the servers to work on):
  -- COMMAND ARGS...             a stdio server (everything after \`--\`, run without a shell); --name NAME for the lockfile
  --url URL                      a Streamable HTTP server; --header "K: V" (repeatable), --bearer TOKEN, --api-key KEY
  --config FILE [--server NAME]  every server (or one) of a Claude Desktop, Claude Code, VS Code or Cursor config,
                                 or of a gateway mcp.yaml (by its .yaml/.yml extension)
A server is known in the lockfile by its name in --config, else by --name, else by the serverInfo.name it reports.`;

/** Adds the target options (host configs and mcp.yaml), `--name`, `--timeout` and `--protocol` (and `--json`). */
export function addTrustTargetOptions(command: Command, { json = true } = {}): Command {
  addTargetOptions(command, { gateway: true });
  command.option('--name <name>', 'the lockfile name of a `-- COMMAND` or --url server (default: its serverInfo.name)');
  return addConnectionOptions(command, { json });
}

/** `--lockfile`. */
export function addLockfileOption(command: Command): Command {
  return command.option('--lockfile <path>', "the lockfile (default: mcp.yaml's trust.lockfile with a gateway --config, else ./mcp.lock.json)");
}

/**
 * Wraps a command's action so that a bug in mcpkit exits 70, not 1: for scan, lock --check and sign verify, 1 is a
 * verdict (findings, drift, a refused manifest) that CI acts on, and a crash must never read as one.
 */
export function verdictAction<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await run(...args);
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.stack === undefined) throw error;
      throw new CliError(ExitCode.Internal, failure.message, `${failure.hint ?? ''}\n${failure.stack}`, { cause: error });
    }
  };
}
