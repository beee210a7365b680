import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DebouncedJsonFile } from './debounced-json-file';

afterEach(() => {
  vi.useRealTimers();
});

describe('DebouncedJsonFile', () => {
  it('writes a burst of changes once, after the delay, and reads it back', () => {
    vi.useFakeTimers();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'json-file-')), 'nested', 'state.json');
    let value = { count: 0 };
    const stored = new DebouncedJsonFile(file, () => value, 100);
    expect(DebouncedJsonFile.read(file)).toBeNull();

    for (let i = 1; i <= 5; i++) {
      value = { count: i };
      stored.changed();
    }
    expect(DebouncedJsonFile.read(file)).toBeNull();
    vi.advanceTimersByTime(100);
    expect(DebouncedJsonFile.read(file)).toEqual({ count: 5 });
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('spaces writes out as they get slower, so writing keeps a bounded share of the time', () => {
    vi.useFakeTimers();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'json-file-')), 'state.json');
    let now = 0;
    let value = { count: 0 };
    // Each write "takes" 200 ms on this clock; with a share of 1/20 the next waits 4 s, not 100 ms.
    const stored = new DebouncedJsonFile(file, () => ((now += 200), value), 100, 20, () => now);
    stored.changed();
    vi.advanceTimersByTime(100);
    expect(DebouncedJsonFile.read(file)).toEqual({ count: 0 });

    value = { count: 1 };
    stored.changed();
    vi.advanceTimersByTime(3_999);
    expect(DebouncedJsonFile.read(file)).toEqual({ count: 0 });
    vi.advanceTimersByTime(1);
    expect(DebouncedJsonFile.read(file)).toEqual({ count: 1 });
  });
});
