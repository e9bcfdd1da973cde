/**
 * A tool result as text for the model, with large results cut and a note saying so.
 * @module
 */
import type { CallToolResult, ContentBlock } from '@mcpkit/protocol';

function describe(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes, not shown]`;
    case 'resource_link':
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource': {
      const r = block.resource as { uri: string; text?: string; mimeType?: string };
      return typeof r.text === 'string' ? `[resource ${r.uri}]\n${r.text}` : `[binary resource ${r.uri}${r.mimeType ? `, ${r.mimeType}` : ''}, not shown]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

/** The result's content as text; structured content alone is shown as JSON. */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map(describe);
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

/** Cuts `text` to `max` characters, ending with a note to the model that says how much it did not see. */
export function truncate(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const note = `\n\n[mcpkit: the result was truncated to its first ${max} of ${text.length} characters; ask for less (a narrower query, a page, a range) if you need the rest]`;
  return { text: text.slice(0, max) + note, truncated: true };
}
