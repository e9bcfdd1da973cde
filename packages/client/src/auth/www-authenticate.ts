/**
 * A parser for `WWW-Authenticate` (RFC 9110 §11.6.1): the challenges a resource server sends with 401 and 403,
 * carrying `resource_metadata` (RFC 9728 §5.1), `scope` and `error` (RFC 6750 §3).
 * @module
 */

/** One challenge: its scheme (as sent) and its parameters (names lower-cased). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

type Lexeme = { t: 'word' | 'quoted'; v: string } | { t: '=' | ',' };

// Words are read leniently (anything but whitespace, `,`, `=` and `"`) so an unquoted URL still parses.
function lex(header: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < header.length) {
    const c = header[i]!;
    if (c === ' ' || c === '\t') i++;
    else if (c === '=' || c === ',') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < header.length && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < header.length) i++;
        v += header[i];
        i++;
      }
      i++;
      out.push({ t: 'quoted', v });
    } else {
      let v = '';
      while (i < header.length && !' \t,="'.includes(header[i]!)) v += header[i++];
      out.push({ t: 'word', v });
    }
  }
  return out;
}

/**
 * Parses a `WWW-Authenticate` value into its challenges. Malformed parts are skipped rather than thrown, so a
 * bad challenge does not hide the good ones around it.
 * @example
 * parseWwwAuthenticate('Bearer scope="files:read", resource_metadata="https://x/.well-known/oauth-protected-resource"')
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const lx = lex(header);
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const isWord = (k: number) => lx[k]?.t === 'word';
  while (i < lx.length) {
    if (!isWord(i)) {
      i++;
      continue;
    }
    const challenge: AuthChallenge = { scheme: (lx[i] as { v: string }).v, params: {} };
    challenges.push(challenge);
    i++;
    // token68 (`Negotiate abc==`) directly after the scheme: read and drop, MCP has no use for it.
    if (isWord(i) && lx[i + 1]?.t !== '=') i++;
    else if (isWord(i) && lx[i + 1]?.t === '=' && (lx[i + 2] === undefined || lx[i + 2]!.t === '=' || lx[i + 2]!.t === ',')) {
      i++;
      while (lx[i]?.t === '=') i++;
    }
    for (;;) {
      let k = i;
      while (lx[k]?.t === ',') k++;
      const value = lx[k + 2];
      if (isWord(k) && lx[k + 1]?.t === '=' && value !== undefined && (value.t === 'word' || value.t === 'quoted')) {
        challenge.params[(lx[k] as { v: string }).v.toLowerCase()] = value.v;
        i = k + 3;
      } else {
        i = k;
        break;
      }
    }
  }
  return challenges;
}

/** The first challenge of `scheme` (case-insensitive), if any. */
export function findChallenge(challenges: AuthChallenge[], scheme: string): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme.toLowerCase() === scheme.toLowerCase());
}
