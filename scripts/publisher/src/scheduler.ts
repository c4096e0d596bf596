/** Time as the scheduler sees it: the real clock, or a test's. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * When the next build starts. The debounce adapts to the desk's pace: an editor's action (its
 * events come within milliseconds of each other: a publish is a create or an update, then the
 * publish) waits only `QUICK_MS` after its last event; each event that comes later than that in the
 * same burst doubles the wait, up to the full window (`debounceMs`), so a bulk publish still folds
 * into one build. A burst lasts until the desk is quiet for a whole window, across builds: the
 * events that arrive while a build runs keep their pace, and the follow-up waits for the burst's
 * end instead of starting after 0.1 s. A steady stream cannot hold publishing back longer than
 * `maxWindows` windows from the first event waiting. A failed build arms a retry instead; a new
 * event replaces a pending retry with the debounce. One timer at most is armed.
 */
export class Scheduler {
  /** What an action waits for after its last event: the CMS sends its events within milliseconds. */
  static readonly QUICK_MS = 100;
  private timer: unknown;
  private armedAs: 'debounce' | 'retry' | null = null;
  /** When the debounce now armed started: the cap on a steady stream counts from there. */
  private armedSince = 0;
  private burstStart = -Infinity;
  private lastEvent = -Infinity;
  /** How many times the current burst has doubled its wait. */
  private level = 0;

  constructor(
    private readonly fire: () => void,
    private readonly debounceMs: number,
    private readonly timers: Timers = realTimers,
    private readonly maxWindows = 5
  ) {}

  /** What is armed: a debounce window, a retry, or nothing. */
  get armed() {
    return this.armedAs;
  }

  /** An event arrived, whether or not a build runs: it sets the burst's pace (see the class). */
  heard() {
    const now = this.timers.now();
    if (now - this.lastEvent > this.debounceMs) {
      this.burstStart = now; // a quiet window: a new burst
      this.level = 0;
    } else if (now - this.burstStart >= Scheduler.QUICK_MS) {
      this.level = Math.min(this.level + 1, 30); // not the same action any more
    }
    this.lastEvent = now;
  }

  /**
   * Starts the debounce window, or pushes it back (at most `maxWindows` windows from its start):
   * by `delay` when given, else as the burst's pace asks.
   */
  soon(delay?: number) {
    const now = this.timers.now();
    if (this.armedAs !== 'debounce') this.armedSince = now;
    const wait = delay ?? Math.min(this.debounceMs, Scheduler.QUICK_MS * 2 ** this.level);
    const left = this.debounceMs * this.maxWindows - (now - this.armedSince);
    this.arm('debounce', Math.max(0, Math.min(wait, left)));
  }

  /** Fires after `delay` (a failed build's backoff). */
  retry(delay: number) {
    this.arm('retry', delay);
  }

  cancel() {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAs = null;
  }

  private arm(kind: 'debounce' | 'retry', ms: number) {
    this.cancel();
    this.armedAs = kind;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.armedAs = null;
      this.fire();
    }, ms);
  }
}
