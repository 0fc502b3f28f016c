/**
 * The `--state` file of `keyward-authenticator`: the authenticator's state in a checksummed JSON
 * envelope, written atomically (temp file, fsync, rename, fsync of the directory) so that a kill
 * at any moment leaves either the old or the new state, never a torn one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bytesToHex, utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CtapError } from '../errors.ts';
import type { VirtualAuthenticatorState } from '../virtual/state.ts';

/** The envelope's `format` tag. */
export const STATE_FILE_FORMAT = 'keyward-authenticator-state';

/** Reads a state file; `undefined` when it does not exist. Anything unreadable is an error, never a reset. */
export function readStateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CtapError('ERR_STATE_CORRUPT', `Cannot read state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (cause) {
    throw new CtapError('ERR_STATE_CORRUPT', `State file ${path} is not valid JSON`, { cause });
  }
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    (envelope as { format?: unknown }).format !== STATE_FILE_FORMAT
  )
    throw new CtapError(
      'ERR_STATE_FOREIGN',
      `${path} is not a keyward-authenticator state file (format ${JSON.stringify((envelope as { format?: unknown })?.format)})`,
    );
  const { version, sha256: checksum, state } = envelope as { version?: unknown; sha256?: unknown; state?: unknown };
  if (version !== 1)
    throw new CtapError('ERR_STATE_FOREIGN', `${path}: unsupported state file version ${JSON.stringify(version)}`);
  if (typeof checksum !== 'string' || checksum !== bytesToHex(sha256(utf8ToBytes(JSON.stringify(state)))))
    throw new CtapError('ERR_STATE_CORRUPT', `State file ${path} fails its SHA-256 check (damaged or edited)`);
  return state;
}

/** Writes a state file atomically and durably. */
export function writeStateFile(path: string, state: VirtualAuthenticatorState): void {
  const body = JSON.stringify(state);
  const text = `${JSON.stringify({ format: STATE_FILE_FORMAT, version: 1, sha256: bytesToHex(sha256(utf8ToBytes(body))), state }, null, 2)}\n`;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is atomic.
  }
}
