/** PinReader: no echo on a terminal (backspace, Ctrl-C), lines from a pipe, new PINs asked twice. */
import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PinReader, type TokenIo } from './token-io.ts';

class FakeTty extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(mode: boolean): this {
    this.raw.push(mode);
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  [Symbol.asyncIterator](): AsyncIterator<string> {
    throw new Error('a terminal is not read as lines');
  }
}

function io(stdin: unknown): { io: TokenIo; stderr: () => string } {
  let err = '';
  return {
    io: {
      stdin: stdin as TokenIo['stdin'],
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
    },
    stderr: () => err,
  };
}

describe('PinReader', () => {
  it('reads from a terminal in raw mode without echo, with backspace', async () => {
    const tty = new FakeTty();
    const { io: streams, stderr } = io(tty);
    const reader = new PinReader(streams, false);
    expect(reader.interactive).toBe(true);
    const pending = reader.read('PIN: ');
    tty.emit('data', Buffer.from('12x'));
    tty.emit('data', Buffer.from('\u007f34\r'));
    expect(await pending).toBe('1234');
    expect(stderr()).toBe('PIN: \n');
    expect(tty.raw).toEqual([true, false]);
  });

  it('Ctrl-C cancels; two different new PINs are refused', async () => {
    const tty = new FakeTty();
    const reader = new PinReader(io(tty).io, false);
    const cancelled = reader.read('PIN: ');
    tty.emit('data', '12\u0003');
    await expect(cancelled).rejects.toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    const twice = reader.readNew('New PIN: ');
    tty.emit('data', '1234\r');
    await Promise.resolve();
    setTimeout(() => tty.emit('data', '4321\n'), 1);
    await expect(twice).rejects.toMatchObject({ code: 'PIN_MISMATCH', exitCode: 4 });
  });

  it('reads lines from a pipe, once each, and says which one is missing', async () => {
    const reader = new PinReader(io(Readable.from(['1234\r\n56', '78\n'])).io, false);
    expect(reader.interactive).toBe(false);
    expect(await reader.read('Current PIN: ')).toBe('1234');
    expect(await reader.readNew('New PIN: ')).toBe('5678');
    await expect(reader.read('PIN: ')).rejects.toMatchObject({ code: 'PIN_MISSING', exitCode: 2 });
  });

  it('--pin-stdin reads lines even from a terminal', async () => {
    const stream = Object.assign(Readable.from(['9999\n']), { isTTY: true, setRawMode: () => undefined });
    const reader = new PinReader(io(stream).io, true);
    expect(await reader.read('PIN: ')).toBe('9999');
  });

  it('takes each line as it arrives, without waiting for the end of stdin', async () => {
    const stdin = new PassThrough();
    const reader = new PinReader(io(stdin).io, true);
    const first = reader.read('PIN: ');
    stdin.write('2468\n');
    expect(await first).toBe('2468');
    reader.close();
    stdin.end();
  });
});
