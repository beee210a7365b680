/**
 * Keeps the triage model and what people said about tickets on local disk (DATA_DIR locally), written
 * atomically and at most once per `delayMs`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TriageModelSnapshot } from '../domain/triage-model';
import type { LearningState, TriageStorage } from '../application/triage-service';

export interface StoredTriage {
  model: TriageModelSnapshot;
  state: LearningState;
}

const FILE = 'triage-model.json';

export class FileModelStore implements TriageStorage {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly directory: string,
    private readonly current: () => StoredTriage,
    private readonly delayMs = 1000,
  ) {
    mkdirSync(directory, { recursive: true });
  }

  static load(directory: string): StoredTriage | null {
    try {
      return JSON.parse(readFileSync(path.join(directory, FILE), 'utf8')) as StoredTriage;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  changed(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const file = path.join(this.directory, FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.current()));
    renameSync(`${file}.tmp`, file);
  }
}
