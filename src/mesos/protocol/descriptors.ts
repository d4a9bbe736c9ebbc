/**
 * A compact, precomputed view of the protobuf schema that the wire and JSON codecs walk.
 *
 * protobufjs parses the proto2 files in `proto/` (our own subset of Mesos' v1 schema); this module turns its reflection objects into
 * plain tables (fields in declaration order, by name, by number, required fields, oneof siblings), so
 * the hot codec loops never touch reflection.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type protobufModule from 'protobufjs';

type Protobuf = typeof protobufModule;
let protobufLoaded: Protobuf | undefined;

/**
 * protobufjs, loaded when the first schema is compiled rather than when this module is imported:
 * `--help` and a command's start-up up to its first request never need it.
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

interface MutableField {
  name: string;
  number: number;
  index: number;
  qualifiedName: string;
  repeated: boolean;
  required: boolean;
  mapKey: ScalarKind | undefined;
  jsonDefault: unknown;
  oneofSiblings: string[];
  kind: ValueKind;
  enumType: EnumDescriptor | undefined;
  messageType: MessageDescriptor | undefined;
}

/** The schema, compiled once per process. */
export class Schema {
  readonly root: protobufModule.Root;
  private readonly messages = new Map<string, MessageDescriptor>();
  private readonly enums = new Map<string, EnumDescriptor>();

  constructor(sources: readonly string[]) {
    const protobuf = protobufjs();
    const root = new protobuf.Root();
    for (const source of sources) protobuf.parse(source, root, { keepCase: true });
    root.resolveAll();
    this.root = root;
  }

  /** Descriptor of a message type, e.g. `mesos.v1.scheduler.Call`. */
  message(fullName: string): MessageDescriptor {
    const key = fullName.startsWith('.') ? fullName : `.${fullName}`;
    const cached = this.messages.get(key);
    if (cached !== undefined) return cached;
    const type = this.root.lookupType(key);
    return this.compileMessage(type);
  }

  private compileEnum(type: protobufModule.Enum): EnumDescriptor {
    const cached = this.enums.get(type.fullName);
    if (cached !== undefined) return cached;
    const numberByName = new Map<string, number>();
    const nameByNumber = new Map<number, string>();
    for (const [name, number] of Object.entries(type.values)) {
      numberByName.set(name, number);
      if (!nameByNumber.has(number)) nameByNumber.set(number, name);
    }
    const firstName = Object.keys(type.values)[0];
    if (firstName === undefined) throw new Error(`enum ${type.fullName} has no values`);
    const descriptor: EnumDescriptor = { fullName: type.fullName, numberByName, nameByNumber, firstName };
    this.enums.set(type.fullName, descriptor);
    return descriptor;
  }

  private compileMessage(type: protobufModule.Type): MessageDescriptor {
    const fields: MutableField[] = [];
    const descriptor: MessageDescriptor = {
      fullName: type.fullName.slice(1),
      fields,
      fieldByName: new Map(),
      fieldByNumber: new Map(),
      fieldsByNumber: [],
      fieldAt: [],
      requiredFields: [],
    };
    // Registered before the fields are compiled so recursive types (ContainerID.parent) terminate.
    this.messages.set(type.fullName, descriptor);

    for (const field of type.fieldsArray) {
      field.resolve();
      const rule = (field as unknown as { rule?: string }).rule;
      const options = field.options ?? {};
      const mapKey = field instanceof protobufjs().MapField ? field.keyType : undefined;
      if (mapKey !== undefined && !isScalarKind(mapKey)) throw new Error(`map key ${mapKey} is not a scalar`);
      const compiled: MutableField = {
        name: field.name,
        number: field.id,
        index: fields.length,
        qualifiedName: `${type.fullName.slice(1)}.${field.name}`,
        repeated: field.repeated || field.map,
        required: rule === 'required',
        mapKey,
        jsonDefault: undefined,
        oneofSiblings: field.partOf ? field.partOf.oneof.filter((name) => name !== field.name) : [],
        kind: 'message',
        enumType: undefined,
        messageType: undefined,
      };
      const resolved = field.resolvedType;
      if (resolved instanceof protobufjs().Enum) {
        compiled.kind = 'enum';
        compiled.enumType = this.compileEnum(resolved);
      } else if (resolved instanceof protobufjs().Type) {
        compiled.kind = 'message';
        compiled.messageType = this.messages.get(resolved.fullName) ?? this.compileMessage(resolved);
      } else if (isScalarKind(field.type)) {
        compiled.kind = field.type;
      } else {
        throw new Error(`unsupported field type ${field.type} in ${type.fullName}`);
      }
      if ('default' in options && options.deprecated !== true && !compiled.repeated) {
        compiled.jsonDefault = options.default;
      }
      fields.push(compiled);
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
 * The schema files, in dependency order (scheduler, master and legacy refer to mesos.v1 types). They sit
 * beside this module in `src/` and are copied next to it into `dist/` by the build, so the same
 * relative URL works for tests and for the installed binary.
 */
const PROTO_FILES = ['mesos.proto', 'scheduler.proto', 'master.proto', 'legacy.proto'] as const;

/** The text of the schema files (read on first use: only commands that speak the v1 API need them). */
function mesosProtoSources(): string[] {
  return PROTO_FILES.map((file) => readFileSync(new URL(`./proto/${file}`, import.meta.url), 'utf8'));
}

let shared: Schema | undefined;

/** The process-wide Mesos schema (read and parsed on first use, a few milliseconds). */
export function mesosSchema(): Schema {
  shared ??= new Schema(mesosProtoSources());
  return shared;
}

/** Fully qualified names of the top-level messages the codec exposes. */
export const MessageNames = {
  schedulerCall: 'mesos.v1.scheduler.Call',
  schedulerEvent: 'mesos.v1.scheduler.Event',
  operatorCall: 'mesos.v1.master.Call',
  operatorResponse: 'mesos.v1.master.Response',
} as const;
