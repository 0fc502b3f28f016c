/**
 * Records CTAPHID report sequences between the driver and the VirtualAuthenticator into
 * test/vectors/ctaphid-recordings.json (run: node --import tsx --conditions=@keyward/source test/support/record.ts).
 */
import { writeFileSync } from 'node:fs';
import { bytesToHex } from '@keyward/internal';
import { Ctap2Client, type HidReportHandler, MemoryHidTransport } from '../../src/index.ts';
import { VirtualAuthenticator } from '../../src/virtual/index.ts';

type Step = { dir: 'host' | 'device'; report: string };

function recorder(key: VirtualAuthenticator, steps: Step[]): HidReportHandler {
  return {
    handleReport(report, reply) {
      steps.push({ dir: 'host', report: bytesToHex(report) });
      key.handleReport(report, (answer) => {
        steps.push({ dir: 'device', report: bytesToHex(answer) });
        reply(answer);
      });
    },
  };
}

const nonce = Uint8Array.of(0x6b, 0x65, 0x79, 0x77, 0x61, 0x72, 0x64, 0x21);
const sessions = [];

{
  const steps: Step[] = [];
  const client = await Ctap2Client.open(new MemoryHidTransport(recorder(new VirtualAuthenticator(), steps)), {
    random: () => nonce.slice(),
  });
  const info = await client.getInfo();
  await client.ping(Uint8Array.from({ length: 200 }, (_, i) => i));
  await client.wink();
  sessions.push({
    id: 'getinfo-ping-wink',
    description: 'INIT, getInfo (twice), a 200-byte PING in 4 packets, WINK',
    nonce: bytesToHex(nonce),
    steps,
    expected: { aaguid: info.aaguid, versions: info.versions },
  });
}
{
  const steps: Step[] = [];
  const client = await Ctap2Client.open(new MemoryHidTransport(recorder(new VirtualAuthenticator(), steps)), {
    random: () => nonce.slice(),
  });
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
  sessions.push({
    id: 'make-credential-get-assertion',
    description: 'INIT, getInfo, makeCredential (packed, fragmented answer), getAssertion with an allow list',
    nonce: bytesToHex(nonce),
    steps,
    expected: {
      fmt: made.fmt,
      credentialId: bytesToHex(made.credentialId),
      signCount: assertion.authenticatorData.signCount,
    },
  });
}
writeFileSync(
  new URL('../vectors/ctaphid-recordings.json', import.meta.url),
  `${JSON.stringify({ source: '@keyward/ctap2-hid VirtualAuthenticator, recorded by test/support/record.ts', sessions }, null, 1)}\n`,
);
