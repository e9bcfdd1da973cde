/**
 * Tool refusals and failures as safe messages: they name the path the caller passed, never a resolved host
 * path, a symlink target or a stack.
 * @module
 */

const brand = Symbol.for('mcpkit.server-filesystem.FsToolError');

/** Why a refusal happened; stable strings that tests and logs can rely on. */
export type FsToolErrorCode =
  | 'ACCESS_DENIED'
  | 'INVALID_PATH'
  | 'SYMLINK_REFUSED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'WRONG_TYPE'
  | 'TOO_LARGE'
  | 'INVALID_ARGUMENT'
  | 'EDIT_FAILED'
  | 'NO_ALLOWED_DIRECTORIES'
  | 'IO_ERROR';

/** A refusal or failure a tool reports as an `isError` result; its message is safe to show the client. */
export class FsToolError extends Error {
  override readonly name = 'FsToolError';
  readonly code: FsToolErrorCode;

  constructor(code: FsToolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for an FsToolError from any loaded copy of this package. */
  static is(value: unknown): value is FsToolError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** errno codes → what to say, and which refusal code it is. Node's own messages embed the resolved path. */
const ERRNO: Record<string, [FsToolErrorCode, string]> = {
  ENOENT: ['NOT_FOUND', 'no such file or directory'],
  EEXIST: ['ALREADY_EXISTS', 'already exists'],
  ENOTDIR: ['WRONG_TYPE', 'a component of the path is not a directory'],
  EISDIR: ['WRONG_TYPE', 'is a directory'],
  ENOTEMPTY: ['ALREADY_EXISTS', 'directory is not empty'],
  EACCES: ['ACCESS_DENIED', 'permission denied by the operating system'],
  EPERM: ['ACCESS_DENIED', 'operation not permitted by the operating system'],
  ELOOP: ['SYMLINK_REFUSED', 'is a symbolic link, or too many levels of symbolic links; refusing to follow it'],
  EXDEV: ['IO_ERROR', 'cannot move across file systems'],
  ENAMETOOLONG: ['INVALID_PATH', 'name too long'],
  ENOSPC: ['IO_ERROR', 'no space left on device'],
  EROFS: ['ACCESS_DENIED', 'read-only file system'],
  EBUSY: ['IO_ERROR', 'resource busy'],
  EMFILE: ['IO_ERROR', 'too many open files; try again'],
  EINVAL: ['INVALID_PATH', 'invalid argument'],
};

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Any error from a filesystem operation on `displayPath` as an FsToolError with a safe message. An
 * FsToolError passes through; an unknown failure keeps only its errno code.
 */
export function toFsToolError(error: unknown, displayPath: string): FsToolError {
  if (FsToolError.is(error)) return error;
  const code = errnoOf(error);
  const known = code === undefined ? undefined : ERRNO[code];
  if (known) return new FsToolError(known[0], `${displayPath}: ${known[1]}`, { cause: error });
  return new FsToolError('IO_ERROR', `${displayPath}: the operation failed${code ? ` (${code})` : ''}`, { cause: error });
}

/** The errno code of a Node filesystem error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  return errnoOf(error);
}
