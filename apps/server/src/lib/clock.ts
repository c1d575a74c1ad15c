/** The server's notion of now; tests pass a clock they can move. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move, for exact deadline tests. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }

  set(at: Date | number): void {
    this.#ms = typeof at === 'number' ? at : at.getTime();
  }
}

/** Where a DatabaseClock reads the time: the database's clock, and this process's monotonic one. */
export interface TimeSources {
  /** The database's clock, epoch ms. */
  read(): Promise<number>;
  /** A clock that never jumps, in ms (performance.now()). */
  monotonic(): number;
}

/** What a reading of the database's clock showed. */
export interface ClockReading {
  /** What the clock said just before the reading. */
  before: Date;
  /** What it says now. */
  after: Date;
}

/**
 * The database's clock, read now and then and carried forward between readings by this
 * process's monotonic clock. Deadlines are decided by it: a jump of this machine's wall
 * clock does not move it, and every process on one database agrees with every other.
 */
export class DatabaseClock implements Clock {
  #baseMs: number;
  #baseMonotonic: number;

  private constructor(
    private readonly sources: TimeSources,
    baseMs: number,
  ) {
    this.#baseMs = baseMs;
    this.#baseMonotonic = sources.monotonic();
  }

  static async start(sources: TimeSources): Promise<DatabaseClock> {
    return new DatabaseClock(sources, await sources.read());
  }

  now(): Date {
    return new Date(this.#baseMs + (this.sources.monotonic() - this.#baseMonotonic));
  }

  /**
   * Reads the database's clock again: answers what this clock says and what the database
   * says, and `adopt`, which makes this clock follow the reading.
   */
  async read(): Promise<ClockReading & { adopt(): void }> {
    const reading = await this.sources.read();
    const taken = this.sources.monotonic();
    const before = new Date(this.#baseMs + (taken - this.#baseMonotonic));
    return {
      before,
      after: new Date(reading),
      adopt: () => {
        this.#baseMs = reading;
        this.#baseMonotonic = taken;
      },
    };
  }
}
