/** Internal: keyward-token's argument parsing and dispatch; `keyward-token.ts` runs it on the process. */
import { parseArgs } from 'node:util';
import { Ctap2Client, selectAuthenticator } from '../client/ctap2-client.ts';
import { CtapError } from '../errors.ts';
import type { HidTransport } from '../hid/transport.ts';
import { type NodeHidOptions, NodeHidTransport } from '../transports/node-hid.ts';
import { UdpHidTransport } from '../transports/udp.ts';
import { runCommand } from './token-commands.ts';
import { EXIT, explain, UsageError } from './token-errors.ts';
import { PinReader, type TokenIo } from './token-io.ts';

export const USAGE = `Usage: keyward-token [--udp HOST:PORT | --device PATH] [--json] [--pin-stdin] <command>

Manage a FIDO2 security key: its PIN, its stored credentials, a factory reset.

Commands:
  list                     list the FIDO keys plugged in (or the --udp key)
  info                     show what the key supports
  pin set [--force-change] [--min-length N]
                           set the first PIN; --force-change makes the user pick a
                           new PIN at first use (keys handed out by an administrator)
  pin change               change the PIN
  pin retries              show how many PIN attempts are left
  reset [--yes]            erase everything on the key (within 10 s of plugging it in)
  creds list               list the discoverable credentials (passkeys) on the key
  creds delete ID          delete one credential (ID as shown by creds list)
  wink                     make the key blink

Options:
  --udp HOST:PORT          talk to a virtual key (keyward-authenticator serve --udp)
  --device PATH            the USB key to use (from list); default: the only one,
                           or with several plugged in, the one you touch
  --json                   machine-readable output on stdout
  --pin-stdin              read PINs from stdin, one per line (automatic when stdin is not a terminal)
  --timeout MS             how long the key may stay silent (default 5000)
  --pin-protocol 1|2       force a PIN/UV auth protocol (default: 2 when offered, else 1)
  -h, --help               show this help

PINs are never taken as arguments. On a terminal they are read without echo;
otherwise one per line from stdin: pin set reads the new PIN, pin change reads
the current PIN then the new one, creds reads the PIN.

Exit codes:
  0 success            1 other failure          2 usage error
  3 no key / cannot reach the key / permission denied
  4 PIN wrong, missing or not allowed            5 PIN blocked (or power cycle needed)
  6 not allowed now (reset window, no touch, touch declined)
  7 the key does not support this               8 no such credential
  130 cancelled
`;

/** Parsed global options. */
export interface TokenOptions {
  udp?: { host: string; port: number };
  device?: string;
  json: boolean;
  pinStdin: boolean;
  timeoutMs: number;
  yes: boolean;
  forceChange: boolean;
  minLength?: number;
  pinProtocol?: 1 | 2;
  positionals: string[];
}

/** How the CLI opens a transport; tests inject their own. */
export type OpenTransport = (options: TokenOptions, io: TokenIo) => Promise<HidTransport>;

function parseHostPort(value: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`--udp needs HOST:PORT (for example 127.0.0.1:8111), got ${JSON.stringify(value)}`);
  }
  return { host: match[1] as string, port };
}

/** Parses argv (without node and script). */
export function parseTokenArgs(argv: string[]): TokenOptions | 'help' {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        udp: { type: 'string' },
        device: { type: 'string' },
        json: { type: 'boolean' },
        'pin-stdin': { type: 'boolean' },
        timeout: { type: 'string' },
        yes: { type: 'boolean' },
        'force-change': { type: 'boolean' },
        'min-length': { type: 'string' },
        'pin-protocol': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help || parsed.positionals.length === 0) return 'help';
  if (v.udp !== undefined && v.device !== undefined) throw new UsageError('use either --udp or --device, not both');
  const timeoutMs = v.timeout === undefined ? 5000 : Number(v.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError('--timeout needs a positive number of milliseconds');
  const options: TokenOptions = {
    json: v.json === true,
    pinStdin: v['pin-stdin'] === true,
    timeoutMs,
    yes: v.yes === true,
    forceChange: v['force-change'] === true,
    positionals: parsed.positionals,
  };
  if (typeof v.udp === 'string') options.udp = parseHostPort(v.udp);
  if (typeof v.device === 'string') options.device = v.device;
  if (typeof v['min-length'] === 'string') {
    const n = Number(v['min-length']);
    if (!Number.isInteger(n) || n < 4 || n > 63) throw new UsageError('--min-length needs a number from 4 to 63');
    options.minLength = n;
  }
  if (v['pin-protocol'] !== undefined) {
    if (v['pin-protocol'] !== '1' && v['pin-protocol'] !== '2') throw new UsageError('--pin-protocol needs 1 or 2');
    options.pinProtocol = v['pin-protocol'] === '1' ? 1 : 2;
  }
  return options;
}

/**
 * Opens a USB key: the one at `--device`, the only one, or (with several plugged in) the one the
 * user touches, as browsers do.
 */
export async function openUsb(
  options: TokenOptions,
  io: TokenIo,
  hidOptions: NodeHidOptions = {},
): Promise<HidTransport> {
  if (options.device !== undefined) return NodeHidTransport.open(options.device, hidOptions);
  const devices = await NodeHidTransport.listDevices(hidOptions);
  if (devices.length <= 1) return NodeHidTransport.open(undefined, hidOptions);
  const transports = await Promise.allSettled(devices.map((d) => NodeHidTransport.open(d.path, hidOptions)));
  const opened = transports.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  const clients = (
    await Promise.allSettled(opened.map((t) => Ctap2Client.open(t, { timeoutMs: options.timeoutMs })))
  ).flatMap((c, i) => (c.status === 'fulfilled' ? [{ client: c.value, transport: opened[i] as HidTransport }] : []));
  await Promise.all(
    opened.filter((t) => !clients.some((c) => c.transport === t)).map((t) => t.close().catch(() => undefined)),
  );
  if (clients.length === 0) throw new CtapError('ERR_NO_DEVICE', 'none of the plugged-in security keys answered');
  if (clients.length === 1) return (clients[0] as { transport: HidTransport }).transport;
  io.stderr.write(`${clients.length} security keys are plugged in: touch the one to use…\n`);
  try {
    const chosen = await selectAuthenticator(clients.map((c) => c.client));
    await Promise.all(clients.filter((c) => c.client !== chosen).map((c) => c.client.close().catch(() => undefined)));
    return (clients.find((c) => c.client === chosen) as { transport: HidTransport }).transport;
  } catch (error) {
    await Promise.all(clients.map((c) => c.client.close().catch(() => undefined)));
    throw error;
  }
}

/** Opens the transport named by the options: UDP, or USB (see {@link openUsb}). */
export function defaultOpenTransport(options: TokenOptions, io: TokenIo): Promise<HidTransport> {
  if (options.udp) return UdpHidTransport.connect(options.udp.host, options.udp.port);
  return openUsb(options, io);
}

/**
 * Runs keyward-token with `argv` and returns the exit code. Never throws: every error is explained
 * on stderr (or as JSON on stdout with `--json`).
 */
export async function runTokenCli(
  argv: string[],
  io: TokenIo,
  openTransport: OpenTransport = defaultOpenTransport,
  signal?: AbortSignal,
): Promise<number> {
  let json = argv.includes('--json');
  let client: Ctap2Client | undefined;
  let pinReader: PinReader | undefined;
  try {
    const options = parseTokenArgs(argv);
    if (options === 'help') {
      io.stdout.write(USAGE);
      return argv.includes('--help') || argv.includes('-h') ? EXIT.OK : EXIT.USAGE;
    }
    json = options.json;
    const pins = new PinReader(io, options.pinStdin);
    pinReader = pins;
    const connect = async (): Promise<Ctap2Client> => {
      const transport = await openTransport(options, io);
      try {
        client = await Ctap2Client.open(transport, {
          timeoutMs: options.timeoutMs,
          ...(options.pinProtocol ? { pinUvAuthProtocol: options.pinProtocol } : {}),
        });
      } catch (error) {
        await transport.close().catch(() => undefined);
        throw error;
      }
      return client;
    };
    const result = await runCommand(options, { io, pins, connect, ...(signal ? { signal } : {}) });
    if (json) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    else if (result.text) io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
    return EXIT.OK;
  } catch (error) {
    const explained = explain(error);
    if (json) {
      io.stdout.write(`${JSON.stringify({ error: { code: explained.code, message: explained.message } }, null, 2)}\n`);
    } else {
      io.stderr.write(`keyward-token: ${explained.message}\n`);
      if (explained.exitCode === EXIT.USAGE) io.stderr.write('Run `keyward-token --help` for usage.\n');
    }
    return explained.exitCode;
  } finally {
    pinReader?.close();
    await client?.close().catch(() => undefined);
  }
}
