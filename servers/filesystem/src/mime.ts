/**
 * Media types by file extension, for `read_media_file`: which content block a file becomes.
 * @module
 */
import { extname } from 'node:path';

/** How a media file is returned: an image or audio block, or an embedded blob resource. */
export interface MediaKind {
  readonly kind: 'image' | 'audio' | 'blob';
  readonly mimeType: string;
}

const TYPES: Record<string, MediaKind> = {
  '.png': { kind: 'image', mimeType: 'image/png' },
  '.jpg': { kind: 'image', mimeType: 'image/jpeg' },
  '.jpeg': { kind: 'image', mimeType: 'image/jpeg' },
  '.gif': { kind: 'image', mimeType: 'image/gif' },
  '.webp': { kind: 'image', mimeType: 'image/webp' },
  '.bmp': { kind: 'image', mimeType: 'image/bmp' },
  '.svg': { kind: 'image', mimeType: 'image/svg+xml' },
  '.ico': { kind: 'image', mimeType: 'image/x-icon' },
  '.avif': { kind: 'image', mimeType: 'image/avif' },
  '.tif': { kind: 'image', mimeType: 'image/tiff' },
  '.tiff': { kind: 'image', mimeType: 'image/tiff' },
  '.mp3': { kind: 'audio', mimeType: 'audio/mpeg' },
  '.wav': { kind: 'audio', mimeType: 'audio/wav' },
  '.ogg': { kind: 'audio', mimeType: 'audio/ogg' },
  '.oga': { kind: 'audio', mimeType: 'audio/ogg' },
  '.opus': { kind: 'audio', mimeType: 'audio/opus' },
  '.flac': { kind: 'audio', mimeType: 'audio/flac' },
  '.m4a': { kind: 'audio', mimeType: 'audio/mp4' },
  '.aac': { kind: 'audio', mimeType: 'audio/aac' },
  '.weba': { kind: 'audio', mimeType: 'audio/webm' },
  '.pdf': { kind: 'blob', mimeType: 'application/pdf' },
  '.zip': { kind: 'blob', mimeType: 'application/zip' },
  '.mp4': { kind: 'blob', mimeType: 'video/mp4' },
  '.webm': { kind: 'blob', mimeType: 'video/webm' },
};

const FALLBACK: MediaKind = { kind: 'blob', mimeType: 'application/octet-stream' };

/** The media kind and type of a file name, by its extension (case-insensitive). */
export function mediaKindOf(name: string): MediaKind {
  return TYPES[extname(name).toLowerCase()] ?? FALLBACK;
}
