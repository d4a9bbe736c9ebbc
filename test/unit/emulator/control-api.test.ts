import { describe, expect, it } from 'vitest';
import { agentHostname } from '../../../src/emulator/control-api.js';
import { isLoopbackIPv4 } from '../../../src/shared/loopback.js';

describe('agentHostname: where agent i of the local cluster listens', () => {
  it('agent 1 (i = 0) is 127.0.0.2, next to the master on 127.0.0.1', () => {
    expect(agentHostname(0)).toBe('127.0.0.2');
    expect(agentHostname(1)).toBe('127.0.0.3');
  });

  it('past 127.0.0.254 it wraps to 127.0.1.1, skipping .255 and .0', () => {
    expect(agentHostname(252)).toBe('127.0.0.254');
    expect(agentHostname(253)).toBe('127.0.1.1');
    expect(agentHostname(254)).toBe('127.0.1.2');
    expect(agentHostname(506)).toBe('127.0.1.254');
    expect(agentHostname(507)).toBe('127.0.2.1');
  });

  it("1,000 agents get 1,000 distinct loopback addresses, none the master's, none ending in .0 or .255", () => {
    const all = Array.from({ length: 1000 }, (_, i) => agentHostname(i));
    expect(new Set(all).size).toBe(1000);
    expect(all).not.toContain('127.0.0.1');
    for (const host of all) {
      expect(isLoopbackIPv4(host), host).toBe(true);
      expect(host).not.toMatch(/\.(0|255)$/);
    }
  });
});
