/**
 * A timeout that can be held: while a debugger holds the worker paused, Lambda's clocks (the invocation
 * timeout, the INIT limit) must not run, as LocalStack's debug mode keeps them from firing. Paused time is
 * summed so the reported duration is the time the function actually ran.
 */
export class PausableTimer {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private remaining = 0;
  private pausedAt: number | undefined;
  /** Milliseconds spent paused since start(). */
  pausedMs = 0;

  constructor(private readonly onFire: () => void) {}

  start(ms: number): void {
    clearTimeout(this.timer);
    this.pausedMs = 0;
    this.pausedAt = undefined;
    this.schedule(ms);
  }

  pause(now = Date.now()): void {
    if (this.pausedAt !== undefined || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining = Math.max(0, this.dueAt - now);
    this.pausedAt = now;
  }

  resume(now = Date.now()): void {
    if (this.pausedAt === undefined) return;
    this.pausedMs += now - this.pausedAt;
    this.pausedAt = undefined;
    this.schedule(this.remaining);
  }

  /** Paused time so far, counting a pause still in progress. */
  heldMs(now = Date.now()): number {
    return this.pausedMs + (this.pausedAt !== undefined ? now - this.pausedAt : 0);
  }

  /** Stops the clock for good; a pause in progress still counts (the worker's "resumed" may come later). */
  clear(now = Date.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pausedAt !== undefined) this.pausedMs += now - this.pausedAt;
    this.pausedAt = undefined;
  }

  private schedule(ms: number): void {
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onFire();
    }, ms);
  }
}
