/**
 * @mcpkit/server-filesystem: an MCP server that reads and writes files inside allowed directories only.
 * @module
 */
export { createFilesystemServer } from './server.js';
export type { FilesystemServer, FilesystemServerOptions } from './server.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { FilesystemLimits } from './limits.js';
export { FsToolError } from './access/errors.js';
export type { FsToolErrorCode } from './access/errors.js';
export { isWithin, loadAllowedDirectories } from './access/allowed.js';
export type { AllowedDirectory } from './access/allowed.js';
