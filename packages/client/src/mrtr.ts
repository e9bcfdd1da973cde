/**
 * Multi Round-Trip Requests (spec 2026-07-28 basic/patterns/mrtr), client side: when a result is
 * `input_required`, answer every input request with the client's handlers and retry with `inputResponses`
 * and the echoed `requestState`, as a new request.
 * @module
 */
import { type JsonObject, ProtocolViolationError } from '@mcpkit/protocol';
import { type ClientHandlers, fulfil } from './handlers.js';
import type { CallOptions } from './client.js';

const INPUT_METHODS: ReadonlySet<string> = new Set(['tools/call', 'resources/read', 'prompts/get']);

export interface RoundContext {
  send(method: string, params: JsonObject | undefined, options: CallOptions): Promise<JsonObject>;
  handlers: ClientHandlers;
  maxRounds: number;
}

/**
 * Sends a request and plays out its input rounds.
 * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` for input_required on a method that cannot
 *   ask, a malformed round, or more rounds than allowed; ProtocolError -32601 when the server asks for
 *   something this client has no handler for.
 */
export async function runWithInput(method: string, params: JsonObject | undefined, options: CallOptions, rc: RoundContext): Promise<JsonObject> {
  let current = params;
  for (let round = 0; ; round++) {
    const result = await rc.send(method, current, options);
    if (result.resultType !== 'input_required') return result;
    if (!INPUT_METHODS.has(method)) throw new ProtocolViolationError(`Server answered ${method} with input_required, which only tools/call, resources/read and prompts/get may`);
    // Stop before running the handlers: answers to a round that will never be sent would ask the user for nothing.
    if (round >= rc.maxRounds) throw new ProtocolViolationError(`${method} still needed input after ${rc.maxRounds} rounds; giving up`);
    const requests = result.inputRequests;
    const state = result.requestState;
    if (requests !== undefined && (typeof requests !== 'object' || requests === null || Array.isArray(requests))) {
      throw new ProtocolViolationError(`${method}: inputRequests must be an object`);
    }
    if (state !== undefined && typeof state !== 'string') throw new ProtocolViolationError(`${method}: requestState must be a string`);
    const responses: JsonObject = {};
    const signal = options.signal ?? signalOf(options.cancellation);
    for (const [key, req] of Object.entries((requests ?? {}) as Record<string, { method?: unknown; params?: unknown }>)) {
      if (typeof req?.method !== 'string') throw new ProtocolViolationError(`${method}: inputRequests.${key} has no method`);
      responses[key] = await fulfil(rc.handlers, req.method, req.params as JsonObject | undefined, { signal, era: 'stateless' });
    }
    // The retry is a new request: same params, this round's answers, and the state echoed exactly.
    const { inputResponses: _old, requestState: _oldState, ...base } = params ?? {};
    current = { ...base, ...(requests === undefined ? {} : { inputResponses: responses }), ...(state === undefined ? {} : { requestState: state }) };
  }
}

/** An AbortSignal that follows `cancellation` (the handlers of an input round take a signal). */
function signalOf(cancellation: CallOptions['cancellation']): AbortSignal {
  const controller = new AbortController();
  cancellation?.onAbort((reason) => controller.abort(reason));
  return controller.signal;
}
