/** An optional helper that downloads the MDS3 BLOB where `fetch` exists. Verification never fetches. */
import { isWebAuthnError } from '../errors.ts';
import { fail } from '../internal/errors.ts';

/** The FIDO Metadata Service v3 BLOB address. */
export const FIDO_MDS_URL: string = 'https://mds3.fidoalliance.org/';

/** The part of a WHATWG `Response` that {@link fetchMetadataBlob} reads. */
export interface FetchLikeResponse {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /**
   * Reads the body as text.
   *
   * @returns The body.
   */
  text(): Promise<string>;
}

/**
 * The part of the WHATWG `fetch` that {@link fetchMetadataBlob} uses.
 *
 * @param url - The address to GET.
 * @returns The response.
 */
export type FetchLike = (url: string) => Promise<FetchLikeResponse>;

/**
 * Downloads the MDS3 BLOB (a JWT) for {@link MetadataStore.fromBlob}. Run it out of band (a
 * scheduled job honouring `nextUpdate`) and keep the text: registration itself never touches the
 * network.
 *
 * @param url - Where to download from.
 * @param fetchImpl - The `fetch` to use (a proxying or caching one, or a test double).
 * @returns The BLOB text.
 * @throws {@link WebAuthnError} `ERR_METADATA` when no `fetch` is available, the request fails
 * or the server does not answer 2xx.
 * @example
 * ```ts
 * const store = await MetadataStore.fromBlob(await fetchMetadataBlob());
 * ```
 */
export async function fetchMetadataBlob(
  url: string = FIDO_MDS_URL,
  fetchImpl: FetchLike | undefined = globalThis.fetch as FetchLike | undefined,
): Promise<string> {
  if (typeof fetchImpl !== 'function')
    throw fail('ERR_METADATA', 'fetchMetadataBlob: no fetch implementation is available');
  try {
    const response = await fetchImpl(url);
    if (!response.ok) throw fail('ERR_METADATA', `fetchMetadataBlob: ${url} answered HTTP ${response.status}`);
    return await response.text();
  } catch (error) {
    if (isWebAuthnError(error)) throw error;
    throw fail(
      'ERR_METADATA',
      `fetchMetadataBlob: could not download ${url}: ${(error as Error)?.message ?? String(error)}`,
      error,
    );
  }
}
