/* Which view of the desk the agent looks at: their chats, the replies, the web tickets, and for
 * supervisors the live board and the audit log. The chats go on in the background whichever is
 * shown. */
import {html} from "../ui.js";
import {changed, state} from "../state.js";
import {showAudit} from "../audit.js";
import {LANGUAGES, t} from "../../shared/texts.js";
import {loadReplies} from "../replies.js";
import {repliesView} from "./replies.js";
import {showReports} from "./reports.js";
import {followBoard} from "../supervision.js";
import {loadTickets} from "../tickets.js";

function go(view) {
  state.view = view;
  if (view === "audit") showAudit();
  if (view === "reports") showReports();
  if (view === "board") followBoard();
  if (view === "tickets") loadTickets();
  if (view === "replies") {
    const language = repliesView.language || state.agent.languages[0] || LANGUAGES[0];
    repliesView.language = language;
    loadReplies(language);
  }
  changed();
}

function Tab({view, label}) {
  const current = state.view === view;
  return html`
    <button type="button" class=${"nav-" + view} aria-current=${current ? "page" : undefined}
            onClick=${() => go(view)}>${label}</button>`;
}

export function Nav() {
  const agent = state.agent;
  if (!agent || state.view === "sign-in") return null;
  return html`
    <nav class="views" aria-label=${t("console_nav_label")}>
      <${Tab} view="desk" label=${t("console_nav_desk")}/>
      <${Tab} view="replies" label=${t("console_nav_replies")}/>
      ${agent.supervisor ? html`<${Tab} view="board" label=${t("console_nav_board")}/>` : null}
      <${Tab} view="tickets" label=${t("console_nav_tickets")}/>
      ${agent.supervisor ? html`<${Tab} view="audit" label=${t("console_nav_audit")}/>` : null}
      ${agent.supervisor ? html`<${Tab} view="reports" label=${t("console_nav_reports")}/>` : null}
    </nav>`;
}
