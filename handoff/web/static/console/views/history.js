/* A chat's customer: their earlier conversations and tickets, newest first, each opened to read
 * in one click; and the earlier conversation being read (read only: no reply box). */
import {html, useEffect} from "../ui.js";
import {lookups, askHistory, closePast, openPast} from "../lookups.js";
import {speaker} from "../chats.js";
import {languageName} from "./queue.js";
import {csatLine} from "./csat.js";
import {t} from "../../shared/texts.js";
import {dateTime} from "../time.js";

function when(iso) {
  return iso ? dateTime(iso) : "";
}

/** One conversation as lists show it: when, language, priority, state, ticket, first words. */
export function Record({record, onOpen, children}) {
  return html`
    <li class="record" data-conversation-id=${record.conversation_id}>
      <button type="button" class="open-record" onClick=${() => onOpen(record.conversation_id)}>
        ${t("console_started_at", {time: when(record.started_at)})}
      </button>
      <div class="entry-head">
        ${record.priority && html`<span class=${"badge " + record.priority}>${record.priority}</span>`}
        <span class="tag" title=${languageName(record.language)}>${(record.language || "").toUpperCase()}</span>
        <span class="tag">${t("console_state_" + (record.resolved && record.owner === "bot" ? "resolved" : record.owner))}</span>
        ${record.ticket && html`<span class="tag ticket">${t("console_ticket", {ticket: record.ticket.ticket_id})}</span>`}
      </div>
      ${children || (record.first_message && html`<p class="summary">${record.first_message}</p>`)}
    </li>`;
}

export function CustomerHistory({chat}) {
  const id = chat.card.conversation_id;
  useEffect(() => { askHistory(id); }, [id]);
  const history = lookups.history[id];
  const conversations = history ? history.conversations : [];
  const empty = history && !history.pending && conversations.length === 0;
  return html`
    <div class="card customer-history">
      <h3>${t("console_history")}</h3>
      ${empty && html`<p class="empty">${t(history.anonymous ? "console_history_anonymous" : "console_history_none")}</p>`}
      <ol class="records">
        ${conversations.map((record) => html`<${Record} key=${record.conversation_id} record=${record} onOpen=${openPast}/>`)}
      </ol>
    </div>`;
}

export function PastConversation() {
  const past = lookups.past;
  if (!past) return null;
  const record = past.conversation;
  const user = record.user || {};
  return html`
    <section class="past" role="dialog" aria-modal="false" aria-labelledby="past-title"
             data-conversation-id=${record.conversation_id}>
      <div class="row">
        <h2 id="past-title">${t("console_past", {name: user.name || t("console_anonymous"), time: when(record.started_at)})}</h2>
        <span class="tag">${t("console_read_only")}</span>
        ${record.ticket && html`<span class="tag ticket">${t("console_ticket", {ticket: record.ticket.ticket_id})}</span>`}
        <button type="button" class="close-past" onClick=${closePast}>${t("console_close")}</button>
      </div>
      <div class="transcript" role="log" aria-label=${t("console_transcript")} tabindex="0">
        ${past.events.map((e) => html`
          <div key=${e.seq} class=${"line " + (e.kind === "note" ? "note" : e.kind === "message" ? e.speaker : "system")} data-seq=${e.seq}>
            <div class="who">${t("console_line_head", {speaker: speaker(e), time: when(e.at)})}</div>
            <p class="text">${csatLine(e).text || e.text || ""}</p>
          </div>`)}
      </div>
    </section>`;
}
