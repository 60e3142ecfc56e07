// Conviction bands: A at or above aMin, B at or above bMin, C below (thresholds from config.bands).
import type { Band } from '../types';

/** The thresholds that split convictions into bands; config.bands. */
export interface BandThresholds {
  aMin: number;
  bMin: number;
}

export function bandOf(conviction: number, bands: BandThresholds): Band {
  if (conviction >= bands.aMin) return 'A';
  if (conviction >= bands.bMin) return 'B';
  return 'C';
}

const RANK: Record<Band, number> = { A: 0, B: 1, C: 2 };

/** True when `band` is `min` or better (A is best). */
export function bandAtLeast(band: Band, min: Band): boolean {
  return RANK[band] <= RANK[min];
}
