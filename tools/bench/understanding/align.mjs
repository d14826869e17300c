// Finds where a recording's segments lie in a capture of it that started early or late (the fake
// microphone starts its file when it opens, the page's capture a little later) and may drift: log-energy envelopes in 10 ms blocks,
// one lag for the whole capture first, then each segment refined around the lag of the one before.

const BLOCK_MS = 10;
const GLOBAL_SEARCH_MS = 3000;
const LOCAL_SEARCH_MS = 150;

/** Log energy of each 10 ms block, mean removed. */
export function envelope(pcm, rate) {
  const block = (rate * BLOCK_MS) / 1000;
  const out = new Float64Array(Math.floor(pcm.length / block));
  for (let b = 0; b < out.length; b++) {
    let e = 0;
    for (let i = b * block; i < (b + 1) * block; i++) e += pcm[i] * pcm[i];
    out[b] = Math.log10(1 + e / block);
  }
  const mean = out.reduce((n, v) => n + v, 0) / Math.max(1, out.length);
  return out.map((v) => v - mean);
}

/** Normalised correlation of `ref[from, to)` with `cap` shifted by `lag` blocks. */
function correlation(ref, cap, from, to, lag) {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = from; i < to; i++) {
    const j = i + lag;
    if (j < 0 || j >= cap.length) continue;
    xy += ref[i] * cap[j];
    xx += ref[i] * ref[i];
    yy += cap[j] * cap[j];
  }
  return xx && yy ? xy / Math.sqrt(xx * yy) : -1;
}

function bestLag(ref, cap, from, to, lo, hi) {
  let best = lo;
  let score = -Infinity;
  for (let lag = lo; lag <= hi; lag++) {
    const c = correlation(ref, cap, from, to, lag);
    if (c > score) {
      score = c;
      best = lag;
    }
  }
  return best;
}

/**
 * `segments` [start, end) in samples of `reference`; returns them moved to where they lie in
 * `capture` (same rate), and each one's lag in ms.
 */
export function alignSegments(reference, capture, segments, rate) {
  const ref = envelope(reference, rate);
  const cap = envelope(capture, rate);
  const perBlock = (rate * BLOCK_MS) / 1000;
  const firstMinute = Math.min(ref.length, 6000);
  let lag = bestLag(ref, cap, 0, firstMinute, -GLOBAL_SEARCH_MS / BLOCK_MS, GLOBAL_SEARCH_MS / BLOCK_MS);
  const lagsMs = [];
  const moved = segments.map(([start, end]) => {
    const from = Math.floor(start / perBlock);
    const to = Math.ceil(end / perBlock);
    lag = bestLag(ref, cap, from, to, lag - LOCAL_SEARCH_MS / BLOCK_MS, lag + LOCAL_SEARCH_MS / BLOCK_MS);
    lagsMs.push(lag * BLOCK_MS);
    return [start + lag * perBlock, end + lag * perBlock];
  });
  return { segments: moved, lagsMs };
}
