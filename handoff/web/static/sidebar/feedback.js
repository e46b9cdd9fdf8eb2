/* "Helpful / Not helpful" under each of Bolt's answers: two buttons (reachable with Tab, pressed
 * with Enter or Space) that send a feedback frame; the feedback event (ours or from another tab)
 * marks the chosen one pressed. The user may change their answer: the other button stays on. */
import {button, element} from "./view.js";

/** The control for one message; `rate(helpful)` sends the user's answer. */
export function feedbackControl(t, rate) {
  const control = element("div", "bolt-feedback");
  control.setAttribute("role", "group");
  control.setAttribute("aria-label", t("web_feedback_question"));
  control.appendChild(element("span", "bolt-feedback-question", t("web_feedback_question")));
  const yes = button("bolt-feedback-yes", t("web_helpful"), () => rate(true));
  const no = button("bolt-feedback-no", t("web_not_helpful"), () => rate(false));
  yes.dataset.rating = "helpful";
  no.dataset.rating = "not_helpful";
  [yes, no].forEach((choice) => {
    choice.setAttribute("aria-pressed", "false");
    control.appendChild(choice);
  });
  return control;
}

/** Marks the user's latest answer: its button pressed, the other not, thanks said once. */
export function answered(control, rating, t) {
  if (!control) return;
  control.dataset.answered = rating;
  control.querySelectorAll("button").forEach((choice) => {
    choice.setAttribute("aria-pressed", String(choice.dataset.rating === rating));
  });
  if (!control.querySelector(".bolt-feedback-thanks")) {
    const thanks = element("span", "bolt-feedback-thanks", t("web_feedback_thanks"));
    thanks.setAttribute("role", "status");
    control.appendChild(thanks);
  }
}
