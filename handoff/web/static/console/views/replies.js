/* The replies of one language: the shared ones (supervisors add, edit and delete them) and the
 * agent's own (theirs to change), each inserted in a chat by typing "/" and its code. */
import {html, useLayoutEffect, useRef, useState} from "../ui.js";
import {changed, state} from "../state.js";
import {addReply, deleteReply, editReply, loadReplies, repliesOf} from "../replies.js";
import {kindLabel} from "./composer.js";
import {languageName} from "./queue.js";
import {LANGUAGES, t} from "../../shared/texts.js";

// The language shown, kept while the agent looks at other views.
export const repliesView = {language: null};

function mayChange(reply) {
  return !reply.shared || Boolean(state.agent && state.agent.supervisor);
}

function ReplyForm({language, editing, done}) {
  const form = useRef(null);
  const [refusal, setRefusal] = useState("");
  const supervisor = Boolean(state.agent && state.agent.supervisor);
  // Filled in by hand, not as properties: a redraw (every second) must not undo the typing.
  useLayoutEffect(() => {
    const fields = form.current.elements;
    fields.code.value = editing ? editing.code : "";
    fields.text.value = editing ? editing.text : "";
    setRefusal("");
  }, [editing && editing.reply_id]);
  const submit = (submitted) => {
    submitted.preventDefault();
    const fields = form.current.elements;
    const code = fields.code.value.trim(), text = fields.text.value.trim();
    if (!code || !text) return;
    const saved = () => { setRefusal(""); form.current.reset(); done(); };
    const refused = (error) => setRefusal(error.message || error.code);
    if (editing) editReply(editing.reply_id, code, text, saved, refused);
    else addReply(language, code, text, supervisor && fields.shared.checked, saved, refused);
  };
  return html`
    <form class="card reply-form" ref=${form} onSubmit=${submit}>
      <h3>${editing ? t("console_reply_editing", {code: editing.code}) : t("console_reply_new")}</h3>
      <label>${t("console_reply_code")}
        <input name="code" class="reply-code" maxlength="32" required/></label>
      <label>${t("console_reply_text")}
        <textarea name="text" class="reply-text" rows="3" maxlength="4000" required></textarea></label>
      ${!editing && supervisor ? html`
        <label class="inline"><input type="checkbox" name="shared" class="reply-shared"/> ${t("console_reply_shared")}</label>` : null}
      <p class="refusal" role="alert">${refusal}</p>
      <button type="submit" class="primary reply-submit">${editing ? t("console_reply_save") : t("console_reply_add")}</button>
      ${editing ? html`<button type="button" class="reply-cancel" onClick=${done}>${t("console_reply_cancel")}</button>` : null}
    </form>`;
}

function Reply({reply, edit}) {
  return html`
    <li class=${"reply-item " + (reply.shared ? "shared" : "mine")} data-reply-id=${reply.reply_id} data-code=${reply.code}>
      <div class="reply-head">
        <span class="code">/${reply.code}</span>
        <span class="kind">${kindLabel(reply.shared ? "shared" : "mine")}</span>
        <span class="who">${t("console_reply_by", {name: reply.updated_by})}</span>
      </div>
      <p class="text">${reply.text}</p>
      ${mayChange(reply) ? html`
        <div class="row">
          <button type="button" class="reply-edit" onClick=${() => edit(reply)}>${t("console_reply_edit")}</button>
          <button type="button" class="danger reply-delete" onClick=${() => deleteReply(reply.reply_id)}>${t("console_reply_delete")}</button>
        </div>` : null}
    </li>`;
}

export function Replies() {
  const [editing, setEditing] = useState(null);
  if (state.view !== "replies" || !state.agent) return null;
  const language = repliesView.language || state.agent.languages[0] || LANGUAGES[0];
  const replies = repliesOf(language);
  const choose = (chosen) => {
    repliesView.language = chosen.currentTarget.value;
    loadReplies(repliesView.language);
    setEditing(null);
    changed();
  };
  return html`
    <section id="replies-view" class="replies-view" aria-labelledby="replies-title">
      <h2 id="replies-title">${t("console_replies_title")}</h2>
      <p class="intro">${t("console_replies_intro")}</p>
      <label for="replies-language">${t("console_replies_language")}</label>
      <select id="replies-language" value=${language} onChange=${choose}>
        ${LANGUAGES.map((code) => html`<option value=${code}>${languageName(code)}</option>`)}
      </select>
      <div class="replies-body">
        <ul class="reply-list">
          ${replies.map((reply) => html`<${Reply} key=${reply.reply_id} reply=${reply} edit=${setEditing}/>`)}
        </ul>
        <p class="empty" hidden=${replies.length > 0}>${t("console_replies_empty")}</p>
        <${ReplyForm} language=${language} editing=${editing} done=${() => setEditing(null)}/>
      </div>
    </section>`;
}
