/* Clock readings for the queue's timers. */

/** Seconds as m:ss or h:mm:ss, negative with a leading minus. */
export function clock(seconds) {
  const sign = seconds < 0 ? "-" : "";
  seconds = Math.abs(Math.round(seconds));
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  const two = (n) => (n < 10 ? "0" : "") + n;
  return sign + (h ? h + ":" + two(m) : m) + ":" + two(s);
}

export function since(iso) { return (Date.now() - Date.parse(iso)) / 1000; }
export function until(iso) { return (Date.parse(iso) - Date.now()) / 1000; }
