import { describe, expect, it } from 'vitest';
import { Scheduler, type Timers } from './scheduler';

/** A clock the test moves: timers fire when it passes their time, in order. */
function manualClock() {
  let now = 0;
  let next = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Timers & { advance(ms: number): void } = {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++next, { at: now + ms, fn });
      return next;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
  return clock;
}

function scheduler(debounceMs = 1000) {
  const clock = manualClock();
  const fired: number[] = [];
  const s = new Scheduler(() => fired.push(clock.now()), debounceMs, clock);
  /** An event, as the publisher passes it on while no build runs. */
  const event = () => {
    s.heard();
    s.soon();
  };
  return { s, clock, fired, event };
}

describe('when the next build starts', () => {
  it('a lone event waits only for what the CMS sends with it', () => {
    const { clock, fired, event } = scheduler();
    event();
    clock.advance(5000);
    expect(fired).toEqual([100]);
    // The next lone event, after a quiet spell, is quick again.
    event();
    clock.advance(5000);
    expect(fired).toEqual([100, 5100]);
  });

  it('each later event of a burst doubles the wait, up to the full window after its last event', () => {
    const { clock, fired, event } = scheduler();
    for (let i = 0; i < 10; i++) {
      event();
      clock.advance(50);
    }
    expect(fired).toEqual([]);
    clock.advance(2000);
    // 0 and 50 ms: one action (100 ms); then 200, 400, 800, then the full 1 s after the last, at 450 ms.
    expect(fired).toEqual([450 + 1000]);
  });

  it("an action's events, a few milliseconds apart, go out 0.1 s after the last of them", () => {
    const { clock, fired, event } = scheduler();
    for (const gap of [0, 3, 4, 2]) {
      clock.advance(gap);
      event();
    }
    clock.advance(5000);
    expect(fired).toEqual([9 + 100]);
  });

  it('a steady stream cannot hold publishing back more than five windows', () => {
    const { clock, fired, event } = scheduler();
    for (let t = 0; t < 12_000; t += 50) {
      event();
      clock.advance(50);
    }
    expect(fired[0]).toBe(5000);
    expect(fired.length).toBeGreaterThanOrEqual(2);
  });

  it('a lone event with no wait asked builds at once', () => {
    const { s, clock, fired } = scheduler();
    s.soon(0);
    clock.advance(0);
    expect(fired).toEqual([0]);
    expect(s.armed).toBeNull();
  });

  it('a retry waits its backoff; an event arriving meanwhile replaces it with the debounce', () => {
    const { s, clock, fired, event } = scheduler();
    s.retry(8000);
    expect(s.armed).toBe('retry');
    clock.advance(1000);
    event();
    expect(s.armed).toBe('debounce');
    clock.advance(10_000);
    expect(fired).toEqual([1000 + 100]);
  });

  it('a burst that started a build early keeps its pace: what arrives during the build folds into one follow-up', () => {
    const { s, clock, fired, event } = scheduler();
    event();
    clock.advance(150); // a slow second event: the first build has started at 100 ms
    expect(fired).toEqual([100]);
    // While the build runs the publisher only tells the scheduler of each event.
    for (let i = 0; i < 10; i++) {
      s.heard();
      clock.advance(50);
    }
    // The build ends at 650 ms with events pending; the burst goes on at the same pace.
    s.soon();
    for (let i = 0; i < 30; i++) {
      event();
      clock.advance(50);
    }
    clock.advance(5000);
    // One follow-up, a full window after the burst's last event (at 650 + 29 × 50 ms).
    expect(fired).toEqual([100, 650 + 29 * 50 + 1000]);
    // A quiet window later, a lone event is quick again.
    const at = clock.now();
    event();
    clock.advance(5000);
    expect(fired).toEqual([100, 3100, at + 100]);
  });

  it('cancelled, nothing fires', () => {
    const { s, clock, fired, event } = scheduler();
    event();
    s.cancel();
    clock.advance(10_000);
    expect(fired).toEqual([]);
  });
});
