/**
 * @mcpkit/host: an MCP host. Host config files (Claude Desktop, Claude Code, VS Code, Cursor), `McpHost` (many
 * servers behind one catalogue with namespaced tool names), an agent loop over its tools, Anthropic and
 * OpenAI-compatible model providers over `fetch`, human approval of tool calls, and sampling served by the host's
 * model. Node only (it reads files and spawns processes). The LLM double for tests is in `@mcpkit/host/testing`.
 * @module
 */
export { loadHostConfig } from './config/load-config.js';
export { parseHostConfig } from './config/parse-config.js';
export type {
  HostConfigFormat,
  HostConfigInput,
  HostConfigOptions,
  ParseHostConfigOptions,
  RemoteServerConfig,
  ServerConfig,
  StdioServerConfig,
} from './config/types.js';
export { ConfigError } from './config/config-error.js';
export type { ConfigErrorDetails } from './config/config-error.js';
export { McpHost } from './mcp-host/mcp-host.js';
export type { HostPrompt, HostResource, HostTool, McpHostEvents, McpHostOptions } from './mcp-host/mcp-host.js';
export type { CatalogueGuard, CatalogueKind, GuardDecision, GuardListing, ServerStatus } from './mcp-host/server-connection.js';
export { QuarantinedError, QUARANTINED } from './mcp-host/quarantined-error.js';
export { createServerTransport } from './mcp-host/transports.js';
export { Agent, runAgent } from './agent/agent.js';
export type { AgentEvent, AgentOptions, AgentTurn } from './agent/agent.js';
export { ToolApprovals, serverIdentity } from './agent/approvals.js';
export type { ApprovalAnswer, ApprovalRequest, ApprovalVerdict, ToolApprovalsOptions } from './agent/approvals.js';
export { FileApprovalStore, MemoryApprovalStore, approvalsFilePath } from './agent/approval-store.js';
export type { ApprovalStore, RememberedApproval } from './agent/approval-store.js';
export { toolCatalogue, PROVIDER_TOOL_NAME } from './agent/catalogue.js';
export type { AgentHost, CatalogueEntry } from './agent/catalogue.js';
export { SamplingDesk, agentClientOptions, samplingHandler } from './agent/sampling.js';
export type { ApproveSampling, SamplingApprovalRequest } from './agent/sampling.js';
export { resultForModel, resultText, truncate } from './agent/tool-output.js';
export { ToolSearch } from './agent/tool-search.js';
export type { ToolSearchOptions } from './agent/tool-search.js';
export { resourceMentions } from './agent/mentions.js';
export { promptArguments, promptParts } from './agent/prompts.js';
export { recordTranscript } from './transcript/record.js';
export { replayTranscript, transcriptPrompts } from './transcript/replay.js';
export { TRANSCRIPT_VERSION } from './transcript/format.js';
export type { TranscriptEntry } from './transcript/format.js';
export { AnthropicProvider, DEFAULT_ANTHROPIC_MODEL } from './providers/anthropic.js';
export type { AnthropicProviderOptions } from './providers/anthropic.js';
export { OpenAiProvider, DEFAULT_OPENAI_MODEL } from './providers/openai.js';
export type { OpenAiProviderOptions } from './providers/openai.js';
export { DEFAULT_RETRY, retryAfterMs } from './providers/http.js';
export type { RetryPolicy } from './providers/http.js';
export type {
  CompleteOptions,
  ImagePart,
  ModelMessage,
  ModelPart,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ModelTool,
  ModelUsage,
  StopReason,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from './providers/types.js';
