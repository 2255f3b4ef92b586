// Issue 13: each service's OpenAPI document is committed under docs/openapi/ and a test fails when
// it is stale. `UPDATE_OPENAPI=1` rewrites the committed file instead of comparing.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

function repoRoot(from = process.cwd()): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no pnpm-workspace.yaml above the working directory');
    dir = up;
  }
  return dir;
}

const text = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

/** Compares `doc` with `docs/openapi/<name>.json` (or writes it when UPDATE_OPENAPI=1). */
export async function compareOpenApiDocument(
  name: string,
  doc: unknown,
): Promise<{ current: boolean; path: string; hint: string }> {
  const path = join(repoRoot(), 'docs', 'openapi', `${name}.json`);
  const hint = `regenerate with: UPDATE_OPENAPI=1 pnpm exec tap <this test> (writes ${path})`;
  if (process.env.UPDATE_OPENAPI === '1') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text(doc));
    return { current: true, path, hint };
  }
  const committed = existsSync(path) ? await readFile(path, 'utf8') : '';
  return { current: committed === text(doc), path, hint };
}

/** What an operation of the document lacks: operationId, summary, tags, problem+json errors. */
export function contractGaps(doc: any): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries<any>(doc?.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item ?? {})) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) gaps.push(`${where}: no operationId`);
      if (!op.summary) gaps.push(`${where}: no summary`);
      if (!Array.isArray(op.tags) || op.tags.length === 0) gaps.push(`${where}: no tags`);
      for (const [status, response] of Object.entries<any>(op.responses)) {
        if (Number(status) >= 400 && !response?.content?.['application/problem+json']) {
          gaps.push(`${where}: ${status} is not application/problem+json`);
        }
      }
      for (const status of ['400', '414', '431']) {
        if (!op.responses[status]) gaps.push(`${where}: ${status} undeclared`);
      }
    }
  }
  return gaps;
}
