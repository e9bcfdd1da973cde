/**
 * Form-mode elicitation on a terminal (spec 2025-11-25 client/elicitation): each field of the requested
 * schema asked in turn with its type, choices and default; answers checked and asked again when invalid.
 * @module
 */
import type { ElicitResult, JsonObject } from '@mcpkit/protocol';
import type { Palette } from '../output/color.js';
import type { TerminalSession } from './terminal.js';

type Value = string | number | boolean | string[];
/** A field of the restricted schema elicitation allows: primitives, single- and multi-select enums. */
interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  enumNames?: unknown[];
  oneOf?: Array<{ const?: unknown; title?: unknown }>;
  items?: { enum?: unknown[]; anyOf?: Array<{ const?: unknown; title?: unknown }> };
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

/** The choices of an enum field (single or multi), as values with their titles. */
export function choicesOf(field: FieldSchema): Array<{ value: string; title: string | undefined }> | undefined {
  const titled = field.oneOf ?? field.items?.anyOf;
  if (Array.isArray(titled)) return titled.map((c) => ({ value: String(c.const), title: typeof c.title === 'string' ? c.title : undefined }));
  const values = field.enum ?? field.items?.enum;
  if (!Array.isArray(values)) return undefined;
  return values.map((v, i) => ({ value: String(v), title: typeof field.enumNames?.[i] === 'string' ? (field.enumNames[i] as string) : undefined }));
}

/** What the prompt says about a field: `integer, 0 to 120, required` or `one of: red, green; default red`. */
export function describeField(field: FieldSchema, required: boolean): string {
  const parts: string[] = [];
  const choices = choicesOf(field);
  if (choices) {
    const list = choices.map((c, i) => `${i + 1}=${c.value}${c.title && c.title !== c.value ? ` (${c.title})` : ''}`).join(', ');
    parts.push(field.type === 'array' ? `any of: ${list}, comma-separated` : `one of: ${list}`);
  } else {
    let type = field.type ?? 'string';
    if (field.format) type += ` (${field.format})`;
    if (field.minimum !== undefined && field.maximum !== undefined) type += `, ${field.minimum} to ${field.maximum}`;
    else if (field.minimum !== undefined) type += ` ≥ ${field.minimum}`;
    else if (field.maximum !== undefined) type += ` ≤ ${field.maximum}`;
    if (field.type === 'boolean') type += ', y/n';
    parts.push(type);
  }
  parts.push(required ? 'required' : 'optional');
  if (field.default !== undefined) parts.push(`default ${Array.isArray(field.default) ? field.default.join(',') : String(field.default)}`);
  return parts.join(', ');
}

function pickChoice(text: string, choices: Array<{ value: string; title: string | undefined }>): string | undefined {
  const n = Number(text);
  if (/^\d+$/.test(text) && n >= 1 && n <= choices.length) return choices[n - 1]!.value;
  return choices.find((c) => c.value === text || c.title === text)?.value;
}

/** Parses one typed answer; a string is the problem to show. */
export function parseField(text: string, field: FieldSchema): { value: Value } | { problem: string } {
  const choices = choicesOf(field);
  if (field.type === 'array') {
    const picked: string[] = [];
    for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
      const value = choices ? pickChoice(part, choices) : part;
      if (value === undefined) return { problem: `${JSON.stringify(part)} is not one of the choices` };
      picked.push(value);
    }
    return { value: picked };
  }
  if (choices) {
    const value = pickChoice(text, choices);
    return value === undefined ? { problem: 'type one of the choices, or its number' } : { value };
  }
  if (field.type === 'boolean') {
    if (/^(y|yes|true)$/i.test(text)) return { value: true };
    if (/^(n|no|false)$/i.test(text)) return { value: false };
    return { problem: 'type y or n' };
  }
  if (field.type === 'integer' || field.type === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return { problem: `expected ${field.type === 'integer' ? 'a whole number' : 'a number'}` };
    if (field.minimum !== undefined && n < field.minimum) return { problem: `expected at least ${field.minimum}` };
    if (field.maximum !== undefined && n > field.maximum) return { problem: `expected at most ${field.maximum}` };
    return { value: n };
  }
  if (field.minLength !== undefined && text.length < field.minLength) return { problem: `expected at least ${field.minLength} characters` };
  if (field.maxLength !== undefined && text.length > field.maxLength) return { problem: `expected at most ${field.maxLength} characters` };
  return { value: text };
}

/**
 * Asks for every field of `schema` and then whether to send: Enter keeps a field's default (or skips an
 * optional one), Ctrl-D declines and Ctrl-C cancels at any point.
 */
export async function askForm(terminal: TerminalSession, message: string, schema: JsonObject | undefined, color: Palette): Promise<ElicitResult> {
  const properties = (schema?.properties ?? {}) as Record<string, FieldSchema>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  process.stderr.write(`${color.bold('The server asks:')} ${message}\n${color.dim('(Enter keeps the default or skips an optional field; Ctrl-D declines, Ctrl-C cancels)')}\n`);
  const content: Record<string, Value> = {};
  for (const [name, field] of Object.entries(properties)) {
    const label = `  ${field.title && field.title !== name ? `${field.title} [${name}]` : name} (${describeField(field, required.has(name))})${field.description ? ` ${color.dim(field.description)}` : ''}: `;
    for (;;) {
      const answer = await terminal.ask(label);
      if ('end' in answer) return { action: answer.end === 'eof' ? 'decline' : 'cancel' };
      const text = answer.line.trim();
      if (text === '') {
        if (field.default !== undefined) content[name] = field.default as Value;
        else if (required.has(name)) {
          process.stderr.write(`    ${color.red('required')}\n`);
          continue;
        }
        break;
      }
      const parsed = parseField(text, field);
      if ('problem' in parsed) {
        process.stderr.write(`    ${color.red(parsed.problem)}\n`);
        continue;
      }
      content[name] = parsed.value;
      break;
    }
  }
  for (;;) {
    const send = await terminal.ask(`Send ${JSON.stringify(content)}? [Y]es, [n]o = decline, [c]ancel: `);
    if ('end' in send) return { action: send.end === 'eof' ? 'decline' : 'cancel' };
    const choice = send.line.trim().toLowerCase();
    if (choice === '' || choice === 'y' || choice === 'yes') return { action: 'accept', content };
    if (choice === 'n' || choice === 'no') return { action: 'decline' };
    if (choice === 'c' || choice === 'cancel') return { action: 'cancel' };
  }
}
