/**
 * Exfiltration hints: sending data somewhere (E001), harvesting conversation or other tools' data into a parameter
 * (E002), covert encoding (E003).
 * @module
 */
import { excerpt } from '../evidence.js';
import { type RawFinding, sentenceAround } from './raw-finding.js';
import type { WalkedString } from '../walk.js';

const SEND = '(?:send|sends|post|posts|upload|uploads|forward|forwards|transmit|exfiltrate|submit|beacon|leak|copy)';
const DATA = '(?:contents?|data|conversation|chat|history|messages?|files?|results?|outputs?|keys?|credentials|secrets?|tokens?|passwords?|everything|information|info|context|transcript|documents?|responses?|prompts?)';
const DEST =
  "(?:(?:https?|ftp|wss?)://[^\\s\"'<>)]+|\\+\\d[\\d\\s-]{6,18}\\d|[\\w.+-]+@[\\w-]+\\.[\\w.-]+|(?:our|this|the\\s+following|my|an?\\s+external|a\\s+remote|the\\s+attacker'?s?|a\\s+third-party)\\s+(?:url|endpoint|webhook|server|address|inbox|host|api|domain))";
const SEND_DATA_TO = new RegExp(`\\b${SEND}\\b[^.!?\\n]{0,80}?\\b${DATA}\\b[^!?\\n]{0,80}?\\b(?:to|at|via|into)\\s+${DEST}`, 'gi');
const SEND_TO = new RegExp(`\\b${SEND}\\b[^!?\\n]{0,80}?\\b(?:to|at|via)\\s+${DEST}`, 'gi');
// ![alt](https://host/path?x={data}) — a model that renders it leaks the data in the request.
const MARKDOWN_IMAGE = /!\[[^\]\n]{0,100}\]\(\s*https?:\/\/[^)\s]{1,300}?[?&][^)\s=]{1,50}=(?:\{|<|\$|%7B|\[)/gi;

const HARVEST = new RegExp(
  [
    '\\b(?:conversation|chat|message|dialog(?:ue)?)\\s+(?:history|log|logs|transcript)\\b',
    '\\b(?:entire|whole|full|complete)\\s+(?:conversation|chat|dialog(?:ue)?|context(?:\\s+window)?|transcript)\\b',
    '\\b(?:all|every|previous|prior|earlier|preceding|past|last|recent)\\s+(?:the\\s+)?(?:user\\s+)?(?:messages|turns|prompts|conversations?|chats)\\b',
    '\\b(?:your|the)\\s+system\\s+(?:prompt|message|instructions)\\b',
    '\\b(?:outputs?|results?|responses?|return\\s+values?)\\s+(?:of|from)\\s+(?:all\\s+|any\\s+|the\\s+)?(?:other|previous|prior|earlier|preceding|recent)\\s+(?:[\\w.-]+\\s+)?(?:tools?|tool\\s+calls?|functions?|calls?)\\b',
    "\\b(?:other|previous|all)\\s+tools?'?\\s*(?:outputs?|results?|responses?)\\b",
    '\\b(?:full|entire|complete|whole|raw|all)\\s+(?:the\\s+)?(?:contents?|text)\\s+of\\s+(?:any|all|every|each|other|previous|the\\s+(?:files?|documents?)\\s+(?:you|the\\s+user))\\b',
    "\\bcontents?\\s+of\\s+(?:the\\s+user'?s\\s+|your\\s+)?(?:[~$]|%\\w+%|/(?:etc|home|root|users|var)\\b)",
    '\\beverything\\s+(?:the\\s+user|you)\\s+(?:said|wrote|typed|know|have\\s+seen|read)\\b',
  ].join('|'),
  'gi',
);
const MOVE = /\b(?:include|including|pass|passing|put|add|append|provide|fill|insert|send|sending|attach|copy|paste|write|place|forward|upload|embed)\b/i;
const INTO_PARAMETER = /\b(?:include|including|pass|passing|put|add|append|provide|fill|insert|send|sending|attach|copy|paste|write|place|embed)\b[^!?\n]{0,80}?\b(?:parameter|argument|field|param)\b/i;

const ENCODE = /\b(?:base-?64|hex|rot-?13|url)[\s-]?encod(?:e|ed|ing)\b|\bencode\b[^.!?\n]{0,40}?\b(?:base-?64|hex|rot-?13)\b/gi;
const ENCODED_SECRET = /\b(?:api\s+keys?|keys|secrets?|credentials|tokens?|passwords?|conversation|history|messages|system\s+prompt|environment|contents?\s+of|file\s+contents?|ssh|id_rsa|\.env|private\s+key)\b/i;
const HIDE_IN = /\b(?:hide|embed|smuggle|conceal|stash|tuck)\b[^.!?\n]{0,40}?\b(?:in|inside|within|into)\b[^.!?\n]{0,30}?\b(?:parameter|argument|url|query|field|image|filename|path|comment)\b/gi;

function first(re: RegExp, text: string): RegExpExecArray | null {
  re.lastIndex = 0;
  return re.exec(text);
}

/** Reports exfiltration hints in one string (`text`: as rules read it). */
export function checkExfiltration(s: WalkedString, text: string, out: RawFinding[]): void {
  const sendData = first(SEND_DATA_TO, text) ?? first(MARKDOWN_IMAGE, text);
  if (sendData) {
    out.push({ rule: 'MCP-E001', severity: 'high', pointer: s.pointer, message: 'Asks to send data to an outside destination',
      evidence: excerpt(text, sendData.index, sendData[0].length) });
  } else {
    const send = first(SEND_TO, text);
    if (send) {
      out.push({ rule: 'MCP-E001', severity: 'medium', pointer: s.pointer, message: 'Names an outside destination to send something to',
        evidence: excerpt(text, send.index, send[0].length) });
    }
  }

  const harvest = first(HARVEST, text);
  if (harvest) {
    const sentence = sentenceAround(text, harvest.index, harvest[0].length);
    const intoParameter = INTO_PARAMETER.test(sentence);
    // Describing what a tool stores is low; asking to move it along is medium; into a parameter, high.
    const severity = s.inParameter || intoParameter ? 'high' : MOVE.test(sentence.replace(harvest[0], ' ')) ? 'medium' : 'low';
    out.push({ rule: 'MCP-E002', severity, pointer: s.pointer,
      message: s.inParameter
        ? `A parameter asks for ${JSON.stringify(harvest[0])}: data the user did not give this tool`
        : `Asks for ${JSON.stringify(harvest[0])}${intoParameter ? ' to be put into a parameter' : ''}`,
      evidence: excerpt(text, harvest.index, harvest[0].length) });
  }

  const encode = first(ENCODE, text);
  if (encode && ENCODED_SECRET.test(sentenceAround(text, encode.index, encode[0].length))) {
    out.push({ rule: 'MCP-E003', severity: 'high', pointer: s.pointer, message: 'Asks to encode secrets or conversation data',
      evidence: excerpt(text, encode.index, encode[0].length) });
  } else {
    const hide = first(HIDE_IN, text);
    if (hide) {
      out.push({ rule: 'MCP-E003', severity: 'high', pointer: s.pointer, message: 'Asks to hide data inside a parameter, URL or image',
        evidence: excerpt(text, hide.index, hide[0].length) });
    }
  }
}
