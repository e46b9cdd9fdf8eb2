/* Signing in and out, and the agent's status. */
import {SESSION, changed, state} from "./state.js";
import {connect, disconnect, send} from "./socket.js";
import {removeChat} from "./chats.js";

export function showSignIn(message) {
  state.view = "sign-in";
  state.signInError = message;
  changed();
}

export function signIn(name, password) {
  state.signedOut = false;
  disconnect();
  connect({type: "login", name, password});
}

export function signOut() {
  send({type: "status", status: "offline"});
  send({type: "sign_out"});
  state.signedOut = true;
  sessionStorage.removeItem(SESSION);
  if (state.socket) state.socket.close();
  Object.keys(state.chats).forEach(removeChat);
  showSignIn("");
}

export function setStatus(status) {
  // Shown at once; the hub's status frame confirms it.
  state.agent.status = status;
  send({type: "status", status});
  changed();
}

/** Resumes the session this tab signed in with, if any; else shows the sign-in form. */
export function resume() {
  const saved = sessionStorage.getItem(SESSION);
  if (saved) connect({type: "login", session: saved});
  else showSignIn("");
}
