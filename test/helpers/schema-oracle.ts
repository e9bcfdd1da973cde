/**
 * A schema oracle for tests: checks what an MCP server emits against the official `schema.json` of each
 * protocol revision (../shared/mcp-spec/<revision>), with one validator per definition, compiled on first use.
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv as AjvDraft7 } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

export const REVISIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] as const;
export type Revision = (typeof REVISIONS)[number];

/** Where the official schemas and examples live; `MCP_SPEC_DIR` overrides it. */
export const SPEC_DIR = process.env.MCP_SPEC_DIR ?? fileURLToPath(new URL('../../../shared/mcp-spec/', import.meta.url));

// ajv-formats is CommonJS; under NodeNext its default import is typed as the module object.
const addFormats = addFormatsModule as unknown as (ajv: AjvDraft7 | Ajv2020) => void;

interface LoadedSchema {
  readonly ajv: AjvDraft7 | Ajv2020;
  readonly key: string;
  /** `$defs` (2020-12) or `definitions` (draft-07). */
  readonly defsKeyword: string;
  readonly defs: Readonly<Record<string, unknown>>;
  readonly validators: Map<string, ValidateFunction>;
}

const loaded = new Map<Revision, LoadedSchema>();

function load(revision: Revision): LoadedSchema {
  const cached = loaded.get(revision);
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(`${SPEC_DIR}/${revision}/schema.json`, 'utf8')) as Record<string, unknown>;
  const dialect = String(schema.$schema);
  // The older revisions are draft-07 (`definitions`); 2025-11-25 and later are 2020-12 (`$defs`).
  const is2020 = dialect.includes('2020-12');
  if (!is2020 && !dialect.includes('draft-07')) throw new Error(`schema ${revision}: unexpected $schema ${dialect}`);
  // The schemas type RequestId as ["string", "integer"]; strict mode needs union types allowed for that.
  const options = { allErrors: true, strict: true, allowUnionTypes: true };
  const ajv = is2020 ? new Ajv2020(options) : new AjvDraft7(options);
  addFormats(ajv);
  const key = `https://mcp-spec.invalid/${revision}/schema.json`;
  ajv.addSchema(schema, key);
  const defsKeyword = is2020 ? '$defs' : 'definitions';
  const defs = schema[defsKeyword] as Record<string, unknown>;
  const entry: LoadedSchema = { ajv, key, defsKeyword, defs, validators: new Map() };
  loaded.set(revision, entry);
  return entry;
}

/** Every definition name in a revision's schema. */
export function definitionNames(revision: Revision): string[] {
  return Object.keys(load(revision).defs);
}

export function hasDefinition(revision: Revision, name: string): boolean {
  return Object.hasOwn(load(revision).defs, name);
}

function validatorFor(revision: Revision, name: string): ValidateFunction {
  const schema = load(revision);
  let validate = schema.validators.get(name);
  if (!validate) {
    if (!hasDefinition(revision, name)) throw new Error(`schema ${revision} has no definition ${name}`);
    validate = schema.ajv.getSchema(`${schema.key}#/${schema.defsKeyword}/${name}`);
    if (!validate) throw new Error(`schema ${revision}: could not compile ${name}`);
    schema.validators.set(name, validate);
  }
  return validate;
}

function describeError(name: string, e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'const') detail = ` ${JSON.stringify(params.allowedValue)}`;
  else if (e.keyword === 'enum') detail = ` ${JSON.stringify(params.allowedValues)}`;
  return `${name} at ${at}: ${e.message ?? e.keyword}${detail} [${e.schemaPath}]`;
}

/** Validates `value` against one definition; returns readable errors (empty when valid). */
export function validateDefinition(revision: Revision, name: string, value: unknown): string[] {
  const validate = validatorFor(revision, name);
  if (validate(value)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describeError(name, e)))];
}

/** The result definition for each method a server answers; methods with nothing to return get EmptyResult. */
const RESULT_DEFS: Readonly<Record<string, string>> = {
  initialize: 'InitializeResult',
  ping: 'EmptyResult',
  'logging/setLevel': 'EmptyResult',
  'resources/subscribe': 'EmptyResult',
  'resources/unsubscribe': 'EmptyResult',
  'server/discover': 'DiscoverResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'completion/complete': 'CompleteResult',
  'subscriptions/listen': 'SubscriptionsListenResult',
  'tasks/get': 'GetTaskResult',
  'tasks/list': 'ListTasksResult',
  'tasks/cancel': 'CancelTaskResult',
  'tasks/result': 'GetTaskPayloadResult',
};

const NOTIFICATION_DEFS: Readonly<Record<string, string>> = {
  'notifications/progress': 'ProgressNotification',
  'notifications/message': 'LoggingMessageNotification',
  'notifications/cancelled': 'CancelledNotification',
  'notifications/tools/list_changed': 'ToolListChangedNotification',
  'notifications/prompts/list_changed': 'PromptListChangedNotification',
  'notifications/resources/list_changed': 'ResourceListChangedNotification',
  'notifications/resources/updated': 'ResourceUpdatedNotification',
  'notifications/subscriptions/acknowledged': 'SubscriptionsAcknowledgedNotification',
  'notifications/elicitation/complete': 'ElicitationCompleteNotification',
  'notifications/tasks/status': 'TaskStatusNotification',
};

/** Server-to-client requests (session era only: 2026-07-28 carries them inside `inputRequests`). */
const REQUEST_DEFS: Readonly<Record<string, string>> = {
  'sampling/createMessage': 'CreateMessageRequest',
  'elicitation/create': 'ElicitRequest',
  'roots/list': 'ListRootsRequest',
  ping: 'PingRequest',
};

/**
 * Typed error definitions by code. "response" ones describe the whole JSON-RPC message (2026-07-28's
 * -32020..-32022, 2025-11-25's -32042); "error" ones describe the error object alone.
 */
const ERROR_DEFS: Readonly<Record<number, { shape: 'response' | 'error'; name: string }>> = {
  [-32700]: { shape: 'error', name: 'ParseError' },
  [-32600]: { shape: 'error', name: 'InvalidRequestError' },
  [-32601]: { shape: 'error', name: 'MethodNotFoundError' },
  [-32602]: { shape: 'error', name: 'InvalidParamsError' },
  [-32603]: { shape: 'error', name: 'InternalError' },
  [-32020]: { shape: 'response', name: 'HeaderMismatchError' },
  [-32021]: { shape: 'response', name: 'MissingRequiredClientCapabilityError' },
  [-32022]: { shape: 'response', name: 'UnsupportedProtocolVersionError' },
  [-32042]: { shape: 'response', name: 'URLElicitationRequiredError' },
};

/** The result definition for a method, or undefined when the oracle knows none. */
export function resultDefinitionFor(method: string): string | undefined {
  return Object.hasOwn(RESULT_DEFS, method) ? RESULT_DEFS[method] : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function first(revision: Revision, ...names: string[]): string {
  const found = names.find((n) => hasDefinition(revision, n));
  if (found === undefined) throw new Error(`schema ${revision} has none of ${names.join(', ')}`);
  return found;
}

function validateResult(revision: Revision, message: Record<string, unknown>, method: string | undefined): string[] {
  const errors = validateDefinition(revision, first(revision, 'JSONRPCResultResponse', 'JSONRPCResponse'), message);
  if (method === undefined) return [...errors, 'a result cannot be checked without the method it answers'];
  const result = message.result;
  if (!isObject(result)) return errors;
  // 2026-07-28: any object with a `resultType` string passes as InputRequiredResult, so discriminate first
  // and check the specific definition (the *ResultResponse unions are too loose to catch anything).
  if (hasDefinition(revision, 'InputRequiredResult') && result.resultType === 'input_required') {
    errors.push(...validateDefinition(revision, 'InputRequiredResult', result));
    if (result.inputRequests === undefined && result.requestState === undefined) {
      errors.push('InputRequiredResult: at least one of inputRequests or requestState MUST be present');
    }
    if (isObject(result.inputRequests)) {
      for (const [key, request] of Object.entries(result.inputRequests)) {
        errors.push(...validateDefinition(revision, 'InputRequest', request).map((e) => `inputRequests.${key}: ${e}`));
      }
    }
    // Only methods whose response union admits InputRequiredResult may answer input_required.
    const def = resultDefinitionFor(method);
    const response = def === undefined ? undefined : `${def}Response`;
    if (response !== undefined && hasDefinition(revision, response)) errors.push(...validateDefinition(revision, response, message));
    else errors.push(`${method} may not answer input_required in ${revision}`);
    return errors;
  }
  const def = resultDefinitionFor(method);
  if (def === undefined) return [...errors, `no result definition is known for ${method}`];
  if (!hasDefinition(revision, def)) return [...errors, `${revision} defines no ${def} (the result of ${method})`];
  return [...errors, ...validateDefinition(revision, def, result)];
}

function validateError(revision: Revision, message: Record<string, unknown>): string[] {
  const errors = validateDefinition(revision, first(revision, 'JSONRPCErrorResponse', 'JSONRPCError'), message);
  const code = isObject(message.error) ? message.error.code : undefined;
  const typed = typeof code === 'number' && Object.hasOwn(ERROR_DEFS, code) ? ERROR_DEFS[code] : undefined;
  if (typed && hasDefinition(revision, typed.name)) {
    errors.push(...validateDefinition(revision, typed.name, typed.shape === 'response' ? message : message.error));
  }
  return errors;
}

function validateByMethod(revision: Revision, message: Record<string, unknown>, envelope: string, table: Readonly<Record<string, string>>): string[] {
  const errors = validateDefinition(revision, envelope, message);
  const method = String(message.method);
  const def = Object.hasOwn(table, method) ? table[method] : undefined;
  if (def === undefined) return [...errors, `${method} is not a message a server sends`];
  if (!hasDefinition(revision, def)) return [...errors, `${revision} defines no ${def} (${method})`];
  return [...errors, ...validateDefinition(revision, def, message)];
}

/**
 * Validates one JSON-RPC message a server sent, against the definitions that apply to it in `revision`:
 * the envelope, then the typed definition for its method (notifications, requests), its code (errors), or
 * the method it answers (results; `answeredMethod` is required for those).
 * @returns readable errors; empty when the message is valid.
 */
export function validateServerMessage(revision: Revision, message: unknown, answeredMethod?: string): string[] {
  if (!isObject(message)) return ['a JSON-RPC message must be a JSON object'];
  if ('method' in message) {
    if (!('id' in message)) return validateByMethod(revision, message, 'JSONRPCNotification', NOTIFICATION_DEFS);
    if (!hasDefinition(revision, 'ServerRequest')) {
      return [`${revision} has no server-to-client requests; ${String(message.method)} belongs in inputRequests`];
    }
    return validateByMethod(revision, message, 'JSONRPCRequest', REQUEST_DEFS);
  }
  if ('error' in message) return validateError(revision, message);
  return validateResult(revision, message, answeredMethod);
}

/** A short label for a message, for assertion messages. */
export function labelOf(message: unknown, answeredMethod?: string): string {
  if (!isObject(message)) return 'non-object';
  if (typeof message.method === 'string') return `${'id' in message ? 'request' : 'notification'} ${message.method}`;
  if (isObject(message.error)) return `error ${String(message.error.code)}${answeredMethod ? ` (to ${answeredMethod})` : ''}`;
  const type = isObject(message.result) && typeof message.result.resultType === 'string' ? ` ${message.result.resultType}` : '';
  return `result of ${answeredMethod ?? 'unknown method'}${type}`;
}

/** Asserts that a server message is valid in `revision`, failing with every schema error. */
export function expectValid(revision: Revision, message: unknown, answeredMethod?: string): void {
  const errors = validateServerMessage(revision, message, answeredMethod);
  expect(errors, `${revision} ${labelOf(message, answeredMethod)}: ${JSON.stringify(message).slice(0, 400)}`).toEqual([]);
}
