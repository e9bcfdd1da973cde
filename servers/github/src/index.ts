/**
 * @mcpkit/server-github: GitHub issues (list, search, read, create, update, close, comment) over MCP.
 * @module
 */
export { createGitHubServer } from './server.js';
export type { GitHubServerOptions } from './server.js';
export { GitHubApi, MAX_PAGES } from './api/client.js';
export type { ApiCall, GitHubApiOptions, Paged } from './api/client.js';
export { GitHubError } from './api/errors.js';
export type { GitHubErrorCode } from './api/errors.js';
export { DEFAULT_API_URL, USAGE, UsageError, parseApiUrl, parseArgs } from './args.js';
export type { GitHubCommand } from './args.js';
export type { Comment, Issue, IssueSummary } from './issues.js';
