import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  engineAtLeast,
  engineInRange,
  parseEngineVersion,
  parseVersion,
} from '../../src/core/preflight/engine-version.js';

describe('engine versions', () => {
  it('parses the dataset approximation into bounds', () => {
    expect(parseEngineVersion('after v0.6.4, first release ~v0.6.5')).toEqual({
      text: 'after v0.6.4, first release ~v0.6.5',
      low: [0, 6, 4],
      high: [0, 6, 5],
    });
    expect(parseEngineVersion('after v0.9.2, first release ~v0.10.0')).toMatchObject({
      low: [0, 9, 2],
      high: [0, 10, 0],
    });
    // Before the first release nothing bounds it from below.
    const pre = parseEngineVersion('after pre-v0.1.0, first release ~v0.1.0');
    expect(pre?.low).toBeUndefined();
    expect(pre?.high).toEqual([0, 1, 0]);
    expect(parseEngineVersion(undefined)).toBeUndefined();
    expect(parseEngineVersion('no idea')).toBeUndefined();
  });

  it('parses installed version strings', () => {
    expect(parseEngineVersion('0.6.4.post2.dev375')).toMatchObject({ low: [0, 6, 4], high: [0, 6, 5] });
    // A .dev build of 0.6.5 comes before 0.6.5.
    expect(parseEngineVersion('0.6.5.dev12+g1a2b3c')).toMatchObject({ high: [0, 6, 5] });
    expect(parseEngineVersion('0.6.5.dev12+g1a2b3c')?.low).toBeUndefined();
    expect(parseEngineVersion('v0.7.0')).toMatchObject({ low: [0, 7, 0], high: [0, 7, 1] });
  });

  it('compares numerically, not as text', () => {
    expect(compareVersions(parseVersion('0.10.0')!, parseVersion('0.9.2')!)).toBeGreaterThan(0);
    expect(compareVersions(parseVersion('v0.6')!, [0, 6, 0])).toBe(0);
  });

  it('answers yes / no / unknown', () => {
    const ev = parseEngineVersion('after v0.6.4, first release ~v0.6.5');
    expect(engineAtLeast(ev, [0, 6, 4])).toBe('yes');
    expect(engineAtLeast(ev, [0, 6, 5])).toBe('no');
    expect(engineAtLeast(parseEngineVersion('after v0.2.1, first release ~v0.2.5'), [0, 2, 4])).toBe('unknown');
    expect(engineAtLeast(undefined, [0, 1, 0])).toBe('unknown');
    expect(engineInRange(ev, [0, 6, 3], [0, 6, 5])).toBe('yes');
    expect(engineInRange(parseEngineVersion('after v0.6.3, first release ~v0.6.4'), [0, 6, 3], [0, 6, 5])).toBe('yes');
    expect(engineInRange(parseEngineVersion('after v0.6.5, first release ~v0.6.6'), [0, 6, 3], [0, 6, 5])).toBe('no');
    expect(engineInRange(parseEngineVersion('after v0.5.5, first release ~v0.6.0'), [0, 6, 3], [0, 6, 5])).toBe('no');
    expect(engineInRange(parseEngineVersion('after v0.6.2, first release ~v0.6.4'), [0, 6, 3], [0, 6, 5])).toBe(
      'unknown',
    );
  });
});
