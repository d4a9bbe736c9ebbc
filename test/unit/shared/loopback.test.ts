import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isLoopbackIPv4 } from '../../../src/shared/loopback.js';

describe('isLoopbackIPv4', () => {
  it('accepts 127.x.y.z with parts up to 255', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '127.255.255.255', '127.1.2.3']) expect(isLoopbackIPv4(host)).toBe(true);
  });

  it('refuses other addresses, names and out-of-range parts', () => {
    for (const host of ['10.0.0.1', '128.0.0.1', '127.0.0.256', '127.0.0', '127.0.0.1.5', 'localhost', '::1', ' 127.0.0.1']) {
      expect(isLoopbackIPv4(host)).toBe(false);
    }
  });
});

describe('isLoopbackHost', () => {
  it('accepts localhost, ::1 with or without brackets, and 127.x.y.z', () => {
    for (const host of ['localhost', '::1', '[::1]', '127.0.0.1', '127.0.0.9']) expect(isLoopbackHost(host)).toBe(true);
  });

  it('refuses names that only resolve to loopback and other addresses', () => {
    for (const host of ['localhost.localdomain', 'example.com', '192.168.1.1', '[::2]', '0.0.0.0', '']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
