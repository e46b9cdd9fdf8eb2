/* The audit log, for supervisors only (the hub refuses anyone else the frame): who did what,
 * when and from where, newest first, filtered by date, actor and action, a page at a time. Each
 * action is named in the agent's language; its details are shown as the hub recorded them. */
import {html, useLayoutEffect, useRef} from "../ui.js";
import {state} from "../state.js";
import {audit, hasOlder, newerPage, olderPage, showAudit} from "../audit.js";
import {t} from "../../shared/texts.js";
import {dateTime} from "../time.js";

/** The action's name in the agent's language (console_audit_action_<action, "." as "_">). */
export function actionLabel(action) {
  const key = "console_audit_action_" + action.replace(/\./g, "_");
  const label = t(key);
  return label === key ? action : label;
}

function details(entry) {
  return Object.entries(entry.details || {})
    .map(([name, value]) => name + ": " + (typeof value === "object" ? JSON.stringify(value) : String(value)))
    .join(", ");
}

function Filters() {
  const form = useRef(null);
  // Filled in by hand once: a redraw must not undo what the supervisor is typing.
  useLayoutEffect(() => {
    const fields = form.current.elements;
    fields.since.value = audit.filters.since;
    fields.actor.value = audit.filters.actor;
  }, []);
  const submit = (submitted) => {
    submitted.preventDefault();
    const fields = form.current.elements;
    showAudit({since: fields.since.value, actor: fields.actor.value, action: fields.action.value});
  };
  return html`
    <form class="audit-filters" ref=${form} onSubmit=${submit}>
      <label>${t("console_audit_since")} <input type="date" name="since" class="audit-since"/></label>
      <label>${t("console_audit_actor")} <input name="actor" class="audit-actor" maxlength="128"/></label>
      <label>${t("console_audit_action")}
        <select name="action" class="audit-action" value=${audit.filters.action}>
          <option value="">${t("console_audit_any_action")}</option>
          ${audit.actions.map((action) => html`<option value=${action}>${actionLabel(action)}</option>`)}
        </select>
      </label>
      <button type="submit" class="primary audit-apply">${t("console_audit_apply")}</button>
    </form>`;
}

function Entry({entry}) {
  return html`
    <tr class="audit-entry" data-id=${entry.id} data-action=${entry.action}>
      <td class="when"><time datetime=${entry.at}>${dateTime(entry.at)}</time></td>
      <td class="actor">${entry.actor}</td>
      <td class="action" title=${entry.action}>${actionLabel(entry.action)}</td>
      <td class="details">${details(entry)}</td>
      <td class="origin">${entry.origin}</td>
    </tr>`;
}

export function AuditLog() {
  if (state.view !== "audit" || !state.agent || !state.agent.supervisor) return null;
  const page = audit.pages.length;
  return html`
    <section id="audit-view" class="audit-view" aria-labelledby="audit-title" aria-busy=${audit.loading ? "true" : "false"}>
      <h2 id="audit-title">${t("console_audit_title")}</h2>
      <${Filters}/>
      <table class="audit-table">
        <thead><tr>
          <th scope="col">${t("console_audit_when")}</th>
          <th scope="col">${t("console_audit_actor")}</th>
          <th scope="col">${t("console_audit_action")}</th>
          <th scope="col">${t("console_audit_details")}</th>
          <th scope="col">${t("console_audit_origin")}</th>
        </tr></thead>
        <tbody>${audit.entries.map((entry) => html`<${Entry} key=${entry.id} entry=${entry}/>`)}</tbody>
      </table>
      <p class="empty" hidden=${audit.loading || audit.entries.length > 0}>${t("console_audit_empty")}</p>
      <div class="row audit-pages">
        <button type="button" class="audit-newer" disabled=${page < 2} onClick=${newerPage}>${t("console_audit_newer")}</button>
        <span class="audit-page">${t("console_audit_page", {page})}</span>
        <button type="button" class="audit-older" disabled=${!hasOlder()} onClick=${olderPage}>${t("console_audit_older")}</button>
      </div>
    </section>`;
}
