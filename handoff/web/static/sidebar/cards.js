/* Article cards under one of Bolt's messages (docs/protocol.md, "Article cards"): each article's
 * title (a link only to the help center's own pages), its section and the sentence that matched,
 * then one "Helpful / Not helpful" control for the message, which sends a feedback frame; the
 * feedback event (ours or from another tab) marks it answered. */
import {linkNode} from "../shared/links.js";
import {button, element} from "./view.js";

export function articleCards(custom, t, origins) {
  const list = element("ul", "bolt-cards");
  list.setAttribute("aria-label", t("web_articles_label"));
  (custom.articles || []).forEach((article) => {
    const card = element("li", "bolt-card");
    card.dataset.articleId = article.article_id || "";
    const title = element("p", "bolt-card-title");
    title.appendChild(linkNode(article.url, article.title, origins, "bolt-card-link"));
    card.appendChild(title);
    if (article.heading && article.heading !== article.title) {
      card.appendChild(element("p", "bolt-card-heading", article.heading));
    }
    if (article.snippet) card.appendChild(element("p", "bolt-card-snippet", article.snippet));
    list.appendChild(card);
  });
  return list;
}

/** The control for the message `seq`; `rate(helpful)` sends the user's answer. */
export function feedbackControl(t, rate) {
  const control = element("div", "bolt-feedback");
  control.setAttribute("role", "group");
  control.setAttribute("aria-label", t("web_feedback_question"));
  control.appendChild(element("span", "bolt-feedback-question", t("web_feedback_question")));
  const yes = button("bolt-feedback-yes", t("web_helpful"), () => rate(true));
  const no = button("bolt-feedback-no", t("web_not_helpful"), () => rate(false));
  yes.dataset.helpful = "true";
  no.dataset.helpful = "false";
  control.appendChild(yes);
  control.appendChild(no);
  return control;
}

/** Marks the control answered: its buttons off, the chosen one pressed, thanks said. */
export function answered(control, helpful, t) {
  if (!control || control.dataset.answered) return;
  control.dataset.answered = helpful ? "helpful" : "not_helpful";
  control.querySelectorAll("button").forEach((choice) => {
    choice.disabled = true;
    choice.setAttribute("aria-pressed", String(choice.dataset.helpful === String(helpful)));
  });
  control.appendChild(element("span", "bolt-feedback-thanks", t("web_feedback_thanks")));
}
