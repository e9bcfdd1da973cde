/**
 * Guardrails over tool results and resource contents: `inspectContent` for text, content blocks and resource
 * contents; `inspectToolResult` for a whole `CallToolResult` (content and structuredContent). Pure functions: the
 * input is not changed; what comes back is the content to pass on (redacted, spotlighted) or an error.
 * @module
 */
import type { CallToolResult, ContentBlock, GetPromptResult, PromptMessage, ReadResourceResult, ResourceContents, TextResourceContents } from '@mcpkit/protocol';
import { escapePointerToken } from '../scanner/walk.js';
import type { Finding } from '../snapshot.js';
import { type GuardrailKind, type GuardrailOptions, inspectText } from './inspect-text.js';
import { type SpotlightOptions, spotlight } from './spotlight.js';

export interface InspectOptions extends GuardrailOptions {
  /** Mark untrusted text (after redaction) so the model can tell data from instructions; see `spotlight`. */
  spotlight?: SpotlightOptions;
}

export interface InspectResult<T> {
  findings: Finding[];
  /** The content to pass on: redacted and spotlighted, or (when blocked) the error in the same shape. */
  content: T;
  blocked: boolean;
  /** When blocked: why, safe to show (names kinds, never the secret). */
  error?: string;
  /** The spotlight marker used, when spotlighting (give it to `spotlightInstructions`). */
  marker?: string;
}

type Item = ContentBlock | ResourceContents;

/** Runs the guardrails over a string, and collects what the caller needs to assemble a result. */
class Inspection {
  readonly findings: Finding[] = [];
  readonly blockedBy = new Set<GuardrailKind>();
  marker: string | undefined;

  constructor(readonly options: InspectOptions) {
    this.marker = options.spotlight?.marker;
  }

  text(text: string, pointer: string, mark = true): string {
    const verdict = inspectText(text, pointer, this.options);
    this.findings.push(...verdict.findings);
    for (const k of verdict.blockedBy) this.blockedBy.add(k);
    if (!mark || this.options.spotlight === undefined) return verdict.text;
    const s = spotlight(verdict.text, { ...this.options.spotlight, ...(this.marker !== undefined ? { marker: this.marker } : {}) });
    this.marker = s.marker;
    return s.text;
  }

  item(item: Item, pointer: string): Item {
    // Results come from the wire: anything that is not the expected shape passes through untouched.
    if (item === null || typeof item !== 'object') return item;
    if ('type' in item) {
      if (item.type === 'text' && typeof item.text === 'string') return { ...item, text: this.text(item.text, `${pointer}/text`) };
      if (item.type === 'resource' && typeof (item.resource as { text?: unknown } | undefined)?.text === 'string') {
        const resource = item.resource as TextResourceContents;
        return { ...item, resource: { ...resource, text: this.text(resource.text, `${pointer}/resource/text`) } };
      }
      if (item.type === 'resource_link' && typeof item.description === 'string') {
        return { ...item, description: this.text(item.description, `${pointer}/description`, false) };
      }
      // Images, audio and blobs are binary: out of these detectors' reach.
      return item;
    }
    if ('text' in item && typeof item.text === 'string') return { ...item, text: this.text(item.text, `${pointer}/text`) };
    return item;
  }

  /** Any JSON value, strings inspected (not spotlighted: structured data must keep its shape). */
  json(value: unknown, pointer: string): unknown {
    if (typeof value === 'string') return this.text(value, pointer, false);
    if (Array.isArray(value)) return value.map((v, i) => this.json(v, `${pointer}/${i}`));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.json(v, `${pointer}/${escapePointerToken(k)}`);
      return out;
    }
    return value;
  }

  get error(): string | undefined {
    if (this.blockedBy.size === 0) return undefined;
    return `Content blocked by mcpkit guardrails: it contained ${[...this.blockedBy].join(', ')}`;
  }
}

function finish<T>(inspection: Inspection, content: T, blockedContent: () => T): InspectResult<T> {
  const error = inspection.error;
  return {
    findings: inspection.findings,
    content: error === undefined ? content : blockedContent(),
    blocked: error !== undefined,
    ...(error !== undefined ? { error } : {}),
    ...(inspection.marker !== undefined && error === undefined ? { marker: inspection.marker } : {}),
  };
}

/**
 * Inspects text, content blocks or resource contents: reports secrets and injection markers, applies each kind's
 * action, and optionally spotlights what remains. Pointers are relative to the input (`/0/text`; `''` for a string).
 * @example
 * const { content, findings, blocked } = inspectContent(result.content, { actions: { jwt: 'block' } });
 */
export function inspectContent(input: string, options?: InspectOptions): InspectResult<string>;
export function inspectContent<T extends Item>(input: readonly T[], options?: InspectOptions): InspectResult<T[]>;
export function inspectContent(input: string | readonly Item[], options: InspectOptions = {}): InspectResult<string | Item[]> {
  const inspection = new Inspection(options);
  if (typeof input === 'string') {
    const text = inspection.text(input, '');
    return finish<string | Item[]>(inspection, text, () => inspection.error ?? '');
  }
  const items = input.map((item, i) => inspection.item(item, `/${i}`));
  return finish<string | Item[]>(inspection, items, () => [{ type: 'text', text: inspection.error ?? '' }]);
}

/**
 * Inspects a whole tool result (content and structuredContent). Blocked: an `isError` result with the reason.
 * @example
 * const { content: safe } = inspectToolResult(await client.callTool('fetch', args), { tool: 'fetch' });
 */
export function inspectToolResult(result: CallToolResult, options: InspectOptions = {}): InspectResult<CallToolResult> {
  const inspection = new Inspection(options);
  const content = (Array.isArray(result.content) ? result.content : []).map((item, i) => inspection.item(item, `/content/${i}`)) as ContentBlock[];
  const out: CallToolResult = { ...result, content };
  if (result.structuredContent !== undefined) out.structuredContent = inspection.json(result.structuredContent, '/structuredContent') as object;
  return finish(inspection, out, () => ({ content: [{ type: 'text', text: inspection.error ?? '' }], isError: true }));
}

/**
 * Inspects a `resources/read` result. Blocked: the contents are replaced by one text entry with the reason, at the
 * first resource's URI (a read must answer with contents; the caller may prefer to turn it into an error).
 * @example
 * const { content: safe, findings } = inspectResourceResult(await client.readResource(uri));
 */
export function inspectResourceResult(result: ReadResourceResult, options: InspectOptions = {}): InspectResult<ReadResourceResult> {
  const inspection = new Inspection(options);
  const contents = (Array.isArray(result.contents) ? result.contents : []).map((item, i) => inspection.item(item, `/contents/${i}`)) as ResourceContents[];
  const uri = (Array.isArray(result.contents) ? result.contents[0]?.uri : undefined) ?? '';
  return finish<ReadResourceResult>(inspection, { ...result, contents }, () => ({ contents: [{ uri, mimeType: 'text/plain', text: inspection.error ?? '' }] }));
}

/**
 * Inspects a `prompts/get` result: each message's content (a prompt is server text the model will read as the
 * user's or its own words, so injection there matters most). Blocked: one user message with the reason.
 * @example
 * const { content: safe } = inspectPromptResult(await client.getPrompt('summarize', { url }));
 */
export function inspectPromptResult(result: GetPromptResult, options: InspectOptions = {}): InspectResult<GetPromptResult> {
  const inspection = new Inspection(options);
  const messages = (Array.isArray(result.messages) ? result.messages : []).map((m, i) =>
    m !== null && typeof m === 'object' && m.content !== undefined ? { ...m, content: inspection.item(m.content, `/messages/${i}/content`) as ContentBlock } : m,
  ) as PromptMessage[];
  return finish<GetPromptResult>(inspection, { ...result, messages }, () => ({ messages: [{ role: 'user', content: { type: 'text', text: inspection.error ?? '' } }] }));
}
