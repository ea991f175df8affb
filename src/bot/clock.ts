/** The bot's clock: it starts at a chosen instant (--now, BOT_NOW), runs in real time, moves only forward. */
export class Clock {
  private offset: number;
  constructor(start?: Date) {
    this.offset = start ? start.getTime() - Date.now() : 0;
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  /** Moves the clock to `instant` if that is later; never back. */
  advanceTo(instant: Date): void {
    const delta = instant.getTime() - this.now().getTime();
    if (delta > 0) this.offset += delta;
  }
}
