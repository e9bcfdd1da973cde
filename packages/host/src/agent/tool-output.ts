/**
 * A tool result as text for the model, with large results cut and a note saying so.
 * @module
 */
import type { CallToolResult, ContentBlock } from '@mcpkit/protocol';
import { takesImage } from '../providers/images.js';
import type { ImagePart } from '../providers/types.js';

/** The decoded size of base64 text, padding counted off. */
const bytes = (base64: string) => Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);

function describe(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${bytes(block.data)} bytes, not shown]`;
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

/**
 * The result for the model: its text, and the images the model APIs take (PNG, JPEG, GIF, WebP) while they fit in
 * `maxImageBytes` together; those are named in the text as attached, the others described as not shown.
 */
export function resultForModel(result: CallToolResult, maxImageBytes: number): { text: string; images: ImagePart[] } {
  const images: ImagePart[] = [];
  let budget = maxImageBytes;
  const parts = (result.content ?? []).map((block) => {
    if (block.type !== 'image' || typeof block.data !== 'string' || typeof block.mimeType !== 'string') return describe(block);
    const image: ImagePart = { type: 'image', data: block.data, mimeType: block.mimeType };
    const size = bytes(block.data);
    if (!takesImage(image, 'user') || size > budget) return describe(block);
    budget -= size;
    images.push(image);
    return `[image ${block.mimeType}, ${size} bytes, attached]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) return { text: JSON.stringify(result.structuredContent), images };
  return { text: parts.join('\n'), images };
}

/** Cuts `text` to `max` characters, ending with a note to the model that says how much it did not see. */
export function truncate(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const note = `\n\n[mcpkit: the result was truncated to its first ${max} of ${text.length} characters; ask for less (a narrower query, a page, a range) if you need the rest]`;
  return { text: text.slice(0, max) + note, truncated: true };
}
