/** Internal: keyward-token's commands. Each returns text for people and a JSON value for scripts. */
import { base64urlToBytes, bytesToBase64url } from '@keyward/internal';
import type { Ctap2Client } from '../client/ctap2-client.ts';
import type { AuthenticatorInfo } from '../client/info.ts';
import { PIN_PERMISSION } from '../ctap2/constants.ts';
import { isCtapError } from '../errors.ts';
import type { KeepaliveStatus } from '../hid/channel.ts';
import { NodeHidTransport } from '../transports/node-hid.ts';
import { BLOCKED_ADVICE, EXIT, TokenCliError, UsageError } from './token-errors.ts';
import type { PinReader, TokenIo } from './token-io.ts';
import type { TokenOptions } from './token-main.ts';

/** What a command needs. */
export interface CommandContext {
  io: TokenIo;
  pins: PinReader;
  connect: () => Promise<Ctap2Client>;
  signal?: AbortSignal;
}

/** What a command produced. */
export interface CommandResult {
  text: string;
  json: unknown;
}

function touchPrompt(ctx: CommandContext, json: boolean): (status: KeepaliveStatus) => void {
  return (status) => {
    if (status === 'upNeeded' && !json) ctx.io.stderr.write('Touch your security key…\n');
  };
}

function callOptions(ctx: CommandContext, options: TokenOptions) {
  return { onKeepalive: touchPrompt(ctx, options.json), ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** A wrong PIN: tell how many attempts are left, or how to recover when none are. */
async function withPinAdvice<T>(client: Ctap2Client, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isCtapError(error) && error.code === 'CTAP2_ERR_PIN_INVALID') {
      const retries = await client.clientPin.getRetries().catch(() => undefined);
      if (retries?.retries === 0) throw new TokenCliError('CTAP2_ERR_PIN_BLOCKED', EXIT.PIN_BLOCKED, BLOCKED_ADVICE);
      const left = retries
        ? ` ${retries.retries} attempt${retries.retries === 1 ? '' : 's'} left before the PIN is blocked.`
        : '';
      throw new TokenCliError('CTAP2_ERR_PIN_INVALID', EXIT.PIN, `Wrong PIN.${left}`);
    }
    throw error;
  }
}

function describeInfo(info: AuthenticatorInfo, client: Ctap2Client): string {
  const on = Object.entries(info.options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [
    `versions:          ${info.versions.join(', ')}`,
    `AAGUID:            ${info.aaguid}`,
    `PIN:               ${info.options.clientPin === true ? 'set' : info.options.clientPin === false ? 'not set' : 'not supported'}`,
    `min PIN length:    ${info.minPINLength}${info.forcePINChange ? ' (PIN change required before next use)' : ''}`,
    `PIN protocols:     ${info.pinUvAuthProtocols.join(', ') || 'none'}`,
    `algorithms:        ${info.algorithms.map((a) => a.alg).join(', ')}`,
    `extensions:        ${info.extensions.join(', ') || 'none'}`,
    `options:           ${on}`,
    `transports:        ${info.transports.join(', ') || 'unknown'}`,
  ];
  if (info.maxMsgSize !== undefined) lines.push(`max message size:  ${info.maxMsgSize}`);
  if (info.remainingDiscoverableCredentials !== undefined)
    lines.push(`free passkey slots: ${info.remainingDiscoverableCredentials}`);
  if (info.firmwareVersion !== undefined) lines.push(`firmware:          ${info.firmwareVersion}`);
  lines.push(`CTAPHID:           v${client.device.protocolVersion}, device ${client.device.deviceVersion.join('.')}`);
  return lines.join('\n');
}

async function list(options: TokenOptions, ctx: CommandContext): Promise<CommandResult> {
  if (options.udp) {
    const client = await ctx.connect();
    const info = await client.getInfo();
    const path = `udp://${options.udp.host}:${options.udp.port}`;
    return {
      text: `${path}  AAGUID ${info.aaguid}  ${info.versions.join(',')}`,
      json: [{ path, aaguid: info.aaguid, versions: info.versions }],
    };
  }
  const devices = await NodeHidTransport.listDevices();
  if (devices.length === 0) return { text: 'No FIDO security key found.', json: [] };
  const text = devices
    .map(
      (d) =>
        `${d.path}  ${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}  ${[d.manufacturer, d.product].filter(Boolean).join(' ')}`,
    )
    .join('\n');
  return { text, json: devices };
}

async function pinSet(options: TokenOptions, ctx: CommandContext, client: Ctap2Client): Promise<CommandResult> {
  const info = await client.getInfo();
  if (info.options.clientPin === true) {
    throw new TokenCliError(
      'PIN_ALREADY_SET',
      EXIT.PIN,
      'This key already has a PIN. Change it with `keyward-token pin change`.',
    );
  }
  if ((options.forceChange || options.minLength !== undefined) && info.options.setMinPINLength !== true) {
    throw new TokenCliError(
      'ERR_UNSUPPORTED',
      EXIT.UNSUPPORTED,
      'This key cannot force a PIN change or raise the minimum PIN length (no setMinPINLength); nothing was changed.',
    );
  }
  const pin = await ctx.pins.readNew(
    `New PIN (at least ${Math.max(info.minPINLength, options.minLength ?? 0)} characters): `,
  );
  if (options.minLength !== undefined && [...pin.normalize('NFC')].length < options.minLength) {
    throw new TokenCliError(
      'ERR_PIN_TOO_SHORT',
      EXIT.PIN,
      `The PIN is too short: --min-length asks for at least ${options.minLength} characters.`,
    );
  }
  await client.clientPin.setPin(pin, callOptions(ctx, options));
  if (options.forceChange || options.minLength !== undefined) {
    await client.clientPin.getPinToken(pin, PIN_PERMISSION.acfg);
    await client.config.setMinPINLength({
      ...(options.minLength !== undefined ? { newMinPINLength: options.minLength } : {}),
      ...(options.forceChange ? { forceChangePin: true } : {}),
    });
  }
  const text = `PIN set.${options.forceChange ? ' The user must change it before first use.' : ''}`;
  return {
    text,
    json: {
      pinSet: true,
      forceChangePin: options.forceChange,
      ...(options.minLength ? { minPINLength: options.minLength } : {}),
    },
  };
}

async function pinChange(options: TokenOptions, ctx: CommandContext, client: Ctap2Client): Promise<CommandResult> {
  const info = await client.getInfo();
  if (info.options.clientPin !== true) {
    throw new TokenCliError(
      'CTAP2_ERR_PIN_NOT_SET',
      EXIT.PIN,
      'This key has no PIN yet. Set one with `keyward-token pin set`.',
    );
  }
  const current = await ctx.pins.read('Current PIN: ');
  const next = await ctx.pins.readNew(`New PIN (at least ${info.minPINLength} characters): `);
  await withPinAdvice(client, () => client.clientPin.changePin(current, next, callOptions(ctx, options)));
  return { text: 'PIN changed.', json: { pinChanged: true } };
}

async function pinRetries(client: Ctap2Client): Promise<CommandResult> {
  const info = await client.getInfo();
  if (info.options.clientPin !== true) {
    return { text: 'This key has no PIN set.', json: { pinSet: false } };
  }
  const { retries, powerCycleState } = await client.clientPin.getRetries();
  let text = `${retries} PIN attempt${retries === 1 ? '' : 's'} left.`;
  if (retries === 0) text += `\n${BLOCKED_ADVICE}`;
  else if (powerCycleState) text += '\nUnplug the key and plug it in again before the next attempt.';
  return { text, json: { pinSet: true, retries, ...(powerCycleState !== undefined ? { powerCycleState } : {}) } };
}

async function reset(options: TokenOptions, ctx: CommandContext, client: Ctap2Client): Promise<CommandResult> {
  if (!options.yes) {
    if (!ctx.pins.interactive) {
      throw new UsageError('reset erases every credential and the PIN on the key: add --yes to confirm');
    }
    const answer = await ctx.pins.read('This erases every credential and the PIN on the key. Type "yes" to go on: ');
    if (answer.trim().toLowerCase() !== 'yes')
      throw new TokenCliError('ABORTED', EXIT.INTERRUPTED, 'Nothing was erased.');
  }
  await client.reset(callOptions(ctx, options));
  return { text: 'The key was reset: its credentials and PIN are erased.', json: { reset: true } };
}

async function credsList(options: TokenOptions, ctx: CommandContext, client: Ctap2Client): Promise<CommandResult> {
  const pin = await ctx.pins.read('PIN: ');
  await withPinAdvice(client, () =>
    client.clientPin.getPinToken(pin, PIN_PERMISSION.cm, undefined, callOptions(ctx, options)),
  );
  const metadata = await client.credentialManagement.metadata();
  const rps = await client.credentialManagement.enumerateRps();
  const out: { rpId: string; credentialId: string; userName?: string; displayName?: string; userId: string }[] = [];
  for (const rp of rps) {
    for (const cred of await client.credentialManagement.enumerateCredentials(rp.rpIdHash)) {
      const entry: (typeof out)[number] = {
        rpId: rp.rp.id,
        credentialId: bytesToBase64url(cred.credentialId.id),
        userId: bytesToBase64url(cred.user.id),
      };
      if (cred.user.name !== undefined) entry.userName = cred.user.name;
      if (cred.user.displayName !== undefined) entry.displayName = cred.user.displayName;
      out.push(entry);
    }
  }
  const lines = out.map(
    (c) => `${c.rpId}  ${c.userName ?? '(no name)'}${c.displayName ? ` (${c.displayName})` : ''}  ${c.credentialId}`,
  );
  lines.push(
    `${metadata.existingResidentCredentialsCount} credential(s) stored, room for about ${metadata.maxPossibleRemainingResidentCredentialsCount} more.`,
  );
  return { text: lines.join('\n'), json: { credentials: out, ...metadata } };
}

async function credsDelete(
  options: TokenOptions,
  ctx: CommandContext,
  client: Ctap2Client,
  id: string,
): Promise<CommandResult> {
  const credentialId = base64urlToBytes(id);
  if (!credentialId || credentialId.length === 0)
    throw new UsageError(`the credential ID must be base64url as shown by creds list, got ${JSON.stringify(id)}`);
  const pin = await ctx.pins.read('PIN: ');
  await withPinAdvice(client, () =>
    client.clientPin.getPinToken(pin, PIN_PERMISSION.cm, undefined, callOptions(ctx, options)),
  );
  try {
    await client.credentialManagement.deleteCredential(credentialId);
  } catch (error) {
    if (isCtapError(error) && error.code === 'CTAP2_ERR_NO_CREDENTIALS') {
      throw new TokenCliError('CTAP2_ERR_NO_CREDENTIALS', EXIT.NOT_FOUND, `No credential with ID ${id} on this key.`);
    }
    throw error;
  }
  return { text: `Credential ${id} deleted.`, json: { deleted: id } };
}

/** Dispatches one command. */
export async function runCommand(options: TokenOptions, ctx: CommandContext): Promise<CommandResult> {
  const [command, sub, arg, ...extra] = options.positionals;
  const key = [command, sub].filter(Boolean).join(' ');
  const expectArgs = (n: number): void => {
    const given = options.positionals.length;
    if (given !== n) throw new UsageError(`\`${key}\` takes ${n - (key.includes(' ') ? 2 : 1)} argument(s)`);
  };
  switch (command) {
    case 'list':
      expectArgs(1);
      return list(options, ctx);
    case 'info': {
      expectArgs(1);
      const client = await ctx.connect();
      const info = await client.getInfo();
      return { text: describeInfo(info, client), json: { ...info, ctaphid: client.device } };
    }
    case 'wink': {
      expectArgs(1);
      const client = await ctx.connect();
      await client.wink();
      return { text: 'The key winked.', json: { winked: true } };
    }
    case 'reset':
      expectArgs(1);
      return reset(options, ctx, await ctx.connect());
    case 'pin':
      expectArgs(2);
      if (sub === 'set') return pinSet(options, ctx, await ctx.connect());
      if (sub === 'change') return pinChange(options, ctx, await ctx.connect());
      if (sub === 'retries') return pinRetries(await ctx.connect());
      break;
    case 'creds':
      if (sub === 'list') {
        expectArgs(2);
        return credsList(options, ctx, await ctx.connect());
      }
      if (sub === 'delete') {
        if (arg === undefined || extra.length > 0) throw new UsageError('usage: keyward-token creds delete ID');
        return credsDelete(options, ctx, await ctx.connect(), arg);
      }
      break;
  }
  throw new UsageError(`unknown command: ${options.positionals.join(' ')}`);
}
