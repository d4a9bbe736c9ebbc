/**
 * A tiny JSON Schema validator for the subset the test schemas use (draft-07 keywords): type
 * (with "integer"), enum, const, properties, required, additionalProperties, patternProperties,
 * propertyNames, items (one schema, or a tuple), minItems, maxItems, minLength, pattern, minimum, maximum, anyOf, oneOf,
 * not, and `$ref` to `#/definitions/...`. An unknown keyword is an error, so a schema never
 * silently checks less than it says.
 */
type Schema = { readonly [keyword: string]: unknown };

const KEYWORDS = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'definitions',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
  'oneOf',
  'not',
  '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every problem found, each as `<JSON pointer>: <what is wrong>`; empty when valid. */
export function validateJson(value: unknown, root: Schema): string[] {
  const errors: string[] = [];
  check(value, root, root, '', errors);
  return errors;
}

function resolveRef(root: Schema, ref: string): Schema {
  const match = /^#\/definitions\/(.+)$/.exec(ref);
  const definitions = root.definitions as Record<string, Schema> | undefined;
  const target = match === null ? undefined : definitions?.[match[1] as string];
  if (target === undefined) throw new Error(`schema: cannot resolve $ref ${ref}`);
  return target;
}

function check(value: unknown, schema: Schema, root: Schema, at: string, errors: string[]): void {
  for (const keyword of Object.keys(schema))
    if (!KEYWORDS.has(keyword)) throw new Error(`schema: unsupported keyword "${keyword}" at ${at}`);
  const where = at === '' ? '/' : at;
  if (typeof schema.$ref === 'string') check(value, resolveRef(root, schema.$ref), root, at, errors);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => matchesType(value, type))) {
      errors.push(`${where}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
      return;
    }
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push(`${where}: must be ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${where}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${where}: ${value} is below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${where}: ${value} is above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${where}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${where}: more than ${schema.maxItems} items`);
    if (Array.isArray(schema.items)) {
      // Tuple form: one schema per position; positions past the list are not checked.
      const tuple = schema.items as Schema[];
      value.forEach((item, index) => {
        if (index < tuple.length) check(item, tuple[index] as Schema, root, `${at}/${index}`, errors);
      });
    } else if (schema.items !== undefined) {
      value.forEach((item, index) => check(item, schema.items as Schema, root, `${at}/${index}`, errors));
    }
  }
  if (typeOf(value) === 'object') checkObject(value as Record<string, unknown>, schema, root, at, errors);

  const passes = (sub: Schema): boolean => {
    const found: string[] = [];
    check(value, sub, root, at, found);
    return found.length === 0;
  };
  if (schema.anyOf !== undefined && !(schema.anyOf as Schema[]).some(passes)) errors.push(`${where}: matches none of anyOf`);
  if (schema.oneOf !== undefined) {
    const count = (schema.oneOf as Schema[]).filter(passes).length;
    if (count !== 1) errors.push(`${where}: matches ${count} of oneOf, not exactly 1`);
  }
  if (schema.not !== undefined && passes(schema.not as Schema))
    errors.push(`${where}: matches a schema it must not (${JSON.stringify(schema.not)})`);
}

function checkObject(value: Record<string, unknown>, schema: Schema, root: Schema, at: string, errors: string[]): void {
  const where = at === '' ? '/' : at;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>).map(
    ([pattern, sub]) => [new RegExp(pattern, 'u'), sub] as const,
  );
  for (const key of (schema.required ?? []) as string[]) if (!(key in value)) errors.push(`${where}: "${key}" is required`);
  for (const [key, item] of Object.entries(value)) {
    const path = `${at}/${key}`;
    if (schema.propertyNames !== undefined) check(key, schema.propertyNames as Schema, root, `${path} (name)`, errors);
    let known = false;
    if (key in properties) {
      known = true;
      check(item, properties[key] as Schema, root, path, errors);
    }
    for (const [pattern, sub] of patterns) {
      if (!pattern.test(key)) continue;
      known = true;
      check(item, sub, root, path, errors);
    }
    if (known) continue;
    if (schema.additionalProperties === false) errors.push(`${where}: unknown field "${key}"`);
    else if (typeof schema.additionalProperties === 'object') check(item, schema.additionalProperties as Schema, root, path, errors);
  }
}
