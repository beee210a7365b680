/**
 * What a start sequence started, to stop in reverse order: each stop runs even if an earlier one failed
 * (the failure is logged), so one broken part never leaves the others running.
 */
export class StopStack {
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(private readonly logger: Pick<Console, 'error'>) {}

  push(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.error('local cloud: stop failed', error);
      }
    }
  }
}
