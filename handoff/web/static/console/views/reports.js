/* The reports, for supervisors (the hub answers anyone else 403): how much Bolt settles by itself,
 * how long users wait for a person, first-response targets met, and how satisfied users are, over
 * a chosen period, by language, topic and agent; the CSV exports. Read over HTTP with this tab's
 * console session (GET /api/reports, docs/protocol.md "Reports"). Every rate names its one
 * denominator; charts are plain SVG. */
import {html, useLayoutEffect, useRef} from "../ui.js";
import {SESSION, changed, state} from "../state.js";
import {LANGUAGES, t} from "../../shared/texts.js";
import {languageName} from "./queue.js";
import {DayChart} from "./report-chart.js";

const PRIORITIES = ["P1", "P2", "P3", "P4"];

export const reports = {
  filters: {from: "", to: "", language: "", topic: "", agent: ""},
  figures: null, loading: false, error: ""
};

function query() {
  const params = new URLSearchParams();
  Object.entries(reports.filters).forEach(([name, value]) => { if (value) params.set(name, value); });
  return params.toString();
}

async function get(path) {
  const response = await fetch(path + "?" + query(), {
    headers: {Authorization: "Bearer " + (sessionStorage.getItem(SESSION) || "")}, cache: "no-store"
  });
  if (!response.ok) {
    let message = "";
    try { message = (await response.json()).error; } catch (error) { message = ""; }
    throw new Error(message || String(response.status));
  }
  return response;
}

export async function showReports(filters) {
  if (filters) reports.filters = {...reports.filters, ...filters};
  reports.loading = true;
  reports.error = "";
  changed();
  try {
    reports.figures = await (await get("/api/reports")).json();
    const period = reports.figures.period;
    reports.filters = {...reports.filters, from: period.from, to: period.to};
  } catch (error) {
    reports.figures = null;
    reports.error = t("console_reports_failed", {reason: error.message});
  }
  reports.loading = false;
  changed();
}

async function download(kind) {
  try {
    const blob = await (await get("/api/reports/" + kind + ".csv")).blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "bolt-" + kind + "-" + reports.filters.from + "-" + reports.filters.to + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    reports.error = t("console_reports_failed", {reason: error.message});
    changed();
  }
}

function percent(value) {
  return value === null || value === undefined ? "–" : (value * 100).toFixed(1).replace(/\.0$/, "") + "%";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 90) return t("console_reports_seconds", {n: Math.round(seconds)});
  if (seconds < 5400) return t("console_reports_minutes", {n: Math.round(seconds / 60)});
  return t("console_reports_hours", {n: (seconds / 3600).toFixed(1)});
}

function number(value) {
  return value === null || value === undefined ? "–" : String(Math.round(value * 100) / 100);
}

/** A rate with its one denominator: "42% (21 of 50 conversations)". */
function RateCell({rate}) {
  return html`
    <td class="rate" data-value=${rate.value === null ? "" : rate.value}>
      ${percent(rate.value)}
      <span class="denominator">${t("console_reports_of", {part: rate.numerator, whole: rate.denominator, of: t("console_reports_of_" + rate.of)})}</span>
    </td>`;
}

function Row({label, name, children}) {
  return html`<tr data-figure=${name}><th scope="row">${label}</th>${children}</tr>`;
}

function Filters() {
  const form = useRef(null);
  useLayoutEffect(() => {
    const fields = form.current.elements;
    ["from", "to", "topic", "agent"].forEach((name) => { fields[name].value = reports.filters[name]; });
    fields.language.value = reports.filters.language;
  });
  const submit = (submitted) => {
    submitted.preventDefault();
    const fields = form.current.elements;
    showReports({from: fields.from.value, to: fields.to.value, language: fields.language.value,
                 topic: fields.topic.value.trim(), agent: fields.agent.value.trim()});
  };
  return html`
    <form class="report-filters" ref=${form} onSubmit=${submit}>
      <label>${t("console_reports_from")} <input type="date" name="from" class="report-from" required/></label>
      <label>${t("console_reports_to")} <input type="date" name="to" class="report-to" required/></label>
      <label>${t("console_reports_language")}
        <select name="language" class="report-language">
          <option value="">${t("console_reports_all_languages")}</option>
          ${LANGUAGES.map((code) => html`<option value=${code}>${languageName(code)}</option>`)}
        </select>
      </label>
      <label>${t("console_reports_topic")} <input name="topic" class="report-topic" maxlength="128"/></label>
      <label>${t("console_reports_agent")} <input name="agent" class="report-agent" maxlength="128"/></label>
      <button type="submit" class="primary report-apply">${t("console_reports_apply")}</button>
      <button type="button" class="report-csv-conversations" onClick=${() => download("conversations")}>${t("console_reports_csv_conversations")}</button>
      <button type="button" class="report-csv-days" onClick=${() => download("days")}>${t("console_reports_csv_days")}</button>
    </form>`;
}

function Scope({figures}) {
  const before = figures.aggregates_only_before;
  const older = figures.period.from < before;
  return html`
    <p class="report-scope">
      ${t("console_reports_period", {from: figures.period.from, to: figures.period.to})}
      ${older ? " " + t("console_reports_aggregates_only", {day: before, days: Math.round(figures.retention_days)}) : ""}
      ${figures.period.aggregates_included ? "" : " " + t("console_reports_held_only")}
    </p>`;
}

function Bot({totals, missed}) {
  const counts = totals.counts;
  const rates = totals.rates;
  return html`
    <section class="report-bot" aria-labelledby="report-bot-title">
      <h3 id="report-bot-title">${t("console_reports_bot")}</h3>
      <table class="report-table">
        <tbody>
          <${Row} label=${t("console_reports_conversations")} name="conversations"><td>${counts.conversations}</td><//>
          <${Row} label=${t("console_reports_contained")} name="contained"><${RateCell} rate=${rates.contained}/><//>
          <${Row} label=${t("console_reports_confirmed")} name="contained_confirmed"><${RateCell} rate=${rates.contained_confirmed}/><//>
          <${Row} label=${t("console_reports_assumed")} name="contained_assumed"><${RateCell} rate=${rates.contained_assumed}/><//>
          <${Row} label=${t("console_reports_abstention")} name="abstention"><${RateCell} rate=${rates.abstention}/><//>
          <${Row} label=${t("console_reports_not_helpful")} name="not_helpful"><${RateCell} rate=${rates.not_helpful}/><//>
        </tbody>
      </table>
      <h4>${t("console_reports_missed")}</h4>
      <p class="empty" hidden=${missed.length > 0}>${t("console_reports_missed_none")}</p>
      <ol class="report-missed">
        ${missed.map((entry) => html`
          <li data-language=${entry.language}>
            <span class="tag">${entry.language.toUpperCase()}</span>
            <span class="question">${entry.question}</span>
            <span class="count">${t("console_reports_times", {n: entry.count})}</span>
            <a class="to-review" href=${"#review?language=" + encodeURIComponent(entry.language)}>${t("console_reports_to_review")}</a>
          </li>`)}
      </ol>
    </section>`;
}

function People({totals}) {
  const counts = totals.counts;
  const rates = totals.rates;
  const spread = (name) => totals.percentiles[name];
  return html`
    <section class="report-people" aria-labelledby="report-people-title">
      <h3 id="report-people-title">${t("console_reports_people")}</h3>
      <table class="report-table">
        <tbody>
          <${Row} label=${t("console_reports_handoffs")} name="handoffs"><td>${counts.handoffs}</td><//>
          <${Row} label=${t("console_reports_handed_off")} name="handed_off"><${RateCell} rate=${rates.handed_off}/><//>
          <${Row} label=${t("console_reports_transferred")} name="transferred"><td>${counts.transferred}</td><//>
          <${Row} label=${t("console_reports_timeouts")} name="resolved_by_timeout"><td>${counts.resolved_by_timeout}</td><//>
          ${["queue_seconds", "first_response_seconds", "resolution_seconds"].map((name) => html`
            <${Row} label=${t("console_reports_" + name)} name=${name}>
              <td>${t("console_reports_spread", {p50: duration(spread(name).p50), p90: duration(spread(name).p90), mean: duration(totals.averages[name])})}</td>
            <//>`)}
          ${PRIORITIES.map((priority) => html`
            <${Row} label=${t("console_reports_within_target", {priority})} name=${"within_target_" + priority.toLowerCase()}>
              <${RateCell} rate=${rates["within_target_" + priority.toLowerCase()]}/>
            <//>`)}
          <${Row} label=${t("console_reports_csat")} name="csat">
            <td>${t("console_reports_csat_average", {score: number(totals.averages.csat_score)})}</td>
          <//>
          <${Row} label=${t("console_reports_csat_satisfied")} name="csat_satisfied"><${RateCell} rate=${rates.csat_satisfied}/><//>
          <${Row} label=${t("console_reports_csat_response")} name="csat_response"><${RateCell} rate=${rates.csat_response}/><//>
        </tbody>
      </table>
    </section>`;
}

function Breakdown({title, name, groups, label}) {
  const keys = Object.keys(groups);
  return html`
    <section class=${"report-by report-by-" + name}>
      <h3>${title}</h3>
      <table class="report-table">
        <thead><tr>
          <th scope="col">${label}</th>
          <th scope="col">${t("console_reports_conversations")}</th>
          <th scope="col">${t("console_reports_contained")}</th>
          <th scope="col">${t("console_reports_handoffs")}</th>
          <th scope="col">${t("console_reports_first_response_seconds")}</th>
          <th scope="col">${t("console_reports_csat")}</th>
          <th scope="col">${t("console_reports_csat_satisfied")}</th>
        </tr></thead>
        <tbody>
          ${keys.map((key) => {
            const figures = groups[key];
            return html`
              <tr data-key=${key}>
                <th scope="row">${key === "none" ? t("console_reports_none") : key}</th>
                <td>${figures.counts.conversations}</td>
                <${RateCell} rate=${figures.rates.contained}/>
                <td>${figures.counts.handoffs}</td>
                <td>${duration(figures.percentiles.first_response_seconds.p50)}</td>
                <td class="csat-average">${t("console_reports_csat_average", {score: number(figures.averages.csat_score)})}
                  <span class="denominator">${t("console_reports_ratings", {n: figures.counts.csat_responses})}</span></td>
                <${RateCell} rate=${figures.rates.csat_satisfied}/>
              </tr>`;
          })}
        </tbody>
      </table>
    </section>`;
}

export function Reports() {
  if (state.view !== "reports" || !state.agent || !state.agent.supervisor) return null;
  const figures = reports.figures;
  return html`
    <section id="reports-view" class="reports-view" aria-labelledby="reports-title" aria-busy=${reports.loading ? "true" : "false"}>
      <h2 id="reports-title">${t("console_reports_title")}</h2>
      <${Filters}/>
      ${reports.error && html`<p class="error report-error" role="alert">${reports.error}</p>`}
      ${figures && html`
        <${Scope} figures=${figures}/>
        <${DayChart} days=${figures.by_day}/>
        <div class="report-columns">
          <${Bot} totals=${figures.totals} missed=${figures.missed_questions}/>
          <${People} totals=${figures.totals}/>
        </div>
        <${Breakdown} title=${t("console_reports_by_agent")} name="agent" groups=${figures.by_agent} label=${t("console_reports_agent")}/>
        <${Breakdown} title=${t("console_reports_by_language")} name="language" groups=${figures.by_language} label=${t("console_reports_language")}/>
        <${Breakdown} title=${t("console_reports_by_topic")} name="topic" groups=${figures.by_topic} label=${t("console_reports_topic")}/>`}
    </section>`;
}
