import { throttledRunner } from '../../src/lib/throttle';

// Fake timers (Date.now and setTimeout both): the schedule is checked exactly, whatever the
// load on the machine running the tests.

const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('throttledRunner', () => {
  it('runs at once when idle', async () => {
    const starts: number[] = [];
    const kick = throttledRunner(async () => {
      starts.push(Date.now());
    }, 200);
    const t0 = Date.now();
    kick();
    expect(starts).toEqual([t0]);
  });

  it('coalesces a burst of kicks into one more run, no sooner than the interval', async () => {
    const starts: number[] = [];
    const kick = throttledRunner(async () => {
      starts.push(Date.now());
      await sleep(10);
    }, 100);
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) {
      kick();
      await advance(1);
    }
    await advance(250);
    // 50 kicks over 50 ms: the first runs at once, the rest share one run 100 ms after it.
    expect(starts).toEqual([t0, t0 + 100]);
  });

  it('follows every kick with a run that starts after it, even one made during a run', async () => {
    const starts: number[] = [];
    const kick = throttledRunner(async () => {
      starts.push(Date.now());
      await sleep(30);
    }, 20);
    const t0 = Date.now();
    kick();
    await advance(5); // the first run is in progress
    const kickedAt = Date.now();
    kick();
    await advance(100);
    // The second run waits for the first to end (t0 + 30), which is already past the interval.
    expect(starts).toEqual([t0, t0 + 30]);
    expect(starts[1]!).toBeGreaterThan(kickedAt);
  });

  it('never runs two at once', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const kick = throttledRunner(async () => {
      runs += 1;
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(15);
      active -= 1;
    }, 0);
    for (let i = 0; i < 20; i++) {
      kick();
      await advance(2);
    }
    await advance(60);
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThan(1);
  });
});
