/**
 * Checks the embedded schema subset against the upstream Mesos .proto files, when they are around:
 * set MESOS_PROTO_DIR to a Mesos checkout's `include` directory (the one holding `mesos/v1/`).
 * Every message, field and enum we declare must exist upstream with the same number, label, type,
 * options and oneof, fields must keep upstream declaration order, and enums must match exactly.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import { mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';

const protoDir = process.env.MESOS_PROTO_DIR ?? '';
const available = protoDir !== '' && existsSync(path.join(protoDir, 'mesos/v1/mesos.proto'));

function loadUpstream(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) =>
    target.startsWith('mesos/') || target.startsWith('google/') ? path.join(protoDir, target) : protobuf.util.path.resolve(origin, target);
  root.loadSync(['mesos/v1/scheduler/scheduler.proto', 'mesos/v1/master/master.proto'], { keepCase: true });
  root.resolveAll();
  return root;
}

function signature(field: protobuf.FieldBase): string {
  return JSON.stringify([
    field.id,
    (field as unknown as { rule?: string }).rule ?? 'optional',
    field instanceof protobuf.MapField ? field.keyType : null,
    field.resolvedType ? field.resolvedType.fullName : field.type,
    field.options ?? {},
    field.partOf?.name ?? null,
  ]);
}

describe.skipIf(!available)('embedded schema vs upstream Mesos protos', () => {
  it('declares nothing that differs from upstream', () => {
    const upstream = loadUpstream();
    const problems: string[] = [];
    const visit = (namespace: protobuf.NamespaceBase): void => {
      for (const nested of namespace.nestedArray) {
        const twin = upstream.lookup(nested.fullName);
        if (twin === null) {
          problems.push(`${nested.fullName}: not upstream`);
          continue;
        }
        if (nested instanceof protobuf.Enum) {
          if (JSON.stringify(nested.values) !== JSON.stringify((twin as protobuf.Enum).values))
            problems.push(`${nested.fullName}: enum values`);
          continue;
        }
        if (nested instanceof protobuf.Type) {
          const upstreamType = twin as protobuf.Type;
          let lastIndex = -1;
          for (const field of nested.fieldsArray) {
            const upstreamField = upstreamType.fields[field.name];
            if (upstreamField === undefined) {
              problems.push(`${nested.fullName}.${field.name}: not upstream`);
              continue;
            }
            const index = upstreamType.fieldsArray.indexOf(upstreamField);
            if (index < lastIndex) problems.push(`${nested.fullName}.${field.name}: declaration order`);
            lastIndex = index;
            if (signature(field) !== signature(upstreamField))
              problems.push(`${nested.fullName}.${field.name}: ${signature(field)} vs ${signature(upstreamField)}`);
          }
        }
        if (nested instanceof protobuf.Namespace) visit(nested);
      }
    };
    visit(mesosSchema().root);
    expect(problems).toEqual([]);
  });
});
