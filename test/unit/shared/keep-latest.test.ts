import { describe, expect, it } from 'vitest';
import { pushKeepingLatest } from '../../../src/shared/keep-latest.js';

describe('pushKeepingLatest', () => {
  it('keeps the latest items, oldest first', () => {
    const list: number[] = [];
    for (let i = 1; i <= 7; i++) pushKeepingLatest(list, i, 3);
    expect(list).toEqual([5, 6, 7]);
  });

  it('trims a list that is already longer than the bound', () => {
    const list = [1, 2, 3, 4, 5];
    pushKeepingLatest(list, 6, 2);
    expect(list).toEqual([5, 6]);
  });

  it('keeps everything below the bound', () => {
    const list = [1];
    pushKeepingLatest(list, 2, 3);
    expect(list).toEqual([1, 2]);
  });
});
