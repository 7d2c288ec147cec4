import { throttledRunner } from '../../src/lib/throttle';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('throttledRunner', () => {
  it('runs at once when idle', async () => {
    const starts: number[] = [];
    const kick = throttledRunner(async () => {
      starts.push(Date.now());
    }, 200);
    const t0 = Date.now();
    kick();
    await sleep(0);
    expect(starts).toHaveLength(1);
    expect(starts[0]! - t0).toBeLessThan(50);
  });

  it('coalesces a burst of kicks into one more run, no sooner than the interval', async () => {
    const starts: number[] = [];
    const kick = throttledRunner(async () => {
      starts.push(Date.now());
      await sleep(10);
    }, 100);
    for (let i = 0; i < 50; i++) {
      kick();
      await sleep(1);
    }
    await sleep(250);
    // 50 kicks over ~50+ ms: the first runs at once, the rest share one run ~100 ms later.
    expect(starts).toHaveLength(2);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(95);
  });

  it('follows every kick with a run that starts after it, even one made during a run', async () => {
    let runs = 0;
    let kickedAt = 0;
    const startsAfterKick: boolean[] = [];
    const kick = throttledRunner(async () => {
      runs += 1;
      startsAfterKick.push(Date.now() >= kickedAt);
      await sleep(30);
    }, 20);
    kick();
    await sleep(5); // the first run is in progress
    kickedAt = Date.now();
    kick();
    await sleep(100);
    expect(runs).toBe(2);
    expect(startsAfterKick).toEqual([true, true]);
  });

  it('never runs two at once', async () => {
    let active = 0;
    let maxActive = 0;
    const kick = throttledRunner(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await sleep(15);
      active -= 1;
    }, 0);
    for (let i = 0; i < 20; i++) {
      kick();
      await sleep(2);
    }
    await sleep(60);
    expect(maxActive).toBe(1);
  });
});
