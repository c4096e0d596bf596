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
  return { s, clock, fired };
}

describe('when the next build starts', () => {
  it('a lone event waits only for what the CMS sends with it', () => {
    const { s, clock, fired } = scheduler();
    s.soon();
    clock.advance(5000);
    expect(fired).toEqual([100]);
    // The next lone event, after a quiet spell, is quick again.
    s.soon();
    clock.advance(5000);
    expect(fired).toEqual([100, 5100]);
  });

  it('each later event of a burst doubles the wait, up to the full window after its last event', () => {
    const { s, clock, fired } = scheduler();
    for (let i = 0; i < 10; i++) {
      s.soon();
      clock.advance(50);
    }
    expect(fired).toEqual([]);
    clock.advance(2000);
    // 0 and 50 ms: one action (100 ms); then 200, 400, 800, then the full 1 s after the last, at 450 ms.
    expect(fired).toEqual([450 + 1000]);
  });

  it("an action's events, a few milliseconds apart, go out 0.1 s after the last of them", () => {
    const { s, clock, fired } = scheduler();
    for (const gap of [0, 3, 4, 2]) {
      clock.advance(gap);
      s.soon();
    }
    clock.advance(5000);
    expect(fired).toEqual([9 + 100]);
  });

  it('a steady stream cannot hold publishing back more than five windows', () => {
    const { s, clock, fired } = scheduler();
    for (let t = 0; t < 12_000; t += 50) {
      s.soon();
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
    const { s, clock, fired } = scheduler();
    s.retry(8000);
    expect(s.armed).toBe('retry');
    clock.advance(1000);
    s.soon();
    expect(s.armed).toBe('debounce');
    clock.advance(10_000);
    expect(fired).toEqual([1000 + 100]);
  });

  it('cancelled, nothing fires', () => {
    const { s, clock, fired } = scheduler();
    s.soon();
    s.cancel();
    clock.advance(10_000);
    expect(fired).toEqual([]);
  });
});
