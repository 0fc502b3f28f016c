/**
 * The HMAC seam. Two backends compute the same RFC 2104 HMAC:
 *
 * - `node:crypto`'s `createHmac`, reached at run time through `process.getBuiltinModule` so the
 *   package has no `node:` import and bundlers for browsers and workers see nothing;
 * - `@noble/hashes` everywhere else, with the keyed state (inner and outer pads) built once per
 *   call and cloned for each message.
 *
 * No hash function is written here: both backends are well-kept implementations.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

/** Hash names as `node:crypto` spells them. */
export type HashName = 'sha1' | 'sha256' | 'sha512';

/** Truncate(HMAC(key, message)) of RFC 4226 §5.3 with a key fixed in advance. */
export type KeyedHotp = (message: Uint8Array) => number;

/** One way to compute HMAC, giving the dynamically truncated 31-bit value HOTP needs. */
export interface HmacBackend {
  /** `'node:crypto'` or `'@noble/hashes'`. */
  readonly name: string;
  /** Truncate(HMAC(key, message)) once. */
  truncated(hash: HashName, key: Uint8Array, message: Uint8Array): number;
  /** A function computing Truncate(HMAC(key, ·)) for several messages, keyed once. */
  keyed(hash: HashName, key: Uint8Array): KeyedHotp;
}

/** The slice of `node:crypto` used here. */
export interface NodeCryptoLike {
  createHmac(algorithm: string, key: Uint8Array): NodeHmacLike;
}
interface NodeHmacLike {
  update(data: Uint8Array): NodeHmacLike;
  digest(encoding: 'latin1'): string;
}

/** RFC 4226 §5.3 dynamic truncation of a MAC given as bytes. */
export function truncateBytes(mac: Uint8Array): number {
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  return (
    (((mac[offset] as number) & 0x7f) << 24) |
    ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) |
    (mac[offset + 3] as number)
  );
}

/** RFC 4226 §5.3 dynamic truncation of a MAC given as a latin1 string (one char per byte). */
function truncateLatin1(mac: string): number {
  const offset = mac.charCodeAt(mac.length - 1) & 0x0f;
  return (
    ((mac.charCodeAt(offset) & 0x7f) << 24) |
    (mac.charCodeAt(offset + 1) << 16) |
    (mac.charCodeAt(offset + 2) << 8) |
    mac.charCodeAt(offset + 3)
  );
}

/**
 * A backend over `node:crypto`'s `createHmac` (it has no copyable keyed state: one object per
 * message). The digest is read as a latin1 string: a short string is cheaper for V8 to make than
 * a `Buffer`, and each character is one byte of the MAC.
 */
export function nodeBackend(crypto: NodeCryptoLike): HmacBackend {
  return {
    name: 'node:crypto',
    truncated: (hash, key, message) => truncateLatin1(crypto.createHmac(hash, key).update(message).digest('latin1')),
    keyed: (hash, key) => (message) => truncateLatin1(crypto.createHmac(hash, key).update(message).digest('latin1')),
  };
}

const NOBLE_HASHES = { sha1, sha256, sha512 } as const;

/** The portable backend over `@noble/hashes`. */
export const nobleBackend: HmacBackend = {
  name: '@noble/hashes',
  truncated: (hash, key, message) => truncateBytes(hmac(NOBLE_HASHES[hash], key, message)),
  keyed(hash, key) {
    // RFC 2104: the key is padded and hashed into the inner and outer states once; each message
    // then costs a clone and two compressions.
    const base = hmac.create(NOBLE_HASHES[hash], key);
    const scratch = base.clone();
    const out = new Uint8Array(base.outputLen);
    return (message) => {
      base._cloneInto(scratch);
      scratch.update(message).digestInto(out);
      return truncateBytes(out);
    };
  },
};

let selected: HmacBackend | undefined;

/** Finds `node:crypto` without importing it; `undefined` outside Node-compatible runtimes. */
export function findNodeCrypto(): NodeCryptoLike | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const getBuiltinModule = proc?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = getBuiltinModule.call(proc, 'node:crypto') as Partial<NodeCryptoLike> | undefined;
    return typeof crypto?.createHmac === 'function' ? (crypto as NodeCryptoLike) : undefined;
  } catch {
    return undefined;
  }
}

/** The fastest backend this runtime offers, chosen on first use (nothing runs on import). */
export function defaultBackend(): HmacBackend {
  if (selected === undefined) {
    const crypto = findNodeCrypto();
    selected = crypto === undefined ? nobleBackend : nodeBackend(crypto);
  }
  return selected;
}
