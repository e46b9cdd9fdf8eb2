/* The review page, for editors and supervisors: the questions Bolt missed in one language,
 * grouped by meaning, most asked first, personal data masked. Editors add a group's questions
 * to a topic, start a new topic from them or dismiss them, and see what the validator says at
 * once; they publish the content or roll it back. A conversation opens masked beside the list. */
import {html, useRef} from "../ui.js";
import {state} from "../state.js";
import {act, closeConversation, openConversation, publish, review, showReview} from "../review.js";
import {languageName} from "./queue.js";
import {LANGUAGES, t} from "../../shared/texts.js";

function Reasons({reasons}) {
  return html`<ul class="review-reasons">
    ${Object.entries(reasons).map(([reason, count]) => html`
      <li data-reason=${reason}>${t("console_review_reason_" + reason)} (${count})</li>`)}
  </ul>`;
}

function Result({result}) {
  if (!result) return null;
  if (result.working) return html`<p class="review-result" role="status">${t("console_review_working")}</p>`;
  if (!result.ok) return html`<p class="review-result refusal" role="alert">${t("console_review_refused", {message: result.message})}</p>`;
  const findings = result.findings || [];
  return html`
    <div class="review-result" role="status">
      <p>${findings.length ? t("console_review_findings", {count: findings.length}) : t("console_review_valid")}</p>
      ${findings.length ? html`<ul class="review-findings">${findings.map((f) => html`<li>${f}</li>`)}</ul>` : null}
    </div>`;
}

function Actions({group}) {
  const form = useRef(null);
  const value = (name) => form.current.elements[name].value.trim();
  const add = (submitted) => { submitted.preventDefault(); if (value("topic")) act(group, "add", value("topic")); };
  const start = () => { if (value("key")) act(group, "new", value("key")); };
  return html`
    <form class="review-actions" ref=${form} onSubmit=${add}>
      <label>${t("console_review_topic")} <input name="topic" class="review-topic" maxlength="64"/></label>
      <button type="submit" class="primary review-add">${t("console_review_add")}</button>
      <label>${t("console_review_new_key")} <input name="key" class="review-key" maxlength="48"/></label>
      <button type="button" class="review-new" onClick=${start}>${t("console_review_new")}</button>
      <button type="button" class="danger review-dismiss" onClick=${() => act(group, "dismiss")}>${t("console_review_dismiss")}</button>
    </form>`;
}

function Group({group}) {
  const shown = review.group === group.group_id;
  return html`
    <li class=${"card review-group" + (shown ? " shown" : "")} data-group-id=${group.group_id}>
      <h3 class="review-count">${t("console_review_count", {count: group.count})}</h3>
      <${Reasons} reasons=${group.reasons}/>
      ${group.waiting_for.length ? html`<p class="review-waiting">${t("console_review_waiting", {topics: group.waiting_for.join(", ")})}</p>` : null}
      <ul class="review-questions">
        ${group.questions.map((q) => html`
          <li class="review-question" data-conversation-id=${q.conversation_id} data-seq=${q.seq}>
            <span class="text">${q.text}</span>
            ${q.answered_topic ? html`<span class="review-topic-given">${t("console_review_answered_topic", {topic: q.answered_topic})}</span>` : null}
            ${q.agent_answer ? html`<span class="review-agent-answer">${t("console_review_agent_answer", {text: q.agent_answer})}</span>` : null}
            <button type="button" class="review-open" onClick=${() => openConversation(q.conversation_id)}>${t("console_review_open")}</button>
          </li>`)}
      </ul>
      ${review.editor ? html`<${Actions} group=${group}/>` : null}
      <${Result} result=${review.results[group.group_id]}/>
    </li>`;
}

function Transcript() {
  const opened = review.transcript;
  if (!opened) return null;
  return html`
    <section class="card review-transcript" aria-label=${t("console_review_transcript")}>
      <h3>${t("console_review_transcript")}</h3>
      <ol>
        ${opened.events.filter((e) => e.text).map((e) => html`
          <li class=${"from-" + e.speaker} data-seq=${e.seq}>${e.text}</li>`)}
      </ol>
      <button type="button" class="review-close" onClick=${closeConversation}>${t("console_review_close")}</button>
    </section>`;
}

function Publishing() {
  const result = review.publishing;
  if (!result) return null;
  if (result.working) return html`<p class="review-publishing" role="status">${t("console_review_publishing")}</p>`;
  let text;
  if (result.type === "content_rolled_back" && result.ok) text = t("console_review_rolled_back", {model: result.live || ""});
  else if (result.ok) text = t("console_review_published", {model: result.live || "", answered: result.answered || 0});
  else if (result.failed_check) text = t("console_review_publish_refused", {check: result.failed_check, message: result.message || ""});
  else text = t("console_review_failed", {message: result.message || ""});
  return html`<p class=${"review-publishing" + (result.ok ? "" : " refusal")} role="status"
                 data-ok=${String(Boolean(result.ok))} data-failed-check=${result.failed_check || ""}>${text}</p>`;
}

export function Review() {
  if (state.view !== "review" || !state.agent) return null;
  const choose = (chosen) => showReview(chosen.currentTarget.value);
  const working = Boolean(review.publishing && review.publishing.working);
  // The group the address names comes first.
  const groups = review.groups.filter((g) => g.group_id === review.group)
    .concat(review.groups.filter((g) => g.group_id !== review.group));
  return html`
    <section id="review-view" class="review" aria-labelledby="review-title">
      <header class="review-head">
        <h2 id="review-title">${t("console_review_title")}</h2>
        <label>${t("console_review_language")}
          <select class="review-language" value=${review.language} onChange=${choose}>
            ${LANGUAGES.map((code) => html`<option value=${code}>${languageName(code)}</option>`)}
          </select>
        </label>
        ${review.editor ? html`
          <button type="button" class="primary review-publish" disabled=${working} onClick=${() => publish(false)}>${t("console_review_publish")}</button>
          <button type="button" class="review-rollback" disabled=${working} onClick=${() => publish(true)}>${t("console_review_rollback")}</button>` : null}
      </header>
      <${Publishing}/>
      <${Transcript}/>
      ${review.loading ? html`<p role="status">${t("console_review_loading")}</p>` : groups.length ? html`
        <ol class="review-groups">${groups.map((group) => html`<${Group} group=${group}/>`)}</ol>` : html`
        <p class="review-empty">${t("console_review_empty")}</p>`}
    </section>`;
}
