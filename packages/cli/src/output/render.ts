/**
 * Human-readable renderings of results: content blocks, resource contents, prompt messages.
 * @module
 */
import type { CallToolResult, ContentBlock, GetPromptResult, ReadResourceResult, ResourceContents } from '@mcpkit/protocol';
import type { Palette } from './color.js';

/** Bytes a base64 string decodes to, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** One resource's contents: its text as is, a binary one as a one-line summary. */
export function renderResourceContents(contents: ResourceContents, color: Palette): string {
  if ('text' in contents && typeof contents.text === 'string') return withNewline(contents.text);
  const blob = (contents as { blob?: unknown }).blob;
  const bytes = typeof blob === 'string' ? base64Bytes(blob) : 0;
  return `${color.dim(`[binary ${contents.mimeType ?? 'data'}, ${size(bytes)}; use --json to get its base64]`)}\n`;
}

/** One content block: text as is; media and links as a one-line summary. */
export function renderContent(block: ContentBlock, color: Palette): string {
  switch (block.type) {
    case 'text':
      return withNewline(block.text);
    case 'image':
    case 'audio':
      return `${color.dim(`[${block.type} ${block.mimeType}, ${size(base64Bytes(block.data))}; use --json to get its base64]`)}\n`;
    case 'resource_link': {
      const about = [block.title ?? block.name, block.mimeType].filter(Boolean).join(', ');
      return `${color.cyan(`[link] ${block.uri}`)}${about ? color.dim(` (${about})`) : ''}\n`;
    }
    case 'resource':
      return `${color.cyan(`[resource] ${block.resource.uri}`)}\n${renderResourceContents(block.resource, color)}`;
    default:
      // A content type from a newer revision: show it rather than drop it.
      return `${JSON.stringify(block, null, 2)}\n`;
  }
}

/** A tool result: its content, or its structured content when there is no content to show. */
export function renderCallResult(result: CallToolResult, color: Palette): string {
  const content = Array.isArray(result.content) ? result.content : [];
  let out = content.map((b) => renderContent(b, color)).join('');
  if (content.length === 0 && result.structuredContent !== undefined) out = `${JSON.stringify(result.structuredContent, null, 2)}\n`;
  return out;
}

/** The contents of a read, each under its URI when there are several. */
export function renderReadResult(result: ReadResourceResult, color: Palette): string {
  const contents = Array.isArray(result.contents) ? result.contents : [];
  if (contents.length === 1) return renderResourceContents(contents[0]!, color);
  return contents.map((c) => `${color.bold(`── ${c.uri}${c.mimeType ? ` (${c.mimeType})` : ''}`)}\n${renderResourceContents(c, color)}`).join('');
}

/** A prompt's messages, each under its role. */
export function renderPrompt(result: GetPromptResult, color: Palette): string {
  const head = result.description ? `${color.dim(result.description)}\n\n` : '';
  const messages = (Array.isArray(result.messages) ? result.messages : []).map((m) => `${color.bold(`${m.role}:`)}\n${renderContent(m.content, color)}`);
  return head + messages.join('\n');
}
