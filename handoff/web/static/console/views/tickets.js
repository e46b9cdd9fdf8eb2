/* The web tickets: the list (the agent's own first), and the ticket opened from it with the
 * conversation it came from, its thread of answers, a reply box, the buttons that change its
 * status, and for supervisors the agent it is assigned to. */
import {html, useRef} from "../ui.js";
import {state} from "../state.js";
import {
  answerTicket, assignTicket, closeTicket, openTicket, setTicketStatus, tickets,
} from "../tickets.js";
import {speaker} from "../chats.js";
import {languageName} from "./queue.js";
import {t} from "../../shared/texts.js";

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

function Status({status}) {
  return html`<span class=${"tag ticket-status " + status}>${t("console_ticket_status_" + status)}</span>`;
}

function Entry({ticket}) {
  const mine = state.agent && ticket.assignee === state.agent.name;
  return html`
    <li class=${"ticket-entry" + (mine ? " mine" : "")} data-ticket-id=${ticket.ticket_id}>
      <button type="button" class="open-ticket" onClick=${() => openTicket(ticket.ticket_id)}>${ticket.ticket_id}</button>
      <div class="entry-head">
        <${Status} status=${ticket.status}/>
        ${ticket.priority && html`<span class=${"badge " + ticket.priority}>${ticket.priority}</span>`}
        <span class="tag" title=${languageName(ticket.language)}>${(ticket.language || "").toUpperCase()}</span>
        <span class="tag assignee">${ticket.assignee ? (mine ? t("console_ticket_mine") : ticket.assignee) : t("console_ticket_unassigned")}</span>
        <span class="tag">${ticket.email ? t("console_ticket_by_email") : t("console_ticket_sidebar_only")}</span>
      </div>
      ${ticket.summary && html`<p class="summary">${ticket.summary}</p>`}
    </li>`;
}

function Reply({ticket}) {
  const form = useRef(null);
  const submit = (submitted) => {
    submitted.preventDefault();
    const box = form.current.elements.text;
    const text = box.value.trim();
    if (text && answerTicket(ticket.ticket_id, text)) box.value = "";
  };
  return html`
    <form class="ticket-reply" ref=${form} onSubmit=${submit}>
      <label for="ticket-reply-text">${t("console_ticket_reply_label")}</label>
      <textarea id="ticket-reply-text" name="text" rows="3" maxlength="4000"></textarea>
      <button type="submit" class="primary send-ticket-reply">${t("console_ticket_send")}</button>
    </form>`;
}

function Assign({ticket}) {
  const form = useRef(null);
  const submit = (submitted) => {
    submitted.preventDefault();
    assignTicket(ticket.ticket_id, form.current.elements.agent.value.trim());
  };
  return html`
    <form class="ticket-assign row" ref=${form} onSubmit=${submit}>
      <label>${t("console_ticket_assign_to")} <input name="agent" class="assign-agent" maxlength="128" placeholder=${t("console_ticket_assign_nobody")}/></label>
      <button type="submit" class="assign-ticket">${t("console_ticket_assign")}</button>
    </form>`;
}

function Shown({ticket}) {
  const closed = ticket.status === "closed";
  return html`
    <section class="ticket-shown" aria-labelledby="ticket-title" data-ticket-id=${ticket.ticket_id}>
      <div class="row">
        <h3 id="ticket-title">${t("console_ticket", {ticket: ticket.ticket_id})}</h3>
        <${Status} status=${ticket.status}/>
        <span class="tag assignee">${ticket.assignee || t("console_ticket_unassigned")}</span>
        <button type="button" class="close-ticket" onClick=${closeTicket}>${t("console_close")}</button>
      </div>
      <p class="ticket-mail">${ticket.email ? t("console_ticket_by_email") : t("console_ticket_sidebar_only")}</p>
      <h4>${t("console_transcript")}</h4>
      <div class="transcript" role="log" aria-label=${t("console_transcript")} tabindex="0">
        ${(ticket.transcript || []).map((e) => html`
          <div key=${e.seq} class=${"line " + (e.kind === "message" ? e.speaker : "system")} data-seq=${e.seq}>
            <div class="who">${t("console_line_head", {speaker: speaker(e), time: when(e.at)})}</div>
            <p class="text">${e.text || ""}</p>
          </div>`)}
      </div>
      <h4>${t("console_ticket_thread")}</h4>
      <ol class="ticket-thread" aria-live="polite">
        ${(ticket.thread || []).map((m) => html`
          <li key=${m.id} class=${"line " + m.speaker} data-speaker=${m.speaker}>
            <div class="who">${t("console_line_head", {speaker: m.speaker === "user" ? t("console_speaker_user") : m.name, time: when(m.at)})}</div>
            <p class="text">${m.text}</p>
          </li>`)}
      </ol>
      ${!closed && html`<${Reply} ticket=${ticket}/>`}
      <div class="row ticket-moves">
        ${(ticket.status === "open" || ticket.status === "pending") && html`<button type="button" class="solve-ticket" onClick=${() => setTicketStatus(ticket.ticket_id, "solved")}>${t("console_ticket_solve")}</button>`}
        ${ticket.status === "solved" && html`<button type="button" class="reopen-ticket" onClick=${() => setTicketStatus(ticket.ticket_id, "open")}>${t("console_ticket_reopen")}</button>`}
        ${!closed && html`<button type="button" class="close-ticket-for-good" onClick=${() => setTicketStatus(ticket.ticket_id, "closed")}>${t("console_ticket_close")}</button>`}
      </div>
      ${state.agent && state.agent.supervisor && !closed && html`<${Assign} ticket=${ticket}/>`}
    </section>`;
}

export function Tickets() {
  if (state.view !== "tickets" || !state.agent) return null;
  return html`
    <section id="tickets-view" class="tickets-view" aria-labelledby="tickets-title">
      <h2 id="tickets-title">${t("console_tickets_title")}</h2>
      <p class="empty" hidden=${!tickets.asked || tickets.list.length > 0}>${t("console_tickets_empty")}</p>
      <ol class="ticket-list">
        ${tickets.list.map((ticket) => html`<${Entry} key=${ticket.ticket_id} ticket=${ticket}/>`)}
      </ol>
      ${tickets.shown && html`<${Shown} ticket=${tickets.shown}/>`}
    </section>`;
}
