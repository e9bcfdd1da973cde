/**
 * @mcpkit/client: the MCP client SDK. Connects in whichever era the server speaks (2026-07-28 first, then
 * the session era), with one handler API for sampling, elicitation and roots. Node-only transports (stdio)
 * are in `@mcpkit/client/node`; OAuth in `./auth`. Host configs and `McpHost` live in `@mcpkit/host`.
 * @module
 */
export { Client } from './client.js';
export type { ClientOptions, CallOptions, ClientEvents, ConnectOptions } from './client.js';
export type { ClientHandlers, InputContext } from './handlers.js';
export type { Negotiated } from './negotiate.js';
export { ToolTask, TasksUnsupportedError, TASKS_EXTENSION } from './tasks.js';
export type { TaskState, TaskStatus, TaskWaitOptions } from './tasks.js';
export { connectHttp } from './connect-http.js';
export type { ConnectHttpOptions } from './connect-http.js';
// Tool names for many servers at once and reconnection delays: shared by @mcpkit/host and @mcpkit/gateway.
export { namespaceToolName, MAX_TOOL_NAME_LENGTH, NameTable } from './tool-names.js';
export type { QualifiedName } from './tool-names.js';
export { backoffDelay, DEFAULT_RECONNECT } from './backoff.js';
export { Emitter } from './events.js';
export type { Listener } from './events.js';
export type { ReconnectPolicy } from './backoff.js';

// --- HTTP transports (packages/client/src/transports): Streamable HTTP (both eras), legacy HTTP+SSE, SSE parsing,
// --- 2026-07-28 routing headers. Web APIs only, so they stay in the runtime-neutral root entry.
export { StreamableHttpClientTransport } from './transports/streamable-http.js';
export type { StreamableHttpClientTransportOptions } from './transports/streamable-http.js';
export { LegacySseClientTransport } from './transports/legacy-sse.js';
export type { LegacySseClientTransportOptions } from './transports/legacy-sse.js';
export type { HttpAuthProvider, HttpHeadersOption, HttpRequestOptions } from './transports/http-support.js';
export type { ReconnectOptions } from './transports/sse-streams.js';
export { SseParser, readSse } from './transports/sse-parser.js';
export type { SseEvent, SseParserOptions } from './transports/sse-parser.js';
export { buildMcpHeaders, encodeHeaderValue, validateHeaderAnnotations } from './transports/mcp-headers.js';
export type { ToolSchemaLookup } from './transports/mcp-headers.js';
// --- end HTTP transports
