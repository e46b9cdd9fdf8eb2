/* Which view of the desk the agent looks at: their chats, the replies, the web tickets, for
 * supervisors the live board, the reports and the audit log, and for editors and supervisors the
 * review page (also reached at its address, `#review?language=<lang>`). The chats go on in the
 * background whichever is shown. */
import {html} from "../ui.js";
import {changed, state} from "../state.js";
import {showAudit} from "../audit.js";
import {LANGUAGES, t} from "../../shared/texts.js";
import {loadReplies} from "../replies.js";
import {repliesView} from "./replies.js";
import {showReports} from "./reports.js";
import {followBoard} from "../supervision.js";
import {mayReview, parseRoute, showReview} from "../review.js";
import {loadTickets} from "../tickets.js";

function go(view) {
  state.view = view;
  if (view === "review") showReview();
  else if (window.location.hash.startsWith("#review")) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
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
      ${mayReview(agent) ? html`<${Tab} view="review" label=${t("console_nav_review")}/>` : null}
    </nav>`;
}

/** Shows the page the address names (`#review?language=…`), once signed in and when it changes. */
export function followRoute() {
  const route = parseRoute(window.location.hash);
  if (!route || !mayReview(state.agent)) return;
  state.view = "review";
  showReview(route.language, route.group);
}

window.addEventListener("hashchange", followRoute);
