/**
 * @mcpkit/server: the MCP server SDK. One handler API for both protocol eras; Streamable HTTP as a
 * web-standard handler. Node-only transports (stdio, node:http) are in `@mcpkit/server/node`.
 * @module
 */
export { McpServer } from './server.js';
export type { RegisteredTool, RegisteredResource, RegisteredResourceTemplate, RegisteredPrompt, RegisteredMethod, ToolInputSchema } from './server.js';
export type { MethodHandler } from './features/methods.js';
export type { McpServerOptions } from './core.js';
export { RequestContext } from './context.js';
export type { Middleware, McpRequest, Principal } from './middleware.js';
export { ServerSession } from './session/session.js';
export type { ConnectOptions } from './session/session.js';
export type { Registered } from './registry/registry.js';
export type { ToolConfig, ToolHandler, ToolArgs } from './features/tools.js';
export type { ToolReturn, ToolOutput, TypedToolResult, ToolErrorResult, PromptArgs } from './features/tool-results.js';
export type {
  ResourceMetadata,
  ResourceReadResult,
  ResourceHandler,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  TemplateVariables,
  Completer,
} from './features/resources.js';
export type { PromptConfig, PromptHandler } from './features/prompts.js';
export type { SchemaInput } from './schema/compile.js';
export type { StandardSchemaV1, InferOutput, InferInput } from './schema/standard.js';
export { InputRequiredSignal, isInputRequired } from './stateless/input-required.js';
export { ResourceNotFoundError } from './features/resources.js';
export type { InputOptions } from './context.js';
// Wire types and errors handlers commonly need, so a server imports only @mcpkit/server.
export { ProtocolError, ErrorCode, McpkitError, MissingCapabilityError, InvalidArgumentError } from '@mcpkit/protocol';
export type {
  CallToolResult,
  ContentBlock,
  TextContent,
  ImageContent,
  AudioContent,
  EmbeddedResource,
  ResourceLink,
  Root,
  Tool,
  Resource,
  ResourceTemplate,
  Prompt,
  PromptMessage,
  GetPromptResult,
  ReadResourceResult,
  Implementation,
  LoggingLevel,
  ClientCapabilities,
  ServerCapabilities,
  ElicitParams,
  ElicitResult,
  CreateMessageParams,
  CreateMessageResult,
  JsonObject,
  JsonSchema,
} from '@mcpkit/protocol';
export { createHttpHandler } from './http/handler.js';
export type { HttpHandlerOptions, McpHttpHandler, McpHttpCore } from './http/handler.js';
export { AuthError } from './http/auth.js';
export type { AuthVerifier, AuthFailure, AuthRefusal, HttpAuthOptions, PresentedCredentials } from './http/auth.js';
export { InMemoryEventStore } from './http/event-store.js';
export { MemorySessionMessageBus, MemorySessionRevocations, SessionSealer } from './http/session-seal.js';
export type { SealedSession, SessionMessageBus, SessionRevocations, SessionSealKey, SessionSealOptions } from './http/session-seal.js';
export { MemorySessionStateStore } from './http/session-state-store.js';
export type { SessionState, SessionStatePatch, SessionStateStore } from './http/session-state-store.js';
export type { EventStore } from './http/event-store.js';
export { MemorySharedTaskStore } from './tasks/shared-tasks.js';
export type { SharedTaskStore, TaskAction } from './tasks/shared-tasks.js';
