/** keyward-token in process: every command and error path against a VirtualAuthenticator. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Ctap2Client } from '../client/ctap2-client.ts';
import { PIN_PERMISSION } from '../ctap2/constants.ts';
import { MemoryHidTransport } from '../transports/memory.ts';
import { serveUdp } from '../virtual/serve-udp.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../virtual/virtual-authenticator.ts';
import { runTokenCli } from './token-main.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(key: VirtualAuthenticator | undefined, argv: string[], stdinLines: string[] = []): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runTokenCli(
    argv,
    {
      stdin: Readable.from(stdinLines.map((line) => `${line}\n`)),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    key ? async () => new MemoryHidTransport(key) : undefined,
  );
  return { code, stdout, stderr };
}

function newKey(options: VirtualAuthenticatorOptions = {}): VirtualAuthenticator {
  return new VirtualAuthenticator(options);
}

describe('keyward-token usage', () => {
  it('prints help with --help (exit 0) and without a command (exit 2)', async () => {
    const help = await run(undefined, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    expect((await run(undefined, [])).code).toBe(2);
  });

  it('refuses unknown commands, options and bad --udp values (exit 2)', async () => {
    for (const argv of [
      ['frobnicate'],
      ['--bogus', 'info'],
      ['--udp', 'nohost', 'info'],
      ['--udp', 'a:1', '--device', 'x', 'info'],
      ['pin'],
      ['creds', 'delete'],
      ['--timeout', '-1', 'info'],
      ['pin', 'set', '--min-length', '2'],
    ]) {
      const result = await run(newKey(), argv);
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });

  it('reports usage errors as JSON with --json', async () => {
    const result = await run(newKey(), ['--json', 'frobnicate']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });
});

describe('keyward-token commands', () => {
  it('info shows the key, as text and as JSON', async () => {
    const key = newKey();
    const text = await run(key, ['info']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(key.aaguid);
    expect(text.stdout).toContain('PIN:               not set');
    const json = await run(key, ['--json', 'info']);
    expect(JSON.parse(json.stdout)).toMatchObject({ aaguid: key.aaguid, options: { clientPin: false } });
  });

  it('wink', async () => {
    let winks = 0;
    const result = await run(newKey({ onWink: () => winks++ }), ['wink']);
    expect(result.code).toBe(0);
    expect(winks).toBe(1);
  });

  it('pin set, pin retries, pin change; refuses a second pin set and too short PINs', async () => {
    const key = newKey();
    expect((await run(key, ['pin', 'retries'])).stdout).toContain('no PIN set');
    const short = await run(key, ['pin', 'set'], ['12']);
    expect(short.code).toBe(4);
    expect(short.stderr).toContain('too short');
    expect((await run(key, ['pin', 'set'], ['1234'])).code).toBe(0);
    const again = await run(key, ['pin', 'set'], ['5678']);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('already has a PIN');
    expect(JSON.parse((await run(key, ['--json', 'pin', 'retries'])).stdout)).toMatchObject({ retries: 8 });
    expect((await run(key, ['pin', 'change'], ['1234', '87654321'])).code).toBe(0);
    const wrong = await run(key, ['pin', 'change'], ['1234', '5555']);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('Wrong PIN. 7 attempts left');
    const missing = await run(key, ['pin', 'change'], ['87654321']);
    expect(missing.code).toBe(2);
  });

  it('--pin-protocol 1 drives the PIN commands with protocol 1', async () => {
    const key = newKey();
    expect((await run(key, ['--pin-protocol', '1', 'pin', 'set'], ['1234'])).code).toBe(0);
    expect((await run(key, ['--pin-protocol', '1', 'pin', 'change'], ['1234', '4321'])).code).toBe(0);
    expect((await run(key, ['--pin-protocol', '2', 'creds', 'list'], ['4321'])).code).toBe(0);
  });

  it('pin change on a key without a PIN says how to set one', async () => {
    const result = await run(newKey(), ['pin', 'change'], ['1234', '5678']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('pin set');
  });

  it('pin set --force-change --min-length makes the user pick a new PIN at first use', async () => {
    const key = newKey();
    expect((await run(key, ['pin', 'set', '--force-change', '--min-length', '6'], ['123456'])).code).toBe(0);
    const info = JSON.parse((await run(key, ['--json', 'info'])).stdout);
    expect(info).toMatchObject({ forcePINChange: true, minPINLength: 6 });
    const shortPin = await run(newKey(), ['pin', 'set', '--min-length', '8'], ['123456']);
    expect(shortPin.code).toBe(4);
  });

  it('explains a PIN that needs a power cycle, then a blocked PIN (reset, remove, register again)', async () => {
    const key = newKey();
    await run(key, ['pin', 'set'], ['1234']);
    const codes: number[] = [];
    let last = '';
    for (let i = 0; i < 8; i++) {
      if (i > 0 && i % 3 === 0) key.powerCycle();
      const result = await run(key, ['pin', 'change'], ['0000', '5678']);
      codes.push(result.code);
      last = result.stderr;
      if (i === 2) expect(result.stderr).toContain('Unplug the key, plug it in again');
    }
    expect(codes.slice(0, 3)).toEqual([4, 4, 5]);
    expect(codes[7]).toBe(5);
    expect(last).toContain('reset the key');
    expect(last).toContain('remove the key from every account');
    expect(last).toContain('register it again');
    const retries = await run(key, ['pin', 'retries']);
    expect(retries.stdout).toContain('0 PIN attempts left');
  });

  it('reset needs --yes when not interactive, works within 10 s, and explains the window after that', async () => {
    let now = 5_000_000;
    const key = newKey({ now: () => now });
    await run(key, ['pin', 'set'], ['1234']);
    expect((await run(key, ['reset'])).code).toBe(2);
    const done = await run(key, ['reset', '--yes']);
    expect(done.code).toBe(0);
    expect((await run(key, ['--json', 'info'])).stdout).toContain('"clientPin": false');
    now += 20_000;
    const late = await run(key, ['reset', '--yes']);
    expect(late.code).toBe(6);
    expect(late.stderr).toContain('within 10 seconds');
    expect(late.stderr).toContain('Unplug the key');
  });

  it('creds list and creds delete', async () => {
    const key = newKey();
    const client = await Ctap2Client.open(new MemoryHidTransport(key));
    await client.clientPin.setPin('1234');
    const token = await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, 'example.com');
    await client.makeCredential({
      clientDataHash: new Uint8Array(32),
      rp: { id: 'example.com' },
      user: { id: Uint8Array.of(7), name: 'alice', displayName: 'Alice' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      options: { rk: true },
      pinUvAuthToken: token,
    });
    await client.close();
    const listed = await run(key, ['--json', 'creds', 'list'], ['1234']);
    expect(listed.code).toBe(0);
    const body = JSON.parse(listed.stdout);
    expect(body.credentials).toHaveLength(1);
    expect(body.credentials[0]).toMatchObject({ rpId: 'example.com', userName: 'alice', displayName: 'Alice' });
    const id = body.credentials[0].credentialId as string;
    expect((await run(key, ['creds', 'list'], ['1234'])).stdout).toContain(id);
    expect((await run(key, ['creds', 'list'], ['9999'])).code).toBe(4);
    expect((await run(key, ['creds', 'delete', id], ['1234'])).code).toBe(0);
    const gone = await run(key, ['creds', 'delete', id], ['1234']);
    expect(gone.code).toBe(8);
    expect((await run(key, ['creds', 'delete', '!!!'], ['1234'])).code).toBe(2);
    expect(JSON.parse((await run(key, ['--json', 'creds', 'list'], ['1234'])).stdout).credentials).toEqual([]);
  });

  it('a touch that never comes is explained (exit 6)', async () => {
    const key = newKey({ presence: () => false });
    const result = await run(key, ['reset', '--yes']);
    expect(result.code).toBe(6);
  });
});

describe('keyward-token over UDP', () => {
  it('talks to a served virtual key, and exits 3 when nothing answers', async () => {
    const key = newKey();
    const server = await serveUdp({ port: 0, authenticator: key });
    try {
      const udp = `127.0.0.1:${server.address.port}`;
      const listed = await run(undefined, ['--udp', udp, 'list']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(`udp://${udp}`);
      expect((await run(undefined, ['--udp', udp, 'pin', 'set'], ['1234'])).code).toBe(0);
      expect(JSON.parse((await run(undefined, ['--udp', udp, '--json', 'pin', 'retries'])).stdout)).toMatchObject({
        retries: 8,
      });
    } finally {
      await server.close();
      key.close();
    }
    const silent = await run(undefined, ['--udp', '127.0.0.1:9', '--timeout', '200', 'info']);
    expect(silent.code).toBe(3);
  });
});
