/**
 * 2026-07-28 routing headers: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `Mcp-Param-*` must match
 * the body (spec 2026-07-28 basic/transports/streamable-http#request-headers). A mismatch is -32020.
 * @module
 */
import { type JsonObject, ErrorCode, MCP_NAME_FIELDS, META_PROTOCOL_VERSION, ProtocolError, decodeHeaderValue } from '@mcpkit/protocol';
import type { HeaderParam } from '../features/header-params.js';

function mismatch(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.HeaderMismatch, `Header mismatch: ${message}`);
}

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
  const field = MCP_NAME_FIELDS[method];
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
