/**
 * Size of `@keyward/webauthn-browser` as a browser ships it: the ESM entry bundled with esbuild
 * (the one tsup uses), minified, then gzipped. Aim: under 2.5 KB for the whole package.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { report } from './harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'packages', 'webauthn-browser', 'src', 'index.ts');
const LIMIT_BYTES = 2.5 * 1024;

// The slice of esbuild's API used here (esbuild is not a direct dependency of bench/).
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { contents: Uint8Array }[] }>;
}

async function bundle(esbuild: Esbuild, contents: string): Promise<Uint8Array> {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: dirname(entry), sourcefile: 'size-entry.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@keyward/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.contents ?? new Uint8Array();
}

export default async function browserSize(): Promise<void> {
  // esbuild comes with tsup; resolve it from there rather than declaring it again.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild') as Esbuild;
  const cases: [string, string][] = [
    ['whole package (every export)', `export * from ${JSON.stringify(entry)};`],
    [
      'startRegistration + startAuthentication',
      `export { startRegistration, startAuthentication } from ${JSON.stringify(entry)};`,
    ],
    ['browserSupportsWebAuthn only', `export { browserSupportsWebAuthn } from ${JSON.stringify(entry)};`],
  ];
  const lines: string[] = [];
  for (const [name, contents] of cases) {
    const minified = await bundle(esbuild, contents);
    const gzipped = gzipSync(minified, { level: 9 }).length;
    const verdict = gzipped <= LIMIT_BYTES ? 'under' : 'OVER';
    lines.push(
      `${name.padEnd(42)} ${String(minified.length).padStart(6)} B min  ${String(gzipped).padStart(5)} B min+gzip  (${verdict} ${LIMIT_BYTES} B)`,
    );
  }
  report('@keyward/webauthn-browser bundle size (esbuild --minify, gzip -9)', lines);
}
