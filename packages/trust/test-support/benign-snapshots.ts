/**
 * Hand-written benign definitions in the style of widely used MCP servers (code hosting, chat, web fetch, memory,
 * databases, browsers, shells, mail, cloud storage), with the honest phrasings that trip naive scanners: second
 * person, "IMPORTANT:", "before calling …", secrets named as configuration, destructive tools annotated as such.
 * Written for this repository; the scanner must report nothing at high or above on them.
 * @module
 */
import type { Tool } from '@mcpkit/protocol';
import type { ServerSnapshot } from '../src/snapshot.js';

const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });
const str = (description: string) => ({ type: 'string', description });
const tool = (name: string, description: string, inputSchema: Record<string, unknown>, annotations?: Tool['annotations']): Tool => ({
  name, description, inputSchema, ...(annotations ? { annotations } : {}),
});
const server = (name: string, tools: Tool[], instructions?: string): ServerSnapshot => ({
  name, serverInfo: { name: `example-${name}`, version: '1.0.0' }, ...(instructions ? { instructions } : {}), tools, prompts: [], resourceTemplates: [],
});

export const BENIGN_SNAPSHOTS: readonly ServerSnapshot[] = [
  server('code-host', [
    tool('create_issue', 'Create a new issue in a repository. Requires a token with the repo scope.', obj({ owner: str('Repository owner'), repo: str('Repository name'), title: str('Issue title'), body: str('Issue body in Markdown') }, ['owner', 'repo', 'title'])),
    tool('create_pull_request', 'Open a pull request from a branch. The head branch must already be pushed.', obj({ owner: str('Owner'), repo: str('Repository'), head: str('Branch with the changes'), base: str('Branch to merge into') })),
    tool('get_file_contents', 'Get the contents of a file or directory from a repository.', obj({ path: str('Path to the file or directory') }), { readOnlyHint: true }),
    tool('search_code', 'Search code across repositories. Use qualifiers like repo:, language: and path: to narrow results.', obj({ q: str('Search query') }), { readOnlyHint: true, openWorldHint: true }),
    tool('add_issue_comment', 'Add a comment to an issue or pull request.', obj({ issue_number: { type: 'number' }, body: str('Comment text') })),
  ], 'Set GITHUB_PERSONAL_ACCESS_TOKEN in the environment before starting; the server reads it once at startup and never logs it.'),
  server('chat', [
    tool('post_message', 'Post a message to a channel. Messages are visible to everyone in the channel.', obj({ channel_id: str('The channel to post to'), text: str('Message text') })),
    tool('list_channels', 'List public channels in the workspace, with pagination.', obj({ limit: { type: 'number', default: 100 }, cursor: str('Pagination cursor from a previous call') }), { readOnlyHint: true }),
    tool('get_thread_replies', 'Get all replies in a message thread.', obj({ channel_id: str('Channel'), thread_ts: str('Timestamp of the parent message') }), { readOnlyHint: true }),
  ]),
  server('web', [
    tool('fetch', 'Fetches a URL from the internet and extracts its contents as markdown. You now have internet access through this tool; use it to get up-to-date information.', obj({ url: { type: 'string', format: 'uri' }, max_length: { type: 'number', default: 5000 }, raw: { type: 'boolean', default: false } }), { readOnlyHint: true, openWorldHint: true }),
  ]),
  server('memory', [
    tool('create_entities', 'Create entities in the knowledge graph. Use this to remember facts the user shares about themselves or their work.', obj({ entities: { type: 'array', items: obj({ name: str('Entity name'), observations: { type: 'array', items: { type: 'string' } } }) } })),
    tool('search_nodes', 'Search the knowledge graph for nodes matching a query across names, types and observations.', obj({ query: str('Text to search for') }), { readOnlyHint: true }),
    tool('delete_entities', 'Delete entities and their relations from the knowledge graph.', obj({ names: { type: 'array', items: { type: 'string' } } }), { destructiveHint: true }),
    tool('recall_conversation', 'Search earlier sessions\' summaries stored in the memory file.', obj({ query: str('What to look for') }), { readOnlyHint: true }),
  ]),
  server('database', [
    tool('list_tables', 'List the tables in the database.', obj({}), { readOnlyHint: true }),
    tool('describe_table', 'Describe the columns of a table. Call list_tables first if you do not know the table names.', obj({ table: str('Table name') }), { readOnlyHint: true }),
    tool('read_query', 'Run a SELECT query and return the rows as JSON. IMPORTANT: only SELECT statements are allowed here.', obj({ sql: str('A single SELECT statement') }), { readOnlyHint: true }),
    tool('write_query', 'Run an INSERT, UPDATE or DELETE statement. Before calling this tool, you must confirm the change with the user.', obj({ sql: str('The statement') }), { destructiveHint: true }),
  ], 'Connection string comes from DATABASE_URL (for example postgres://user@localhost/app); passwords are never echoed back.'),
  server('browser', [
    tool('navigate', 'Navigate the browser to a URL.', obj({ url: str('URL to open') }), { openWorldHint: true }),
    tool('screenshot', 'Take a screenshot of the current page or of one element. Returns a base64-encoded PNG.', obj({ selector: str('CSS selector of the element (optional)'), name: str('Name for the screenshot') })),
    tool('fill', 'Fill an input field. Never type the user\'s passwords into fields unless they asked you to.', obj({ selector: str('CSS selector'), value: str('Value to type') })),
    tool('evaluate', 'Execute JavaScript in the page and return the result.', obj({ script: str('JavaScript to run') }), { destructiveHint: true, openWorldHint: true }),
  ]),
  server('shell', [
    tool('run_command', 'Run a shell command in the workspace and return stdout, stderr and the exit code. Commands time out after 60 seconds.', obj({ command: str('The command line'), cwd: str('Working directory, relative to the workspace') }), { destructiveHint: true }),
  ], 'Commands run with your user account. Do not run commands that need a terminal (editors, pagers).'),
  server('mail', [
    tool('send_email', 'Send an email from the configured account. The user must confirm the recipients and text before sending.', obj({ to: { type: 'array', items: { type: 'string', format: 'email' } }, subject: str('Subject'), body: str('Plain text body') })),
    tool('search_inbox', 'Search the inbox. Supports from:, to:, subject: and date ranges.', obj({ query: str('Search expression'), max_results: { type: 'number', default: 20 } }), { readOnlyHint: true }),
  ]),
  server('storage', [
    tool('upload_file', 'Upload a local file to a bucket. The credentials come from the standard cloud configuration on this machine.', obj({ bucket: str('Bucket name'), key: str('Object key'), path: str('Local file path') })),
    tool('list_objects', 'List objects in a bucket under a prefix.', obj({ bucket: str('Bucket name'), prefix: str('Key prefix') }), { readOnlyHint: true, openWorldHint: true }),
    tool('get_presigned_url', 'Create a time-limited download URL for an object. Share it only with people who should have access.', obj({ bucket: str('Bucket'), key: str('Key'), expires_in: { type: 'number', default: 3600 } }), { readOnlyHint: true }),
  ]),
  server('notes', [
    tool('save_note', 'Save a note. Use this tool to write down anything the user asks you to remember; notes persist across sessions.', obj({ title: str('Short title'), content: str('The note in Markdown'), tags: { type: 'array', items: { type: 'string', enum: ['work', 'personal', 'ideas', 'todo'] } } })),
    tool('read_note', 'Use this tool to read a note by its title.', obj({ title: str('Title of the note') }), { readOnlyHint: true }),
  ]),
];
