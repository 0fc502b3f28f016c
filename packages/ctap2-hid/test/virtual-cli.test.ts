/**
 * `keyward-authenticator serve` as a process: UDP reports, state that survives SIGKILL and
 * restarts (a restart is a power cycle), clean exit on SIGTERM, refusal of bad state files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CTAP2_STATUS } from '../src/ctap2/constants.ts';
import { gaParams, mcParams, PinClient, parseAuthData, type ReportDevice, TestHost } from './virtual-host.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'keyward-authenticator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function run(args: string[]): { child: ChildProcess; exited: Running['exited']; firstLine: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@keyward/source', 'src/cli/keyward-authenticator.ts', ...args],
    { cwd: packageDir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  firstLine.catch(() => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited, firstLine };
}

async function serve(statePath: string): Promise<Running> {
  const { child, exited, firstLine } = run(['serve', '--udp', '127.0.0.1:0', '--state', statePath]);
  const line = await firstLine;
  const match = /listening on udp:\/\/127\.0\.0\.1:(\d+)/.exec(line);
  expect(match, line).not.toBeNull();
  return { child, exited, port: Number(match?.[1]) };
}

/** A host-side UDP link: one datagram per report. */
function udpLink(port: number): ReportDevice & { socket: Socket } {
  const socket = createSocket('udp4');
  let sink: ((r: Uint8Array) => void) | undefined;
  socket.on('message', (m) => sink?.(new Uint8Array(m)));
  return {
    socket,
    handleReport(report, reply) {
      sink = reply;
      socket.send(report, port, '127.0.0.1');
    },
  };
}

async function listening(first: Promise<string>): Promise<number> {
  const line = await first;
  return Number(/:(\d+) /.exec(line)?.[1]);
}

describe('keyward-authenticator serve', () => {
  it('asks on the terminal with --presence prompt, and refuses every touch with --presence deny', async () => {
    const prompt = run(['serve', '--udp', '127.0.0.1:0', '--presence', 'prompt']);
    const link = udpLink(await listening(prompt.firstLine));
    const host = new TestHost(link);
    const cid = await host.init();
    let asked = '';
    prompt.child.stderr?.on('data', (d: Buffer) => {
      asked += d.toString();
      if (asked.includes('Approve?')) prompt.child.stdin?.write('y\n');
    });
    expect((await host.cbor(cid, 0x0b, undefined, [])).status).toBe(0);
    expect(asked).toContain('Touch requested (selection)');
    prompt.child.kill('SIGINT');
    expect((await prompt.exited).code).toBe(0);
    link.socket.close();

    const deny = run(['serve', '--udp', '127.0.0.1:0', '--presence', 'deny']);
    const link2 = udpLink(await listening(deny.firstLine));
    const host2 = new TestHost(link2);
    const cid2 = await host2.init();
    expect((await host2.cbor(cid2, 0x0b)).status).toBe(CTAP2_STATUS.CTAP2_ERR_OPERATION_DENIED);
    deny.child.kill('SIGTERM');
    expect((await deny.exited).code).toBe(0);
    link2.socket.close();
  }, 60_000);

  it('prints the attestation root certificate of a state file as PEM', async () => {
    const statePath = join(dir, 'root.json');
    const server = await serve(statePath);
    server.child.kill('SIGTERM');
    await server.exited;
    const printed = run(['root-cert', '--state', statePath]);
    let out = '';
    printed.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    expect((await printed.exited).code).toBe(0);
    expect(out).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    expect((await run(['root-cert', '--state', join(dir, 'missing.json')]).exited).code).toBe(2);
  }, 60_000);

  it('keeps credentials, PIN retries and counters across SIGKILL and restart, and exits 0 on SIGTERM', async () => {
    const statePath = join(dir, 'key.json');
    const first = await serve(statePath);
    const link = udpLink(first.port);
    const host = new TestHost(link);
    const cid = await host.init();
    const pin = new PinClient(host, cid);
    const made = await host.cbor(cid, 0x01, mcParams({ rk: true }));
    expect(made.status).toBe(0);
    const counter = parseAuthData(made.body.get(2) as Uint8Array).signCount;
    expect(await pin.setPin('1234')).toBe(0);
    expect((await pin.token('9999')).status).toBe(CTAP2_STATUS.CTAP2_ERR_PIN_INVALID);
    expect((await pin.token('9999')).status).toBe(CTAP2_STATUS.CTAP2_ERR_PIN_INVALID);
    expect((await pin.token('9999')).status).toBe(CTAP2_STATUS.CTAP2_ERR_PIN_AUTH_BLOCKED);
    // Pull the plug without warning: everything acknowledged must already be on disk.
    first.child.kill('SIGKILL');
    await first.exited;
    link.socket.close();

    const second = await serve(statePath);
    const link2 = udpLink(second.port);
    const host2 = new TestHost(link2);
    const cid2 = await host2.init();
    const pin2 = new PinClient(host2, cid2);
    // The restart was a power cycle: no longer auth-blocked, retries kept.
    expect(await pin2.retries()).toEqual({ status: 0, retries: 5, powerCycle: false });
    const t = await pin2.token('1234', 0x02, 'example.com');
    expect(t.status).toBe(0);
    const cdh = new Uint8Array(32).fill(4);
    const ga = await host2.cbor(
      cid2,
      0x02,
      gaParams({
        clientDataHash: cdh,
        pinUvAuthParam: t.platform.authenticate(t.token as Uint8Array, cdh),
        protocol: 2,
      }),
    );
    expect(ga.status).toBe(0);
    expect(parseAuthData(ga.body.get(2) as Uint8Array).signCount).toBe(counter + 1);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    link2.socket.close();
  }, 60_000);

  it('refuses a corrupt state file with a clear error and leaves it untouched', async () => {
    const statePath = join(dir, 'corrupt.json');
    writeFileSync(statePath, '{"format":"keyward-authenticator-state","version":1,"sha256":"00","state":{}}');
    const { exited } = run(['serve', '--udp', '127.0.0.1:0', '--state', statePath]);
    const result = await exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ERR_STATE_CORRUPT');
    expect(readFileSync(statePath, 'utf8')).toContain('"sha256":"00"');
    writeFileSync(statePath, '{ not json');
    expect((await run(['serve', '--udp', '127.0.0.1:0', '--state', statePath]).exited).stderr).toContain(
      'ERR_STATE_CORRUPT',
    );
  }, 60_000);

  it('refuses a foreign file and bad arguments with exit code 2', async () => {
    const statePath = join(dir, 'foreign.json');
    writeFileSync(statePath, JSON.stringify({ hello: 'world' }));
    const foreign = await run(['serve', '--udp', '127.0.0.1:0', '--state', statePath]).exited;
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('ERR_STATE_FOREIGN');
    const usage = await run(['serve', '--udp', 'nonsense']).exited;
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--udp expects HOST:PORT');
    const presence = await run(['serve', '--udp', '127.0.0.1:0', '--presence', 'maybe']).exited;
    expect(presence.code).toBe(2);
  }, 60_000);
});
