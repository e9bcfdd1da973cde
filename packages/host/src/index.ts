/**
 * @mcpkit/host: an MCP host. An agent loop over the tools of many MCP servers (an `McpHost` from
 * `@mcpkit/client/host`), Anthropic and OpenAI-compatible model providers over `fetch`, human approval of tool calls,
 * and sampling served by the host's model. The LLM double for tests is in `@mcpkit/host/testing`.
 * @module
 */
export { Agent, runAgent } from './agent/agent.js';
export type { AgentEvent, AgentOptions, AgentTurn } from './agent/agent.js';
export { ToolApprovals, serverIdentity } from './agent/approvals.js';
export type { ApprovalAnswer, ApprovalRequest, ApprovalVerdict, ToolApprovalsOptions } from './agent/approvals.js';
export { toolCatalogue, PROVIDER_TOOL_NAME } from './agent/catalogue.js';
export type { AgentHost, CatalogueEntry } from './agent/catalogue.js';
export { SamplingDesk, agentClientOptions, samplingHandler } from './agent/sampling.js';
export type { ApproveSampling, SamplingApprovalRequest } from './agent/sampling.js';
export { resultText, truncate } from './agent/tool-output.js';
export { ToolSearch } from './agent/tool-search.js';
export type { ToolSearchOptions } from './agent/tool-search.js';
export { resourceMentions } from './agent/mentions.js';
export { promptArguments, promptParts } from './agent/prompts.js';
export { recordTranscript } from './transcript/record.js';
export { replayTranscript } from './transcript/replay.js';
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
