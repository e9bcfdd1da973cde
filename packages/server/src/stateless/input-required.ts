/**
 * The stateless-era side of `ctx.elicit()`, `ctx.sample()` and `ctx.listRoots()`: answers come from the
 * retry's `inputResponses` (or earlier rounds kept in `requestState`); an unanswered one ends the attempt
 * with an `input_required` result (spec 2026-07-28 basic/patterns/mrtr).
 * @module
 */
import { type InputRequest, type JsonObject, invalidParams } from '@mcpkit/protocol';

const signalBrand = Symbol.for('mcpkit.InputRequired');

/** Thrown into a handler when its attempt ends waiting for input; handlers should let it propagate. */
export class InputRequiredSignal extends Error {
  override readonly name = 'InputRequiredSignal';
  constructor() {
    super('The request needs input from the client; this attempt ends here');
    Object.defineProperty(this, signalBrand, { value: true });
  }
}

export function isInputRequired(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[signalBrand] === true;
}

const shortName: Record<InputRequest['method'], string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

const ACTIONS = new Set(['accept', 'decline', 'cancel']);

/**
 * Checks that an input response has the shape its request calls for.
 * @throws ProtocolError -32602 naming the response key.
 */
function checkAnswer(method: InputRequest['method'], key: string, answer: JsonObject): void {
  const field = `params.inputResponses.${key}`;
  if (method === 'elicitation/create') {
    if (typeof answer.action !== 'string' || !ACTIONS.has(answer.action)) throw invalidParams(`${field}.action`, 'must be accept, decline or cancel');
    if (answer.content !== undefined && (typeof answer.content !== 'object' || answer.content === null || Array.isArray(answer.content))) {
      throw invalidParams(`${field}.content`, 'must be an object');
    }
  } else if (method === 'sampling/createMessage') {
    if (typeof answer.role !== 'string' || typeof answer.content !== 'object' || answer.content === null || typeof answer.model !== 'string') {
      throw invalidParams(field, 'must be a sampling result with role, content and model');
    }
  } else if (method === 'roots/list') {
    if (!Array.isArray(answer.roots)) throw invalidParams(`${field}.roots`, 'must be an array');
  }
}

/** One attempt of a stateless request: which inputs are answered, which are missing. */
export class InputRound {
  readonly answers: Record<string, JsonObject>;
  // Made on the first ask: most calls never ask, and per-call objects they never use are garbage V8 may even
  // learn to allocate in the old generation.
  #missing: Record<string, InputRequest> | undefined;
  #used: Record<string, JsonObject> | undefined;
  #count = 0;
  #missingCount = 0;
  #rejections: Array<(e: Error) => void> | undefined;
  /** Called once some input is missing and the handler has had a turn to ask for more at the same time. */
  onNeeded: (() => void) | undefined;

  constructor(answers: Record<string, JsonObject>) {
    this.answers = answers;
  }

  /** Inputs asked for and not answered: what the client must supply next round. */
  get missing(): Record<string, InputRequest> {
    return (this.#missing ??= {});
  }

  /** Answers this attempt consumed: what the next round's state must carry. */
  get used(): Record<string, JsonObject> {
    return (this.#used ??= {});
  }

  get hasMissing(): boolean {
    return this.#missingCount > 0;
  }

  /** Generated keys are stable across retries because the handler replays its asks in the same order. */
  ask(request: InputRequest, key = `${shortName[request.method] ?? 'input'}-${this.#count}`): Promise<JsonObject> {
    this.#count++;
    if (Object.hasOwn(this.missing, key) || Object.hasOwn(this.used, key)) {
      return Promise.reject(new Error(`input key "${key}" is used twice in one request`));
    }
    const answer = Object.hasOwn(this.answers, key) ? this.answers[key] : undefined;
    if (answer !== undefined) {
      checkAnswer(request.method, key, answer);
      this.used[key] = answer;
      return Promise.resolve(answer);
    }
    this.missing[key] = request;
    if (this.#missingCount++ === 0) {
      // A macrotask later, so asks made together (Promise.all) land in the same round.
      setTimeout(() => this.onNeeded?.(), 0);
    }
    return new Promise<JsonObject>((_, reject) => (this.#rejections ??= []).push(reject));
  }

  /** Ends the attempt: every pending ask rejects so the handler's finally blocks run. */
  end(): void {
    const rejections = this.#rejections;
    this.#rejections = undefined;
    if (rejections === undefined) return;
    const error = new InputRequiredSignal();
    for (const reject of rejections) reject(error);
  }
}
