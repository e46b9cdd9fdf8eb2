/* Bolt's help-center sidebar, an ES module: one conversation over the hub's /ws/chat.
 *
 * Embed it on any help-center page (the page's origin in BOLT_HUB_ALLOWED_ORIGINS):
 *   <div id="bolt-sidebar"></div>
 *   <script type="module" src="https://HUB/static/bolt-sidebar.js" data-target="#bolt-sidebar"
 *           data-locale="de-DE" data-token="<the user's help-center token>"></script>
 * or mount it from a script: BoltSidebar.mount(element, {locale, token}), or from a module:
 *   import {mount} from "https://HUB/static/bolt-sidebar.js";
 *
 * The conversation survives reloads in the same tab (sessionStorage). Its texts come from the
 * hub's catalogue for the page's language (shared/texts.js). */
import {Sidebar} from "./sidebar/sidebar.js";
import {format} from "./shared/texts.js";

// The hub is where this module was loaded from, whichever page embeds it.
const HUB = new URL(import.meta.url).origin;

export function mount(root, options) {
  const sidebar = new Sidebar(root, options || {}, HUB);
  window.BoltSidebar.current = sidebar;
  sidebar.start();
  return sidebar;
}

window.BoltSidebar = {
  // The sidebar mounted last, for the page's own scripts (and the browser tests).
  current: null,
  mount,
  format
};

// A module script has no document.currentScript: its tag is the one whose src is this module.
const tag = Array.from(document.querySelectorAll("script[data-target]"))
  .find((script) => script.src === import.meta.url);
if (tag) {
  const mountWhenReady = () => mount(document.querySelector(tag.dataset.target),
                                     {locale: tag.dataset.locale, token: tag.dataset.token});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountWhenReady);
  else mountWhenReady();
}
