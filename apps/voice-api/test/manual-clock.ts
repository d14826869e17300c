import type { Clock } from '../src/common/clock';

/** A clock that moves only when told to; due timers fire inside advance(). */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void }[] = [];

  constructor(private current = Date.parse('2030-01-07T09:00:00Z')) {}

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number) {
    this.current += ms;
    const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const t of due) t.fn();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}
