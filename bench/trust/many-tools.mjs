/**
 * N varied, honest tool definitions (deterministic): the catalogue the trust benchmark scans.
 * @module
 */
const VERBS = ['get', 'list', 'create', 'update', 'delete', 'search', 'export', 'archive', 'sync', 'validate', 'summarize', 'count'];
const NOUNS = ['invoice', 'customer', 'order', 'ticket', 'report', 'shipment', 'calendar_event', 'document', 'project', 'metric', 'contact', 'note', 'payment', 'repository', 'build'];
const FIELDS = [
  ['id', { type: 'string', description: 'The identifier, as returned by the list tool.' }],
  ['limit', { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'How many results to return at most.' }],
  ['status', { type: 'string', enum: ['open', 'pending', 'closed', 'archived'], description: 'Only items in this state.' }],
  ['since', { type: 'string', format: 'date-time', description: 'Only items changed after this time (ISO 8601).' }],
  ['query', { type: 'string', description: 'Free text matched against the title and the body.' }],
  ['tags', { type: 'array', items: { type: 'string' }, description: 'Only items with all of these tags.' }],
  ['owner', { type: 'object', properties: { email: { type: 'string', format: 'email' }, team: { type: 'string' } }, description: 'Who the item belongs to.' }],
  ['sort', { type: 'string', enum: ['created', 'updated', 'title'], default: 'updated', description: 'The order of the results.' }],
  ['currency', { type: 'string', pattern: '^[A-Z]{3}$', description: 'An ISO 4217 currency code, e.g. EUR.' }],
  ['include_deleted', { type: 'boolean', default: false, description: 'Also return items in the trash.' }],
];
const PHRASES = [
  'Results are paginated; pass the cursor from the previous page to continue.',
  'Times are in UTC.',
  'Only items the signed-in account can see are returned.',
  'Amounts are in minor units (cents).',
  'The change is recorded in the activity history.',
  'Large exports are prepared in the background and returned as a link.',
];
const READS = new Set(['get', 'list', 'search', 'export', 'summarize', 'count', 'validate']);

/** Tool `i` of the catalogue. */
function tool(i) {
  const verb = VERBS[i % VERBS.length];
  const noun = NOUNS[Math.floor(i / VERBS.length) % NOUNS.length];
  const round = Math.floor(i / (VERBS.length * NOUNS.length));
  const name = round === 0 ? `${verb}_${noun}` : `${verb}_${noun}_v${round + 1}`;
  const fields = 2 + (i % 7);
  const properties = {};
  for (let f = 0; f < fields; f++) {
    const [key, schema] = FIELDS[(i + f * 3) % FIELDS.length];
    properties[key] = schema;
  }
  const definition = {
    name,
    title: `${verb[0].toUpperCase()}${verb.slice(1)} ${noun.replace('_', ' ')}${round ? ` (v${round + 1})` : ''}`,
    description: `${verb[0].toUpperCase()}${verb.slice(1)} ${noun.replace('_', ' ')} records in the workspace. ${PHRASES[i % PHRASES.length]} ${PHRASES[(i + 2) % PHRASES.length]}`,
    inputSchema: { type: 'object', properties, required: Object.keys(properties).slice(0, 1) },
    annotations: READS.has(verb) ? { readOnlyHint: true, openWorldHint: false } : { readOnlyHint: false, destructiveHint: verb === 'delete' },
  };
  if (i % 4 === 0) {
    definition.outputSchema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, cursor: { type: 'string' } } };
  }
  return definition;
}

/** The first `count` tools. */
export function manyTools(count) {
  return Array.from({ length: count }, (_, i) => tool(i));
}
