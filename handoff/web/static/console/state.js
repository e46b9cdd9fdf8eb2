/* What the console knows: the agent, the queue, the offers and the chats it holds, and how the
 * views are told that something changed. Frames from the hub and the agent's own actions change
 * the state, then call changed(); the views are drawn again from the state (console/main.js). */

export const SESSION = "bolt-console:session";

export const state = {
  socket: null, attempt: 0, pendingLogin: null, signedOut: false,
  view: "sign-in", signInError: "", connection: "", announce: "", sound: false,
  agent: null, queue: [], offers: {}, chats: {}, order: [], active: null,
  // The help center's origins, whose article links open; the agent's latest article search.
  linkOrigins: [], articleSearch: null,
  // For supervisors: the live board (its chats and agents), once the hub sent it.
  board: null
};

let draw = () => {};
let scheduled = false;

export function onChange(redraw) {
  draw = redraw;
}

/** Draws the views again once the current task is done, however many changes it made. */
export function changed() {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    draw();
  });
}

export function clientId(prefix) {
  return prefix + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
}
