/**
 * A problem as the loader's stages find it: a path into the file's data, not yet a line and column.
 * @module
 */
import type { FieldPath } from './field-path.js';

export interface RawProblem {
  path: FieldPath;
  message: string;
  /** Point at the key of the last segment rather than its value (unknown or duplicate keys). */
  atKey?: boolean;
  /** A source offset, when the problem is not at a field (a syntax error). */
  offset?: number;
}
