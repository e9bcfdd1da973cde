/**
 * Turns a core reply into a web-standard Response.
 * @module
 */
import type { HttpReply } from './responses.js';

export function toWebResponse(reply: HttpReply): Response {
  if (reply.sse) return new Response(reply.sse.toReadable(), { status: reply.status, headers: reply.headers });
  return new Response(reply.body ?? null, { status: reply.status, headers: reply.headers });
}
