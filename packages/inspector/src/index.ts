/**
 * @mcpkit/inspector: the web inspector's local server (token-guarded, loopback only) on `@mcpkit/client`, and
 * its prebuilt Preact UI.
 * @module
 */
export { startInspector } from './server.js';
export type { InspectorOptions, InspectorHandle } from './server.js';
export { InspectorConnection } from './connection.js';
export type { ConnectionOptions } from './connection.js';
export { diagnose } from './doctor.js';
export type { Cause, Check, Diagnosis, DoctorContext } from './doctor.js';
export type { ConnectionState, DriftEntry, InspectorEvent, PendingAsk } from './events.js';
export type { SerializedEvent, StampedEvent } from './event-hub.js';
export { describeTarget } from './target.js';
export type { InspectorTarget } from './target.js';
export { checkBindHost, createToken } from './security.js';
export { isStaticAsset } from './static-assets.js';
