import { isIPv4, isIPv6 } from 'node:net';

/** A parsed CIDR block. */
interface Block {
  v6: boolean;
  bits: bigint;
  prefix: number;
}

function toBig(ip: string): { v6: boolean; value: bigint } | undefined {
  let addr = ip.trim();
  if (addr.startsWith('::ffff:') && isIPv4(addr.slice(7))) addr = addr.slice(7);
  if (isIPv4(addr)) {
    return { v6: false, value: addr.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  }
  if (isIPv6(addr)) {
    const [head = '', tail] = addr.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const missing = 8 - h.length - t.length;
    const groups = tail === undefined ? h : [...h, ...Array<string>(missing).fill('0'), ...t];
    return { v6: true, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n) };
  }
  return undefined;
}

/**
 * A list of known networks (CIDR blocks, IPv4 and IPv6). An address outside every block is an
 * "unusual location" for the policy.
 */
export class KnownNetworks {
  readonly #blocks: Block[];
  readonly source: string[];

  constructor(cidrs: string[]) {
    this.source = cidrs;
    this.#blocks = cidrs.map((cidr) => {
      const [ip = '', len] = cidr.split('/');
      const parsed = toBig(ip);
      if (!parsed) throw new Error(`portal: not a network: ${cidr}`);
      const max = parsed.v6 ? 128 : 32;
      const prefix = len === undefined ? max : Number(len);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`portal: bad prefix in ${cidr}`);
      return { v6: parsed.v6, bits: parsed.value, prefix };
    });
  }

  /** True when `ip` is inside one of the blocks. */
  contains(ip: string | undefined): boolean {
    if (!ip) return false;
    const parsed = toBig(ip);
    if (!parsed) return false;
    return this.#blocks.some((b) => {
      if (b.v6 !== parsed.v6) return false;
      const width = BigInt(b.v6 ? 128 : 32);
      const shift = width - BigInt(b.prefix);
      return parsed.value >> shift === b.bits >> shift;
    });
  }
}
