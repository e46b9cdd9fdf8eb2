/* The user's rating of a chat (a csat event, docs/protocol.md) as a transcript line: the score of
 * 5 and the comment as the user wrote it (text, never markup). */
import {t} from "../../shared/texts.js";

/** What a csat event shows in a transcript; nothing for any other event. */
export function csatLine(e) {
  if (e.kind !== "csat") return {};
  const rated = t("console_csat_given", {score: e.score});
  return {kind: "system", csat: true, text: e.comment ? rated + " " + t("console_csat_comment", {comment: e.comment}) : rated};
}
