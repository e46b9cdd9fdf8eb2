/* Dates, times and durations in the console's language (Intl), and clock readings for the
 * queue's and the board's timers. */
import {language} from "../shared/texts.js";

const UNITS = [["hour", 3600], ["minute", 60], ["second", 1]];

/** Whole seconds as hours, minutes and seconds in the console's language ("4 min 5 s",
 * "4分5秒"), always positive: the words around it say whether it is past or to come. */
export function duration(seconds) {
  let left = Math.abs(Math.round(seconds));
  const parts = {};
  for (const [unit, size] of UNITS) {
    parts[unit + "s"] = Math.floor(left / size);
    left %= size;
  }
  const locale = language();
  if (typeof Intl.DurationFormat === "function") {
    return new Intl.DurationFormat(locale, {style: "narrow", secondsDisplay: "always"}).format(parts);
  }
  const nonZero = UNITS.filter(([unit]) => parts[unit + "s"] > 0);
  const shown = nonZero.length ? nonZero : [UNITS[UNITS.length - 1]];
  return shown.map(([unit]) => new Intl.NumberFormat(locale, {style: "unit", unit, unitDisplay: "narrow"})
    .format(parts[unit + "s"])).join(" ");
}

/** The time of day of an ISO instant, in the console's language. */
export function timeOfDay(iso) {
  return new Intl.DateTimeFormat(language(), {timeStyle: "medium"}).format(new Date(iso));
}

/** The date and time of an ISO instant, in the console's language. */
export function dateTime(iso) {
  return new Intl.DateTimeFormat(language(), {dateStyle: "medium", timeStyle: "short"}).format(new Date(iso));
}

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
