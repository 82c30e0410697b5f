/** Log files that child processes write into directly (one descriptor for stdout and stderr: order kept, nothing cut). */
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function openLogFd(path: string): Promise<{ fd: number; close: () => void }> {
  await mkdir(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  let closed = false;
  return {
    fd,
    close: () => {
      if (!closed) {
        closed = true;
        closeSync(fd);
      }
    },
  };
}

export async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * A descriptor as an execa stdio value. execa's types list only 3–9, but its runtime hands any
 * descriptor to spawn: the child then writes straight into the file, with no pipe through us.
 */
export function fdStdio(fd: number): 3 {
  return fd as 3;
}
