/**
 * The observability options of list, call, read and get: `--trace`, `--verbose` and `--root DIR`.
 * @module
 */
import type { Command } from 'commander';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The options {@link addObserveOptions} adds, as commander collects them. */
export interface ObserveOptions {
  trace?: boolean;
  verbose?: boolean;
  root?: string[];
}

/** Adds `--trace`, `--verbose` and `--root DIR` (repeatable). */
export function addObserveOptions(command: Command): Command {
  return command
    .option('--trace', 'print every JSON-RPC message, both ways, with timings on stderr ($MCPKIT_TRACE=FILE writes them as JSONL to FILE); secrets are redacted')
    .option('--verbose', "show the server's log messages and a stdio server's stderr")
    .option('--root <dir>', 'offer DIR to the server as a root (roots/list, as a file:// URI; repeatable)', collect);
}
