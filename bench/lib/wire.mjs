/**
 * The raw JSON-RPC the drivers speak: request lines built by string concatenation around parameters
 * serialized once, so a driver spends as little CPU per call as it can.
 * @module
 */

export const SESSION_VERSION = '2025-11-25';
export const STATELESS_VERSION = '2026-07-28';
export const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CAPS = 'io.modelcontextprotocol/clientCapabilities';
const CLIENT_INFO = { name: 'mcpkit-bench-driver', version: '0.1.0' };

export const INITIALIZE_PARAMS = { protocolVersion: SESSION_VERSION, capabilities: {}, clientInfo: CLIENT_INFO };
export const INITIALIZED_LINE = '{"jsonrpc":"2.0","method":"notifications/initialized"}';

/** A reusable request: `line(id)` is the serialized JSON-RPC request with that id. */
export function requestTemplate(method, params) {
  const head = '{"jsonrpc":"2.0","method":' + JSON.stringify(method) + ',"params":' + JSON.stringify(params) + ',"id":';
  return { method, line: (id) => head + id + '}' };
}

/** `params` plus the 2026-07-28 per-request `_meta` envelope. */
export function statelessParams(params) {
  return { ...params, _meta: { ...(params._meta ?? {}), [META_VERSION]: STATELESS_VERSION, [META_CAPS]: {} } };
}

/**
 * The call a workload makes, and a check of its answer. `tool` renames the tool called (a gateway exposes the
 * echo tool under its namespaced name, e.g. `echo__echo`).
 */
export function workloadCall(workload, tool) {
  switch (workload) {
    case 'echo': {
      const name = tool ?? 'echo';
      return { method: 'tools/call', name, params: { name, arguments: { text: 'hello' } }, check: textIs('hello') };
    }
    case 'big': {
      const text = 'x'.repeat(100 * 1024);
      const times = 10;
      return {
        method: 'tools/call',
        name: 'echo_big',
        params: { name: 'echo_big', arguments: { text, times } },
        check: (result) => result?.content?.[0]?.text?.length === text.length * times,
      };
    }
    case 'list':
      return { method: 'tools/list', name: undefined, params: {}, check: (result) => Array.isArray(result?.tools) };
    default:
      throw new Error(`unknown workload ${workload}`);
  }
}

function textIs(expected) {
  return (result) => result?.content?.[0]?.text === expected && result.isError !== true;
}
