/* The reply box of a chat: sends on Enter (and files: picked, dropped or pasted), tells the
 * user the agent is typing, and inserts a
 * reply by its code: "/" and the start of a code lists the replies (shared, the agent's own, and
 * Bolt's answers) in the chat's language, chosen with the arrow keys and Enter or Tab, or a
 * click; Escape closes the list. Bolt's answer to a topic can also be picked by its title, and
 * what the agent wrote can be kept as one of their own replies under a code. */
import {html, useRef, useState} from "../ui.js";
import {clientId} from "../state.js";
import {addPending} from "../chats.js";
import {addReply, answersOf, suggestions} from "../replies.js";
import {send} from "../socket.js";
import {ACCEPT, filesOf, sendFile} from "../files.js";
import {t} from "../../shared/texts.js";

const TYPING_IDLE_MS = 3000;
const PREVIEW_CHARS = 80;
// "/" and the code typed so far, at the start of the box or after a space, right before the caret.
const SLASH = /(^|\s)\/([^\s/]*)$/u;

function stopTyping(chat) {
  clearTimeout(chat.idle);
  if (chat.typingSent) {
    chat.typingSent = false;
    send({type: "typing", conversation_id: chat.card.conversation_id, typing: false});
  }
}

function typed(chat) {
  if (!chat.typingSent) {
    chat.typingSent = true;
    send({type: "typing", conversation_id: chat.card.conversation_id, typing: true});
  }
  clearTimeout(chat.idle);
  chat.idle = setTimeout(() => stopTyping(chat), TYPING_IDLE_MS);
}

function preview(text) {
  const line = text.replace(/\s+/g, " ");
  return line.length > PREVIEW_CHARS ? line.slice(0, PREVIEW_CHARS - 1) + "…" : line;
}

export function kindLabel(kind) {
  if (kind === "shared") return t("console_reply_kind_shared");
  if (kind === "mine") return t("console_reply_kind_mine");
  return t("console_reply_kind_bolt");
}

/** Puts `text` in the box in place of the characters from `start` to `end`, caret after it. */
function insert(box, text, start, end) {
  const value = box.value;
  box.value = value.slice(0, start) + text + value.slice(end);
  const caret = start + text.length;
  box.setSelectionRange(caret, caret);
  box.focus();
}

function Suggestions({id, found, chosen, pick}) {
  return html`
    <ul class="reply-suggestions" role="listbox" id=${"suggest-" + id} aria-label=${t("console_suggestions_label")}>
      ${found.length ? found.map((item, index) => html`
        <li role="option" id=${"suggest-" + id + "-" + index} key=${item.kind + ":" + item.code}
            class=${"suggestion " + item.kind + (index === chosen ? " chosen" : "")}
            aria-selected=${index === chosen ? "true" : "false"} data-code=${item.code} data-kind=${item.kind}
            onMouseDown=${(event) => { event.preventDefault(); pick(item); }}>
          <span class="code">/${item.code}</span>
          <span class="kind">${kindLabel(item.kind)}</span>
          <span class="preview">${item.title ? item.title + " · " : ""}${preview(item.text)}</span>
        </li>`) : html`<li class="no-suggestion" role="option" aria-disabled="true">${t("console_no_suggestion")}</li>`}
    </ul>`;
}

function SaveAsMine({box, language}) {
  const code = useRef(null);
  const [said, say] = useState("");
  const save = () => {
    const text = box.current.value.trim();
    const wanted = code.current.value.trim();
    if (!text || !wanted) {
      (text ? code : box).current.focus();
      return;
    }
    addReply(language, wanted, text, false,
      (reply) => { code.current.value = ""; say(t("console_reply_saved", {code: reply.code})); },
      (error) => say(error.message || error.code));
  };
  return html`
    <span class="save-mine">
      <input class="save-code" aria-label=${t("console_save_code_label")} placeholder=${t("console_save_code_placeholder")}
             ref=${code} onKeyDown=${(key) => { if (key.key === "Enter") { key.preventDefault(); save(); } }}/>
      <button type="button" class="save-reply" onClick=${save}>${t("console_save_reply")}</button>
      <span class="save-said" role="status">${said}</span>
    </span>`;
}

export function Composer({chat}) {
  const id = chat.card.conversation_id;
  const language = chat.card.language;
  const box = useRef(null);
  // The open list: where the "/code" stands in the box, the code typed, which entry is chosen.
  const [open, setOpen] = useState(null);
  // Found at each drawing, so that replies arriving meanwhile join the list.
  const found = open ? suggestions(language, open.typed) : [];
  const chosen = open ? Math.min(open.chosen, Math.max(found.length - 1, 0)) : 0;

  const look = () => {
    const area = box.current;
    const before = area.value.slice(0, area.selectionStart);
    const match = area.selectionStart === area.selectionEnd && before.match(SLASH);
    if (!match) {
      if (open) setOpen(null);
      return;
    }
    const end = area.selectionStart;
    setOpen({start: end - match[2].length - 1, end, typed: match[2], chosen: 0});
  };
  const pick = (item) => {
    insert(box.current, item.text, open.start, open.end);
    setOpen(null);
    typed(chat);
  };
  const submit = (submitted) => {
    submitted.preventDefault();
    const text = box.current.value.trim();
    if (!text) return;
    const frame = {type: "message", conversation_id: id, client_id: clientId("a"), text};
    addPending(chat, frame.client_id, text);
    send(frame);
    box.current.value = "";
    setOpen(null);
    stopTyping(chat);
  };
  const keydown = (key) => {
    if (open && !key.isComposing) {
      const count = found.length;
      if ((key.key === "ArrowDown" || key.key === "ArrowUp") && count) {
        key.preventDefault();
        const step = key.key === "ArrowDown" ? 1 : count - 1;
        setOpen({...open, chosen: (chosen + step) % count});
        return;
      }
      if ((key.key === "Enter" || key.key === "Tab") && count) {
        key.preventDefault();
        pick(found[chosen]);
        return;
      }
      if (key.key === "Escape") {
        key.preventDefault();
        setOpen(null);
        return;
      }
    }
    if (key.key === "Enter" && !key.shiftKey && !key.isComposing) {
      key.preventDefault();
      key.currentTarget.form.requestSubmit();
    }
  };
  const pickAnswer = (picked) => {
    const select = picked.currentTarget;
    const answer = answersOf(language).find((one) => one.topic === select.value);
    select.value = "";
    if (!answer) return;
    const area = box.current;
    insert(area, answer.text, area.selectionStart, area.selectionEnd);
    typed(chat);
  };
  const listId = "suggest-" + id;
  const picker = useRef(null);
  const [dropping, setDropping] = useState(false);
  const sendAll = (list) => list.forEach((file) => sendFile(chat, file));
  const paste = (pasted) => {
    const list = filesOf(pasted.clipboardData);
    if (!list.length) return;
    pasted.preventDefault();
    sendAll(list);
  };
  const dragOver = (drag) => {
    if (!drag.dataTransfer || !Array.from(drag.dataTransfer.types).includes("Files")) return;
    drag.preventDefault();
    if (!dropping) setDropping(true);
  };
  const drop = (dropped) => {
    setDropping(false);
    const list = filesOf(dropped.dataTransfer);
    if (!list.length) return;
    dropped.preventDefault();
    sendAll(list);
  };
  const picked = () => {
    sendAll(filesOf(picker.current));
    picker.current.value = "";
  };
  return html`
    <form class=${"composer" + (dropping ? " dropping" : "")} onSubmit=${submit}
          onDragOver=${dragOver} onDragLeave=${() => setDropping(false)} onDrop=${drop}>
      <label for=${"reply-" + id}>${t("console_reply_label")}</label>
      <div class="reply-wrap">
        <textarea class="reply" id=${"reply-" + id} rows="3" maxlength="4000" ref=${box}
                  placeholder=${t("console_reply_hint")} role="combobox" aria-autocomplete="list"
                  aria-expanded=${open ? "true" : "false"} aria-controls=${listId}
                  aria-activedescendant=${found.length ? listId + "-" + chosen : undefined}
                  onKeyDown=${keydown} onInput=${() => { typed(chat); look(); }} onPaste=${paste}
                  onClick=${look} onBlur=${() => setOpen(null)}></textarea>
        ${open && html`<${Suggestions} id=${id} found=${found} chosen=${chosen} pick=${pick}/>`}
      </div>
      <div class="row">
        <button type="submit" class="primary send">${t("console_send")}</button>
        <button type="button" class="attach" onClick=${() => picker.current.click()}>${t("console_attach")}</button>
        <input type="file" class="file-input" accept=${ACCEPT} multiple hidden ref=${picker} onChange=${picked}
               aria-label=${t("console_attach")}/>
        <select class="bolt-answer" aria-label=${t("console_bolt_answer_label")} onChange=${pickAnswer}>
          <option value="">${t("console_bolt_answer_choose", {language})}</option>
          ${answersOf(language).map((answer) => html`<option value=${answer.topic}>${answer.title}</option>`)}
        </select>
        <${SaveAsMine} box=${box} language=${language}/>
      </div>
    </form>`;
}
