/**
 * An MCP prompt (`prompts/get`) as the parts of a user message, so a host can offer prompts as commands.
 * @module
 */
import type { GetPromptResult } from '@mcpkit/protocol';
import type { TextPart } from '../providers/types.js';
import { resultText } from './tool-output.js';

/** One text part per prompt message; assistant messages are marked, non-text content is described. */
export function promptParts(result: GetPromptResult): TextPart[] {
  return result.messages.map((m) => {
    const text = resultText({ content: [m.content] });
    return { type: 'text', text: m.role === 'assistant' ? `(assistant) ${text}` : text };
  });
}

/** Parses `key=value` words (a value may be quoted: `style="very formal"`) into prompt arguments. */
export function promptArguments(text: string): Record<string, string> | { problem: string } {
  const args: Record<string, string> = {};
  const re = /\s*([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/y;
  let at = 0;
  const rest = text.trim();
  while (at < rest.length) {
    re.lastIndex = at;
    const m = re.exec(rest);
    if (!m) return { problem: `expected key=value at ${JSON.stringify(rest.slice(at, at + 20))}` };
    args[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    at = re.lastIndex;
    while (rest[at] === ' ') at++;
  }
  return args;
}
