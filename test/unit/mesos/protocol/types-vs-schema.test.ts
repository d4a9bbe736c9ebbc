/**
 * The hand-written message types in `types.ts` against the schema in `proto/`: every property must
 * be a field of the message it stands for, a `required` field may not be optional in TypeScript, an
 * `optional` one must be (unless listed below with the reason), a repeated field is an array, a map
 * field a record, and enum-valued properties name only values the enum has. Inline object types are
 * checked against the field's message type, so nested payloads (`Call.accept`) are covered too.
 *
 * The types are read with the TypeScript compiler API, so aliases, generics (`Value<T>`) and
 * intersections (`ContainerID`) resolve exactly as the compiler sees them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { type FieldDescriptor, type MessageDescriptor, mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';

const TYPES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../src/mesos/protocol/types.ts');

/** Exported types whose name is not the message's own short name in `mesos.v1`. */
const MESSAGE_OF: Readonly<Record<string, string>> = {
  CommandURI: 'mesos.v1.CommandInfo.URI',
  // Exact names: the compiled tables do not search nested namespaces as protobufjs' lookup did.
  Range: 'mesos.v1.Value.Range',
  OfferOperation: 'mesos.v1.Offer.Operation',
  Call: 'mesos.v1.scheduler.Call',
  Event: 'mesos.v1.scheduler.Event',
  OperatorCall: 'mesos.v1.master.Call',
  OperatorResponse: 'mesos.v1.master.Response',
  OperatorAgent: 'mesos.v1.master.Response.GetAgents.Agent',
  OperatorFramework: 'mesos.v1.master.Response.GetFrameworks.Framework',
  OperatorGetAgents: 'mesos.v1.master.Response.GetAgents',
  OperatorGetFrameworks: 'mesos.v1.master.Response.GetFrameworks',
  OperatorGetExecutors: 'mesos.v1.master.Response.GetExecutors',
  OperatorGetTasks: 'mesos.v1.master.Response.GetTasks',
};

/** Exported object types that stand for no single message. */
const NOT_MESSAGES: ReadonlySet<string> = new Set([
  // The generic `{ value }` wrapper behind FrameworkID, AgentID, ...: checked through those aliases.
  'Value',
]);

/**
 * Singular `optional` fields the types declare as always present, and why that is safe. Nothing
 * else may tighten the schema: a decoded message can lack any optional field.
 */
const ALWAYS_SET: ReadonlySet<string> = new Set([
  // Calls this project writes; the emulator reads them only after Mesos' validation, which rejects
  // a call without its type ("Expecting 'type' to be present").
  'mesos.v1.scheduler.Call.type',
  'mesos.v1.master.Call.type',
  // Operations this project writes; the emulator answers any operation that is not a LAUNCH, one
  // without a type included, with "not supported".
  'mesos.v1.Offer.Operation.type',
]);

interface Problem {
  where: string;
  problem: string;
}

interface Checker {
  readonly checker: ts.TypeChecker;
  readonly problems: Problem[];
  readonly seen: Set<string>;
}

function program(): { checker: ts.TypeChecker; exports: ts.Symbol[] } {
  // The ES5 library and no @types: enough for arrays and records, and a fraction of the load time.
  const created = ts.createProgram([TYPES_FILE], { strict: true, noEmit: true, noResolve: true, types: [], lib: ['lib.es5.d.ts'] });
  const checker = created.getTypeChecker();
  const source = created.getSourceFile(TYPES_FILE);
  if (source === undefined) throw new Error(`cannot read ${TYPES_FILE}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${TYPES_FILE} has no exports`);
  return { checker, exports: checker.getExportsOfModule(moduleSymbol) };
}

/** The string literals of a union of string literals, or undefined for any other type. */
function stringLiterals(type: ts.Type): string[] | undefined {
  const members = type.isUnion() ? type.types : [type];
  const values: string[] = [];
  for (const member of members) {
    if (!member.isStringLiteral()) return undefined;
    values.push(member.value);
  }
  return values;
}

function checkValue(c: Checker, where: string, field: FieldDescriptor, type: ts.Type): void {
  const flags = type.getFlags();
  switch (field.kind) {
    case 'message':
      if ((flags & ts.TypeFlags.Object) === 0 && !type.isIntersection()) {
        c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field holds ${field.messageType?.fullName}` });
        return;
      }
      checkObject(c, where, field.messageType as MessageDescriptor, type);
      return;
    case 'enum': {
      if ((flags & ts.TypeFlags.String) !== 0) return;
      const literals = stringLiterals(type);
      if (literals === undefined) {
        c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field holds enum ${field.enumType?.fullName}` });
        return;
      }
      for (const literal of literals) {
        if (!(field.enumType?.numberByName.has(literal) ?? false)) {
          c.problems.push({ where, problem: `'${literal}' is not a value of ${field.enumType?.fullName}` });
        }
      }
      return;
    }
    case 'string':
    case 'bytes':
      if ((flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) === 0 && stringLiterals(type) === undefined) {
        c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field is a ${field.kind}` });
      }
      return;
    case 'bool':
      if ((flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) === 0) {
        c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field is a bool` });
      }
      return;
    default:
      if ((flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) === 0) {
        c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field is a ${field.kind}` });
      }
  }
}

function checkProperty(c: Checker, owner: string, descriptor: MessageDescriptor, property: ts.Symbol): void {
  const where = `${owner}.${property.name}`;
  const field = descriptor.fieldByName.get(property.name);
  if (field === undefined) {
    c.problems.push({ where, problem: `${descriptor.fullName} has no field ${property.name}` });
    return;
  }
  const optional = (property.getFlags() & ts.SymbolFlags.Optional) !== 0;
  if (field.required && optional) c.problems.push({ where, problem: 'is optional, the field is required' });
  if (!field.required && !field.repeated && !optional && !ALWAYS_SET.has(field.qualifiedName)) {
    c.problems.push({ where, problem: `is always present, the field ${field.qualifiedName} is optional` });
  }
  const type = c.checker.getNonNullableType(c.checker.getTypeOfSymbol(property));
  if (field.mapKey !== undefined) {
    const valueType = type.getStringIndexType();
    if (valueType === undefined) c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field is a map` });
    else checkValue(c, `${where}[key]`, field, valueType);
  } else if (field.repeated) {
    if (!c.checker.isArrayType(type)) {
      c.problems.push({ where, problem: `is ${c.checker.typeToString(type)}, the field is repeated` });
      return;
    }
    const element = c.checker.getTypeArguments(type as ts.TypeReference)[0];
    if (element !== undefined) checkValue(c, `${where}[]`, field, element);
  } else if (c.checker.isArrayType(type)) {
    c.problems.push({ where, problem: 'is an array, the field is singular' });
  } else {
    checkValue(c, where, field, type);
  }
}

function checkObject(c: Checker, where: string, descriptor: MessageDescriptor, type: ts.Type): void {
  // Named types are checked once per message; recursive ones (ContainerID.parent) end here.
  const key = `${c.checker.typeToString(type)} as ${descriptor.fullName}`;
  if (c.seen.has(key)) return;
  c.seen.add(key);
  for (const property of c.checker.getPropertiesOfType(type)) checkProperty(c, where, descriptor, property);
}

function messageFor(name: string): MessageDescriptor | undefined {
  const fullName = MESSAGE_OF[name] ?? `mesos.v1.${name}`;
  try {
    return mesosSchema().message(fullName);
  } catch {
    return undefined;
  }
}

/** Every problem found in `types.ts`, plus the names of the exported object types it checked. */
function checkTypes(): { problems: Problem[]; checked: string[] } {
  const { checker, exports } = program();
  const c: Checker = { checker, problems: [], seen: new Set() };
  const checked: string[] = [];
  for (const symbol of exports) {
    if ((symbol.getFlags() & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) === 0) continue;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    // String unions (TaskState, CallType, ...) are checked where a field uses them.
    if ((type.getFlags() & ts.TypeFlags.Object) === 0 && !type.isIntersection()) continue;
    if (NOT_MESSAGES.has(symbol.name)) continue;
    const descriptor = messageFor(symbol.name);
    if (descriptor === undefined) {
      c.problems.push({ where: symbol.name, problem: `no message ${MESSAGE_OF[symbol.name] ?? `mesos.v1.${symbol.name}`} in the schema` });
      continue;
    }
    checked.push(symbol.name);
    checkObject(c, symbol.name, descriptor, type);
  }
  return { problems: c.problems, checked };
}

describe('types.ts against the schema', () => {
  const { problems, checked } = checkTypes();

  it('checks the message types types.ts declares', () => {
    expect(checked).toEqual(
      expect.arrayContaining(['FrameworkID', 'ContainerID', 'Resource', 'TaskInfo', 'Call', 'Event', 'OperatorResponse']),
    );
    expect(checked.length).toBeGreaterThan(40);
  });

  it('declares only fields the schema has, with its optionality, repetition and enum values', () => {
    expect(problems.map(({ where, problem }) => `${where}: ${problem}`)).toEqual([]);
  });
});
