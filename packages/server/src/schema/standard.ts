/**
 * The Standard Schema and Standard JSON Schema interfaces (standardschema.dev), declared locally so that
 * no schema library is a dependency: zod v4, valibot, arktype and others implement them.
 * @module
 */

export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

export interface StandardJsonSchemaConverter {
  input(options: { readonly target: string }): Record<string, unknown>;
  output(options: { readonly target: string }): Record<string, unknown>;
}

/** A Standard Schema v1 (optionally also a Standard JSON Schema v1). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
    readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
  };
}

/** The output type of a Standard Schema. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : never;

/** The input type of a Standard Schema: what it accepts. */
export type InferInput<S> = S extends StandardSchemaV1<infer I, unknown> ? I : never;

export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const std = (value as Record<string, unknown>)['~standard'];
  return typeof std === 'object' && std !== null && typeof (std as { validate?: unknown }).validate === 'function';
}
