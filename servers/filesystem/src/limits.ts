/**
 * Bounds on everything a tool call can make large: bytes read, entries listed, depth walked, results found.
 * @module
 */

const MIB = 1024 * 1024;

/**
 * The limits the tools enforce. Byte limits stay well under the transports' 32 MiB message cap: a text
 * result is JSON-escaped and a media result base64-encoded (4/3 larger) on the way out.
 */
export interface FilesystemLimits {
  /** Largest file `read_text_file` (without head/tail) and `edit_file` accept. */
  readonly maxTextBytes: number;
  /** Most bytes `read_multiple_files` returns across all its files. */
  readonly maxTotalTextBytes: number;
  /** Largest file `read_media_file` accepts. */
  readonly maxMediaBytes: number;
  /** Largest `content` `write_file` accepts (HTTP bodies are also capped by the transport, 4 MiB by default). */
  readonly maxWriteBytes: number;
  /** Most paths one `read_multiple_files` call takes. */
  readonly maxFilesPerCall: number;
  /** Most entries `list_directory` and `list_directory_with_sizes` return. */
  readonly maxListEntries: number;
  /** Deepest level `directory_tree` descends to. */
  readonly maxTreeDepth: number;
  /** Most entries `directory_tree` returns in total. */
  readonly maxTreeEntries: number;
  /** Deepest level `search_files` descends to. */
  readonly maxSearchDepth: number;
  /** Most matches `search_files` returns. */
  readonly maxSearchResults: number;
  /** Most directory entries one `search_files` or `directory_tree` call may visit. */
  readonly maxVisitedEntries: number;
  /** Most edits one `edit_file` call applies. */
  readonly maxEdits: number;
  /** How long computing one unified diff may take before a summary replaces it. */
  readonly diffTimeoutMs: number;
}

/** The defaults; `createFilesystemServer({ limits })` overrides any of them. */
export const DEFAULT_LIMITS: FilesystemLimits = Object.freeze({
  maxTextBytes: 4 * MIB,
  maxTotalTextBytes: 8 * MIB,
  maxMediaBytes: 8 * MIB,
  maxWriteBytes: 8 * MIB,
  maxFilesPerCall: 100,
  maxListEntries: 5_000,
  maxTreeDepth: 20,
  maxTreeEntries: 5_000,
  maxSearchDepth: 64,
  maxSearchResults: 1_000,
  maxVisitedEntries: 100_000,
  maxEdits: 100,
  diffTimeoutMs: 2_000,
});

/** `n` bytes as a short human-readable size, e.g. `4.0 MiB`. */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
