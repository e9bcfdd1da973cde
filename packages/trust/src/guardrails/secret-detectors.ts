/**
 * Secret detectors for tool results and resource contents: cloud keys, tokens, private keys, connection strings,
 * password assignments. Each has a kind, a severity, and a finder that returns the spans to redact. Every finder
 * is linear in the text: quantifiers are bounded, starts are literal prefixes, and the two structures a regex
 * would backtrack on (PEM blocks, JWTs) are found with plain scans.
 * @module
 */
import type { Severity } from '../snapshot.js';

export type SecretKind =
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'gcp-service-account-key'
  | 'private-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'stripe-live-key'
  | 'stripe-test-key'
  | 'llm-api-key'
  | 'google-api-key'
  | 'jwt'
  | 'connection-string-password'
  | 'password-assignment';

export interface Span {
  start: number;
  end: number;
}

export interface SecretDetector {
  kind: SecretKind;
  severity: Severity;
  /** What it finds, in words (for docs). */
  description: string;
  find(text: string): Span[];
}

const PLACEHOLDER = /^(?:\*+|x+|X+|\.{3}|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%|\$\w+|password|passwd|pass|secret|changeme|redacted|\[redacted[^\]]*\]|null|none|true|false|undefined|process\.env\.\w+)$/i;

/** Spans of every match of `re` (its `secret` group when it has one), skipping placeholder values. */
function regexFinder(re: RegExp): (text: string) => Span[] {
  return (text) => {
    const spans: Span[] = [];
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const secret = m.groups?.secret;
      if (secret !== undefined) {
        if (PLACEHOLDER.test(secret) || secret.includes('${')) continue;
        const start = m.index + m[0].lastIndexOf(secret);
        spans.push({ start, end: start + secret.length });
      } else spans.push({ start: m.index, end: m.index + m[0].length });
    }
    return spans;
  };
}

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_BODY = /[A-Za-z0-9+/=\s\\:,.-]*/y;
const GCP_FIELD = /"private_key"\s*:\s*"$/;

/** PEM private key blocks (`BEGIN … PRIVATE KEY` to its `END` line, or to the end of the body when cut off). */
function findPem(text: string, gcp: boolean): Span[] {
  const spans: Span[] = [];
  let noEndFrom = Infinity;
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
    const isGcp = GCP_FIELD.test(text.slice(Math.max(0, m.index - 40), m.index));
    const bodyStart = m.index + m[0].length;
    const endMarker = bodyStart < noEndFrom ? text.indexOf('-----END', bodyStart) : -1;
    let end: number;
    if (endMarker < 0) {
      // No END after here, so none after any later BEGIN either: remember, to stay linear. A cut-off key is
      // still a key: redact its body.
      noEndFrom = Math.min(noEndFrom, bodyStart);
      PEM_BODY.lastIndex = bodyStart;
      PEM_BODY.exec(text);
      end = PEM_BODY.lastIndex;
    } else {
      const close = text.indexOf('-----', endMarker + 8);
      end = close < 0 ? text.length : close + 5;
    }
    if (isGcp === gcp) spans.push({ start: m.index, end });
    // Continue after this block: blocks do not nest, and this keeps every character scanned once.
    PEM_BEGIN.lastIndex = Math.max(end, PEM_BEGIN.lastIndex);
  }
  return spans;
}

const TOKEN_RUN = /[A-Za-z0-9_.-]{20,}/g;

/** JWTs (`eyJ….eyJ….sig`) inside runs of base64url characters and dots. */
function findJwts(text: string): Span[] {
  const spans: Span[] = [];
  TOKEN_RUN.lastIndex = 0;
  for (let m = TOKEN_RUN.exec(text); m; m = TOKEN_RUN.exec(text)) {
    const parts = m[0].split('.');
    let offset = m.index;
    for (let i = 0; i < parts.length - 1; i++) {
      const head = parts[i] ?? '';
      const body = parts[i + 1] ?? '';
      const at = head.indexOf('eyJ');
      if (at >= 0 && body.startsWith('eyJ') && head.length - at >= 10 && body.length >= 10) {
        const sig = parts[i + 2] ?? '';
        const start = offset + at;
        spans.push({ start, end: offset + head.length + 1 + body.length + (i + 2 < parts.length ? 1 + sig.length : 0) });
        offset += head.length + 1 + body.length + 1 + sig.length + 1;
        i += 2;
        continue;
      }
      offset += head.length + 1;
    }
  }
  return spans;
}

export const SECRET_DETECTORS: readonly SecretDetector[] = [
  { kind: 'private-key', severity: 'critical', description: 'PEM private keys (RSA, EC, OpenSSH, PKCS#8, encrypted)', find: (t) => findPem(t, false) },
  { kind: 'gcp-service-account-key', severity: 'critical', description: 'the private_key of a GCP service-account JSON', find: (t) => findPem(t, true) },
  { kind: 'aws-access-key-id', severity: 'high', description: 'AWS access key ids (AKIA…, ASIA…)',
    find: regexFinder(/\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z2-7]{16}\b/g) },
  { kind: 'aws-secret-access-key', severity: 'critical', description: 'AWS secret access keys next to their name (aws_secret_access_key=…, "SecretAccessKey": …)',
    find: regexFinder(/\b(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)["']?\s{0,5}[:=]\s{0,5}["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi) },
  { kind: 'github-token', severity: 'high', description: 'GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    find: regexFinder(/\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g) },
  { kind: 'gitlab-token', severity: 'high', description: 'GitLab tokens (glpat-, gldt-, glrt-, …)',
    find: regexFinder(/\b(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas)-[A-Za-z0-9_-]{20,255}/g) },
  { kind: 'slack-token', severity: 'high', description: 'Slack tokens (xoxb-, xoxp-, xoxa-, …)', find: regexFinder(/\bxox[abposr]-[A-Za-z0-9-]{10,250}/g) },
  { kind: 'slack-webhook', severity: 'high', description: 'Slack incoming-webhook URLs',
    find: regexFinder(/https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{4,20}\/B[A-Z0-9]{4,20}\/[A-Za-z0-9]{8,64}/g) },
  { kind: 'stripe-live-key', severity: 'critical', description: 'Stripe live secret and restricted keys', find: regexFinder(/\b[sr]k_live_[A-Za-z0-9]{16,247}\b/g) },
  { kind: 'stripe-test-key', severity: 'low', description: 'Stripe test keys', find: regexFinder(/\b[sr]k_test_[A-Za-z0-9]{16,247}\b/g) },
  { kind: 'llm-api-key', severity: 'high', description: 'OpenAI and Anthropic API keys',
    find: regexFinder(/\bsk-(?:ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,250}|(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,250}|[A-Za-z0-9]{48}\b)/g) },
  { kind: 'google-api-key', severity: 'high', description: 'Google API keys (AIza…)', find: regexFinder(/\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g) },
  { kind: 'jwt', severity: 'high', description: 'JSON Web Tokens (bearer credentials)', find: findJwts },
  { kind: 'connection-string-password', severity: 'high', description: 'passwords in connection strings (postgres://user:PASSWORD@host)',
    find: regexFinder(/\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>]{1,64}:(?<secret>[^\s@/"'<>]{1,128})@[^\s/"'<>]/gi) },
  { kind: 'password-assignment', severity: 'medium', description: 'password=, secret:, api_key=, client_secret= and similar assignments',
    find: regexFinder(/\b(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|client[_-]?secret)["']?\s{0,5}[:=]\s{0,5}["']?(?<secret>[^\s"'&,;<>]{6,200})/gi) },
];
