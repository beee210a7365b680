/**
 * Remembers which loopback port each emulator got, so a restart reuses it: endpoints stay the same for
 * the user's tools, and for function modules that built their SDK clients before the restart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class PortBook {
  private constructor(
    private readonly file: string,
    private readonly ports: Record<string, number>,
  ) {}

  static async open(dataDir: string): Promise<PortBook> {
    const file = path.join(dataDir, 'ports.json');
    return new PortBook(file, await readPorts(file));
  }

  /** Starts `name` on its remembered port, or on any free one when that is taken (or new). */
  async start<T extends { port: number }>(name: string, start: (port: number) => Promise<T>): Promise<T> {
    const preferred = this.ports[name] ?? 0;
    let started: T;
    try {
      started = await start(preferred);
    } catch (error) {
      if (preferred === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      started = await start(0);
    }
    this.ports[name] = started.port;
    // Merged into what is on disk now: the emulators' process books its ports in the same file.
    await writeFile(this.file, JSON.stringify({ ...(await readPorts(this.file)), [name]: started.port }, null, 2));
    return started;
  }
}

async function readPorts(file: string): Promise<Record<string, number>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
