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

/** HMAC(key, message) with a key fixed in advance. The result may be reused by the next call. */
export type KeyedMac = (message: Uint8Array) => Uint8Array;

/** One way to compute HMAC. */
export interface HmacBackend {
  /** `'node:crypto'` or `'@noble/hashes'`. */
  readonly name: string;
  /** HMAC(key, message) once. */
  mac(hash: HashName, key: Uint8Array, message: Uint8Array): Uint8Array;
  /** A function computing HMAC(key, ·) for several messages, keyed once. */
  keyed(hash: HashName, key: Uint8Array): KeyedMac;
}

/** The slice of `node:crypto` used here. */
export interface NodeCryptoLike {
  createHmac(algorithm: string, key: Uint8Array): NodeHmacLike;
}
interface NodeHmacLike {
  update(data: Uint8Array): NodeHmacLike;
  digest(): Uint8Array;
}

/** A backend over `node:crypto`'s `createHmac` (it has no copyable keyed state: one object per message). */
export function nodeBackend(crypto: NodeCryptoLike): HmacBackend {
  const mac = (hash: HashName, key: Uint8Array, message: Uint8Array): Uint8Array =>
    crypto.createHmac(hash, key).update(message).digest();
  return {
    name: 'node:crypto',
    mac,
    keyed: (hash, key) => (message) => crypto.createHmac(hash, key).update(message).digest(),
  };
}

const NOBLE_HASHES = { sha1, sha256, sha512 } as const;

/** The portable backend over `@noble/hashes`. */
export const nobleBackend: HmacBackend = {
  name: '@noble/hashes',
  mac: (hash, key, message) => hmac(NOBLE_HASHES[hash], key, message),
  keyed(hash, key) {
    // RFC 2104: the key is padded and hashed into the inner and outer states once; each message
    // then costs a clone and two compressions.
    const base = hmac.create(NOBLE_HASHES[hash], key);
    const scratch = base.clone();
    const out = new Uint8Array(base.outputLen);
    return (message) => {
      base._cloneInto(scratch);
      scratch.update(message).digestInto(out);
      return out;
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
