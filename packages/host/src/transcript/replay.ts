/**
 * Replays a recorded conversation with no network and no servers: the model's answers, the tool results and the
 * resources come from the transcript, so the same conversation runs the same way (a test fixture).
 * @module
 */
import type { HostTool } from '../mcp-host/mcp-host.js';
import type { ServerStatus } from '../mcp-host/server-connection.js';
import { type CallToolResult, InvalidArgumentError, ProtocolViolationError, type ReadResourceResult } from '@mcpkit/protocol';
import type { AgentHost } from '../agent/catalogue.js';
import type { ModelPart, ModelProvider, ModelResponse } from '../providers/types.js';
import { TRANSCRIPT_VERSION, type TranscriptEntry } from './format.js';

type ToolEntry = Extract<TranscriptEntry, { kind: 'tool' }>;
type ResourceEntry = Extract<TranscriptEntry, { kind: 'resource' }>;

/** Compares arguments as JSON with sorted keys, so key order does not matter. */
function same(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : Array.isArray(v) ? v.map(sorted) : v;
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function parseTranscript(text: string): { head: Extract<TranscriptEntry, { kind: 'mcpkit-transcript' }>; entries: TranscriptEntry[] } {
  const entries = text.split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    try {
      return JSON.parse(line) as TranscriptEntry;
    } catch {
      throw new InvalidArgumentError(`transcript line ${i + 1} is not JSON`);
    }
  });
  const head = entries[0];
  if (head?.kind !== 'mcpkit-transcript' || head.version !== TRANSCRIPT_VERSION) throw new InvalidArgumentError(`not an mcpkit transcript (version ${TRANSCRIPT_VERSION})`);
  return { head, entries };
}

/**
 * The user's messages of a recorded conversation, in order, as the agent sent them (prompt text, attached
 * resources, images), so the whole conversation can be replayed: `for (const m of prompts) await agent.send(m)`.
 * A model request starts a user message when its last message is the user's with more than tool results in it.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a file that is not a transcript.
 */
export function transcriptPrompts(text: string): ModelPart[][] {
  const out: ModelPart[][] = [];
  for (const entry of parseTranscript(text).entries) {
    if (entry.kind !== 'model') continue;
    const last = entry.request.messages.at(-1);
    const parts = last?.role === 'user' ? last.content.filter((p) => p.type !== 'tool_result') : [];
    if (parts.length > 0) out.push(parts);
  }
  return out;
}

/**
 * A provider and a host that play back `text` (a transcript written by {@link recordTranscript}).
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a line that is not JSON or a file that is not a
 *   transcript; ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` (from the replay) when the conversation asks
 *   for something the transcript does not have.
 * @example
 * const { provider, host } = replayTranscript(readFileSync('chat.jsonl', 'utf8'));
 * const turn = await runAgent({ provider, host, prompt: 'Weather in Paris?', approvals });
 */
export function replayTranscript(text: string): { provider: ModelProvider; host: AgentHost } {
  const { head, entries } = parseTranscript(text);
  const models = entries.filter((e): e is Extract<TranscriptEntry, { kind: 'model' }> => e.kind === 'model');
  const tools = entries.filter((e): e is ToolEntry => e.kind === 'tool');
  const resources = entries.filter((e): e is ResourceEntry => e.kind === 'resource');
  let next = 0;
  let catalogue: HostTool[] = [];
  const catalogueAt = (i: number): HostTool[] => {
    for (let j = Math.min(i, models.length - 1); j >= 0; j--) if (models[j]!.catalogue) return models[j]!.catalogue!;
    return [];
  };
  // Parallel calls were recorded as they finished; each call takes the first unused entry with its name and arguments.
  const take = <E extends ToolEntry | ResourceEntry>(list: E[], match: (e: E) => boolean, what: string): E => {
    const at = list.findIndex(match);
    if (at < 0) throw new ProtocolViolationError(`the transcript has no ${what}: the conversation went another way than the recorded one`);
    return list.splice(at, 1)[0]!;
  };
  const provider: ModelProvider = {
    name: head.provider,
    model: head.model,
    async complete(_request, options): Promise<ModelResponse> {
      const entry = models[next];
      if (!entry) throw new ProtocolViolationError(`the transcript has no model answer ${next + 1}: the conversation went another way than the recorded one`);
      next++;
      for (const p of entry.response.content) if (p.type === 'text') options?.onText?.(p.text);
      return entry.response;
    },
  };
  const host: AgentHost = {
    tools: () => (catalogue = catalogueAt(next)),
    config: () => undefined,
    statuses: () => Object.fromEntries([...new Set([...catalogueAt(next).map((t) => t.server), ...resources.map((r) => r.server)])].map((s) => [s, { state: 'connected' } as ServerStatus])),
    async callTool(name, args = {}): Promise<CallToolResult> {
      if (!catalogue.some((t) => t.name === name)) throw new InvalidArgumentError(`No server has a tool named ${JSON.stringify(name)}`);
      const entry = take(tools, (e) => e.name === name && same(e.arguments, args), `call to ${name} with ${JSON.stringify(args)}`);
      if (entry.error !== undefined) throw new ProtocolViolationError(entry.error);
      return entry.result!;
    },
    async readResource(server, uri): Promise<ReadResourceResult> {
      const entry = take(resources, (e) => e.server === server && e.uri === uri, `read of ${uri} from ${server}`);
      if (entry.error !== undefined) throw new ProtocolViolationError(entry.error);
      return entry.result!;
    },
  };
  return { provider, host };
}
