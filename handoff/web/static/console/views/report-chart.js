/* The reports' chart, plain SVG drawn here (no library, nothing fetched): per day, the
 * conversations Bolt settled by itself and those handed to a person, as stacked bars with the
 * figures in their titles and a table-like legend. */
import {html} from "../ui.js";
import {t} from "../../shared/texts.js";

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 24;

export function DayChart({days}) {
  const keys = Object.keys(days).sort();
  if (!keys.length) return html`<p class="empty report-chart-empty">${t("console_reports_no_data")}</p>`;
  const top = Math.max(1, ...keys.map((key) => days[key].counts.conversations));
  const slot = (WIDTH - AXIS) / keys.length;
  const bar = Math.max(2, Math.min(40, slot * 0.7));
  const scale = (HEIGHT - AXIS) / top;
  return html`
    <figure class="report-chart">
      <svg viewBox=${"0 0 " + WIDTH + " " + HEIGHT} role="img" aria-labelledby="report-chart-title" class="report-chart-svg">
        <title id="report-chart-title">${t("console_reports_chart_title")}</title>
        <line x1=${AXIS} y1=${HEIGHT - AXIS} x2=${WIDTH} y2=${HEIGHT - AXIS} class="axis"/>
        <text x=${AXIS - 4} y="12" text-anchor="end" class="tick">${top}</text>
        <text x=${AXIS - 4} y=${HEIGHT - AXIS} text-anchor="end" class="tick">0</text>
        ${keys.map((key, index) => {
          const counts = days[key].counts;
          const contained = counts.contained;
          const other = counts.conversations - contained;
          const x = AXIS + index * slot + (slot - bar) / 2;
          const base = HEIGHT - AXIS;
          const label = t("console_reports_chart_day", {day: key, contained, handed: counts.handed_off_conversations, all: counts.conversations});
          return html`
            <g class="day" data-day=${key}>
              <title>${label}</title>
              <rect class="contained" x=${x} y=${base - contained * scale} width=${bar} height=${contained * scale}/>
              <rect class="other" x=${x} y=${base - (contained + other) * scale} width=${bar} height=${other * scale}/>
              ${(keys.length <= 14 || index % Math.ceil(keys.length / 14) === 0) && html`
                <text x=${x + bar / 2} y=${HEIGHT - 8} text-anchor="middle" class="tick">${key.slice(5)}</text>`}
            </g>`;
        })}
      </svg>
      <figcaption class="legend">
        <span class="key contained"></span>${t("console_reports_chart_contained")}
        <span class="key other"></span>${t("console_reports_chart_other")}
      </figcaption>
    </figure>`;
}
