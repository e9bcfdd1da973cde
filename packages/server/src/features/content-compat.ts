/**
 * Content blocks a client's revision cannot read are turned into text it can: audio arrived in 2025-03-26,
 * resource links in 2025-06-18. Newer revisions get results untouched.
 * @module
 */
import type { ContentBlock, JsonObject } from '@mcpkit/protocol';

function downgradeBlock(block: ContentBlock, revision: string): ContentBlock {
  if (block.type === 'audio' && revision < '2025-03-26') {
    return { type: 'text', text: `[audio content (${block.mimeType}) omitted: protocol revision ${revision} has no audio content]` };
  }
  if (block.type === 'resource_link' && revision < '2025-06-18') {
    const label = block.title ?? block.name;
    return { type: 'text', text: `Resource: ${label} <${block.uri}>${block.description ? ` — ${block.description}` : ''}` };
  }
  return block;
}

function needsDowngrade(blocks: readonly ContentBlock[], revision: string): boolean {
  return blocks.some((b) => (b.type === 'audio' && revision < '2025-03-26') || b.type === 'resource_link');
}

/** Whether results reach `revision` as handlers made them (2025-06-18 and later read every content block). */
export function resultsUnchangedIn(revision: string): boolean {
  return revision >= '2025-06-18';
}

/** A `tools/call` result as `revision` can read it. */
export function toolResultForRevision(result: JsonObject, revision: string): JsonObject {
  if (resultsUnchangedIn(revision)) return result;
  const content = result.content as ContentBlock[] | undefined;
  if (!Array.isArray(content) || !needsDowngrade(content, revision)) return result;
  return { ...result, content: content.map((b) => downgradeBlock(b, revision)) };
}

/** A `prompts/get` result as `revision` can read it. */
export function promptResultForRevision(result: JsonObject, revision: string): JsonObject {
  if (resultsUnchangedIn(revision)) return result;
  const messages = result.messages as Array<{ role: string; content: ContentBlock }>;
  if (!messages.some((m) => needsDowngrade([m.content], revision))) return result;
  return { ...result, messages: messages.map((m) => ({ ...m, content: downgradeBlock(m.content, revision) })) };
}
