/** The `none` attestation statement format (WebAuthn L3 §8.7). */
import { fail } from '../internal/errors.ts';
import type { AttestationFormatInput, AttestationFormatResult, AttestationFormatVerifier } from './types.ts';

/**
 * Verifies a `none` statement: `attStmt` must be empty.
 *
 * @param input - The format inputs.
 * @returns `{ attestationType: 'none', trustPath: [] }`.
 * @throws {@link WebAuthnError} `ERR_ATTESTATION` when `attStmt` is not empty.
 */
export const verifyNone: AttestationFormatVerifier = async (
  input: AttestationFormatInput,
): Promise<AttestationFormatResult> => checkNoneStatement(input.attStmt);

/**
 * The synchronous check behind {@link verifyNone}, for the registration hot path.
 *
 * @param attStmt - The attestation statement.
 * @returns `{ attestationType: 'none', trustPath: [] }`.
 * @throws {@link WebAuthnError} `ERR_ATTESTATION` when `attStmt` is not empty.
 */
export function checkNoneStatement(attStmt: ReadonlyMap<unknown, unknown>): AttestationFormatResult {
  if (attStmt.size !== 0)
    throw fail('ERR_ATTESTATION', `"none" attestation must have an empty attStmt, found ${attStmt.size} members`);
  return { attestationType: 'none', trustPath: [] };
}
