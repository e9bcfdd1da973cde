/**
 * Running a scenario's steps over one connection, each turned into a {@link StepOutcome} and checked.
 * @module
 */
import type { CallToolResult, ContentBlock, GetPromptResult, ReadResourceResult } from '@mcpkit/protocol';
import { describeFailure } from '../failure.js';
import type { Session } from '../session.js';
import { type StepOutcome, checkExpectations } from './expect.js';
import type { Step, StepReport } from './types.js';

function textOf(blocks: ContentBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'text' ? [b.text] : b.type === 'resource' && 'text' in b.resource ? [String(b.resource.text)] : []));
}

/** The result of a step in the two forms expectations look at. */
async function perform(session: Session, step: Step): Promise<StepOutcome> {
  const { client } = session;
  switch (step.action) {
    case 'list': {
      // As `mcpkit list` does: a server without the capability offers nothing of the kind (asking earns a -32601).
      const capability = step.kind === 'templates' ? 'resources' : step.kind;
      const offered = client.server?.capabilities[capability] !== undefined;
      const items: Array<Record<string, unknown>> = !offered ? [] : await session.request(`${step.kind === 'templates' ? 'resources/templates' : step.kind}/list`, (signal) => {
        if (step.kind === 'tools') return client.listTools({ signal }) as Promise<never>;
        if (step.kind === 'resources') return client.listResources({ signal }) as Promise<never>;
        if (step.kind === 'templates') return client.listResourceTemplates({ signal }) as Promise<never>;
        return client.listPrompts({ signal }) as Promise<never>;
      });
      const key = step.kind === 'resources' ? 'uri' : step.kind === 'templates' ? 'uriTemplate' : 'name';
      return { text: items.map((i) => String(i[key])).join('\n'), data: items };
    }
    case 'call': {
      const result: CallToolResult = await session.request(`tools/call ${step.tool}`, async (signal, scope) => {
        // Listing first lets the client check structuredContent against the tool's outputSchema.
        await client.listTools({ signal });
        return client.callTool(step.tool, step.arguments, scope.options);
      });
      const content = Array.isArray(result.content) ? result.content : [];
      return { text: textOf(content).join('\n'), data: result.structuredContent ?? result, isError: result.isError === true };
    }
    case 'read': {
      const result: ReadResourceResult = await session.request(`resources/read ${step.uri}`, (_signal, scope) => client.readResource(step.uri, scope.options));
      const texts = (Array.isArray(result.contents) ? result.contents : []).flatMap((c) => ('text' in c && typeof c.text === 'string' ? [c.text] : []));
      return { text: texts.join('\n'), data: result };
    }
    case 'get': {
      const result: GetPromptResult = await session.request(`prompts/get ${step.prompt}`, (_signal, scope) => client.getPrompt(step.prompt, step.arguments, scope.options));
      const messages = Array.isArray(result.messages) ? result.messages : [];
      return { text: textOf(messages.map((m) => m.content)).join('\n'), data: result };
    }
  }
}

/** Runs one step and checks it; never throws for the server's failures. */
export async function runStep(session: Session, step: Step): Promise<StepReport> {
  const started = performance.now();
  try {
    const outcome = await perform(session, step);
    return { step, ms: Math.round(performance.now() - started), mismatches: checkExpectations(step.expect, outcome) };
  } catch (error) {
    const failure = describeFailure(error);
    // An unexpected error is a bug of mcpkit's, not the server's: let it surface with its stack.
    if (failure.stack !== undefined) throw error;
    return { step, ms: Math.round(performance.now() - started), mismatches: [], error: { message: failure.message, hint: failure.hint } };
  }
}
