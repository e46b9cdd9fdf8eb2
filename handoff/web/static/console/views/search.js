/* Search over every conversation the agent may see: words in any of the six languages, the
 * filters, a page of results with the matched words marked, each opened in one click. The
 * snippet's pieces are set as text; a marked one goes into <mark>, never parsed as markup. */
import {html} from "../ui.js";
import {lookups, openPast, search} from "../lookups.js";
import {Record} from "./history.js";
import {languageName} from "./queue.js";
import {LANGUAGES, t} from "../../shared/texts.js";

const PRIORITIES = ["P1", "P2", "P3", "P4"];
const STATES = ["bot", "queue", "agent", "resolved", "ticket"];
const FIELDS = ["query", "language", "priority", "status", "agent", "account", "since", "until"];

function submitted(form) {
  const fields = {};
  FIELDS.forEach((name) => {
    const value = form.elements[name].value.trim();
    if (value) fields[name] = value;
  });
  return fields;
}

function Choice({name, label, options, text}) {
  return html`
    <label class="filter">${t(label)}
      <select name=${name}>
        <option value="">${t("console_filter_any")}</option>
        ${options.map((value) => html`<option value=${value}>${text(value)}</option>`)}
      </select>
    </label>`;
}

function Snippet({pieces}) {
  return html`<p class="snippet">${pieces.map((piece) => piece.match ? html`<mark>${piece.text}</mark>` : piece.text)}</p>`;
}

function Pager({answer}) {
  const pages = Math.max(1, Math.ceil(answer.total / answer.page_size));
  if (pages === 1) return null;
  const go = (page) => search(lookups.search.fields, page);
  return html`
    <div class="row pager">
      <button type="button" class="previous" disabled=${answer.page <= 1} onClick=${() => go(answer.page - 1)}>${t("console_previous")}</button>
      <span>${t("console_page", {page: answer.page, pages})}</span>
      <button type="button" class="next" disabled=${answer.page >= pages} onClick=${() => go(answer.page + 1)}>${t("console_next")}</button>
    </div>`;
}

export function Search() {
  const answer = lookups.search.answer;
  const submit = (event) => {
    event.preventDefault();
    const fields = submitted(event.currentTarget);
    if (fields.query) search(fields, 1);
  };
  return html`
    <section class="search" aria-labelledby="search-title">
      <h2 id="search-title">${t("console_search")}</h2>
      <form class="search-form" role="search" onSubmit=${submit}>
        <input type="search" name="query" class="search-query" maxlength="200" aria-label=${t("console_search_label")}
               placeholder=${t("console_search_placeholder")}/>
        <button type="submit" class="primary search-go">${t("console_search_go")}</button>
        <details class="filters">
          <summary>${t("console_filters")}</summary>
          <${Choice} name="language" label="console_filter_language" options=${LANGUAGES} text=${languageName}/>
          <${Choice} name="priority" label="console_filter_priority" options=${PRIORITIES} text=${(p) => p}/>
          <${Choice} name="status" label="console_filter_status" options=${STATES} text=${(s) => t("console_state_" + s)}/>
          <label class="filter">${t("console_filter_agent")}<input name="agent" maxlength="128"/></label>
          <label class="filter">${t("console_filter_account")}<input name="account" maxlength="128"/></label>
          <label class="filter">${t("console_filter_since")}<input type="date" name="since"/></label>
          <label class="filter">${t("console_filter_until")}<input type="date" name="until"/></label>
        </details>
      </form>
      ${answer && html`
        <div class="search-results" aria-live="polite">
          <p class="search-total">${answer.total ? t("console_search_total", {total: answer.total}) : t("console_search_none")}</p>
          <ol class="records">
            ${answer.results.map((result) => html`
              <${Record} key=${result.conversation_id} record=${result} onOpen=${openPast}>
                <${Snippet} pieces=${result.match.snippet}/>
                <div class="who">${t("console_hits", {hits: result.hits})}</div>
              <//>`)}
          </ol>
          <${Pager} answer=${answer}/>
        </div>`}
    </section>`;
}
