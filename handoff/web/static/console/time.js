/* Dates, times and durations in the console's language (Intl), and the readings of the queue's
 * and the board's timers. */
import {language} from "../shared/texts.js";

const UNITS = [["hours", 3600], ["minutes", 60], ["seconds", 1]];

/** Whole seconds as a duration in the console's language, to the two largest units it has
 * ("4 hr, 5 min", "4 時間 5 分", "12 sec"), always positive: the words around it say whether it
 * is past or to come. */
export function duration(seconds) {
  let left = Math.abs(Math.round(seconds));
  const all = {};
  for (const [unit, size] of UNITS) {
    all[unit] = Math.floor(left / size);
    left %= size;
  }
  const largest = UNITS.findIndex(([unit]) => all[unit] > 0);
  const first = largest < 0 ? UNITS.length - 1 : largest;
  const shown = UNITS.slice(first, first + 2).map(([unit]) => unit);
  const parts = Object.fromEntries(shown.map((unit) => [unit, all[unit]]));
  const locale = language();
  if (typeof Intl.DurationFormat === "function") {
    const display = Object.fromEntries(shown.map((unit) => [unit + "Display", "always"]));
    return new Intl.DurationFormat(locale, {style: "short", ...display}).format(parts);
  }
  return shown.map((unit) => new Intl.NumberFormat(locale, {style: "unit", unit: unit.slice(0, -1), unitDisplay: "short"})
    .format(parts[unit])).join(" ");
}

/** The time of day of an ISO instant, in the console's language. */
export function timeOfDay(iso) {
  return new Intl.DateTimeFormat(language(), {timeStyle: "medium"}).format(new Date(iso));
}

/** The date and time of an ISO instant, in the console's language. */
export function dateTime(iso) {
  return new Intl.DateTimeFormat(language(), {dateStyle: "medium", timeStyle: "short"}).format(new Date(iso));
}

export function since(iso) { return (Date.now() - Date.parse(iso)) / 1000; }
export function until(iso) { return (Date.parse(iso) - Date.now()) / 1000; }
