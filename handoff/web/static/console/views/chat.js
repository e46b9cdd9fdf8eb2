/* The chats the agent holds: a tab each, and the selected one's panel with its transcript, the
 * reply box (views/composer.js), the account card, Bolt's summary and internal notes. */
import {html, useLayoutEffect, useRef} from "../ui.js";
import {changed, clientId, state} from "../state.js";
import {send} from "../socket.js";
import {Composer} from "./composer.js";
import {head} from "../chats.js";
import {EntryHead} from "./queue.js";
import {Resolve, Transfer} from "./dialogs.js";
import {CustomerHistory} from "./history.js";
import {ArticleCards, ArticleSearch} from "./articles.js";
import {WatchingActions, WatchingBar} from "./watching.js";
import {FileView} from "./file.js";
import {t} from "../../shared/texts.js";

function select(id) {
  state.active = id;
  changed();
}

function Tab({id, chat, selected}) {
  const user = chat.card.user || {};
  const name = user.name || (chat.card.account && chat.card.account.user_name) || t("console_tab_unnamed");
  return html`
    <button type="button" class="tab" role="tab" aria-selected=${selected ? "true" : "false"}
            aria-controls=${"panel-" + id} data-conversation-id=${id} onClick=${() => select(id)}>
      ${t(chat.watching ? "console_tab_watching" : "console_tab", {name, language: (chat.card.language || "").toUpperCase()})}
      ${chat.unread ? html`<span class="unread">${String(chat.unread)}</span>` : null}
    </button>`;
}

function Line({line, conversationId}) {
  return html`
    <div class=${"line " + line.kind + (line.pending ? " pending" : "") + (line.failed ? " failed" : "")}
         data-seq=${line.seq === null ? undefined : line.seq} data-client-id=${line.clientId || undefined}>
      <div class="who">${line.event ? head(line.event) : line.head}</div>
      ${line.text ? html`<p class="text">${line.text}</p>` : null}
      ${line.file && html`<${FileView} file=${line.file} conversationId=${conversationId}/>`}
      ${line.articles && html`<${ArticleCards} articles=${line.articles}/>`}
      ${line.buttons && html`<div class="who">${t("console_buttons", {titles: line.buttons})}</div>`}
    </div>`;
}

function Transcript({chat}) {
  const box = useRef(null);
  useLayoutEffect(() => { box.current.scrollTop = box.current.scrollHeight; }, [chat.lines.length]);
  return html`
    <div class="transcript" role="log" aria-label=${t("console_transcript")} tabindex="0" ref=${box}>
      ${chat.lines.map((line) => html`<${Line} key=${line.seq === null ? line.clientId : line.seq} line=${line}
                                               conversationId=${chat.card.conversation_id}/>`)}
    </div>`;
}

function Field({name, value}) {
  if (value === undefined || value === null || value === "") return null;
  return html`<dt>${name}</dt><dd>${String(value)}</dd>`;
}

function AccountCard({card}) {
  const account = card.account || {}, user = card.user || {};
  const fields = [
    ["console_field_user", user.name || account.user_name || (user.anonymous ? t("console_anonymous") : user.user_id)],
    ["console_field_account", account.account_name || account.account_id],
    ["console_field_plan", account.plan],
    ["console_field_support", account.support_plan],
    ["console_field_role", account.role],
    ["console_field_licensed", account.licensed === undefined ? null : t(account.licensed ? "console_yes" : "console_no")],
    ["console_field_country", account.country],
    ["console_field_rights", (account.rights || []).join(", ")],
    ["console_field_checked", account.checked === false ? t("console_not_checked") : null],
    ["console_field_reason", card.reason]
  ];
  return html`
    <div class="card account-card">
      <h3>${t("console_account")}</h3>
      <${EntryHead} card=${card}/>
      <dl>${fields.map(([name, value]) => html`<${Field} key=${name} name=${t(name)} value=${value}/>`)}</dl>
    </div>`;
}

function Notes({chat}) {
  const submit = (submitted) => {
    submitted.preventDefault();
    const input = submitted.currentTarget.elements.note;
    const text = input.value.trim();
    if (!text) return;
    send({type: "note", conversation_id: chat.card.conversation_id, client_id: clientId("n"), text});
    input.value = "";
  };
  return html`
    <form class="card notes" onSubmit=${submit}>
      <h3>${t("console_note")}</h3>
      <textarea class="note-text" name="note" rows="2" aria-label=${t("console_note_label")}></textarea>
      <button type="submit" class="add-note">${t("console_add_note")}</button>
    </form>`;
}

function Panel({id, chat, selected}) {
  if (chat.watching) return html`<${WatchedPanel} id=${id} chat=${chat} selected=${selected}/>`;
  return html`
    <div class="chat" role="tabpanel" id=${"panel-" + id} data-conversation-id=${id} hidden=${!selected}>
      <div class="chat-main">
        <${Transcript} chat=${chat}/>
        <p class="typing" aria-live="polite">${chat.userTyping ? t("console_user_typing") : ""}</p>
        <${Composer} chat=${chat}/>
      </div>
      <div class="chat-side">
        <${AccountCard} card=${chat.card}/>
        <${Summary} card=${chat.card}/>
        <${CustomerHistory} chat=${chat}/>
        <${Notes} chat=${chat}/>
        <${ArticleSearch} chat=${chat}/>
        <${Transfer} id=${id}/>
        <${Resolve} id=${id}/>
      </div>
    </div>`;
}

/** What the hub summed up of the conversation so far. */
function Summary({card}) {
  return html`
    <div class="card">
      <h3>${t("console_summary")}</h3>
      <p class="summary">${card.summary || t("console_no_summary")}</p>
    </div>`;
}

/** A chat a supervisor watches: its transcript to read, what they may do instead of replying. */
function WatchedPanel({id, chat, selected}) {
  return html`
    <div class="chat watched" role="tabpanel" id=${"panel-" + id} data-conversation-id=${id} hidden=${!selected}>
      <div class="chat-main">
        <${WatchingBar} id=${id}/>
        <${Transcript} chat=${chat}/>
      </div>
      <div class="chat-side">
        <${AccountCard} card=${chat.card}/>
        <${Summary} card=${chat.card}/>
        <${WatchingActions} id=${id} chat=${chat}/>
      </div>
    </div>`;
}

export function Chats() {
  return html`
    <section class="chats" aria-label=${t("console_your_chats")}>
      <div role="tablist" id="tabs" class="tabs" aria-label=${t("console_your_chats")}>
        ${state.order.map((id) => html`
          <${Tab} key=${id} id=${id} chat=${state.chats[id]} selected=${id === state.active}/>`)}
      </div>
      <div id="panels">
        ${state.order.map((id) => html`<${Panel} key=${id} id=${id} chat=${state.chats[id]} selected=${id === state.active}/>`)}
      </div>
      <p class="empty" id="chats-empty" hidden=${state.order.length > 0}>${t("console_chats_empty")}</p>
    </section>`;
}
