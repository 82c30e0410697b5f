/** What a real engine container gets from the runner: the HF token by name, the model cache, data files read-only. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerInputs } from '../../src/adapters/container-inputs.js';

describe('containerInputs', () => {
  it('forwards the Hugging Face token and nothing else of the runner, mounts the cache and the data files', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ci-home-'));
    const data = join(home, 'ShareGPT.json');
    await writeFile(data, '[]');
    const got = containerInputs(
      { HOME: home, HF_TOKEN: 'hf_abcdefghijkl', GITHUB_TOKEN: 'ghs_x', PATH: '/evil' },
      { 'ShareGPT.json': data, 'other.json': join(home, 'absent.json') },
    );
    expect(got.env).toEqual({ HF_HOME: '/root/.cache/huggingface', HF_TOKEN: 'hf_abcdefghijkl' });
    expect(got.volumes).toContainEqual({
      host: join(home, '.cache', 'huggingface'),
      container: '/root/.cache/huggingface',
    });
    expect(existsSync(join(home, '.cache', 'huggingface'))).toBe(true);
    expect(got.volumes).toContainEqual({ host: data, container: data, readOnly: true });
    expect(got.missing).toEqual([join(home, 'absent.json')]);
  });

  it('a relative data path is never mounted (docker would make a directory of it)', () => {
    const got = containerInputs({}, { 'x.json': 'data/x.json' });
    expect(got.volumes).toEqual([]);
    expect(got.missing).toEqual(['data/x.json']);
  });
});
