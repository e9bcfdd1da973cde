/**
 * The rule registry: every rule's stable id, name, default severity, and what it catches and misses. Docs and
 * SARIF rule metadata are generated from it; ids are never reused or renumbered.
 * @module
 */
import type { Severity } from '../snapshot.js';

export interface RuleInfo {
  /** Stable id, `MCP-<family letter><number>`. */
  id: string;
  /** kebab-case name. */
  name: string;
  /** The severity a finding has unless the rule's context raises or lowers it (see `severityNote`). */
  severity: Severity;
  /** One line: what the rule reports. */
  summary: string;
  /** What it catches, for docs and SARIF help. */
  catches: string;
  /** What it does not catch (known gaps), for docs and SARIF help. */
  misses: string;
  /** How context changes the severity, when it does. */
  severityNote?: string;
}

const INSTRUCTION_NOTE =
  'One level higher in a name, key, enum value, default, example or const (instructions have no business there); one level higher when the same string also matches another instruction family; one level higher when the text only reads as an instruction after removing invisible characters or folding look-alike letters (deliberate evasion).';

export const RULES: readonly RuleInfo[] = [
  { id: 'MCP-U001', name: 'hidden-tag-characters', severity: 'critical', summary: 'Unicode tag characters (U+E0000–E007F) hide text a model reads and a person does not see.',
    catches: 'Any run of tag characters in any string of a definition; the evidence decodes the hidden ASCII. Emoji flag sequences (U+1F3F4 followed by a short tag sequence) are allowed.',
    misses: 'Hidden text that uses other encodings (private-use characters, homoglyph steganography); those fall to U004 or not at all.' },
  { id: 'MCP-U002', name: 'zero-width-characters', severity: 'medium', summary: 'Zero-width characters (U+200B–200D, U+2060, U+FEFF) inside a definition.',
    catches: 'Zero-width space, joiners and word joiners anywhere; names with them (two tools that look identical) and runs of four or more (binary steganography) are high.',
    misses: 'A zero-width joiner between two emoji is allowed (it builds one emoji).', severityNote: 'High in a name or key, or for a run of four or more.' },
  { id: 'MCP-U003', name: 'bidi-controls', severity: 'high', summary: 'Bidirectional embedding, override and isolate controls (U+202A–202E, U+2066–2069) reorder what a person sees.',
    catches: 'Every bidi embedding, override or isolate control in any string.', misses: 'Right-to-left marks (U+200E/200F, U+061C), which real right-to-left text uses; those are U004 (low).' },
  { id: 'MCP-U004', name: 'invisible-format-characters', severity: 'low', summary: 'Other invisible characters: format characters, controls, variation selectors, blank letters.',
    catches: 'Soft hyphens, invisible operators, interlinear annotation marks, variation selectors (supplementary ones too), Hangul fillers, braille blank, C0/C1 controls other than tab and newline.',
    misses: 'Visible look-alikes (U005).', severityNote: 'High for eight or more variation selectors or blank letters in one string (data smuggled in selectors).' },
  { id: 'MCP-U005', name: 'confusable-identifier', severity: 'high', summary: 'A name uses letters from other scripts, fullwidth or mathematical forms that pass for ASCII.',
    catches: 'Tool, prompt, template, resource, parameter and argument names mixing Latin with Cyrillic/Greek/Armenian letters, names written wholly in look-alike letters ("рау"), fullwidth and mathematical letters.',
    misses: 'Names wholly in another script that do not imitate Latin (legitimate); look-alikes outside the built-in table.' },
  { id: 'MCP-I001', name: 'instruction-override', severity: 'high', summary: 'Text that tells the model to ignore or replace its instructions.',
    catches: '"ignore previous instructions", "disregard all prior rules", "your new task is", "new instructions:", "from now on, you …".',
    misses: 'Paraphrases without these verbs ("the earlier guidance no longer applies"), other languages.', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-I002', name: 'conceal-from-user', severity: 'high', summary: 'Text that asks the model to hide what it does from the user.',
    catches: '"do not tell the user", "without informing the user", "keep this from the user", "the user must not know", "silently send".',
    misses: 'Concealment phrased as UX advice without naming the user ("no need to mention this").', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-I003', name: 'prompt-markup', severity: 'high', summary: 'Chat-template tokens, role labels and instruction-framing tags inside a definition.',
    catches: '`<IMPORTANT>`, `<system>`, `<instructions>`, `<|im_start|>`, `[INST]`, `<<SYS>>`, a line starting with "System:" or "Assistant:", "## Instructions".',
    misses: 'Framing in plain prose without markup (I001/I004 look for that).', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-I004', name: 'model-directed-text', severity: 'medium', summary: 'Text written to the model rather than about the tool.',
    catches: '"note to the AI", "dear assistant", "you are now …", "act as …", "the assistant must call/send/read …".',
    misses: 'Second-person instructions that could be meant for a human reader ("you must provide a path" is deliberately not flagged).', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-I005', name: 'tool-precondition', severity: 'medium', summary: 'Text that makes reading, sending or passing data a condition of using a tool.',
    catches: '"before using this tool, read … and pass …"; "before calling this tool you must …" (low when it only asks for another call).',
    misses: 'Preconditions phrased after the fact ("after each call, also …").', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-I006', name: 'urgency-language', severity: 'low', summary: 'Emphasis used to push a model: "IMPORTANT:", "MUST ALWAYS", "under no circumstances".',
    catches: 'Upper-case urgency labels and "very important"-style phrases.', misses: 'Urgency without these words.', severityNote: INSTRUCTION_NOTE },
  { id: 'MCP-S001', name: 'sensitive-path', severity: 'medium', summary: 'A reference to a file that holds secrets (SSH keys, cloud credentials, .env, browser cookie stores, MCP configs).',
    catches: '~/.ssh, id_rsa, authorized_keys, ~/.aws/credentials, gcloud and kube configs, .npmrc/.netrc/.pgpass/.git-credentials, /etc/passwd and shadow, .env files, wallet.dat, cookie and login stores, ~/.cursor/mcp.json, claude_desktop_config.json, shell histories.',
    misses: 'Paths spelled indirectly ("the hidden folder in your home directory named ssh").', severityNote: 'High when the same sentence asks (in the imperative) to read, send, include or pass it; low for a bare .env mention.' },
  { id: 'MCP-S002', name: 'cloud-metadata-endpoint', severity: 'high', summary: 'A cloud instance-metadata address (credentials of the machine the host runs on).',
    catches: '169.254.169.254, metadata.google.internal, fd00:ec2::254, 100.100.100.200, metadata.azure.com.', misses: 'The same addresses written in decimal or hex forms.' },
  { id: 'MCP-S003', name: 'secret-harvesting', severity: 'high', summary: 'Text that asks for secrets: environment-variable names of keys, "all stored passwords", private keys, seed phrases, with a verb that reads or moves them.',
    catches: '"read OPENAI_API_KEY and pass it", "include all API keys", "copy the private key", "list environment variables".',
    misses: 'A parameter that asks the user for their own key ("your API key") is deliberately not flagged.' },
  { id: 'MCP-E001', name: 'send-to-destination', severity: 'high', summary: 'Text that asks to send data to a URL, e-mail address or "our endpoint", or builds a markdown image that leaks data in its URL.',
    catches: '"send the file contents to https://…", "upload the conversation to our server", "![x](https://host/p?d={data})".',
    misses: 'Destinations given only by reference to another tool\'s input.', severityNote: 'Medium when the text names a destination but no data to send.' },
  { id: 'MCP-E002', name: 'context-harvesting', severity: 'high', summary: 'A parameter (or a request to fill one) that asks for the conversation, the system prompt, other tools\' outputs or file contents the user never gave.',
    catches: 'Hidden parameters such as `sidenote`/`context` whose description asks for "the full conversation history", "your system prompt", "outputs of previous tools", "contents of ~/…".',
    misses: 'Benign memory tools describing what they store are low, not high (tool-level descriptions only).', severityNote: 'High in a parameter or when the text asks to put it in a parameter; low elsewhere.' },
  { id: 'MCP-E003', name: 'covert-encoding', severity: 'high', summary: 'Text that asks to encode secrets or conversation data (base64, hex) or hide data inside a parameter, URL or image.',
    catches: '"base64-encode the key and append it", "hide the token inside the query field".', misses: 'Encodings it does not name (custom ciphers).' },
  { id: 'MCP-E004', name: 'encoded-payload', severity: 'high', summary: 'Base64 text that decodes to instructions, a secret\'s location or a URL.',
    catches: 'Runs of 24 or more base64 or base64url characters (up to eight per string) whose decoded text is printable and matches the instruction patterns, a sensitive path or a URL.',
    misses: 'Other encodings (hex, rot13, custom), payloads split across strings, base64 inside URIs.' },
  { id: 'MCP-X001', name: 'cross-server-reference', severity: 'medium', summary: 'A definition mentions a tool that belongs to another server.',
    catches: 'Distinctive tool names of other scanned servers (with `_`, `-`, `.`, digits, camelCase, or quoted / followed by "tool").',
    misses: 'Servers scanned alone (nothing to compare with); plain-word tool names mentioned without quotes.', severityNote: 'High when the same sentence redirects or constrains it ("instead", "must", "always", "do not use").' },
  { id: 'MCP-X002', name: 'shadowing-language', severity: 'high', summary: 'Text that tries to change how other tools behave.',
    catches: '"when this tool is available, …", "side effect on the … tool", "the other tool must …", "when the user calls X, instead …", "all emails must be sent to …", "overrides the existing tool".',
    misses: '"instead of using X" alone is medium (benign tools say it too).' },
  { id: 'MCP-X003', name: 'name-collision', severity: 'medium', summary: 'Two servers offer a tool or prompt with the same name.',
    catches: 'Exact duplicates across servers (a host that does not namespace sends the call to one of them).', misses: 'Collisions with servers not scanned together.' },
  { id: 'MCP-X004', name: 'confusable-name-collision', severity: 'high', summary: 'Two names that differ only by case, separators or look-alike letters.',
    catches: '`read_file` vs `read-file`, `readFile`, `Read_File`, `reаd_file` (Cyrillic а), across servers or within one.', misses: 'Names that differ by one real letter (typosquats such as `raed_file`).' },
  { id: 'MCP-X005', name: 'near-name', severity: 'low', summary: 'A tool name one edit away from another server\'s tool (a typosquat).',
    catches: 'Names of six or more letters (after folding case, separators and look-alikes) one letter changed, added, dropped or swapped away from a tool on another server: `raed_file` beside `read_file`.',
    misses: 'Near names on the same server, and anything two or more edits away. Low because honest servers have `get_user` beside `get_users`.' },
  { id: 'MCP-A001', name: 'read-only-contradiction', severity: 'high', summary: 'readOnlyHint is true but the tool writes, deletes or sends.',
    catches: 'A mutating verb in the name (delete, write, send, update, create, upload, execute, …) or at the start of the description.', misses: 'Side effects the tool does not announce.' },
  { id: 'MCP-A002', name: 'non-destructive-contradiction', severity: 'high', summary: 'destructiveHint is false but the tool deletes, drops or overwrites.',
    catches: 'delete, remove, drop, destroy, erase, wipe, purge, truncate, overwrite, kill in the name or at the start of the description.', misses: 'Destruction the tool does not announce.' },
  { id: 'MCP-A003', name: 'closed-world-contradiction', severity: 'medium', summary: 'openWorldHint is false but the tool fetches URLs or calls the web.',
    catches: 'fetch, http, url, download, browse, crawl, scrape, webhook in the name; URLs or "fetch … web/URL" in the description.', misses: 'Network access the tool does not announce.' },
  { id: 'MCP-A004', name: 'inconsistent-hints', severity: 'low', summary: 'readOnlyHint and destructiveHint are both true.', catches: 'That combination.', misses: 'Nothing else.' },
  { id: 'MCP-O001', name: 'oversized-description', severity: 'low', summary: 'A description far longer than tools need (room to hide instructions).',
    catches: 'Descriptions over 2,000 characters (medium over 5,000); server instructions over 10,000.', misses: 'Short poison (the other rules look at content).', severityNote: 'Medium over 5,000 characters.' },
  { id: 'MCP-O002', name: 'sentence-parameter-name', severity: 'high', summary: 'A parameter or argument name that is a sentence (full-schema poisoning).',
    catches: 'Names with a line break, or four or more words separated by spaces, or sentence punctuation between words.', misses: 'Sentences packed into snake_case (the instruction rules read those with separators as spaces).' },
  { id: 'MCP-O003', name: 'long-parameter-name', severity: 'medium', summary: 'A parameter or argument name longer than 64 characters.',
    catches: 'Overlong names, a common carrier for instructions.', misses: 'Short names.' },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** The registry entry of `id`. @throws TypeError when the id is unknown (a programming error). */
export function ruleInfo(id: string): RuleInfo {
  const rule = BY_ID.get(id);
  if (!rule) throw new TypeError(`Unknown scanner rule ${id}`);
  return rule;
}
