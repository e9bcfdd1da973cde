/**
 * Records a conversation: wraps a provider and a host so that every model exchange, tool call and resource read
 * is written as a JSON line (see {@link TranscriptEntry}).
 * @module
 */
import type { HostTool } from '../mcp-host/mcp-host.js';
import type { AgentHost } from '../agent/catalogue.js';
import type { ModelProvider } from '../providers/types.js';
import { TRANSCRIPT_VERSION, type TranscriptEntry } from './format.js';

/**
 * Wraps `provider` and `host`; `write` gets each line (with its newline) as the exchange completes.
 * @example
 * const { provider, host } = recordTranscript(new AnthropicProvider(), mcpHost, (line) => appendFileSync('chat.jsonl', line));
 */
export function recordTranscript(provider: ModelProvider, host: AgentHost, write: (line: string) => void): { provider: ModelProvider; host: AgentHost } {
  const emit = (entry: TranscriptEntry) => write(`${JSON.stringify(entry)}\n`);
  emit({ kind: 'mcpkit-transcript', version: TRANSCRIPT_VERSION, provider: provider.name, model: provider.model });
  let seen: HostTool[] | undefined;
  let written = '';
  const recordingHost: AgentHost = {
    tools: () => (seen = host.tools()),
    config: (server) => host.config(server),
    statuses: () => host.statuses(),
    async callTool(name, args = {}, options) {
      try {
        const result = await host.callTool(name, args, options);
        emit({ kind: 'tool', name, arguments: args, result });
        return result;
      } catch (error) {
        emit({ kind: 'tool', name, arguments: args, error: (error as Error).message ?? String(error) });
        throw error;
      }
    },
    async readResource(server, uri, options) {
      try {
        const result = await host.readResource(server, uri, options);
        emit({ kind: 'resource', server, uri, result });
        return result;
      } catch (error) {
        emit({ kind: 'resource', server, uri, error: (error as Error).message ?? String(error) });
        throw error;
      }
    },
  };
  const recordingProvider: ModelProvider = {
    name: provider.name,
    model: provider.model,
    async complete(request, options) {
      const response = await provider.complete(request, options);
      // Requests are snapshots: the agent goes on appending to the same message array.
      const entry: TranscriptEntry = { kind: 'model', request: JSON.parse(JSON.stringify(request)) as typeof request, response };
      const catalogue = JSON.stringify(seen ?? []);
      if (catalogue !== written) {
        entry.catalogue = seen ?? [];
        written = catalogue;
      }
      emit(entry);
      return response;
    },
  };
  return { provider: recordingProvider, host: recordingHost };
}
