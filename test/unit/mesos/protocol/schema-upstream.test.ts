/**
 * Checks the schema subset in `src/mesos/protocol/proto/` against facts extracted from upstream
 * Mesos' .proto files (`test/fixtures/mesos-upstream/`, see its README): every message, field and
 * enum we declare must exist upstream with the same number, label, type, map key, options and
 * oneof, fields must keep upstream declaration order, and enums must match exactly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import { parseMesosProtoFiles } from '../../../../src/mesos/protocol/schema-compiler.js';

interface FieldFacts {
  number: number;
  rule: string;
  keyType: string | null;
  type: string;
  options: Record<string, unknown>;
  oneof: string | null;
  /** Position in upstream's declaration order. */
  index: number;
}

interface UpstreamFacts {
  source: { repository: string; commit: string; files: string[] };
  messages: Record<string, Record<string, FieldFacts>>;
  enums: Record<string, Record<string, number>>;
}

const FACTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mesos-upstream/facts.json');
const facts = JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as UpstreamFacts;

function ourFacts(field: protobuf.FieldBase): Omit<FieldFacts, 'index'> {
  return {
    number: field.id,
    rule: (field as unknown as { rule?: string }).rule ?? 'optional',
    keyType: field instanceof protobuf.MapField ? field.keyType : null,
    type: field.resolvedType ? field.resolvedType.fullName : field.type,
    options: field.options ?? {},
    oneof: field.partOf?.name ?? null,
  };
}

/** Every difference between our schema and the upstream facts, one line each. */
function differences(root: protobuf.Root): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      // The driver's messages are checked against their own facts (schema-legacy.test.ts).
      if (nested.fullName === '.mesos.internal') continue;
      declared.add(nested.fullName);
      if (nested instanceof protobuf.Enum) {
        const upstream = facts.enums[nested.fullName];
        if (upstream === undefined) problems.push(`${nested.fullName}: not upstream`);
        else if (JSON.stringify(nested.values) !== JSON.stringify(upstream)) problems.push(`${nested.fullName}: enum values`);
        continue;
      }
      if (nested instanceof protobuf.Type) {
        const upstream = facts.messages[nested.fullName];
        if (upstream === undefined) {
          problems.push(`${nested.fullName}: not upstream`);
          continue;
        }
        let lastIndex = -1;
        for (const field of nested.fieldsArray) {
          const upstreamField = upstream[field.name];
          if (upstreamField === undefined) {
            problems.push(`${nested.fullName}.${field.name}: not upstream`);
            continue;
          }
          const { index, ...expected } = upstreamField;
          if (index < lastIndex) problems.push(`${nested.fullName}.${field.name}: declaration order`);
          lastIndex = index;
          const actual = JSON.stringify(ourFacts(field));
          if (actual !== JSON.stringify(expected))
            problems.push(`${nested.fullName}.${field.name}: ${actual} vs ${JSON.stringify(expected)}`);
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  for (const name of [...Object.keys(facts.messages), ...Object.keys(facts.enums)]) {
    if (!declared.has(name)) problems.push(`${name}: in the upstream facts but no longer declared (regenerate them)`);
  }
  return problems;
}

describe('schema subset vs upstream Mesos', () => {
  it(`matches the facts taken from ${facts.source.repository}@${facts.source.commit.slice(0, 10)}`, () => {
    expect(Object.keys(facts.messages).length).toBeGreaterThan(50);
    expect(differences(parseMesosProtoFiles())).toEqual([]);
  });

  it('notices a changed field number, a dropped enum value and a field upstream does not have', () => {
    const root = new protobuf.Root();
    protobuf.parse(
      `syntax = "proto2"; package mesos.v1;
       message TaskID { required string value = 2; }
       message Filters { optional double refuse_seconds = 1 [default = 5.0]; optional string colour = 9; }
       enum TaskState { TASK_STAGING = 6; }`,
      root,
      { keepCase: true },
    );
    root.resolveAll();
    const found = differences(root);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.mesos\.v1\.TaskID\.value: /),
        '.mesos.v1.Filters.colour: not upstream',
        '.mesos.v1.TaskState: enum values',
      ]),
    );
  });
});
