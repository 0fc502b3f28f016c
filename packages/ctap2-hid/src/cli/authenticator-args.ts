/** Argument parsing of `keyward-authenticator`. */
import { parseArgs } from 'node:util';

/** What `keyward-authenticator serve` was asked to do. */
export interface ServeArgs {
  command: 'serve';
  host: string;
  port: number;
  statePath: string | undefined;
  aaguid: string | undefined;
  presence: 'auto' | 'deny' | 'prompt';
}

/** What `keyward-authenticator root-cert` was asked to do. */
export interface RootCertArgs {
  command: 'root-cert';
  statePath: string;
}

/** A parsed command line. */
export type AuthenticatorArgs = ServeArgs | RootCertArgs | { command: 'help' };

/** A usage error (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The help text. */
export const USAGE = `Usage:
  keyward-authenticator serve --udp HOST:PORT [--state FILE] [--aaguid UUID] [--presence auto|deny|prompt]
  keyward-authenticator root-cert --state FILE     print the attestation root certificate (PEM)

Serves a software FIDO2 security key (CTAP 2.1 + U2F) over UDP: every datagram is one 64-byte
CTAPHID report, in both directions; answers go to the sender. With --state the key keeps its
credentials, PIN, retries and counters in FILE across restarts (a restart is a power cycle).
--presence: auto approves every touch (default), deny refuses, prompt asks on the terminal.`;

/** Parses `HOST:PORT` (IPv6 as `[::1]:PORT`). */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) throw new UsageError(`--udp expects HOST:PORT, found ${JSON.stringify(text)}`);
  return { host: (match[1] ?? match[2]) as string, port };
}

/** Parses argv (without node and script). */
export function parseAuthenticatorArgs(argv: string[]): AuthenticatorArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(rest[0])}`);
  if (command === 'root-cert') {
    if (!values.state) throw new UsageError('root-cert needs --state FILE');
    return { command: 'root-cert', statePath: values.state };
  }
  if (command !== 'serve') throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
  if (!values.udp) throw new UsageError('serve needs --udp HOST:PORT');
  const presence = values.presence ?? 'auto';
  if (presence !== 'auto' && presence !== 'deny' && presence !== 'prompt')
    throw new UsageError(`--presence must be auto, deny or prompt, found ${JSON.stringify(presence)}`);
  return {
    command: 'serve',
    ...parseHostPort(values.udp),
    statePath: values.state,
    aaguid: values.aaguid,
    presence,
  };
}

const OPTIONS = {
  udp: { type: 'string' },
  state: { type: 'string' },
  aaguid: { type: 'string' },
  presence: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
