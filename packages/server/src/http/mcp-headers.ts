/**
 * 2026-07-28 routing headers: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` must match
 * the body (spec 2026-07-28 basic/transports/streamable-http#request-headers). A mismatch is -32020.
 * @module
 */
import { type JsonObject, ErrorCode, META_PROTOCOL_VERSION, ProtocolError } from '@mcpkit/protocol';
import type { HeaderParam } from '../features/header-params.js';

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';

/**
 * Decodes a header value that may use the `=?base64?…?=` sentinel. Undefined when the sentinel's Base64 is
 * invalid or its bytes are not UTF-8.
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

function mismatch(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.HeaderMismatch, `Header mismatch: ${message}`);
}

/** Methods whose `Mcp-Name` header mirrors a body field. */
const NAME_FIELD: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  // tasks extension (SEP-2663): routed by task id.
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

function valueAt(args: JsonObject | undefined, path: readonly string[]): unknown {
  let cur: unknown = args;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = Object.hasOwn(cur, key) ? (cur as JsonObject)[key] : undefined;
  }
  return cur;
}

function sameValue(header: string, value: unknown): boolean {
  if (typeof value === 'string') return header === value;
  if (typeof value === 'boolean') return header === String(value);
  if (typeof value === 'number') return /^-?\d+(\.0+)?$/.test(header) && Number(header) === value;
  return false;
}

/**
 * Checks a stateless request's headers against its body.
 * @param headerParams the tool's `x-mcp-header` parameters, for `tools/call`.
 * @returns the -32020 error to send, or undefined.
 */
export function checkMcpHeaders(
  header: (name: string) => string | null,
  method: string,
  params: JsonObject | undefined,
  headerParams: readonly HeaderParam[] | undefined,
): ProtocolError | undefined {
  const version = header('mcp-protocol-version');
  const metaVersion = (params?._meta as JsonObject | undefined)?.[META_PROTOCOL_VERSION];
  if (version === null) return mismatch('MCP-Protocol-Version header is required');
  if (version.trim() !== metaVersion) return mismatch(`MCP-Protocol-Version header ${version.trim()} does not match _meta ${String(metaVersion)}`);
  const m = header('mcp-method');
  if (m === null) return mismatch('Mcp-Method header is required');
  if (m.trim() !== method) return mismatch(`Mcp-Method header ${m.trim()} does not match body method ${method}`);
  const field = NAME_FIELD[method];
  if (field !== undefined) {
    const raw = header('mcp-name');
    const body = params?.[field];
    if (raw === null) return mismatch('Mcp-Name header is required');
    const name = decodeHeaderValue(raw);
    if (name === undefined) return mismatch('Mcp-Name header has invalid Base64');
    if (name !== body) return mismatch(`Mcp-Name header value does not match body ${field}`);
  }
  if (headerParams && headerParams.length > 0) {
    const args = params?.arguments as JsonObject | undefined;
    for (const p of headerParams) {
      const value = valueAt(args, p.path);
      const raw = header(`mcp-param-${p.header}`);
      if (value === undefined || value === null) continue;
      if (raw === null) return mismatch(`Mcp-Param-${p.header} header is required`);
      const decoded = decodeHeaderValue(raw);
      if (decoded === undefined) return mismatch(`Mcp-Param-${p.header} header has invalid Base64`);
      if (!sameValue(decoded, value)) return mismatch(`Mcp-Param-${p.header} header does not match arguments.${p.path.join('.')}`);
    }
  }
  return undefined;
}
