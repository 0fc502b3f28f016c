/** A bounds-checked reader over untrusted bytes. Every failure goes through the caller's `fail`. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset = 0;
  private readonly fail: (message: string) => Error;
  private readonly view: DataView;

  /**
   * @param bytes - The untrusted input (never written to).
   * @param fail - Builds the package's own `ERR_MALFORMED` error.
   */
  constructor(bytes: Uint8Array, fail: (message: string) => Error) {
    this.bytes = bytes;
    this.fail = fail;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) {
      throw this.fail(`${what}: needs ${n} bytes at offset ${this.offset}, only ${this.remaining} left`);
    }
  }

  /** One unsigned byte. */
  u8(what = 'u8'): number {
    this.need(1, what);
    return this.bytes[this.offset++] as number;
  }

  /** Big-endian unsigned 16-bit integer. */
  u16be(what = 'u16'): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  /** Big-endian unsigned 32-bit integer. */
  u32be(what = 'u32'): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  /** Big-endian unsigned 64-bit integer as a bigint. */
  u64be(what = 'u64'): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset);
    this.offset += 8;
    return value;
  }

  /** `n` bytes as a view (not a copy) into the input. */
  take(n: number, what = 'bytes'): Uint8Array {
    if (!Number.isInteger(n) || n < 0) throw this.fail(`${what}: invalid length ${n} at offset ${this.offset}`);
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Everything left. */
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.offset);
    this.offset = this.bytes.length;
    return out;
  }

  /** Asserts the input is fully consumed. */
  done(what = 'input'): void {
    if (this.remaining !== 0)
      throw this.fail(`${what}: ${this.remaining} unexpected trailing bytes at offset ${this.offset}`);
  }
}
