/** MemoryHidTransport: reports both ways, a device that throws, close. */
import { describe, expect, it } from 'vitest';
import { MemoryHidTransport } from './memory.ts';

describe('MemoryHidTransport', () => {
  it('hands reports to the device and its replies back, copying both', async () => {
    const transport = new MemoryHidTransport({ handleReport: (report, reply) => setTimeout(() => reply(report), 1) });
    const report = new Uint8Array(64).fill(1);
    await transport.send(report);
    report.fill(2);
    expect(await transport.receive(1000)).toEqual(new Uint8Array(64).fill(1));
    await expect(transport.send(new Uint8Array(65))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await transport.close();
    await expect(transport.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(transport.receive(10)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('a device that throws: ERR_TRANSPORT', async () => {
    const transport = new MemoryHidTransport({
      handleReport: () => {
        throw new Error('broken');
      },
    });
    await expect(transport.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
  });
});

describe('ReportQueue', () => {
  it('keeps a failure for the next reader when nobody waits, once', async () => {
    const { ReportQueue } = await import('./report-queue.ts');
    const { CtapError } = await import('../errors.ts');
    const queue = new ReportQueue();
    queue.fail(new CtapError('ERR_TRANSPORT', 'refused'));
    await expect(queue.receive(10)).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    await expect(queue.receive(10)).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
  });
});
