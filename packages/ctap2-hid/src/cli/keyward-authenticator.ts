/**
 * `keyward-authenticator`: serves a {@link VirtualAuthenticator} over UDP, one 64-byte CTAPHID
 * report per datagram. Exit codes: 0 after SIGINT/SIGTERM, 1 on a runtime failure, 2 on a usage
 * error or a state file that cannot be used.
 */
import { createInterface } from 'node:readline';
import { isCtapError } from '../errors.ts';
import { approvePresence, denyPresence, type UserPresenceApprover } from '../virtual/presence.ts';
import { serveUdp } from '../virtual/serve-udp.ts';
import { aaguidFromString, aaguidToString } from '../virtual/state.ts';
import { VIRTUAL_AUTHENTICATOR_AAGUID, VirtualAuthenticator } from '../virtual/virtual-authenticator.ts';
import { parseAuthenticatorArgs, type ServeArgs, USAGE, UsageError } from './authenticator-args.ts';
import { readStateFile, writeStateFile } from './authenticator-state-file.ts';

/** Asks on the terminal for each touch, one at a time. */
function promptPresence(): UserPresenceApprover {
  const lines = createInterface({ input: process.stdin, terminal: false });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return ({ kind, rpId, signal }) =>
    new Promise<boolean>((resolve) => {
      process.stderr.write(`Touch requested (${kind}${rpId ? ` for ${rpId}` : ''}). Approve? [y/N] `);
      const answer = (line: string): void => resolve(/^y(es)?$/i.test(line.trim()));
      waiting.push(answer);
      signal.addEventListener(
        'abort',
        () => {
          const index = waiting.indexOf(answer);
          if (index >= 0) waiting.splice(index, 1);
          process.stderr.write('\n(request ended)\n');
          resolve(false);
        },
        { once: true },
      );
    });
}

function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
}

async function serve(args: ServeArgs): Promise<void> {
  const presence =
    args.presence === 'deny' ? denyPresence() : args.presence === 'prompt' ? promptPresence() : approvePresence();
  if (args.aaguid !== undefined && !aaguidFromString(args.aaguid))
    throw new UsageError(`--aaguid expects a UUID, found ${JSON.stringify(args.aaguid)}`);
  const statePath = args.statePath;
  const persist = statePath
    ? (state: Parameters<typeof writeStateFile>[1]) => writeStateFile(statePath, state)
    : undefined;
  const saved = statePath ? readStateFile(statePath) : undefined;
  let authenticator: VirtualAuthenticator;
  if (saved !== undefined) {
    // A restart is a power cycle: fresh tokens, reset window open again, nothing persistent lost.
    authenticator = VirtualAuthenticator.fromState(
      saved,
      persist ? { presence, onStateChange: persist } : { presence },
    );
    const wanted = args.aaguid && aaguidToString(aaguidFromString(args.aaguid) as Uint8Array);
    if (wanted && wanted !== authenticator.aaguid)
      throw new UsageError(`--aaguid ${wanted} differs from the state file's AAGUID ${authenticator.aaguid}`);
  } else {
    authenticator = new VirtualAuthenticator({
      aaguid: args.aaguid ?? VIRTUAL_AUTHENTICATOR_AAGUID,
      presence,
      ...(persist ? { onStateChange: persist } : {}),
    });
    if (persist) persist(authenticator.exportState());
  }
  const server = await serveUdp({ host: args.host, port: args.port, authenticator });
  const where = server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host;
  process.stdout.write(
    `keyward-authenticator listening on udp://${where}:${server.address.port} aaguid=${authenticator.aaguid}${statePath ? ` state=${statePath}` : ''}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  authenticator.close();
  await server.close();
  process.stdin.destroy();
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseAuthenticatorArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.command === 'root-cert') {
      const saved = readStateFile(args.statePath);
      if (saved === undefined) throw new UsageError(`No state file at ${args.statePath}`);
      const authenticator = VirtualAuthenticator.fromState(saved);
      process.stdout.write(toPem(authenticator.attestationRootCertificate));
      authenticator.close();
      return 0;
    }
    await serve(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`keyward-authenticator: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (isCtapError(error)) {
      process.stderr.write(`keyward-authenticator: ${error.message} [${error.code}]\n`);
      // A state file or option that cannot be used is the caller's to fix (2); a socket failure is not (1).
      const unusable =
        error.code === 'ERR_STATE_CORRUPT' || error.code === 'ERR_STATE_FOREIGN' || error.code === 'ERR_INVALID_OPTION';
      return unusable ? 2 : 1;
    }
    // Operating-system errors (a state directory that does not exist, no permission): the message says it.
    process.stderr.write(`keyward-authenticator: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  if (code !== 0 || process.stdin.destroyed) process.exit(code);
});
