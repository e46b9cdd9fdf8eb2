/* The whole console: the top bar, then the sign-in form or the desk (search, an earlier
 * conversation being read, queue and chats). */
import {html} from "../ui.js";
import {state} from "../state.js";
import {Header} from "./header.js";
import {SignIn} from "./sign-in.js";
import {Queue} from "./queue.js";
import {Chats} from "./chat.js";
import {PastConversation} from "./history.js";
import {Search} from "./search.js";

export function App() {
  return html`
    <${Header}/>
    <${SignIn}/>
    <div id="desk-view" class="desk" hidden=${state.view !== "desk"}>
      <${Search}/>
      <${PastConversation}/>
      <${Queue}/>
      <${Chats}/>
    </div>
    <p id="announce" class="visually-hidden" aria-live="polite">${state.announce}</p>`;
}
