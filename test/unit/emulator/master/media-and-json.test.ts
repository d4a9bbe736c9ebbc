import { describe, expect, it } from 'vitest';
import { acceptsMediaType, negotiateEventMediaType, requestMediaType } from '../../../../src/emulator/master/media.js';
import { double as dbl, formatDouble, stringifyMesosJson } from '../../../../src/emulator/mesos-json.js';
import { validateId } from '../../../../src/emulator/master/offer-validation.js';
import { Resources } from '../../../../src/mesos/resources/resource-set.js';
import { flattenResources } from '../../../../src/emulator/master/state-json.js';
import { ipv4ToMesosInt, IdGenerator } from '../../../../src/emulator/master/ids.js';

describe('content negotiation', () => {
  it('takes only the two Mesos media types as Content-Type, exactly', () => {
    expect(requestMediaType('application/json')).toBe('application/json');
    expect(requestMediaType('application/x-protobuf')).toBe('application/x-protobuf');
    expect(requestMediaType('application/json; charset=utf-8')).toBe('unsupported');
    expect(requestMediaType(undefined)).toBe('missing');
  });

  it('prefers JSON, follows wildcards and q=0, and answers nothing for text/html', () => {
    expect(negotiateEventMediaType(undefined)).toBe('application/json');
    expect(negotiateEventMediaType('*/*')).toBe('application/json');
    expect(negotiateEventMediaType('application/x-protobuf')).toBe('application/x-protobuf');
    expect(negotiateEventMediaType('application/json;q=0, */*')).toBe('application/x-protobuf');
    expect(negotiateEventMediaType('text/html')).toBeUndefined();
    expect(acceptsMediaType('application/*;q=0, application/json', 'application/json')).toBe(true);
    expect(acceptsMediaType('application/*;q=0, application/json', 'application/x-protobuf')).toBe(false);
  });
});

describe('Mesos JSON', () => {
  it('prints doubles with a fraction, as rapidjson does', () => {
    expect(formatDouble(15)).toBe('15.0');
    expect(formatDouble(0)).toBe('0.0');
    expect(formatDouble(1.9)).toBe('1.9');
    expect(formatDouble(1795548249.5472744)).toBe('1795548249.5472744');
    expect(stringifyMesosJson({ a: dbl(2), b: 5051, c: 'x', d: [dbl(0.1)], e: undefined })).toBe('{"a":2.0,"b":5051,"c":"x","d":[0.1]}');
  });

  it('flattens resources like /master/state: fixed scalars first, ranges as a string, absent when none', () => {
    const r = Resources.fromProto([
      {
        name: 'ports',
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 29998, end: 30000 },
            { begin: 19998, end: 19999 },
          ],
        },
      },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } },
    ]);
    expect(stringifyMesosJson(flattenResources(r))).toBe(
      '{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":2.0,"ports":"[19998-19999, 29998-30000]"}',
    );
    expect(stringifyMesosJson(flattenResources(Resources.EMPTY))).toBe('{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0}');
  });
});

describe('ids', () => {
  it('formats ids as Mesos does', () => {
    const ids = new IdGenerator('b8564f73-9862-4214-8536-043f0ff29368');
    expect([ids.agentId(), ids.frameworkId(), ids.offerId(), ids.offerId()]).toEqual([
      'b8564f73-9862-4214-8536-043f0ff29368-S0',
      'b8564f73-9862-4214-8536-043f0ff29368-0000',
      'b8564f73-9862-4214-8536-043f0ff29368-O0',
      'b8564f73-9862-4214-8536-043f0ff29368-O1',
    ]);
    expect(ipv4ToMesosInt('127.0.0.1')).toBe(16777343);
  });

  it('validates task ids like common::validation::validateID', () => {
    expect(validateId('probe-task-1')).toBeUndefined();
    expect(validateId('')).toBe('ID must not be empty');
    expect(validateId('..')).toBe("'..' is disallowed");
    expect(validateId('a/b')).toBe("'a/b' contains invalid characters");
    expect(validateId('x'.repeat(256))).toBe('ID must not be greater than 255 characters');
  });
});
