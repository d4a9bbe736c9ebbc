/**
 * proto2 required-field check on a JSON-shape message, reporting paths the way protobuf's
 * `InitializationErrorString()` does (and therefore the way Mesos words "Missing required fields"):
 * first this message's missing required fields in declaration order, then, for every set message
 * field in field-number order, the sub-message's errors with the prefix `name.` or `name[i].`.
 */
import type { MessageDescriptor } from './descriptors.js';
import type { Shape } from './shape.js';

export function findMissingRequiredFields(descriptor: MessageDescriptor, shape: Shape, prefix = ''): string[] {
  const errors: string[] = [];
  collect(descriptor, shape, prefix, errors);
  return errors;
}

function collect(descriptor: MessageDescriptor, shape: Shape, prefix: string, errors: string[]): void {
  for (const field of descriptor.requiredFields) {
    const value = shape[field.name];
    if (value === undefined || value === null) errors.push(prefix + field.name);
  }
  for (const field of descriptor.fieldsByNumber) {
    if (field.kind !== 'message') continue;
    const value = shape[field.name];
    if (value === undefined || value === null) continue;
    const messageType = field.messageType as MessageDescriptor;
    if (field.mapKey !== undefined) {
      // A map is a repeated entry message {key = 1; value = 2}; only the value can have required fields.
      let index = 0;
      for (const entry of Object.values(value as Shape)) {
        if (entry !== null && typeof entry === 'object') {
          collect(messageType, entry as Shape, `${prefix}${field.name}[${index}].value.`, errors);
        }
        index += 1;
      }
    } else if (field.repeated) {
      (value as unknown[]).forEach((element, index) => {
        if (element !== null && typeof element === 'object') {
          collect(messageType, element as Shape, `${prefix}${field.name}[${index}].`, errors);
        }
      });
    } else if (typeof value === 'object') {
      collect(messageType, value as Shape, `${prefix}${field.name}.`, errors);
    }
  }
}
