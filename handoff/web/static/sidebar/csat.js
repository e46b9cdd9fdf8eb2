/* The rating of an agent's chat (CSAT, docs/protocol.md): after the agent resolved it, the user is
 * asked once for a score of 1-5 (radio buttons: arrows move, Space picks) and an optional comment,
 * sent as a csat frame; the csat event (ours or from another tab) marks it answered. */
import {element} from "./view.js";

export const SCORES = [1, 2, 3, 4, 5];
export const COMMENT_CHARS = 1000;

/** The form asking for a rating; `rate(score, comment)` sends it. */
export function csatForm(t, rate) {
  const form = element("form", "bolt-csat");
  const fieldset = element("fieldset", "bolt-csat-scores");
  fieldset.appendChild(element("legend", "bolt-csat-question", t("web_csat_question")));
  const name = "bolt-csat-" + Math.random().toString(36).slice(2);
  SCORES.forEach((score) => {
    const label = element("label", "bolt-csat-score");
    const input = element("input");
    input.type = "radio";
    input.name = name;
    input.value = String(score);
    input.required = true;
    label.appendChild(input);
    label.appendChild(element("span", "bolt-csat-number", String(score)));
    label.appendChild(element("span", "bolt-csat-meaning", t("web_csat_score_" + score)));
    fieldset.appendChild(label);
  });
  form.appendChild(fieldset);
  const commentLabel = element("label", "bolt-csat-comment-label", t("web_csat_comment"));
  const comment = element("textarea", "bolt-csat-comment");
  comment.rows = 2;
  comment.maxLength = COMMENT_CHARS;
  commentLabel.appendChild(comment);
  form.appendChild(commentLabel);
  const send = element("button", "bolt-csat-send", t("web_csat_send"));
  send.type = "submit";
  form.appendChild(send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) return;
    form.querySelectorAll("input, textarea, button").forEach((field) => { field.disabled = true; });
    rate(Number(chosen.value), comment.value.trim());
  });
  return form;
}

/** Shows the rating given in place of the form: the score and thanks. */
export function csatAnswered(form, score, t) {
  if (!form || form.dataset.answered) return;
  form.dataset.answered = String(score);
  form.textContent = "";
  form.appendChild(element("p", "bolt-csat-thanks", t("web_csat_thanks", {score})));
}
