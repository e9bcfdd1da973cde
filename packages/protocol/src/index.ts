/**
 * @mcpkit/protocol: MCP wire types for every revision, the JSON-RPC engine, errors and the Transport contract.
 * @module
 */
export {
  ErrorCode,
  ProtocolError,
  McpkitError,
  TimeoutError,
  CancelledError,
  ConnectionClosedError,
  SendError,
  MessageTooLargeError,
  InvalidArgumentError,
  TransportStateError,
  RequestStateError,
  MissingCapabilityError,
  HttpError,
  SessionExpiredError,
  ProcessExitedError,
  ProtocolViolationError,
  AuthDiscoveryError,
  AuthIssuerMismatchError,
  AuthResourceMismatchError,
  AuthPkceUnsupportedError,
  AuthUnsafeUrlError,
  AuthTokenError,
  AuthRegistrationError,
  AuthorizationError,
  AuthRetryLimitError,
  MCPKIT_ERROR_CODES,
  invalidParams,
} from './errors.js';
export type { ErrorCodeValue, JsonRpcErrorObject } from './errors.js';
export {
  parseMessage,
  parseJson,
  recoverId,
  errorResponse,
  resultResponse,
  copyObject,
  isRequest,
  isNotification,
  isResponse,
  isErrorResponse,
} from './jsonrpc.js';
export type {
  RequestId,
  JsonObject,
  JsonRpcRequest,
  JsonRpcNotification,
  JsonRpcResultResponse,
  JsonRpcErrorResponse,
  JsonRpcResponse,
  JsonRpcMessage,
} from './jsonrpc.js';
export {
  PROTOCOL_REVISIONS,
  SESSION_REVISIONS,
  STATELESS_REVISIONS,
  LATEST_SESSION_REVISION,
  LATEST_REVISION,
  isSessionRevision,
  isStatelessRevision,
  isKnownRevision,
  eraOf,
  negotiateSessionRevision,
  revisionAtLeast,
} from './versions.js';
export type { ProtocolRevision, SessionRevision, StatelessRevision, Era } from './versions.js';
export { InMemoryTransport } from './transport.js';
export { LazyAbortController, signalCancellation } from './abort.js';
export type { Cancellation } from './abort.js';
export { UriTemplate } from './uri-template.js';
export { MCP_NAME_FIELDS, encodeHeaderValue, decodeHeaderValue } from './mcp-headers.js';
export { LineDecoder, encodeLine, DEFAULT_MAX_MESSAGE_BYTES } from './framing.js';
export type { Transport, TransportSendOptions, MessageInfo } from './transport.js';
export { Peer } from './engine/peer.js';
export { InflightMap } from './engine/inflight-map.js';
export type { IncomingRequestContext, RequestHandler, NotificationHandler, PeerOptions } from './engine/peer.js';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './engine/outgoing.js';
export type { RequestOptions, Progress } from './engine/outgoing.js';
export {
  META_PROTOCOL_VERSION,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
  META_SERVER_INFO,
  LOGGING_LEVELS,
} from './types.js';
export type {
  Role,
  LoggingLevel,
  Icon,
  Implementation,
  Annotations,
  TextContent,
  ImageContent,
  AudioContent,
  TextResourceContents,
  BlobResourceContents,
  ResourceContents,
  EmbeddedResource,
  ResourceLink,
  ContentBlock,
  ToolAnnotations,
  JsonSchema,
  Tool,
  CallToolResult,
  Resource,
  ResourceTemplate,
  ReadResourceResult,
  PromptArgument,
  Prompt,
  PromptMessage,
  GetPromptResult,
  PromptReference,
  ResourceTemplateReference,
  CompleteResult,
  Root,
  ClientCapabilities,
  ServerCapabilities,
  InitializeResult,
  DiscoverResult,
  CacheScope,
  ResultType,
  InputRequest,
  InputRequiredResult,
  ElicitFormParams,
  ElicitUrlParams,
  ElicitParams,
  ElicitResult,
  SamplingMessage,
  CreateMessageParams,
  CreateMessageResult,
  ListRootsResult,
} from './types.js';
/** Wire types generated from each revision's official schema, one namespace per revision (`Rev2026_07_28.Tool`). */
export type {
  Rev2024_11_05,
  Rev2025_03_26,
  Rev2025_06_18,
  Rev2025_11_25,
  Rev2026_07_28,
} from './generated/index.js';
