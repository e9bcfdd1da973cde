/**
 * The drivers' HTTP client: an undici Pool with one keep-alive connection per concurrent worker and no
 * HTTP pipelining. Reads a JSON or an SSE answer and returns the JSON-RPC response whose id matches.
 * Why undici rather than node:http's Agent: on this harness it spends about a third less CPU per call
 * (≈33 µs against ≈51 µs at c=16 against the floor), and driver and server share two cores, so the
 * lighter client takes less from the server under test. See the method section of BENCHMARKS.md.
 * @module
 */
import { Pool } from 'undici';
import { INITIALIZED_LINE, INITIALIZE_PARAMS, requestTemplate } from './wire.mjs';

/** What every POST carries. */
export const POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** A pool for `url`'s origin with `connections` sockets. */
export function createPool(url, connections) {
  return new Pool(new URL(url).origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

/**
 * POSTs `body` to `url`; resolves with { status, headers, message, text } where message is the JSON-RPC
 * message with id `id` (undefined for a 202 or when none matched). Rejects on a socket error or timeout.
 */
export async function post(pool, path, headers, body, id) {
  const res = await pool.request({ path, method: 'POST', headers, body });
  const text = await res.body.text();
  let message;
  try {
    message = readMessage(String(res.headers['content-type'] ?? ''), text, id);
  } catch (error) {
    throw new Error(`unreadable ${res.statusCode} answer (${error.message}): ${text.slice(0, 200)}`);
  }
  return { status: res.statusCode, headers: res.headers, message, text };
}

/**
 * Opens a session-era session; returns the headers every later request on it carries. `extra` headers (e.g. a
 * gateway's `X-API-Key`) go on every request of the session.
 */
export async function openSession(pool, path, extra = {}) {
  const init = await post(pool, path, { ...POST_HEADERS, ...extra }, requestTemplate('initialize', INITIALIZE_PARAMS).line(0), 0);
  const sid = init.headers['mcp-session-id'];
  if (init.status !== 200 || !init.message?.result || typeof sid !== 'string') {
    throw new Error(`initialize: HTTP ${init.status}, session id ${sid}, body ${init.text.slice(0, 200)}`);
  }
  const headers = { ...POST_HEADERS, ...extra, 'mcp-session-id': sid, 'mcp-protocol-version': init.message.result.protocolVersion };
  const ack = await post(pool, path, headers, INITIALIZED_LINE, undefined);
  if (ack.status !== 202 && ack.status !== 200) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  return headers;
}

function readMessage(contentType, text, id) {
  if (text === '') return undefined;
  if (contentType.includes('text/event-stream')) {
    // SSE: events are separated by a blank line; a message is the joined `data:` lines of one event.
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = [];
      for (const line of event.split(/\r?\n/)) if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      if (data.length === 0) continue;
      const msg = JSON.parse(data.join('\n'));
      if (msg.id === id) return msg;
    }
    return undefined;
  }
  const msg = JSON.parse(text);
  return Array.isArray(msg) ? msg.find((m) => m.id === id) : msg;
}
