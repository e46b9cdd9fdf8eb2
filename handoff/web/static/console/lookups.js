/* What the console keeps of the agent's look-ups (docs/protocol.md): each chat's customer
 * history, the search form's last answer, and the earlier conversation open to read; and what it
 * does with the hub's answers to customer_history, transcript and search. */
import {changed, state} from "./state.js";
import {send} from "./socket.js";

export const lookups = {
  history: {},            // conversation id -> the customer_history answer
  search: {fields: {}, answer: null, pending: false},
  past: null              // the transcript answer being read
};

export function askHistory(conversationId) {
  if (lookups.history[conversationId]) return;
  lookups.history[conversationId] = {pending: true, conversations: []};
  send({type: "customer_history", conversation_id: conversationId});
}

export function openPast(conversationId) {
  send({type: "transcript", conversation_id: conversationId});
}

export function closePast() {
  lookups.past = null;
  changed();
}

export function search(fields, page) {
  lookups.search.fields = fields;
  lookups.search.pending = true;
  send({type: "search", ...fields, page});
  changed();
}

export const lookupHandlers = {
  customer_history(frame) {
    lookups.history[frame.conversation_id] = frame;
    changed();
  },

  transcript(frame) {
    lookups.past = frame;
    changed();
  },

  search_results(frame) {
    lookups.search.answer = frame;
    lookups.search.pending = false;
    changed();
  }
};

/** A chat the agent no longer holds forgets its customer's history (asked again if it returns). */
export function forgetHistory(conversationId) {
  delete lookups.history[conversationId];
}

// The look-ups, for debugging in the browser (and the browser tests).
state.lookups = lookups;
