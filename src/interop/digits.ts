// Numbers as exports write them. Pure.

/** Twelve significant digits: every digit measured, without binary noise (0.30000000000000004). */
export const significant = (x: number): number => Number(x.toPrecision(12));
