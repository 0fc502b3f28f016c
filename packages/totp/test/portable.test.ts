// Runs the public API as a runtime without node:crypto sees it (browsers, Deno without Node
// compatibility, edge workers): process.getBuiltinModule is hidden before the package picks its
// HMAC backend, so @noble/hashes must be chosen and give the RFC results.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';

const proc = process as { getBuiltinModule?: unknown };
const original = proc.getBuiltinModule;
proc.getBuiltinModule = undefined;
afterAll(() => {
  proc.getBuiltinModule = original;
});

const { generateHotp, generateTotp, verifyTotp } = await import('../src/index.ts');
const { defaultBackend } = await import('../src/internal/hmac.ts');

describe('without node:crypto', () => {
  it('uses @noble/hashes and still gives the RFC 6238 codes', () => {
    const seed = '1234567890';
    const secret = new TextEncoder().encode(seed.repeat(2));
    expect(generateTotp({ secret, timestamp: 59_000, digits: 8 })).toBe('94287082');
    expect(defaultBackend().name).toBe('@noble/hashes');
    const secret64 = new TextEncoder().encode(seed.repeat(7).slice(0, 64));
    expect(generateTotp({ secret: secret64, timestamp: 20_000_000_000_000, digits: 8, algorithm: 'SHA-512' })).toBe(
      '47863826',
    );
    expect(generateHotp({ secret, counter: 9 })).toBe('520489');
    const token = generateTotp({ secret, timestamp: 1_111_111_109_000 });
    expect(verifyTotp({ token, secret, timestamp: 1_111_111_139_000 })).toEqual({
      ok: true,
      step: 0x023523ec,
      delta: -1,
    });
  });
});

describe('sources', () => {
  it('import nothing from node: (the package must load in browsers and workers)', () => {
    const dir = new URL('../src/', import.meta.url);
    const files = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/from\s+['"]node:|require\(\s*['"]|import\(\s*['"]node:/);
    }
  });
});
