import { describe, expect, it } from 'vitest';
import { flattenResources, withDefaultResources } from '../../../../src/emulator/agent/agent-resources.js';
import { toMesosJson } from '../../../../src/emulator/mesos-json.js';
import { formatResourcesFlag, parseResourcesFlag } from '../../../../src/mesos/resources/resources-flag.js';

describe('the local agent around its --resources', () => {
  it('adds the standard resources the flag leaves out, like an agent does', () => {
    const resources = withDefaultResources(parseResourcesFlag('mem:512;ports:[19998-19999]'));
    expect(formatResourcesFlag(resources)).toBe('mem:512;ports:[19998-19999];cpus:1;disk:10240');
  });

  it('flattens to the /state form with doubles and the ports string', () => {
    const flat = flattenResources(parseResourcesFlag('cpus:2;mem:2048;disk:4096;ports:[19998-19999,29998-30000]'));
    expect(toMesosJson(flat).toString()).toBe('{"disk":4096.0,"mem":2048.0,"gpus":0.0,"cpus":2.0,"ports":"[19998-19999, 29998-30000]"}');
    expect(toMesosJson(flattenResources([])).toString()).toBe('{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0}');
  });

  it('prints sets and merged ranges in the /state form', () => {
    const flat = flattenResources(parseResourcesFlag('ports:[3-4];ports(r):[1-2];zones:{a,b};zones(r):{b,c}'));
    expect(toMesosJson(flat).toString()).toBe('{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0,"ports":"[1-4]","zones":"{a, b, c}"}');
  });
});
