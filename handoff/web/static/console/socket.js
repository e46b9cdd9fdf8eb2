/* The console's connection to the hub's /ws/agent (docs/protocol.md): signs in with name and
 * password once, then with the session token the hub gave (kept in sessionStorage) on every
 * reconnect, with backoff after a drop. */
import {SESSION, changed, state} from "./state.js";
import {receive} from "./frames.js";
import {t} from "../shared/texts.js";

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];

export function send(frame) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) {
    state.socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

export function connect(login) {
  const url = window.location.origin.replace(/^http/, "ws") + "/ws/agent";
  const socket = new WebSocket(url);
  state.socket = socket;
  state.pendingLogin = login.session ? "session" : "password";
  socket.onopen = () => socket.send(JSON.stringify(login));
  socket.onmessage = (message) => receive(JSON.parse(message.data));
  socket.onclose = () => {
    if (state.socket !== socket) return;
    state.socket = null;
    const session = sessionStorage.getItem(SESSION);
    if (state.signedOut || !session) return;
    state.connection = t("console_reconnecting");
    changed();
    const delay = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
    state.attempt += 1;
    setTimeout(() => connect({type: "login", session}), delay);
  };
}

/** Closes the connection on purpose: no reconnect follows. */
export function disconnect() {
  const old = state.socket;
  state.socket = null;
  if (old) old.close();
}
