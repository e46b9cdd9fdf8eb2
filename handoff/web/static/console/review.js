/* The review inbox as an editor or a supervisor reads it (the `review` frames of
 * docs/protocol.md): the language shown, its groups, the conversation opened, what the last
 * action and the last publish came to. The page's address is `#review?language=<lang>`
 * (optionally `&group=<id>`, the group shown first), which other pages link to. */
import {changed, clientId, state} from "./state.js";
import {send} from "./socket.js";
import {LANGUAGES} from "../shared/texts.js";

export const review = {
  language: null, group: null, groups: [], loading: false, editor: false,
  transcript: null,          // {conversation_id, events} of the conversation opened
  results: {},               // group_id -> {working, ok, findings, message}
  publishing: null           // {working} or the content_published / content_rolled_back frame
};
const pending = {};          // client_id -> group_id of the editor's actions

/** `#review?language=de&group=…`: {language, group}, or null for another address. */
export function parseRoute(hash) {
  if (!hash || !hash.startsWith("#review")) return null;
  const query = new URLSearchParams(hash.split("?")[1] || "");
  const language = query.get("language");
  return {language: LANGUAGES.includes(language) ? language : null, group: query.get("group")};
}

export function routeOf(language, group) {
  return "#review?language=" + language + (group ? "&group=" + encodeURIComponent(group) : "");
}

export function mayReview(agent) {
  return Boolean(agent && (agent.editor || agent.supervisor));
}

export function showReview(language, group) {
  review.language = language || review.language || (state.agent && state.agent.languages[0]) || LANGUAGES[0];
  review.group = group || null;
  review.transcript = null;
  review.loading = send({type: "review", language: review.language});
  const wanted = routeOf(review.language, review.group);
  if (window.location.hash !== wanted) history.replaceState(null, "", wanted);
  changed();
}

export function openConversation(conversationId) {
  send({type: "review_transcript", conversation_id: conversationId});
}

export function closeConversation() {
  review.transcript = null;
  changed();
}

export function act(group, action, topic) {
  const id = clientId("r");
  pending[id] = group.group_id;
  review.results[group.group_id] = {working: true};
  const frame = {type: "review_act", client_id: id, language: review.language,
                 group_id: group.group_id, action};
  if (topic) frame.topic = topic;
  send(frame);
  changed();
}

export function publish(rollback) {
  review.publishing = {working: true};
  send({type: rollback ? "content_rollback" : "content_publish", client_id: clientId("p")});
  changed();
}

/** An error answering one of the editor's actions: shown on its group. */
export function reviewRefused(frame) {
  const group = pending[frame.ref];
  if (group) {
    delete pending[frame.ref];
    review.results[group] = {ok: false, findings: [], message: frame.message};
    changed();
    return true;
  }
  if (review.publishing && review.publishing.working && frame.ref && frame.ref.startsWith("p-")) {
    review.publishing = {ok: false, message: frame.message};
    changed();
    return true;
  }
  return false;
}

export const reviewHandlers = {
  review(frame) {
    if (frame.language !== review.language) return;
    review.groups = frame.groups;
    review.editor = frame.editor;
    review.loading = false;
    changed();
  },
  review_transcript(frame) {
    review.transcript = frame;
    changed();
  },
  review_done(frame) {
    delete pending[frame.client_id];
    review.results[frame.group_id] = frame;
    if (frame.ok) showReview(review.language, review.group);
    changed();
  },
  content_published(frame) {
    review.publishing = frame;
    if (frame.ok) showReview(review.language, review.group);
    changed();
  },
  content_rolled_back(frame) {
    review.publishing = frame;
    changed();
  }
};
