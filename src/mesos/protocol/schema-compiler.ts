/**
 * The build-time half of the schema: protobufjs parses the .proto files and this module writes what
 * `descriptors.ts` needs as plain tables (`SchemaTables`). It runs in `scripts/compile-schema.mjs`
 * (from `npm run build`) and in tests; no command imports it, so protobufjs is never loaded at run time.
 */
import { readFileSync } from 'node:fs';

import protobuf from 'protobufjs';

import { type FieldTable, type SchemaTables, isScalarKind } from './descriptors.js';

/** The schema files, in dependency order (scheduler, master and legacy refer to mesos.v1 types). */
const MESOS_PROTO_FILES = ['mesos.proto', 'scheduler.proto', 'master.proto', 'legacy.proto'] as const;

/** Where the .proto files are when this module runs from src/ (tests); the build script passes its own. */
const SOURCE_PROTO_DIRECTORY = new URL('./proto/', import.meta.url);

/** protobufjs' reflection of proto2 sources, names kept as written. */
export function parseProtoSources(sources: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of sources) protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  return root;
}

/** The Mesos schema files of `directory` (default: `proto/` beside this module in src/), parsed. */
export function parseMesosProtoFiles(directory: URL = SOURCE_PROTO_DIRECTORY): protobuf.Root {
  return parseProtoSources(MESOS_PROTO_FILES.map((file) => readFileSync(new URL(file, directory), 'utf8')));
}

function compileField(field: protobuf.Field): FieldTable {
  field.resolve();
  const rule = (field as unknown as { rule?: string }).rule;
  const options = field.options ?? {};
  const mapKey = field instanceof protobuf.MapField ? field.keyType : undefined;
  if (mapKey !== undefined && !isScalarKind(mapKey)) throw new Error(`map key ${mapKey} is not a scalar`);
  const resolved = field.resolvedType;
  let type: string;
  let typeKind: FieldTable['typeKind'];
  if (resolved instanceof protobuf.Enum || resolved instanceof protobuf.Type) {
    type = resolved.fullName.slice(1);
    typeKind = resolved instanceof protobuf.Enum ? 'enum' : 'message';
  } else if (isScalarKind(field.type)) {
    type = field.type;
    typeKind = field.type;
  } else {
    throw new Error(`unsupported field type ${field.type} in ${field.parent?.fullName ?? '?'}`);
  }
  const repeated = field.repeated || field.map;
  const siblings = field.partOf ? field.partOf.oneof.filter((name) => name !== field.name) : [];
  return {
    name: field.name,
    number: field.id,
    type,
    typeKind,
    ...(repeated ? { repeated: true } : {}),
    ...(rule === 'required' ? { required: true } : {}),
    ...(mapKey !== undefined ? { mapKey } : {}),
    // Mesos' JSON writer emits such defaults even when the field is unset.
    ...('default' in options && options.deprecated !== true && !repeated ? { jsonDefault: options.default as unknown } : {}),
    ...(siblings.length > 0 ? { oneofSiblings: siblings } : {}),
  };
}

/** Every message and enum of `root` as tables, in the order protobufjs declares them. */
export function compileSchemaTables(root: protobuf.Root): SchemaTables {
  const messages: Record<string, FieldTable[]> = {};
  const enums: Record<string, Record<string, number>> = {};
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) messages[nested.fullName.slice(1)] = nested.fieldsArray.map(compileField);
      else if (nested instanceof protobuf.Enum) enums[nested.fullName.slice(1)] = { ...nested.values };
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return { messages, enums };
}
