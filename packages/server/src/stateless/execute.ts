/**
 * The stateless-era adapter (2026-07-28): checks a request's `_meta`, runs it, and turns unanswered input
 * into an `input_required` result. Used by every transport.
 * @module
 */
import {
  copyObject,
  type Cancellation,
  type ClientCapabilities,
  type Implementation,
  type InputRequest,
  type JsonObject,
  type JsonRpcRequest,
  type LoggingLevel,
  type MessageInfo,
  type RequestId,
  ErrorCode,
  LazyAbortController,
  LOGGING_LEVELS,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
  META_PROTOCOL_VERSION,
  META_SERVER_INFO,
  ProtocolError,
  RequestStateError,
  invalidParams,
  isStatelessRevision,
} from '@mcpkit/protocol';
import type { ServerCore } from '../core.js';
import type { Exchange } from '../context.js';
import { CACHEABLE_METHODS, INPUT_METHODS, handlerFor, sharedHandler } from '../dispatch.js';
import { InputRound, isInputRequired } from './input-required.js';
import { type RequestStatePayload, bindingOf } from './request-state.js';
import { type MemoEntry, RequestMemo } from './memo.js';
import { TASKS_EXTENSION, TaskRecord } from '../tasks/task-store.js';
import { TASK_METHODS, declaresTasks, runTaskMethod, tasksRequired } from '../tasks/methods.js';
import { TaskExchange, settleTask } from '../tasks/task-runner.js';
import { readCallParams, callTool, type ToolEntry } from '../features/tools.js';
import { RequestContext } from '../context.js';
import { runMiddleware } from '../middleware.js';

/** A 2026-07-28 request as a transport hands it over. */
export interface StatelessCall {
  request: JsonRpcRequest;
  /** Aborted when the client goes away (HTTP stream closed, stdio `notifications/cancelled`). */
  cancellation: LazyAbortController;
  info?: MessageInfo | undefined;
  /** Sends a request-scoped notification (progress, log) on the request's stream. */
  notify(method: string, params: JsonObject): Promise<void>;
}

/** The checked `_meta` of a stateless request. */
export interface StatelessMeta {
  meta: JsonObject;
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  logLevel: LoggingLevel | undefined;
}

const levels: ReadonlySet<string> = new Set(LOGGING_LEVELS);

/**
 * Checks the per-request `_meta` (spec 2026-07-28 basic/index#request-metadata).
 * @throws ProtocolError -32602 for a missing or malformed field; -32022 for an unsupported version.
 */
export function readStatelessMeta(core: ServerCore, params: JsonObject | undefined): StatelessMeta {
  const meta = params?._meta;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw invalidParams('params._meta', 'is required');
  const m = meta as JsonObject;
  const version = m[META_PROTOCOL_VERSION];
  if (typeof version !== 'string') throw invalidParams(`params._meta["${META_PROTOCOL_VERSION}"]`, 'is required');
  if (!isStatelessRevision(version) || !core.revisions.includes(version)) throw unsupportedVersion(core, version);
  const caps = m[META_CLIENT_CAPABILITIES];
  if (typeof caps !== 'object' || caps === null || Array.isArray(caps)) {
    throw invalidParams(`params._meta["${META_CLIENT_CAPABILITIES}"]`, 'is required and must be an object');
  }
  const level = m[META_LOG_LEVEL];
  if (level !== undefined && (typeof level !== 'string' || !levels.has(level))) {
    throw invalidParams(`params._meta["${META_LOG_LEVEL}"]`, `must be one of ${LOGGING_LEVELS.join(', ')}`);
  }
  const info = m[META_CLIENT_INFO];
  return {
    meta: m,
    protocolVersion: version,
    clientCapabilities: caps as ClientCapabilities,
    clientInfo: typeof info === 'object' && info !== null ? (info as Implementation) : undefined,
    logLevel: level as LoggingLevel | undefined,
  };
}

/** The -32022 error, listing what this server speaks (spec 2026-07-28 basic/versioning). */
export function unsupportedVersion(core: ServerCore, requested: string): ProtocolError {
  const supported = [...core.revisions].reverse();
  return new ProtocolError(ErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${requested}`, { supported, requested });
}

class StatelessExchange implements Exchange {
  readonly era = 'stateless' as const;
  readonly protocolVersion: string;
  readonly requestId: RequestId;
  readonly clientCapabilities: ClientCapabilities;
  readonly clientInfo: Implementation | undefined;
  readonly sessionId = undefined;
  readonly info: MessageInfo | undefined;
  readonly meta: JsonObject;
  readonly logLevel: LoggingLevel | undefined;
  readonly #call: StatelessCall;
  readonly #round: InputRound | undefined;
  readonly #method: string;
  readonly #cancel: LazyAbortController;
  readonly #remembered: Record<string, MemoEntry> | undefined;
  /** Made on the first `ctx.once()` only: most requests never call it. */
  #memo: RequestMemo | undefined;
  /** Set by the tool-call path when the handler may become a task (`start: 'manual'`). */
  taskStarter: (() => TaskExchange) | undefined;
  #task: TaskExchange | undefined;

  constructor(call: StatelessCall, m: StatelessMeta, cancel: LazyAbortController, round: InputRound | undefined, remembered?: Record<string, MemoEntry>) {
    this.#call = call;
    this.#round = round;
    this.#remembered = remembered;
    this.#method = call.request.method;
    this.protocolVersion = m.protocolVersion;
    this.requestId = call.request.id;
    this.#cancel = cancel;
    this.clientCapabilities = m.clientCapabilities;
    this.clientInfo = m.clientInfo;
    this.info = call.info;
    this.meta = m.meta;
    this.logLevel = m.logLevel;
  }

  /** The request's signal; once the call became a task, the task's. */
  get signal(): AbortSignal {
    return this.#task ? this.#task.signal : this.#cancel.signal;
  }

  /** The attempt's cancellation; undefined once the call became a task (the context then adapts its signal). */
  get cancellation(): Cancellation | undefined {
    return this.#task ? undefined : this.#cancel;
  }

  /** The request's `ctx.once()` values; undefined where no round can follow (the context keeps its own). */
  get memo(): RequestMemo | undefined {
    if (!this.#round) return undefined;
    return (this.#memo ??= new RequestMemo(this.#remembered));
  }

  /** What the next round's state carries: the values remembered so far. */
  async rememberedForNextRound(): Promise<Record<string, MemoEntry> | undefined> {
    if (!this.#memo) return this.#remembered;
    // A value still being computed belongs in this state, or the next round would compute it again.
    await this.#memo.settled();
    return this.#memo.size > 0 ? this.#memo.values : undefined;
  }

  notify(method: string, params: JsonObject): Promise<void> {
    if (this.#task || this.#cancel.aborted) return Promise.resolve();
    return this.#call.notify(method, params);
  }

  async startTask(): Promise<boolean> {
    if (this.#task) return true;
    if (!this.taskStarter) return false;
    this.#task = this.taskStarter();
    return true;
  }

  input(request: InputRequest, key?: string): Promise<JsonObject> {
    if (this.#task) return this.#task.input(request, key);
    if (!this.#round) {
      // spec 2026-07-28 basic/patterns/mrtr: only tools/call, resources/read and prompts/get may ask.
      throw new ProtocolError(ErrorCode.InternalError, `Internal error: ${this.#method} cannot ask the client for input`);
    }
    return this.#round.ask(request, key);
  }
}

/** Shared by every request that answers nothing (never written to). */
const NO_ANSWERS: Record<string, JsonObject> = Object.freeze({});

function readAnswers(params: JsonObject): Record<string, JsonObject> {
  const raw = params.inputResponses;
  if (raw === undefined) return NO_ANSWERS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidParams('params.inputResponses', 'must be an object');
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParams(`params.inputResponses.${k}`, 'must be an object');
  }
  return raw as Record<string, JsonObject>;
}

/** Adds what every 2026-07-28 result carries. Never mutates `result` (it may be a cached list). */
function complete(core: ServerCore, method: string, result: JsonObject): JsonObject {
  // copyObject, then stores: V8 11 (Node 20) takes a slow runtime path, about 0.5 µs, to add a key to a spread
  // copy (`{ ...result, resultType }`), and about a tenth of that this way.
  const out: JsonObject = copyObject(result);
  out.resultType = 'complete';
  if (CACHEABLE_METHODS.has(method)) {
    out.ttlMs = core.options.cache?.ttlMs ?? 0;
    out.cacheScope = core.options.cache?.scope ?? 'private';
  }
  const meta: JsonObject = copyObject(result._meta as JsonObject | undefined);
  meta[META_SERVER_INFO] = core.info;
  out._meta = meta;
  return out;
}

/** The `server/discover` result (spec 2026-07-28 server/discover). */
function discover(core: ServerCore): JsonObject {
  const result: JsonObject = { supportedVersions: [...core.revisions].reverse(), capabilities: statelessCapabilities(core) };
  if (core.options.instructions !== undefined) result.instructions = core.options.instructions;
  return result;
}

/** Capabilities as 2026-07-28 spells them: no core `tasks` key. */
export function statelessCapabilities(core: ServerCore): JsonObject {
  const { tasks: _legacy, ...caps } = core.capabilities();
  if (core.hasTaskTools()) {
    caps.extensions = { ...(caps.extensions as JsonObject | undefined), [TASKS_EXTENSION]: {} };
  }
  return caps;
}

async function runWithInput(core: ServerCore, call: StatelessCall, m: StatelessMeta, taskTool?: ToolEntry): Promise<JsonObject> {
  const { request } = call;
  const params = request.params ?? {};
  const handler = sharedHandler(request.method)!;
  // The binding digest costs a hash of the arguments: computed only when a state is checked or issued.
  let bind: string | undefined;
  // The client's answers of this round (read-only here), over those its request state carried.
  let answers = readAnswers(params);
  let remembered: RequestStatePayload['memo'];
  const state = params.requestState;
  if (state !== undefined) {
    if (typeof state !== 'string') throw invalidParams('params.requestState', 'must be a string');
    bind = await bindingFor(request.method, params);
    try {
      const opened = await core.codec.open(state, bind);
      answers = { ...opened.answers, ...answers };
      remembered = opened.memo;
    } catch (error) {
      if (error instanceof RequestStateError) throw invalidParams('params.requestState', `was rejected: ${error.message}`);
      throw error;
    }
  }
  const round = new InputRound(answers);
  // The attempt ends when the client leaves, or when it must stop to ask for input.
  const attempt = new LazyAbortController();
  const forget = call.cancellation.onAbort((reason) => attempt.abort(reason));
  const exchange = new StatelessExchange(call, m, attempt, round, remembered);
  let run: Promise<JsonObject>;
  try {
    run = handler(core, params, exchange) as Promise<JsonObject>;
  } catch (error) {
    run = Promise.reject(error); // settled below like any failure, so the cancellation link is forgotten
  }
  // One settle-once promise instead of a race of three: most calls just finish.
  let outcome: JsonObject | TaskRecord | undefined;
  try {
    outcome = await new Promise<JsonObject | TaskRecord | undefined>((resolve, reject) => {
      round.onNeeded = () => resolve(undefined);
      if (taskTool) {
        exchange.taskStarter = () => {
          const task = newTask(core);
          resolve(task);
          return new TaskExchange(task, exchange);
        };
      }
      run.then(resolve, reject);
    });
  } finally {
    // Settled: the request's cancellation must not keep this attempt (and all it holds) reachable. node:http
    // keeps the response, and its 'close' listener, for a while after the reply; V8 then sees the request's
    // objects survive and starts allocating them in the old generation.
    forget();
  }
  if (outcome instanceof TaskRecord) {
    const task = outcome;
    const report = (e: unknown) => core.report(e, `task ${task.taskId}`);
    run.then((result) => settleTask(task, { result }, report), (error: unknown) => settleTask(task, { error }, report));
    return taskCreated(core, task);
  }
  if (outcome !== undefined) return complete(core, request.method, outcome);
  attempt.abort('input required');
  round.end();
  run.catch((error: unknown) => {
    if (!isInputRequired(error)) core.report(error, `${request.method} failed after its attempt ended for input`);
  });
  const memo = await exchange.rememberedForNextRound();
  const payload: RequestStatePayload = { bind: bind ?? (await bindingFor(request.method, params)), answers: round.used, exp: Date.now() + core.codec.ttlMs };
  if (memo) payload.memo = memo;
  const requestState = await core.codec.seal(payload);
  return { resultType: 'input_required', inputRequests: round.missing, requestState, _meta: { [META_SERVER_INFO]: core.info } };
}

/** The digest a request state is bound to (method and arguments). */
async function bindingFor(method: string, params: JsonObject): Promise<string> {
  try {
    return await bindingOf(method, params);
  } catch (error) {
    if (error instanceof RequestStateError) throw invalidParams('params', error.message);
    throw error;
  }
}

function newTask(core: ServerCore): TaskRecord {
  return core.tasks.create(core.options.tasks?.ttlMs ?? 3_600_000, core.options.tasks?.pollIntervalMs ?? 1000);
}

/** The flat CreateTaskResult, with the server's identity; with shared tasks, once the record is shared. */
function taskCreated(core: ServerCore, task: TaskRecord): JsonObject | Promise<JsonObject> {
  const created = { ...task.created(), _meta: { [META_SERVER_INFO]: core.info } };
  // Saved before the client hears of the task, so its first tasks/get finds it on any replica.
  return core.tasks.shared === undefined ? created : core.shareTask(task).then(() => created);
}

/** A task-capable tool call from a client that declared the extension, started at once. */
function startToolTask(core: ServerCore, call: StatelessCall, m: StatelessMeta, entry: ToolEntry, args: JsonObject | undefined): JsonObject | Promise<JsonObject> {
  const task = newTask(core);
  const exchange = new TaskExchange(task, {
    protocolVersion: m.protocolVersion,
    requestId: call.request.id,
    clientCapabilities: m.clientCapabilities,
    clientInfo: m.clientInfo,
    info: call.info,
    meta: m.meta,
  });
  const report = (e: unknown) => core.report(e, `task ${task.taskId} (tool ${entry.key})`);
  callTool(entry, args, new RequestContext(exchange), report).then(
    (result) => settleTask(task, { result: result as JsonObject }, report),
    (error: unknown) => settleTask(task, { error }, report),
  );
  return taskCreated(core, task);
}

/**
 * Runs one 2026-07-28 request (not `subscriptions/listen`, which streams: see listen.ts).
 * @throws ProtocolError with the code the client should see.
 */
export function executeStateless(core: ServerCore, call: StatelessCall, m?: StatelessMeta): Promise<JsonObject> {
  const chain = core.middleware;
  if (chain.length === 0) return execute(core, call, m);
  const { request } = call;
  const entry = {
    method: request.method,
    params: request.params ?? {},
    era: 'stateless' as const,
    protocolVersion: m?.protocolVersion ?? metaVersion(request.params),
    requestId: request.id,
    sessionId: undefined,
    info: call.info,
    signal: () => call.cancellation.signal,
  };
  return runMiddleware(chain, entry, (params) =>
    execute(core, params === request.params ? call : { ...call, request: { ...request, params } }, params === request.params ? m : undefined),
  );
}

function metaVersion(params: JsonObject | undefined): string | undefined {
  const v = (params?._meta as JsonObject | undefined)?.[META_PROTOCOL_VERSION];
  return typeof v === 'string' ? v : undefined;
}

async function execute(core: ServerCore, call: StatelessCall, m?: StatelessMeta): Promise<JsonObject> {
  const { request } = call;
  const meta = m ?? readStatelessMeta(core, request.params);
  if (request.method === 'server/discover') return complete(core, request.method, discover(core));
  if (TASK_METHODS.has(request.method)) {
    const answer = runTaskMethod(core.tasks, request.method, request.params ?? {}, meta.clientCapabilities, core.tasks.shared);
    return complete(core, request.method, answer instanceof Promise ? await answer : answer);
  }
  if (request.method === 'tools/call') {
    const { name, args } = readCallParams(request.params ?? {});
    const entry = core.tools.get(name);
    if (entry?.task) {
      const opted = declaresTasks(meta.clientCapabilities);
      if (!opted && entry.task.support === 'required') throw tasksRequired(`Tool ${name}`);
      if (opted && entry.task.start === 'auto') return startToolTask(core, call, meta, entry, args);
      if (opted) return await runWithInput(core, call, meta, entry);
    }
  }
  const handler = handlerFor(core, request.method);
  if (!handler) throw new ProtocolError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
  if (INPUT_METHODS.has(request.method)) return await runWithInput(core, call, meta);
  const result = await handler(core, request.params ?? {}, new StatelessExchange(call, meta, call.cancellation, undefined));
  return complete(core, request.method, result);
}
