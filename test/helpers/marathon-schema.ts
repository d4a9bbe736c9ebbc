/** Checks an app definition against the Marathon schema subset in test/fixtures/marathon. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateJson } from './json-schema.js';

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/marathon/app-definition.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

/**
 * Schema problems, plus what a schema cannot say: every secret an env variable or a volume names is
 * declared under `secrets`.
 */
export function marathonAppProblems(app: unknown): string[] {
  const problems = validateJson(app, schema);
  if (problems.length > 0 || typeof app !== 'object' || app === null) return problems;
  const record = app as {
    secrets?: Record<string, unknown>;
    env?: Record<string, unknown>;
    container?: { volumes?: Array<{ secret?: string }> };
  };
  const declared = new Set(Object.keys(record.secrets ?? {}));
  const referenced = [
    ...Object.values(record.env ?? {}).flatMap((value) =>
      typeof value === 'object' && value !== null ? [(value as { secret: string }).secret] : [],
    ),
    ...(record.container?.volumes ?? []).flatMap((volume) => (volume.secret === undefined ? [] : [volume.secret])),
  ];
  for (const name of referenced) if (!declared.has(name)) problems.push(`secret "${name}" is used but not declared under /secrets`);
  return problems;
}
