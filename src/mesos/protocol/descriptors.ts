/**
 * A compact, precomputed view of the protobuf schema that the wire and JSON codecs walk.
 *
 * The proto2 files in `proto/` (our own subset of Mesos' v1 schema) are compiled at build time
 * (`scripts/compile-schema.mjs`: protobufjs parses them, `compileSchemaTables` below) into plain JSON
 * tables, `mesos-schema.json`; this module turns those into descriptors (fields in declaration order, by
 * name, by number, required fields, oneof siblings), so the hot codec loops never touch reflection
 * and a command never loads protobufjs or parses a .proto file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type protobufModule from 'protobufjs';

type Protobuf = typeof protobufModule;
let protobufLoaded: Protobuf | undefined;

/**
 * protobufjs, only for a schema given as .proto text (the build's compile step, tests): a command
 * reads the tables the build compiled and never loads it (it is a development dependency).
 */
function protobufjs(): Protobuf {
  protobufLoaded ??= createRequire(import.meta.url)('protobufjs') as Protobuf;
  return protobufLoaded;
}

export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

export type ValueKind = ScalarKind | 'enum' | 'message';

export interface EnumDescriptor {
  readonly fullName: string;
  readonly numberByName: ReadonlyMap<string, number>;
  /** First declared name for each number. */
  readonly nameByNumber: ReadonlyMap<number, string>;
  /** The first declared value: proto2's implicit default. */
  readonly firstName: string;
}

/** What a field (or a map's key or value) holds. */
export interface ValueDescriptor {
  readonly kind: ValueKind;
  readonly enumType: EnumDescriptor | undefined;
  /** Resolved lazily because message types refer to each other. */
  readonly messageType: MessageDescriptor | undefined;
}

export interface FieldDescriptor extends ValueDescriptor {
  readonly name: string;
  readonly number: number;
  /** Position in declaration order. */
  readonly index: number;
  /** `package.Message.field`, for error messages. */
  readonly qualifiedName: string;
  readonly repeated: boolean;
  readonly required: boolean;
  /** For `map<K, V>` fields (which are also `repeated`): the key; the field's own kind describes V. */
  readonly mapKey: ScalarKind | undefined;
  /**
   * The explicit `[default = ...]` of a singular field that is not deprecated, in JSON-shape form.
   * Mesos' JSON writer emits such fields even when they are unset.
   */
  readonly jsonDefault: unknown;
  /** The other members of this field's oneof (empty outside a oneof). */
  readonly oneofSiblings: readonly string[];
}

export interface MessageDescriptor {
  readonly fullName: string;
  /** Declaration order (the order Mesos writes JSON fields in). */
  readonly fields: readonly FieldDescriptor[];
  readonly fieldByName: ReadonlyMap<string, FieldDescriptor>;
  readonly fieldByNumber: ReadonlyMap<number, FieldDescriptor>;
  /** Ascending field number (the order the wire encoder writes fields in). */
  readonly fieldsByNumber: readonly FieldDescriptor[];
  /** `fieldAt[number]`: a dense lookup table for the decoder (field numbers here are small). */
  readonly fieldAt: ReadonlyArray<FieldDescriptor | undefined>;
  readonly requiredFields: readonly FieldDescriptor[];
}

const SCALAR_KINDS: ReadonlySet<string> = new Set<ScalarKind>([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

function isScalarKind(type: string): type is ScalarKind {
  return SCALAR_KINDS.has(type);
}

/** One field as compiled from the .proto files; optional members are left out when unset or false. */
interface FieldTable {
  readonly name: string;
  readonly number: number;
  /** A scalar kind, or the full name (no leading dot) of an enum or message type. */
  readonly type: string;
  readonly typeKind: ValueKind;
  readonly repeated?: true;
  readonly required?: true;
  readonly mapKey?: ScalarKind;
  /** The explicit `[default = ...]` of a singular field that is not deprecated. */
  readonly jsonDefault?: unknown;
  readonly oneofSiblings?: readonly string[];
}

/**
 * The whole schema as plain data, keyed by full name without the leading dot; messages' fields and
 * enums' values in declaration order.
 */
export interface SchemaTables {
  readonly messages: Readonly<Record<string, readonly FieldTable[]>>;
  readonly enums: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

interface MutableField {
  name: string;
  number: number;
  index: number;
  qualifiedName: string;
  repeated: boolean;
  required: boolean;
  mapKey: ScalarKind | undefined;
  jsonDefault: unknown;
  oneofSiblings: readonly string[];
  kind: ValueKind;
  enumType: EnumDescriptor | undefined;
  messageType: MessageDescriptor | undefined;
}

const NO_SIBLINGS: readonly string[] = [];

/** protobufjs' reflection of proto2 sources, names kept as written. */
export function parseProtoSources(sources: readonly string[]): protobufModule.Root {
  const protobuf = protobufjs();
  const root = new protobuf.Root();
  for (const source of sources) protobuf.parse(source, root, { keepCase: true });
  root.resolveAll();
  return root;
}

function compileField(field: protobufModule.Field): FieldTable {
  const protobuf = protobufjs();
  field.resolve();
  const rule = (field as unknown as { rule?: string }).rule;
  const options = field.options ?? {};
  const mapKey = field instanceof protobuf.MapField ? field.keyType : undefined;
  if (mapKey !== undefined && !isScalarKind(mapKey)) throw new Error(`map key ${mapKey} is not a scalar`);
  const resolved = field.resolvedType;
  let type: string;
  let typeKind: ValueKind;
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

/** Every message and enum of a parsed schema as tables, in the order protobufjs declares them. */
export function compileSchemaTables(root: protobufModule.Root): SchemaTables {
  const protobuf = protobufjs();
  const messages: Record<string, FieldTable[]> = {};
  const enums: Record<string, Record<string, number>> = {};
  const visit = (namespace: protobufModule.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) messages[nested.fullName.slice(1)] = nested.fieldsArray.map(compileField);
      else if (nested instanceof protobuf.Enum) enums[nested.fullName.slice(1)] = { ...nested.values };
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return { messages, enums };
}

function isSourceList(source: SchemaTables | readonly string[]): source is readonly string[] {
  return Array.isArray(source);
}

/** The schema's descriptors, built from its tables on first use of each type. */
export class Schema {
  private readonly messages = new Map<string, MessageDescriptor>();
  private readonly enums = new Map<string, EnumDescriptor>();
  private readonly tables: SchemaTables;
  private readonly parsed: protobufModule.Root | undefined;

  /** From compiled tables (what commands use), or from .proto text parsed by protobufjs (the build, tests). */
  constructor(source: SchemaTables | readonly string[]) {
    if (isSourceList(source)) {
      this.parsed = parseProtoSources(source);
      this.tables = compileSchemaTables(this.parsed);
    } else {
      this.parsed = undefined;
      this.tables = source;
    }
  }

  /** protobufjs' reflection, for a schema given as .proto text (tests compare with protobufjs' own codec). */
  get root(): protobufModule.Root {
    if (this.parsed === undefined) throw new Error('a schema built from compiled tables has no protobufjs reflection');
    return this.parsed;
  }

  /** Descriptor of a message type, e.g. `mesos.v1.scheduler.Call`. */
  message(fullName: string): MessageDescriptor {
    const key = fullName.startsWith('.') ? fullName.slice(1) : fullName;
    return this.messages.get(key) ?? this.compileMessage(key);
  }

  private enumType(fullName: string): EnumDescriptor {
    const cached = this.enums.get(fullName);
    if (cached !== undefined) return cached;
    const values = this.tables.enums[fullName];
    if (values === undefined) throw new Error(`no enum ${fullName} in the Mesos schema`);
    const numberByName = new Map<string, number>();
    const nameByNumber = new Map<number, string>();
    for (const [name, number] of Object.entries(values)) {
      numberByName.set(name, number);
      if (!nameByNumber.has(number)) nameByNumber.set(number, name);
    }
    const firstName = Object.keys(values)[0];
    if (firstName === undefined) throw new Error(`enum ${fullName} has no values`);
    // Dotted like protobufjs' reflection names, as these descriptors always were.
    const descriptor: EnumDescriptor = { fullName: `.${fullName}`, numberByName, nameByNumber, firstName };
    this.enums.set(fullName, descriptor);
    return descriptor;
  }

  private compileMessage(fullName: string): MessageDescriptor {
    const table = this.tables.messages[fullName];
    if (table === undefined) throw new Error(`no message type ${fullName} in the Mesos schema`);
    const fields: MutableField[] = [];
    const descriptor: MessageDescriptor = {
      fullName,
      fields,
      fieldByName: new Map(),
      fieldByNumber: new Map(),
      fieldsByNumber: [],
      fieldAt: [],
      requiredFields: [],
    };
    // Registered before the fields are compiled so recursive types (ContainerID.parent) terminate.
    this.messages.set(fullName, descriptor);

    for (const field of table) {
      fields.push({
        name: field.name,
        number: field.number,
        index: fields.length,
        qualifiedName: `${fullName}.${field.name}`,
        repeated: field.repeated === true,
        required: field.required === true,
        mapKey: field.mapKey,
        jsonDefault: field.jsonDefault,
        oneofSiblings: field.oneofSiblings ?? NO_SIBLINGS,
        kind: field.typeKind,
        enumType: field.typeKind === 'enum' ? this.enumType(field.type) : undefined,
        messageType: field.typeKind === 'message' ? this.message(field.type) : undefined,
      });
    }

    const byName = descriptor.fieldByName as Map<string, FieldDescriptor>;
    const byNumber = descriptor.fieldByNumber as Map<number, FieldDescriptor>;
    for (const field of fields) {
      byName.set(field.name, field);
      byNumber.set(field.number, field);
    }
    (descriptor.fieldsByNumber as FieldDescriptor[]).push(...[...fields].sort((a, b) => a.number - b.number));
    const fieldAt = descriptor.fieldAt as Array<FieldDescriptor | undefined>;
    for (const field of fields) {
      if (field.number < 1024) {
        while (fieldAt.length <= field.number) fieldAt.push(undefined);
        fieldAt[field.number] = field;
      }
    }
    (descriptor.requiredFields as FieldDescriptor[]).push(...fields.filter((field) => field.required));
    return descriptor;
  }
}

/** proto2's implicit default of a value, in JSON-shape form (what an unset map key or value reads as). */
export function implicitDefault(value: ValueDescriptor): unknown {
  switch (value.kind) {
    case 'string':
    case 'bytes':
      return '';
    case 'bool':
      return false;
    case 'enum':
      return value.enumType?.firstName;
    case 'message':
      return {};
    default:
      return 0;
  }
}

export interface MapEntryFields {
  key: FieldDescriptor;
  value: FieldDescriptor;
}

const mapEntryCache = new WeakMap<FieldDescriptor, MapEntryFields>();

/** The implicit `{ key = 1; value = 2; }` entry message of a `map<K, V>` field. */
export function mapEntryFields(field: FieldDescriptor): MapEntryFields {
  let entry = mapEntryCache.get(field);
  if (entry === undefined) {
    const base = { repeated: false, required: false, mapKey: undefined, jsonDefault: undefined, oneofSiblings: [] };
    entry = {
      key: {
        ...base,
        name: 'key',
        number: 1,
        index: 0,
        qualifiedName: `${field.qualifiedName}.key`,
        kind: field.mapKey ?? 'string',
        enumType: undefined,
        messageType: undefined,
      },
      value: {
        ...base,
        name: 'value',
        number: 2,
        index: 1,
        qualifiedName: `${field.qualifiedName}.value`,
        kind: field.kind,
        enumType: field.enumType,
        messageType: field.messageType,
      },
    };
    mapEntryCache.set(field, entry);
  }
  return entry;
}

/**
 * The compiled tables sit beside this module: `src/mesos/protocol/mesos-schema.json` is checked in
 * (a unit test fails when it no longer matches the .proto files) and the build writes
 * `dist/mesos/protocol/mesos-schema.json` from the .proto files, so the same relative URL works for
 * tests and for the installed binary.
 */
const SCHEMA_TABLES_URL = new URL('./mesos-schema.json', import.meta.url);

let shared: Schema | undefined;

/** The process-wide Mesos schema (its tables read on first use: only commands that speak to Mesos need them). */
export function mesosSchema(): Schema {
  shared ??= new Schema(JSON.parse(readFileSync(SCHEMA_TABLES_URL, 'utf8')) as SchemaTables);
  return shared;
}

/** Fully qualified names of the top-level messages the codec exposes. */
export const MessageNames = {
  schedulerCall: 'mesos.v1.scheduler.Call',
  schedulerEvent: 'mesos.v1.scheduler.Event',
  operatorCall: 'mesos.v1.master.Call',
  operatorResponse: 'mesos.v1.master.Response',
} as const;
