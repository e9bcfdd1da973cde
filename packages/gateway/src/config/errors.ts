/**
 * The error for an `mcp.yaml` that cannot be used, with every problem found located at file:line:column.
 * @module
 */
import { McpkitError } from '@mcpkit/protocol';

export const GATEWAY_CONFIG_INVALID = 'MCPKIT_GATEWAY_CONFIG_INVALID';

/** One thing wrong with the file: where it is and what is wrong. */
export interface GatewayConfigProblem {
  /** The field, e.g. `servers.files.command` or `keys[0].key`; empty for the file as a whole. */
  path: string;
  /** 1-based line and column of the offending node (of its parent when the field is missing). */
  line: number;
  column: number;
  message: string;
}

/** `mcp.yaml:12:7: servers.files.command: must be a string`. */
export function formatProblem(file: string, problem: GatewayConfigProblem): string {
  const where = `${file}:${problem.line}:${problem.column}`;
  return problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/**
 * An `mcp.yaml` is invalid. The message has one line per problem (`file:line:column: path: message`); the same
 * problems are on `problems`, in file order. Code `MCPKIT_GATEWAY_CONFIG_INVALID`.
 * @example
 * try {
 *   await loadGatewayConfig('mcp.yaml');
 * } catch (error) {
 *   if (error instanceof GatewayConfigError) for (const p of error.problems) console.error(p.line, p.message);
 * }
 */
export class GatewayConfigError extends McpkitError {
  static readonly errorCode = GATEWAY_CONFIG_INVALID;
  /** The file as named to the loader (absolute for {@link loadGatewayConfig}). */
  readonly file: string;
  readonly problems: readonly GatewayConfigProblem[];

  constructor(file: string, problems: readonly GatewayConfigProblem[], options?: { cause?: unknown }) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    const count = sorted.length === 1 ? 'a problem' : `${sorted.length} problems`;
    const lines = sorted.map((p) => formatProblem(file, p));
    super(GATEWAY_CONFIG_INVALID, `${file} has ${count}:\n${lines.join('\n')}`, options);
    this.name = 'GatewayConfigError';
    this.file = file;
    this.problems = sorted;
  }
}
