/** Runs the README's quick start, as written, against this package's source. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

describe('README quick start', () => {
  it('enrols and signs in', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const file = fileURLToPath(
      new URL(`./.readme-quickstart-${process.pid}-${Date.now()}.generated.ts`, import.meta.url),
    );
    writeFileSync(file, (code as string).replace("from '@keyward/ctap2-hid'", "from '../src/index.ts'"));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(/* @vite-ignore */ file);
      expect(log).toHaveBeenCalledWith('signed in, user verified:', true);
    } finally {
      log.mockRestore();
      rmSync(file, { force: true });
    }
  });
});
