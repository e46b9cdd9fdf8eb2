/* The queue: the chats offered to this agent, then every chat waiting in the agent's languages,
 * with their priority, language, plan and first-response countdown. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {send} from "../socket.js";
import {duration, since, until} from "../time.js";
import {t} from "../../shared/texts.js";

export function languageName(code) {
  const name = t("console_language_" + code);
  return name === "console_language_" + code ? code : name;
}

/** Priority, language, plan and escalation of a chat: the queue's entries and the account card. */
export function EntryHead({card}) {
  const account = card.account || {};
  const priority = card.priority || "P4";
  return html`
    <div class="entry-head">
      <span class=${"badge " + priority}>${priority}</span>
      <span class="tag" title=${languageName(card.language)}>${(card.language || "").toUpperCase()}</span>
      ${account.plan && html`<span class="tag">${account.support_plan ? t("console_plan", {plan: account.plan, support: account.support_plan}) : account.plan}</span>`}
      ${card.escalated && html`<span class="escalated">${t("console_escalated")}</span>`}
    </div>`;
}

export function Timers({card}) {
  const left = card.deadline ? until(card.deadline) : null;
  const deadline = left === null ? "" : left >= 0
    ? t("console_first_response_in", {time: duration(left)})
    : t("console_deadline_passed", {time: duration(-left)});
  return html`
    <div class="row">
      <span class="waiting">${card.queued_at ? t("console_waiting", {time: duration(since(card.queued_at))}) : ""}</span>
      <span class=${"deadline" + (left !== null && left < 0 ? " breached" : "")}>${deadline}</span>
    </div>`;
}

function Entry({card}) {
  const who = (card.user && card.user.name) || (card.account && card.account.user_name) || t("console_anonymous");
  const line = t(card.offered ? "console_queue_position_offered" : "console_queue_position",
                 {who, position: card.position});
  return html`
    <li class="entry" data-conversation-id=${card.conversation_id}>
      <${EntryHead} card=${card}/>
      <div class="who">${line}</div>
      ${card.summary && html`<p class="summary">${card.summary}</p>`}
      <${Timers} card=${card}/>
      <button type="button" class="claim"
              onClick=${() => send({type: "claim", conversation_id: card.conversation_id})}>${t("console_claim")}</button>
    </li>`;
}

function Offer({id, card}) {
  return html`
    <div class="offer" data-conversation-id=${id}>
      <strong>${t("console_offered_to_you")}</strong>
      <${EntryHead} card=${card}/>
      ${card.summary && html`<p class="summary">${card.summary}</p>`}
      <${Timers} card=${card}/>
      <div class="row">
        <button type="button" class="primary accept"
                onClick=${() => send({type: "accept", conversation_id: id})}>${t("console_accept")}</button>
        <button type="button" class="decline"
                onClick=${() => send({type: "decline", conversation_id: id})}>${t("console_decline")}</button>
      </div>
    </div>`;
}

export function Queue() {
  return html`
    <section class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">${t("console_queue")} <span class="count" id="queue-count">${String(state.queue.length)}</span></h2>
      <div id="offers" aria-live="assertive">
        ${Object.keys(state.offers).map((id) => html`<${Offer} key=${id} id=${id} card=${state.offers[id].card}/>`)}
      </div>
      <ol id="queue" class="queue-list">
        ${state.queue.map((card) => html`<${Entry} key=${card.conversation_id} card=${card}/>`)}
      </ol>
      <p class="empty" id="queue-empty" hidden=${state.queue.length > 0}>${t("console_queue_empty")}</p>
    </section>`;
}
