/**
 * Durations for people: `45 s`, `12 min`, `3 h 20 min`, `2 d 5 h`.
 *
 * @module
 */

/** `45 s`, `12 min`, `3 h 20 min`, `2 d 5 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
