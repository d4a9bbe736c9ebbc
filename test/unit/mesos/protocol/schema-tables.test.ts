/**
 * The schema tables compiled at build time: the checked-in `mesos-schema.json` (what tests from src/
 * read; the build writes dist's copy from the .proto files) must be exactly what compiling the .proto
 * files gives, and the descriptors built from the tables must say what protobufjs' reflection says.
 */
import { readFileSync } from 'node:fs';

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import {
  Schema,
  type SchemaTables,
  compileSchemaTables,
  mesosSchema,
  parseProtoSources,
} from '../../../../src/mesos/protocol/descriptors.js';
import { parseMesosProtoFiles } from '../../../../src/mesos/protocol/schema-compiler.js';

const checkedIn = JSON.parse(
  readFileSync(new URL('../../../../src/mesos/protocol/mesos-schema.json', import.meta.url), 'utf8'),
) as SchemaTables;
const root = parseMesosProtoFiles();

function messageTypes(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.flatMap((nested) => [
    ...(nested instanceof protobuf.Type ? [nested] : []),
    ...(nested instanceof protobuf.Namespace ? messageTypes(nested) : []),
  ]);
}

describe('compiled schema tables', () => {
  it('the checked-in mesos-schema.json is what the .proto files compile to (else: npm run build:schema-source)', () => {
    expect(checkedIn).toEqual(compileSchemaTables(root));
  });

  it('notices a .proto change the checked-in tables do not have', () => {
    const sources = ['mesos.proto', 'scheduler.proto', 'master.proto', 'legacy.proto'].map((file) =>
      readFileSync(new URL(`../../../../src/mesos/protocol/proto/${file}`, import.meta.url), 'utf8'),
    );
    const changed = [sources[0]!.replace('optional double refuse_seconds = 1', 'optional double refuse_seconds = 7'), ...sources.slice(1)];
    expect(changed[0]).not.toBe(sources[0]);
    expect(compileSchemaTables(parseProtoSources(changed))).not.toEqual(checkedIn);
  });

  it('every message descriptor agrees with protobufjs reflection', () => {
    const schema = mesosSchema();
    const types = messageTypes(root);
    expect(types.length).toBeGreaterThan(100);
    for (const type of types) {
      const descriptor = schema.message(type.fullName);
      expect(descriptor.fullName).toBe(type.fullName.slice(1));
      expect(descriptor.fields.map((field) => [field.name, field.number])).toEqual(type.fieldsArray.map((field) => [field.name, field.id]));
      for (const field of type.fieldsArray) {
        const ours = descriptor.fieldByNumber.get(field.id)!;
        const rule = (field as unknown as { rule?: string }).rule;
        expect([field.name, ours.required, ours.repeated]).toEqual([field.name, rule === 'required', field.repeated || field.map]);
        expect([field.name, ours.mapKey]).toEqual([field.name, field instanceof protobuf.MapField ? field.keyType : undefined]);
        expect([field.name, ours.oneofSiblings]).toEqual([
          field.name,
          field.partOf ? field.partOf.oneof.filter((name) => name !== field.name) : [],
        ]);
        const resolved = field.resolvedType;
        if (resolved instanceof protobuf.Enum) {
          expect(ours.kind).toBe('enum');
          expect(Object.fromEntries(ours.enumType!.numberByName)).toEqual(resolved.values);
          expect(ours.enumType!.fullName).toBe(resolved.fullName);
        } else if (resolved instanceof protobuf.Type) {
          expect(ours.kind).toBe('message');
          expect(ours.messageType).toBe(schema.message(resolved.fullName));
        } else {
          expect(ours.kind).toBe(field.type);
        }
        const explicitDefault = field.options?.default as unknown;
        if (explicitDefault !== undefined && field.options?.deprecated !== true)
          expect([field.name, ours.jsonDefault]).toEqual([field.name, explicitDefault]);
        else expect([field.name, ours.jsonDefault]).toEqual([field.name, undefined]);
      }
    }
  });

  it('names an unknown message type; a schema from tables has no protobufjs reflection', () => {
    const schema = new Schema({ messages: {}, enums: {} });
    expect(() => schema.message('mesos.v1.Nope')).toThrow('no message type mesos.v1.Nope in the Mesos schema');
    expect(() => schema.root).toThrow('a schema built from compiled tables has no protobufjs reflection');
  });

  it('a schema given as .proto text is compiled the same way, with its protobufjs reflection', () => {
    const schema = new Schema(['syntax = "proto2"; package t; message M { required string a = 1; repeated M m = 2; }']);
    expect(schema.message('t.M').requiredFields.map((field) => field.name)).toEqual(['a']);
    expect(schema.message('t.M').fieldByName.get('m')?.messageType).toBe(schema.message('t.M'));
    expect(schema.root.lookupType('t.M').fieldsArray.length).toBe(2);
  });
});
