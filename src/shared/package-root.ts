/**
 * Finds files shipped with the package (templates/) whether the code runs from `src/` (tests) or
 * from `dist/` (the installed binary): both sit below the package root.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) {
      cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('alluxio-mesos: cannot find the package root (templates/ missing)');
    dir = parent;
  }
}

export function templatePath(...segments: string[]): string {
  return path.join(packageRoot(), 'templates', ...segments);
}
