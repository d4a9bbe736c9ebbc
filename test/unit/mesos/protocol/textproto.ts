/**
 * Test helper: renders a JSON-shape message the way `protoc --decode` prints it (fields in field
 * number order, two-space indentation, doubles via protobuf's SimpleDtoa, C-escaped strings), so
 * decoded messages can be compared with the protoc output stored in the transcripts.
 */
import type { FieldDescriptor, MessageDescriptor } from '../../../../src/mesos/protocol/descriptors.js';

type Shape = Record<string, unknown>;

/** C's `%.<precision>g`. */
function formatG(value: number, precision: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponential = value.toExponential(precision - 1);
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  const trim = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  if (exponent < -4 || exponent >= precision) {
    const mantissa = trim(exponential.slice(0, exponential.indexOf('e')));
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trim(value.toFixed(precision - 1 - exponent));
}

/** protobuf's SimpleDtoa: 15 significant digits, or 17 when 15 do not round-trip. */
export function simpleDtoa(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isNaN(value)) return 'nan';
  const short = formatG(value, 15);
  return Number(short) === value ? short : formatG(value, 17);
}

/** protobuf's CEscape on the UTF-8 bytes. */
function cEscape(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x27) out += "\\'";
    else if (byte === 0x5c) out += '\\\\';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

function scalarText(field: FieldDescriptor, value: unknown): string {
  switch (field.kind) {
    case 'double':
    case 'float':
      return simpleDtoa(value as number);
    case 'string':
      return `"${cEscape(Buffer.from(value as string, 'utf8'))}"`;
    case 'bytes':
      return `"${cEscape(Buffer.from(value as string, 'base64'))}"`;
    case 'bool':
      return value === true ? 'true' : 'false';
    default:
      return String(value);
  }
}

function render(descriptor: MessageDescriptor, shape: Shape, indent: string, lines: string[]): void {
  for (const field of descriptor.fieldsByNumber) {
    const value = shape[field.name];
    if (value === undefined || value === null) continue;
    if (field.mapKey !== undefined) {
      for (const [key, entry] of Object.entries(value as Shape)) {
        lines.push(`${indent}${field.name} {`);
        lines.push(`${indent}  key: ${field.mapKey === 'string' ? `"${cEscape(Buffer.from(key))}"` : key}`);
        if (field.kind === 'message') {
          lines.push(`${indent}  value {`);
          render(field.messageType as MessageDescriptor, entry as Shape, `${indent}    `, lines);
          lines.push(`${indent}  }`);
        } else {
          lines.push(`${indent}  value: ${scalarText(field, entry)}`);
        }
        lines.push(`${indent}}`);
      }
      continue;
    }
    const values = field.repeated ? (value as unknown[]) : [value];
    for (const element of values) {
      if (field.kind === 'message') {
        lines.push(`${indent}${field.name} {`);
        render(field.messageType as MessageDescriptor, element as Shape, `${indent}  `, lines);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}${field.name}: ${scalarText(field, element)}`);
      }
    }
  }
}

export function toTextProto(descriptor: MessageDescriptor, shape: object): string {
  const lines: string[] = [];
  render(descriptor, shape as Shape, '', lines);
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * The `protoc --decode` renderings stored in a transcript's .txt, in record order. Handles both
 * layouts used there: inline after each record, and a block of `[record N]` sections at the end.
 */
export function protocDecodings(text: string): string[] {
  const inline = [...text.matchAll(/protoc --decode=[\w.]+:\n([\s\S]*?)\n\n/g)].map((match) => `${match[1] ?? ''}\n`);
  if (inline.length > 0) return inline;
  const marker = text.indexOf('--- protoc --decode=');
  if (marker < 0) return [];
  const rest = `${text.slice(text.indexOf('\n', marker) + 1)}\n\n`;
  return [...rest.matchAll(/\[record \d+\]\n([\s\S]*?)\n\n/g)].map((match) => `${match[1] ?? ''}\n`);
}
