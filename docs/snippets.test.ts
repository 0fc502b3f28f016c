/**
 * Every ```ts block in the guides (docs/*.md) and the package READMEs is type-checked against the
 * packages' sources, so the documentation cannot rot. A block that starts with `// @module` is
 * also checked as its own module with top-level await allowed (all of them are).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', '.snippets');

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f));
  const readmes = readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir, 'README.md'))
    .filter((file) => {
      try {
        readFileSync(file);
        return true;
      } catch {
        return false;
      }
    });
  return [...docs, ...readmes, join(root, 'examples', 'portal', 'README.md')].filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

interface Snippet {
  file: string;
  line: number;
  code: string;
}

function extract(file: string): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^```(ts|typescript)\s*$/.test(lines[i] as string)) {
      const start = i + 1;
      let end = start;
      while (end < lines.length && !(lines[end] as string).startsWith('```')) end++;
      snippets.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return snippets;
}

describe('code samples in the documentation', () => {
  const snippets = markdownFiles().flatMap(extract);

  it('finds samples to check', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  it('type-checks every TypeScript sample against the packages', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const files = snippets.map((snippet, index) => {
      const name = join(out, `snippet-${String(index).padStart(3, '0')}.ts`);
      // `export {}` makes each sample a module: top-level await works, names do not collide.
      writeFileSync(name, `${snippet.code}\nexport {};\n`);
      return { name, snippet };
    });
    const program = ts.createProgram(
      files.map((f) => f.name),
      {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        customConditions: ['@keyward/source'],
      },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(out))
      .map((d) => {
        const entry = files.find((f) => f.name === d.file?.fileName);
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const where = entry ? `${relative(root, entry.snippet.file)}:${entry.snippet.line + line}` : d.file!.fileName;
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });
});
