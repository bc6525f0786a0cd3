// Every document the repository cites must be in it, and so must every part of it that is cited:
// a Markdown link's file and #anchor, a `docs/X.md` named in a comment or config, and a quoted
// section after it (`docs/RESULTS.md "Class mix"`), which must open a heading or a bold lead-in.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const skipped = new Set(['node_modules', 'dist', '.fermx', '.nx', '.git', '.device', 'coverage']);
const scanned = /\.(md|ts|mts|js|mjs|yaml|yml|sh)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return scanned.test(entry.name) ? [path] : [];
  });
}

const withoutCodeBlocks = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, title] of withoutCodeBlocks(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = title!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** What a quoted section may name: a heading, or a paragraph's bold lead-in. */
function sectionTitles(markdown: string): string[] {
  const text = withoutCodeBlocks(markdown);
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);
  const leadIns = [...text.matchAll(/^\*\*([^*\n]+)\*\*/gm)].map((m) => m[1]!);
  return [...headings, ...leadIns].map((t) => t.replace(/`/g, '').trim());
}

const files = sourceFiles(root);
const markdownFiles = files.filter((f) => f.endsWith('.md'));

/** `compute(path)`, worked out once per path: a document is read and parsed once however often it is cited. */
function perPath<T>(compute: (path: string) => T): (path: string) => T {
  const known = new Map<string, T>();
  return (path) => {
    if (!known.has(path)) known.set(path, compute(path));
    return known.get(path)!;
  };
}
const read = perPath((path) => readFileSync(path, 'utf8'));
const anchorsOf = perPath((path) => anchors(read(path)));
const sectionTitlesOf = perPath((path) => sectionTitles(read(path)));

describe('documents the repository cites', () => {
  it('Markdown links point at files and anchors that exist', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      for (const [, target] of withoutCodeBlocks(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z+.-]*:/i.test(target!)) continue;
        const [path, fragment] = target!.split('#') as [string, string | undefined];
        const linked = path ? resolve(dirname(file), path) : file;
        if (!existsSync(linked)) broken.push(`${relative(root, file)}: ${target} (no such file)`);
        else if (fragment && linked.endsWith('.md') && !anchorsOf(linked).has(fragment)) {
          broken.push(`${relative(root, file)}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every cited document exists, and so does every section quoted after it', () => {
    const broken: string[] = [];
    const citation = /((?:\.\.\/)?(?:[\w-]+\/)*(?:[A-Z][A-Z_]+|README)\.md)\)?,? (?:section )?"([^"\n]{3,100})"|((?:\.\.\/)?(?:[\w-]+\/)*[A-Z][A-Z_]+\.md)/g;
    for (const file of files) {
      const text = read(file);
      for (const m of text.matchAll(citation)) {
        const cited = m[1] ?? m[3]!;
        if (m.index > 0 && "'`".includes(text[m.index - 1]!)) continue; // a file name in code, not a citation
        const doc = [resolve(root, cited), resolve(root, 'docs', cited), resolve(dirname(file), cited)].find((p) => existsSync(p));
        const where = relative(root, file);
        if (!doc) {
          if (!/node_modules/.test(cited)) broken.push(`${where}: ${cited} is not in the repository`);
          continue;
        }
        const quoted = m[2];
        if (!quoted) continue;
        const wanted = quoted.replace(/`/g, '').replace(/\s*…$/, '').replace(/\.$/, '').trim();
        if (!sectionTitlesOf(doc).some((title) => title.startsWith(wanted))) broken.push(`${where}: ${cited} has no section "${quoted}"`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds the documents it checks', () => {
    expect(markdownFiles.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['README.md', 'docs/RESULTS.md', 'models/README.md']));
  });
});
