import { Inject } from '@nestjs/common';

/** Time as the sessions and tickets see it; tests swap in a manual clock. */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    // A pending session timer must not keep a stopping process alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export const CLOCK = Symbol('CLOCK');
export const InjectClock = () => Inject(CLOCK);
