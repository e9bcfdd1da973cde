/**
 * The error for a host configuration file that cannot be used: bad JSON, a bad server entry, a missing variable.
 * @module
 */
import { McpkitError } from '@mcpkit/protocol';

export const CONFIG_INVALID = 'MCPKIT_CONFIG_INVALID';

/** Where in the file the problem is; every field a host UI may want to point at. */
export interface ConfigErrorDetails {
  /** The configuration file. */
  file: string;
  /** The server entry's name, when the problem is inside one. */
  server?: string;
  /** The field inside the entry, e.g. `args[1]` or `env.API_KEY`. */
  field?: string;
  /** The variable that could not be resolved. */
  variable?: string;
  /** 1-based line and column of a JSON syntax error. */
  line?: number;
  column?: number;
}

/**
 * A configuration file is invalid. The message names the file, then the server and the field (or the line
 * and column of a syntax error); the same parts are on the error as fields. Code `MCPKIT_CONFIG_INVALID`.
 * @example
 * try {
 *   await loadHostConfig('.mcp.json');
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.message, error.server, error.field);
 * }
 */
export class ConfigError extends McpkitError {
  static readonly errorCode = CONFIG_INVALID;
  readonly file: string;
  readonly server: string | undefined;
  readonly field: string | undefined;
  readonly variable: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, details: ConfigErrorDetails, options?: { cause?: unknown }) {
    super(CONFIG_INVALID, message, options);
    this.name = 'ConfigError';
    this.file = details.file;
    this.server = details.server;
    this.field = details.field;
    this.variable = details.variable;
    this.line = details.line;
    this.column = details.column;
  }
}

/** Where a problem is, as the message says it: `file: server "x": field: `. */
export interface ConfigLocation {
  file: string;
  server?: string;
  field?: string;
}

/** Builds a {@link ConfigError} whose message starts with the location. */
export function configError(at: ConfigLocation, problem: string, extra: { variable?: string; cause?: unknown } = {}): ConfigError {
  let prefix = at.file;
  if (at.server !== undefined) prefix += `: server ${JSON.stringify(at.server)}`;
  if (at.field !== undefined) prefix += `: ${at.field}`;
  const details: ConfigErrorDetails = { ...at };
  if (extra.variable !== undefined) details.variable = extra.variable;
  return new ConfigError(`${prefix}: ${problem}`, details, extra.cause === undefined ? undefined : { cause: extra.cause });
}
