/**
 * Secrets and the places they live: sensitive paths (S001), cloud metadata endpoints (S002), requests to read or
 * move secrets (S003).
 * @module
 */
import { excerpt } from '../evidence.js';
import { type RawFinding, sentenceAround } from './raw-finding.js';
import type { WalkedString } from '../walk.js';

const SENSITIVE_PATH = new RegExp(
  [
    '(?:~|\\$HOME|%USERPROFILE%)?[\\\\/]?\\.ssh\\b(?:[\\\\/][\\w.-]+)?',
    '(?<![a-z0-9])ssh[_ ](?:keys?|dir(?:ectory)?|folder|config)\\b',
    '(?<![a-z0-9])id[_ ](?:rsa|dsa|ecdsa|ed25519)(?:\\.pub)?\\b',
    '\\bauthorized_keys\\b',
    '\\.aws[\\\\/](?:credentials|config)\\b',
    '\\.config[\\\\/]gcloud\\b',
    '\\bapplication_default_credentials\\.json\\b',
    '\\.kube[\\\\/]config\\b',
    '\\.docker[\\\\/]config\\.json\\b',
    '(?<![\\w.])\\.(?:npmrc|pypirc|netrc|git-credentials|pgpass|bash_history|zsh_history|password-store|bashrc|zshrc|bash_profile|profile)\\b',
    '\\.gnupg\\b',
    '/etc/(?:passwd|shadow|sudoers|master\\.passwd)\\b',
    '(?<![\\w$.])\\.env(?:\\.[\\w-]+)?\\b',
    '\\bwallet\\.dat\\b',
    '\\bcookies\\.sqlite\\b',
    '\\blogins\\.json\\b',
    '\\bkey4\\.db\\b',
    '\\bLogin Data\\b',
    '[\\\\/](?:Cookies|Local State)\\b',
    '\\.cursor[\\\\/]mcp\\.json\\b',
    '\\bclaude_desktop_config\\.json\\b',
    '\\bKeychains[\\\\/]|\\blogin\\.keychain(?:-db)?\\b',
  ].join('|'),
  'gi',
);
// Imperatives and gerunds (a request, or a name like content_from_reading_id_rsa); "reads" and "loads" describe
// what a tool does and stay medium.
const ACCESS = /\b(?:read|reading|sending|including|passing|cat|open|send|include|upload|contents?\s+of|pass|copy|extract|attach|print|dump|output|provide|share|forward|post|exfiltrate|retrieve|collect|steal|append|embed)\b/i;
const METADATA = /169\.254\.169\.254|\bmetadata\.google\.internal\b|\bfd00:ec2::254\b|\b100\.100\.100\.200\b|\bmetadata\.azure\.com\b/gi;
const ENV_SECRET_NAME = /\b[A-Z][A-Z0-9]*_(?:API_?KEY|ACCESS_?KEY(?:_ID)?|SECRET(?:_ACCESS)?(?:_KEY)?|TOKEN|PASSWORD|PASSWD|PAT|CREDENTIALS?|PRIVATE_?KEY)\b/gu;
const SECRET_PHRASE = new RegExp(
  [
    '\\b(?:all|any|every|each|stored|saved|the\\s+user\'?s|users?\'|user\'?s|their|other)\\s+(?:(?:api|access|auth|bearer|session|secret)\\s+)?(?:keys|tokens|credentials|passwords|secrets|cookies)\\b',
    '\\b(?:private|ssh|secret)\\s+keys?\\b',
    '\\b(?:seed|recovery|mnemonic)\\s+(?:phrases?|words)\\b',
    '\\benv(?:ironment)?\\s+var(?:iable)?s\\b',
    '\\bprocess\\.env\\b',
  ].join('|'),
  'gi',
);
// Verbs that move a secret somewhere; reading one ("the server reads GITHUB_TOKEN at startup") is normal.
const HARVEST = /\b(?:print|dump|collect|gather|extract|copy|leak|exfiltrate|send|forward|upload|post|include|embed|append|attach|pass|share|output|reveal|steal|grab|harvest)\b/i;

function firstMatch(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  return re.exec(text);
}

/** Reports sensitive paths, metadata endpoints and secret harvesting in one string (`text`: as rules read it). */
export function checkSensitive(s: WalkedString, text: string, out: RawFinding[]): void {
  const path = firstMatch(SENSITIVE_PATH, text);
  if (path) {
    const sentence = sentenceAround(text, path.index, path[0].length);
    const asked = ACCESS.test(sentence.replace(path[0], ' ').replace(/[_-]+/g, ' '));
    // A .env file is named by honest configuration text too; alone it is low.
    const weak = /^\.env/i.test(path[0]);
    out.push({ rule: 'MCP-S001', severity: asked ? 'high' : weak ? 'low' : 'medium', pointer: s.pointer,
      message: `Refers to ${JSON.stringify(path[0])}, a place secrets live${asked ? ', and asks to read, send or pass it' : ''}`,
      evidence: excerpt(text, path.index, path[0].length) });
  }
  const metadata = firstMatch(METADATA, text);
  if (metadata) {
    out.push({ rule: 'MCP-S002', severity: 'high', pointer: s.pointer,
      message: `Refers to the cloud metadata endpoint ${metadata[0]} (instance credentials)`,
      evidence: excerpt(text, metadata.index, metadata[0].length) });
  }
  for (const re of [ENV_SECRET_NAME, SECRET_PHRASE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const sentence = sentenceAround(text, m.index, m[0].length);
      if (!HARVEST.test(sentence)) continue;
      out.push({ rule: 'MCP-S003', severity: 'high', pointer: s.pointer,
        message: `Asks to read or move secrets (${JSON.stringify(m[0])})`,
        evidence: excerpt(text, m.index, m[0].length) });
      return;
    }
  }
}
