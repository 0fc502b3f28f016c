/** Internal: how keyward-token reads PINs (no echo on a terminal, lines from stdin otherwise) and writes output. */
import { createInterface } from 'node:readline';
import { EXIT, TokenCliError } from './token-errors.ts';

/** The streams the CLI uses; tests pass their own. */
export interface TokenIo {
  /** Standard input. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Standard output. */
  stdout: { write(text: string): unknown };
  /** Standard error (prompts go here). */
  stderr: { write(text: string): unknown };
}

/** Reads secrets: from a terminal without echo, or line by line from a pipe. */
export class PinReader {
  private readonly io: TokenIo;
  private readonly fromStdin: boolean;
  private lines: AsyncIterator<string> | undefined;
  private rl: ReturnType<typeof createInterface> | undefined;

  constructor(io: TokenIo, forceStdin: boolean) {
    this.io = io;
    this.fromStdin = forceStdin || io.stdin.isTTY !== true || typeof io.stdin.setRawMode !== 'function';
  }

  /** Stops reading stdin, so the process can exit while a script keeps stdin open. */
  close(): void {
    this.rl?.close();
    if (this.rl) this.io.stdin.pause();
  }

  /** True when PINs come from a terminal (so asking twice makes sense). */
  get interactive(): boolean {
    return !this.fromStdin;
  }

  async read(prompt: string): Promise<string> {
    if (this.fromStdin) return this.nextLine(prompt);
    return this.readHidden(prompt);
  }

  /** Asks for a new PIN; on a terminal twice, and they must match. */
  async readNew(prompt: string): Promise<string> {
    const pin = await this.read(prompt);
    if (this.interactive) {
      const again = await this.read('Enter the new PIN again: ');
      if (again !== pin) throw new TokenCliError('PIN_MISMATCH', EXIT.PIN, 'The two PINs differ; nothing was changed.');
    }
    return pin;
  }

  private async nextLine(what: string): Promise<string> {
    // Line by line as they arrive (a script need not close stdin before the key is asked).
    if (!this.lines) {
      this.rl = createInterface({ input: this.io.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
      this.lines = this.rl[Symbol.asyncIterator]();
    }
    const lines = this.lines;
    const next = await lines.next();
    if (next.done) {
      throw new TokenCliError(
        'PIN_MISSING',
        EXIT.USAGE,
        `No line on standard input for: ${what.replace(/:\s*$/, '')}.`,
      );
    }
    return next.value;
  }

  private readHidden(prompt: string): Promise<string> {
    const { stdin, stderr } = this.io;
    stderr.write(prompt);
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = (error?: Error): void => {
        stdin.removeListener('data', onData);
        stdin.setRawMode?.(false);
        stdin.pause();
        stderr.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string): void => {
        for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            finish();
            return;
          }
          if (char === '\u0003') {
            finish(new TokenCliError('INTERRUPTED', EXIT.INTERRUPTED, 'Cancelled.'));
            return;
          }
          if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
          else value += char;
        }
      };
      stdin.setRawMode?.(true);
      stdin.resume();
      stdin.on('data', onData);
    });
  }
}
