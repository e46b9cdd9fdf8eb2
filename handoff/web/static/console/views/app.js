/* The whole console: the top bar, then the sign-in form, or the views of the desk: the queue
 * and chats (with search and an earlier conversation being read), the replies, the web tickets,
 * and for supervisors the audit log, the reports and the live board, for editors and supervisors
 * the review of what Bolt missed. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {Header} from "./header.js";
import {SignIn} from "./sign-in.js";
import {Queue} from "./queue.js";
import {Chats} from "./chat.js";
import {PastConversation} from "./history.js";
import {Search} from "./search.js";
import {Nav} from "./nav.js";
import {Replies} from "./replies.js";
import {AuditLog} from "./audit.js";
import {Reports} from "./reports.js";
import {Board} from "./board.js";
import {Review} from "./review.js";
import {Tickets} from "./tickets.js";

export function App() {
  return html`
    <${Header}/>
    <${Nav}/>
    <${SignIn}/>
    <div id="desk-view" class="desk" hidden=${state.view !== "desk"}>
      <${Search}/>
      <${PastConversation}/>
      <${Queue}/>
      <${Chats}/>
    </div>
    <${Replies}/>
    <${Tickets}/>
    <${AuditLog}/>
    <${Reports}/>
    <${Board}/>
    <${Review}/>
    <p id="announce" class="visually-hidden" aria-live="polite">${state.announce}</p>`;
}
