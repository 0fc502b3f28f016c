import { WebAuthnBrowserError } from '../errors.ts';
import { mapError } from './map-error.ts';

interface Pending {
  controller: AbortController;
  superseded?: boolean;
}

// The one ceremony in flight. Browsers allow one pending WebAuthn request per page, so this
// state mirrors theirs: a new ceremony aborts the previous one (deliberately module-wide).
let pending: Pending | undefined;

/**
 * Runs one ceremony: aborts the previous one (`ERR_SUPERSEDED` there), follows the caller's
 * signal (`ERR_ABORTED`), and maps every failure to a {@link WebAuthnBrowserError}.
 *
 * @param signal - The caller's signal, if any.
 * @param create - `true` for create, `false` for get (picks error meanings).
 * @param rpId - The RP ID asked for, for messages.
 * @param call - Starts the browser call with the ceremony's own signal.
 */
export async function runCeremony<T>(
  signal: AbortSignal | undefined,
  create: boolean,
  rpId: string | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (pending) {
    pending.superseded = true;
    pending.controller.abort(new DOMException('a newer WebAuthn ceremony started', 'AbortError'));
  }
  const me: Pending = { controller: new AbortController() };
  pending = me;
  const own = me.controller.signal;
  const follow = () => me.controller.abort(signal?.reason);
  signal?.addEventListener('abort', follow);
  try {
    if (signal?.aborted) follow();
    own.throwIfAborted();
    return await call(own);
  } catch (error) {
    if (own.aborted) {
      throw new WebAuthnBrowserError(
        me.superseded ? 'ERR_SUPERSEDED' : 'ERR_ABORTED',
        me.superseded ? 'a newer ceremony aborted this one' : 'aborted by the caller',
        { cause: error },
      );
    }
    throw mapError(error, create, rpId);
  } finally {
    signal?.removeEventListener('abort', follow);
    if (pending === me) pending = undefined;
  }
}
