/**
 * Which images the model APIs take, and the note sent in place of one they do not.
 * @module
 */
import type { ImagePart } from './types.js';

// Both Anthropic Messages and OpenAI Chat Completions take these four (docs: "vision", "images and vision").
const TAKEN = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Whether the APIs take this image (by its type, and only from the user: neither takes images from the assistant). */
export function takesImage(part: ImagePart, role: 'user' | 'assistant'): boolean {
  return role === 'user' && TAKEN.has(part.mimeType.toLowerCase()) && part.data !== '';
}

/** What the model is told instead of an image it cannot take. */
export function imageNote(part: ImagePart, role: 'user' | 'assistant'): string {
  const why = role === 'assistant' ? 'images from the assistant cannot be sent back' : 'the model API does not take this type';
  return `[${part.mimeType || 'unknown'} image not shown to the model: ${why}]`;
}
