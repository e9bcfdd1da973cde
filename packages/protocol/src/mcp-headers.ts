/**
 * The 2026-07-28 routing-header rules both ends share: which body field `Mcp-Name` mirrors, and the
 * `=?base64?…?=` value encoding (spec 2026-07-28 basic/transports/streamable-http#value-encoding).
 * @module
 */

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';

/** The body field each method's `Mcp-Name` header mirrors (the tasks extension, SEP-2663, routes by task id). */
export const MCP_NAME_FIELDS: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

function base64Utf8(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short for long values.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Encodes a value for `Mcp-Name` or `Mcp-Param-*`: as is when it is plain printable ASCII, else as
 * `=?base64?…?=` (leading/trailing space or tab, non-ASCII, control characters, or a value that itself
 * looks like the sentinel).
 * @example
 * encodeHeaderValue('Hello, 世界'); // '=?base64?SGVsbG8sIOS4lueVjA==?='
 */
export function encodeHeaderValue(value: string): string {
  const edgeSpace = /^[ \t]|[ \t]$/.test(value);
  // Tab is legal inside a field value (RFC 9110) but is a control character; the sentinel carries it safely.
  const unsafe = /[^\x20-\x7e]/.test(value);
  const looksEncoded = value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX);
  return edgeSpace || unsafe || looksEncoded ? `${SENTINEL_PREFIX}${base64Utf8(value)}${SENTINEL_SUFFIX}` : value;
}

/**
 * Decodes a header value that may use the `=?base64?…?=` sentinel (surrounding whitespace trimmed, as HTTP
 * does). Undefined when the sentinel's Base64 is not strict RFC 4648 or its bytes are not UTF-8.
 */
export function decodeHeaderValue(raw: string): string | undefined {
  const v = raw.trim();
  if (!(v.startsWith(SENTINEL_PREFIX) && v.endsWith(SENTINEL_SUFFIX) && v.length >= SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length)) return v;
  const b64 = v.slice(SENTINEL_PREFIX.length, v.length - SENTINEL_SUFFIX.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined;
  try {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
