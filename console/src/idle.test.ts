import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchIdle } from "./idle";

describe("the idle sign-out", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("signs out after the idle minutes without activity, once", () => {
    const page = new EventTarget();
    const onIdle = vi.fn();
    const stop = watchIdle(page, 15, onIdle);
    vi.advanceTimersByTime(14 * 60_000);
    page.dispatchEvent(new Event("keydown"));
    vi.advanceTimersByTime(14 * 60_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30 * 60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });
});
