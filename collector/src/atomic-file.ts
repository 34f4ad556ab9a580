// Crash-safe file writes: write a temporary file, fsync it, rename it over the target, fsync the
// directory. After kill -9 or a power cut the target holds either the old or the new content,
// never a torn mix — the property the spool and the state file rely on.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    // A write cut short (a full disk: ENOSPC) must not leave its partial file taking the space.
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}
