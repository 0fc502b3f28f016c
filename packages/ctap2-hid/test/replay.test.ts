/** Replays recorded CTAPHID report sequences: the driver must send exactly the recorded reports and decode the answers. */
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { Ctap2Client, CtapError, type HidTransport } from '../src/index.ts';
import { ReportQueue } from '../src/transports/report-queue.ts';

interface Session {
  id: string;
  nonce: string;
  steps: { dir: 'host' | 'device'; report: string }[];
  expected: Record<string, unknown>;
}

const { sessions } = JSON.parse(
  readFileSync(new URL('./vectors/ctaphid-recordings.json', import.meta.url), 'utf8'),
) as {
  sessions: Session[];
};

/** Plays the device side of a recording; a host report that differs from the recording is an error. */
class ReplayTransport implements HidTransport {
  private index = 0;
  private readonly queue = new ReportQueue();
  readonly session: Session;
  private readonly tamper: ((report: Uint8Array, step: number) => Uint8Array) | undefined;
  constructor(session: Session, tamper?: (report: Uint8Array, step: number) => Uint8Array) {
    this.session = session;
    this.tamper = tamper;
    this.flushDevice();
  }
  get finished(): boolean {
    return this.index === this.session.steps.length;
  }
  private flushDevice(): void {
    for (let step = this.session.steps[this.index]; step?.dir === 'device'; step = this.session.steps[++this.index]) {
      const report = hexToBytes(step.report) as Uint8Array;
      this.queue.push(this.tamper ? this.tamper(report, this.index) : report);
    }
  }
  async send(report: Uint8Array): Promise<void> {
    const step = this.session.steps[this.index];
    expect(step?.dir, `${this.session.id}: step ${this.index}`).toBe('host');
    expect(bytesToHex(report), `${this.session.id}: host report ${this.index}`).toBe(step?.report);
    this.index++;
    this.flushDevice();
  }
  receive(timeoutMs: number): Promise<Uint8Array> {
    return this.queue.receive(timeoutMs);
  }
  async close(): Promise<void> {
    this.queue.close(new CtapError('ERR_CLOSED', 'closed'));
  }
}

function byId(id: string): Session {
  const session = sessions.find((s) => s.id === id);
  if (!session) throw new Error(`recording ${id} missing`);
  return session;
}

describe('recorded CTAPHID sessions', () => {
  it('getinfo-ping-wink', async () => {
    const session = byId('getinfo-ping-wink');
    const transport = new ReplayTransport(session);
    const nonce = hexToBytes(session.nonce) as Uint8Array;
    const client = await Ctap2Client.open(transport, { random: () => nonce.slice(), timeoutMs: 500 });
    const info = await client.getInfo();
    expect({ aaguid: info.aaguid, versions: info.versions }).toEqual(session.expected);
    await client.ping(Uint8Array.from({ length: 200 }, (_, i) => i));
    await client.wink();
    expect(transport.finished).toBe(true);
  });

  it('make-credential-get-assertion', async () => {
    const session = byId('make-credential-get-assertion');
    const transport = new ReplayTransport(session);
    const nonce = hexToBytes(session.nonce) as Uint8Array;
    const client = await Ctap2Client.open(transport, { random: () => nonce.slice(), timeoutMs: 500 });
    const made = await client.makeCredential({
      clientDataHash: new Uint8Array(32).fill(1),
      rp: { id: 'example.com', name: 'Example' },
      user: { id: Uint8Array.of(1), name: 'alice', displayName: 'Alice' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    });
    const assertion = await client.getAssertion({
      rpId: 'example.com',
      clientDataHash: new Uint8Array(32).fill(2),
      allowList: [{ type: 'public-key', id: made.credentialId }],
    });
    expect({
      fmt: made.fmt,
      credentialId: bytesToHex(made.credentialId),
      signCount: assertion.authenticatorData.signCount,
    }).toEqual(session.expected);
    expect(transport.finished).toBe(true);
  });

  it('a recording with a flipped byte in a device report gives a typed error, never a crash or a hang', async () => {
    const session = byId('make-credential-get-assertion');
    const deviceSteps = session.steps.map((s, i) => (s.dir === 'device' ? i : -1)).filter((i) => i >= 0);
    for (const target of deviceSteps) {
      for (const offset of [0, 4, 5, 6, 7, 20, 63]) {
        const transport = new ReplayTransport(session, (report, step) => {
          if (step !== target) return report;
          const out = report.slice();
          out[offset] = (out[offset] as number) ^ 0xff;
          return out;
        });
        const nonce = hexToBytes(session.nonce) as Uint8Array;
        try {
          const client = await Ctap2Client.open(transport, { random: () => nonce.slice(), timeoutMs: 30 });
          const made = await client.makeCredential({
            clientDataHash: new Uint8Array(32).fill(1),
            rp: { id: 'example.com', name: 'Example' },
            user: { id: Uint8Array.of(1), name: 'alice', displayName: 'Alice' },
            pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          });
          await client.getAssertion({
            rpId: 'example.com',
            clientDataHash: new Uint8Array(32).fill(2),
            allowList: [{ type: 'public-key', id: made.credentialId }],
          });
        } catch (error) {
          const name = (error as Error).name;
          // Our errors, or the replay's own assertion that the host went off-script (a different request).
          expect(['CtapError', 'AssertionError'], `step ${target} offset ${offset}: ${String(error)}`).toContain(name);
        }
      }
    }
  });
});
