/** @mcpkit/client @module */
export {};
