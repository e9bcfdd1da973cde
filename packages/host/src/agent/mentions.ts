/**
 * `@server:uri` mentions in a user message: each named resource is read from its server and attached as context.
 * @module
 */
import type { McpHost } from '../mcp-host/mcp-host.js';
import type { TextPart } from '../providers/types.js';
import { truncate } from './tool-output.js';

const MENTION = /(?:^|\s)@([^\s:@]+):(\S+)/g;

/** The text parts to add for the mentions in `text` (servers the host does not know are left alone). */
export async function resourceMentions(host: Pick<McpHost, 'statuses' | 'readResource'>, text: string, maxChars: number, signal?: AbortSignal): Promise<TextPart[]> {
  const servers = new Set(Object.keys(host.statuses()));
  const parts: TextPart[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    const [, server, raw] = m as unknown as [string, string, string];
    // A mention at the end of a sentence keeps its URI without the punctuation.
    const uri = raw.replace(/[.,;!?)]+$/, '');
    if (!servers.has(server) || seen.has(`${server} ${uri}`)) continue;
    seen.add(`${server} ${uri}`);
    try {
      const result = await host.readResource(server, uri, signal ? { signal } : {});
      const body = result.contents
        .map((c) => ('text' in c && typeof c.text === 'string' ? c.text : `[binary ${c.mimeType ?? 'content'}, not shown]`))
        .join('\n');
      parts.push({ type: 'text', text: `<resource server="${server}" uri="${uri}">\n${truncate(body, maxChars).text}\n</resource>` });
    } catch (error) {
      parts.push({ type: 'text', text: `(The resource @${server}:${uri} could not be read: ${(error as Error).message})` });
    }
  }
  return parts;
}
