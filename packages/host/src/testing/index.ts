/**
 * @mcpkit/host/testing: a loopback LLM double speaking the Anthropic and OpenAI wire formats from a script, so
 * agent tests need no API key and no network.
 * @module
 */
export { LlmDouble } from './llm-double.js';
export type { LlmDoubleOptions } from './llm-double.js';
export { lastToolResults, offeredTools } from './script.js';
export type { RecordedRequest, ScriptedReply, ScriptedToolCall, ScriptedTurn } from './script.js';
