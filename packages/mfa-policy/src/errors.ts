/**
 * Every stable code a {@link PolicyConfigError} can carry.
 *
 * - `ERR_CONFIG`: the policy configuration is not valid (wrong type, unknown key, value out of
 *   range, duplicate rule id, no core method enabled); `path` names the bad field.
 * - `ERR_MALFORMED`: an account, method, actor or sign-in attempt handed to the policy does not
 *   have the documented shape; `path` names the bad field (for example `account.methods[1].kind`).
 */
export type PolicyConfigErrorCode = 'ERR_CONFIG' | 'ERR_MALFORMED';

/**
 * The one error class of `@keyward/mfa-policy`. A refusal is never an error (it is a
 * {@link Decision} with `allowed: false`); this is thrown only for a configuration or an input
 * that the engine cannot read.
 *
 * @example
 * ```ts
 * try {
 *   createPolicy({ methods: { fido2: { role: 'primary' } } });
 * } catch (error) {
 *   if (isPolicyConfigError(error)) console.log(error.code, error.path); // 'ERR_CONFIG' 'methods.fido2.role'
 * }
 * ```
 */
export class PolicyConfigError extends Error {
  /** Always `'PolicyConfigError'`; {@link isPolicyConfigError} relies on it. */
  override readonly name = 'PolicyConfigError';
  /** The stable code to branch on. */
  readonly code: PolicyConfigErrorCode;
  /**
   * Where the bad value is: a dotted path with `[index]` for array items, such as
   * `rules[0].set.methods.officePhone.enabled`; `''` for the whole value.
   */
  readonly path: string;

  /**
   * Creates an error; the engine throws these, applications only catch them.
   *
   * @param code - The stable code.
   * @param path - The path of the bad field (`''` for the whole value).
   * @param message - A sentence that names the path, what was expected and what was found.
   * @param options - Standard error options (`cause`).
   */
  constructor(code: PolicyConfigErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/**
 * Tells whether a value is a {@link PolicyConfigError}, also across ESM and CJS copies of this package.
 *
 * @param error - Anything caught.
 * @returns `true` when `error` is a `PolicyConfigError`.
 * @example
 * ```ts
 * if (isPolicyConfigError(error) && error.code === 'ERR_CONFIG') console.error(`bad field: ${error.path}`);
 * ```
 */
export function isPolicyConfigError(error: unknown): error is PolicyConfigError {
  return error instanceof Error && error.name === 'PolicyConfigError' && 'code' in error && 'path' in error;
}
