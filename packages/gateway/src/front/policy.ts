/**
 * The security plane as one middleware on the front server: scopes (lists filtered, calls refused), rate
 * limits, a concurrency bound per principal, the audit record, metrics and a trace span for every request.
 * @module
 */
import { type Attributes, SpanStatusCode, context as otelContext, isSpanContextValid, trace } from '@opentelemetry/api';
import { type JsonObject, type McpRequest, type Middleware, ErrorCode, ProtocolError } from '@mcpkit/server';
import type { AuditLog } from '../audit/index.js';
import { reduceArguments } from '../audit/index.js';
import { jsonSize } from '../audit/json-size.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Logger } from '../log.js';
import { type Authorizer, type ConcurrencyLimiter, ConcurrencyLimitError, type RateLimiter, type RateLimitStore, type TargetKind } from '../security/index.js';
import type { GatewayFront } from './front.js';

/** What the middleware consults; replaced as a whole on config reload. */
export interface Policy {
  authorizer: Authorizer;
  /** Memory buckets answer at once, shared (Redis) ones with a promise. */
  limiter: RateLimiter<RateLimitStore>;
  concurrency: ConcurrencyLimiter;
  /** Scopes of a request without credentials, when the config allows anonymous access. */
  anonymousScopes: readonly string[] | undefined;
  auditArguments: 'hash' | 'redact' | 'full';
}

export interface PolicyContext {
  policy: () => Policy;
  front: GatewayFront;
  audit: AuditLog | undefined;
  metrics: GatewayMetrics;
  log: Logger;
  /** The path this front serves (audit `route`). */
  route: string;
}

const tracer = trace.getTracer('mcpkit-gateway', '0.1.0');
const CALLS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read', 'completion/complete']);

interface Target {
  kind: TargetKind;
  /** The name scopes are matched against: `server__tool`, `server__prompt`, `server__URI`. */
  scopeName: string;
  upstream: string | undefined;
}

function refused(reason: string, message: string, data: JsonObject): ProtocolError {
  return new ProtocolError(ErrorCode.InvalidRequest, message, { reason, ...data });
}

/** What a request is aimed at, for scopes and routing; undefined for requests aimed at nothing (lists, ping). */
function targetOf(front: GatewayFront, request: McpRequest): Target | undefined {
  const c = front.catalogue;
  const name = request.target;
  switch (request.method) {
    case 'tools/call':
      return name === undefined ? undefined : { kind: 'tool', scopeName: name, upstream: c.tools.get(name)?.upstream };
    case 'prompts/get':
      return name === undefined ? undefined : { kind: 'prompt', scopeName: name, upstream: c.prompts.get(name)?.upstream };
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe': {
      if (name === undefined) return undefined;
      const upstream = resourceUpstream(front, name);
      return { kind: 'resource', scopeName: `${upstream ?? '?'}__${name}`, upstream };
    }
    case 'completion/complete': {
      const ref = request.params.ref as JsonObject | undefined;
      if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') return { kind: 'prompt', scopeName: ref.name, upstream: c.prompts.get(ref.name)?.upstream };
      if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
        const upstream = c.templates.find((t) => t.original === ref.uri)?.upstream ?? c.resources.get(ref.uri)?.upstream;
        return { kind: 'resource', scopeName: `${upstream ?? '?'}__${ref.uri}`, upstream };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The upstream serving a resource URI of this front (a fixed resource, or a template that matches). */
export function resourceUpstream(front: GatewayFront, uri: string): string | undefined {
  const c = front.catalogue;
  const fixed = c.resources.get(uri);
  if (fixed) return fixed.upstream;
  for (const t of front.server.core.templates.enabled()) {
    if (t.template.match(uri)) return c.templates.find((e) => e.definition.name === t.definition.name)?.upstream;
  }
  return undefined;
}

/** A list result with only what `scopes` allow (a new object: list results are shared). */
function filterList(front: GatewayFront, policy: Policy, scopes: readonly string[], method: string, result: JsonObject): JsonObject {
  const a = policy.authorizer;
  const c = front.catalogue;
  switch (method) {
    case 'tools/list':
      return { ...result, tools: (result.tools as Array<{ name: string }>).filter((t) => a.allows(scopes, 'tool', t.name)) };
    case 'prompts/list':
      return { ...result, prompts: (result.prompts as Array<{ name: string }>).filter((p) => a.allows(scopes, 'prompt', p.name)) };
    case 'resources/list':
      return {
        ...result,
        resources: (result.resources as Array<{ uri: string }>).filter((r) => a.allows(scopes, 'resource', `${c.resources.get(r.uri)?.upstream ?? '?'}__${r.uri}`)),
      };
    case 'resources/templates/list':
      return {
        ...result,
        resourceTemplates: (result.resourceTemplates as Array<{ name: string; uriTemplate: string }>).filter((t) => {
          const upstream = c.templates.find((e) => e.definition.name === t.name)?.upstream ?? '?';
          return a.allows(scopes, 'resource', `${upstream}__${t.uriTemplate}`);
        }),
      };
    default:
      return result;
  }
}


/** Forwards `completion/complete` to the upstream that owns the reference, with the reference it knows. */
async function forwardCompletion(front: GatewayFront, request: McpRequest, upstreamName: string | undefined): Promise<JsonObject> {
  const ref = request.params.ref as JsonObject;
  const c = front.catalogue;
  if (ref.type === 'ref/prompt') {
    const entry = c.prompts.get(String(ref.name));
    if (!entry) throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: params.ref.name names no prompt: ${String(ref.name)}`);
    return front.upstreamOf(entry).request('completion/complete', { ...request.params, ref: { ...ref, name: entry.original } }, { signal: request.signal });
  }
  const entry = c.templates.find((t) => t.original === ref.uri && t.upstream === upstreamName) ?? c.resources.get(String(ref.uri));
  if (!entry) throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: params.ref.uri names no resource template: ${String(ref.uri)}`);
  return front.upstreamOf(entry).request('completion/complete', request.params, { signal: request.signal });
}

/** The middleware; register it first so it wraps everything else. */
export function policyMiddleware(pc: PolicyContext): Middleware {
  const { front, metrics } = pc;
  return async (request, next) => {
    const policy = pc.policy();
    const principal = request.principal;
    const scopes = principal?.scopes ?? policy.anonymousScopes ?? [];
    const principalId = principal?.id ?? 'anonymous';
    const target = targetOf(front, request);
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'refused' = 'ok';
    let errorCode: number | string | null = null;
    let reason: string | null = null;
    let result: JsonObject | undefined;
    const attributes: Attributes = { 'mcp.method.name': request.method, 'mcp.principal': principalId };
    if (request.target !== undefined) attributes['mcp.target'] = request.target;
    const span = tracer.startSpan(`mcp ${request.method}`, { attributes });
    let release: (() => void) | undefined;
    try {
      // Pinning withheld it: say so rather than "unknown tool" (an allowed principal learns why it is gone).
      if (target && target.upstream === undefined && request.target !== undefined) {
        const why = front.withheld(request.target);
        if (why !== undefined && policy.authorizer.allows(scopes, target.kind, request.target)) {
          reason = 'trust';
          throw refused('quarantined', `Refused: ${request.target}: ${why}`, {});
        }
      }
      // A target no upstream serves gets the upstream-less answer (unknown tool, resource not found) from next().
      if (target && target.upstream !== undefined) {
        const verdict = policy.authorizer.authorize(scopes, target.kind, target.scopeName);
        if (!verdict.ok) {
          reason = 'scope';
          throw refused('forbidden', `Forbidden: ${verdict.message}`, verdict.reason === 'missing_scope' ? { scopes: verdict.scopes } : {});
        }
        if (CALLS.has(request.method)) {
          let limit = policy.limiter.check({ principal: principalId, server: target.upstream, tool: target.kind === 'tool' ? target.scopeName : undefined });
          // Awaited only when shared: memory buckets answer without costing a microtask.
          if (limit instanceof Promise) limit = await limit;
          if (!limit.ok) {
            reason = 'rate_limit';
            throw refused('rate_limited', `Rate limit exceeded: ${limit.rule.limit} per ${limit.rule.windowMs} ms per ${limit.rule.per}; retry after ${limit.retryAfterMs} ms`, {
              retryAfterMs: limit.retryAfterMs,
            });
          }
          // Reading request.signal makes an AbortSignal: only a call that has to queue needs one.
          release = policy.concurrency.tryAcquire(principalId);
          if (release === undefined) {
            try {
              release = await policy.concurrency.acquire(principalId, request.signal);
            } catch (error) {
              if (!(error instanceof ConcurrencyLimitError)) throw error;
              reason = 'concurrency';
              throw refused('concurrency_limited', `Too many calls in flight: ${error.message}`, { retryAfterMs: error.retryAfterMs });
            }
          }
        }
      }
      const completion = request.method === 'completion/complete' && target !== undefined;
      // Without a tracer provider the span is a no-op one with an invalid context: nothing to carry (setting it
      // would copy the active context's Map per request for nothing, and the closure is made only here).
      if (isSpanContextValid(span.spanContext())) {
        const run = (): Promise<JsonObject> => (completion ? forwardCompletion(front, request, target.upstream) : next());
        result = await otelContext.with(trace.setSpan(otelContext.active(), span), run);
      } else result = await (completion ? forwardCompletion(front, request, target.upstream) : next());
      if (!target && request.method.endsWith('/list')) result = filterList(front, policy, scopes, request.method, result);
      return result;
    } catch (error) {
      if (reason !== null) {
        outcome = 'refused';
        metrics.refusals.inc({ reason });
      } else outcome = 'error';
      errorCode = error instanceof ProtocolError ? error.code : ((error as { code?: string }).code ?? 'error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      release?.();
      const durationMs = performance.now() - started;
      span.end();
      const upstream = target?.upstream ?? null;
      metrics.request(request.method, upstream ?? '', outcome, durationMs / 1000);
      if (pc.audit) {
        void pc.audit
          .append({
            principal: principal?.id ?? null,
            keyId: principal?.keyId ?? null,
            method: request.method,
            upstream,
            target: request.target ?? null,
            arguments: request.arguments === undefined ? null : reduceArguments(request.arguments, policy.auditArguments),
            outcome,
            errorCode,
            durationMs: Math.round(durationMs * 1000) / 1000,
            bytesIn: jsonSize(request.params),
            bytesOut: result === undefined ? 0 : jsonSize(result),
            requestId: request.requestId,
            sessionId: request.sessionId ?? null,
            route: pc.route,
            reason,
          })
          .catch(() => undefined);
      }
    }
  };
}
