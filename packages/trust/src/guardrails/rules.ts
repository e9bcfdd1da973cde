/**
 * The guardrails' rule registry (same shape as the scanner's `RULES`), for docs and SARIF.
 * @module
 */
import type { RuleInfo } from '../scanner/rules.js';
import { SECRET_DETECTORS } from './secret-detectors.js';

export const GUARDRAIL_RULES: readonly RuleInfo[] = [
  { id: 'MCP-R001', name: 'secret-in-content', severity: 'high', summary: 'A secret in a tool result or resource content (severity per detector).',
    catches: SECRET_DETECTORS.map((d) => `${d.kind} (${d.severity}): ${d.description}`).join('; '),
    misses: 'Secrets without a recognisable shape or name (a bare 32-character hex string), secrets inside images or blobs, split or encoded secrets.' },
  { id: 'MCP-R002', name: 'injection-in-content', severity: 'high', summary: 'Instruction-like text in a tool result or resource content.',
    catches: 'The scanner\'s instruction patterns (I001–I005) at medium or above: override attempts, concealment, chat-template and role markup, text addressed to the model.',
    misses: 'Paraphrased or translated injections; injected text inside images.' },
  { id: 'MCP-R003', name: 'hidden-text-in-content', severity: 'critical', summary: 'Text hidden in Unicode tag characters in a result.',
    catches: 'Any run of tag characters except emoji flag sequences; the finding decodes it.', misses: 'Other steganography.' },
  { id: 'MCP-R004', name: 'invisible-controls-in-content', severity: 'medium', summary: 'Bidi controls or runs of zero-width characters in a result.',
    catches: 'Bidi embedding, override and isolate controls; four or more zero-width characters in a row.', misses: 'Single zero-width characters (common in real web text).' },
  { id: 'MCP-R005', name: 'exfil-link-in-content', severity: 'medium', summary: 'An auto-loading image (markdown or <img>) whose URL carries data in its query.',
    catches: 'Query values of 32 or more data characters or template placeholders. Default action `flag`; hosts that render markdown should choose `redact`.',
    misses: 'Plain links the user must click; data in the path rather than the query. Signed CDN URLs are reported too (hence medium).' },
];
