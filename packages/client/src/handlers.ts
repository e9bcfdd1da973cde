/**
 * What a client does when a server asks for something — sampling, elicitation, roots — written once and
 * served both as session-era requests and as stateless-era `input_required` rounds.
 * @module
 */
import {
  type ClientCapabilities,
  type CreateMessageParams,
  type CreateMessageResult,
  type ElicitParams,
  type ElicitResult,
  type Era,
  type JsonObject,
  type Root,
  ErrorCode,
  ProtocolError,
} from '@mcpkit/protocol';

/** Passed to every handler. */
export interface InputContext {
  /** Aborted when the server cancels the request (session era) or the client gives up. */
  readonly signal: AbortSignal;
  readonly era: Era;
}

export interface ClientHandlers {
  /** Answers `sampling/createMessage`: run the host's LLM. */
  sampling?: (params: CreateMessageParams, ctx: InputContext) => CreateMessageResult | Promise<CreateMessageResult>;
  /** Answers `elicitation/create`: ask the user (form mode, and URL mode when `urlElicitation` is on). */
  elicitation?: (params: ElicitParams, ctx: InputContext) => ElicitResult | Promise<ElicitResult>;
  /** Answers `roots/list`. */
  roots?: (ctx: InputContext) => Root[] | Promise<Root[]>;
}

/** The capabilities the handlers imply, merged over `extra`. */
export function capabilitiesFor(handlers: ClientHandlers, extra: ClientCapabilities | undefined, urlElicitation: boolean): ClientCapabilities {
  const caps: ClientCapabilities = { ...extra };
  if (handlers.sampling) caps.sampling ??= {};
  if (handlers.elicitation) caps.elicitation ??= urlElicitation ? { form: {}, url: {} } : { form: {} };
  if (handlers.roots) caps.roots ??= { listChanged: true };
  return caps;
}

function notSupported(method: string): ProtocolError {
  return new ProtocolError(ErrorCode.MethodNotFound, `Method not found: this client does not handle ${method}`);
}

/**
 * Runs the handler for one server ask.
 * @throws ProtocolError -32601 when no handler is registered; -32602 for malformed params.
 */
export async function fulfil(handlers: ClientHandlers, method: string, params: JsonObject | undefined, ctx: InputContext): Promise<JsonObject> {
  switch (method) {
    case 'sampling/createMessage': {
      if (!handlers.sampling) throw notSupported(method);
      if (!params || !Array.isArray(params.messages) || typeof params.maxTokens !== 'number') {
        throw new ProtocolError(ErrorCode.InvalidParams, 'Invalid params: sampling/createMessage needs messages and maxTokens');
      }
      return (await handlers.sampling(params as unknown as CreateMessageParams, ctx)) as unknown as JsonObject;
    }
    case 'elicitation/create': {
      if (!handlers.elicitation) throw notSupported(method);
      if (!params || typeof params.message !== 'string') {
        throw new ProtocolError(ErrorCode.InvalidParams, 'Invalid params: elicitation/create needs a message');
      }
      return (await handlers.elicitation(params as unknown as ElicitParams, ctx)) as unknown as JsonObject;
    }
    case 'roots/list': {
      if (!handlers.roots) throw notSupported(method);
      return { roots: await handlers.roots(ctx) };
    }
    default:
      throw notSupported(method);
  }
}

/** Wraps an elicitation handler so missing fields of an accepted form answer take the schema's defaults. */
export function withElicitationDefaults(handlers: ClientHandlers): ClientHandlers {
  const inner = handlers.elicitation;
  if (!inner) return handlers;
  return {
    ...handlers,
    async elicitation(params, ctx) {
      const result = await inner(params, ctx);
      if (result.action !== 'accept' || params.mode === 'url') return result;
      const props = (params.requestedSchema?.properties ?? {}) as Record<string, { default?: unknown }>;
      const content: Record<string, unknown> = { ...result.content };
      for (const [key, schema] of Object.entries(props)) {
        if (content[key] === undefined && schema.default !== undefined) content[key] = schema.default;
      }
      return { ...result, content: content as ElicitResult['content'] };
    },
  };
}
