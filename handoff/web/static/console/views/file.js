/* One file in a transcript: an image shown inline, a PDF as a download link, each from its
 * expiring link (console/files.js). */
import {html} from "../ui.js";
import {fileLink, files, openFresh, size} from "../files.js";
import {t} from "../../shared/texts.js";

const SHOWN_WIDTH = 320;

export function FileView({file, conversationId}) {
  const url = fileLink(file.id, conversationId);
  if (file.type && file.type.startsWith("image/")) {
    const width = file.width ? Math.min(file.width, SHOWN_WIDTH) : undefined;
    const height = width && file.height ? Math.round(width * file.height / file.width) : undefined;
    return html`
      <figure class="file" data-file-id=${file.id}>
        ${url ? html`<img class="file-image" src=${url} alt=${t("console_file_image", {name: file.name})}
                          width=${width} height=${height}/>`
              : html`<span class="file-loading"></span>`}
        <figcaption>${file.name}</figcaption>
      </figure>`;
  }
  const follow = (click) => {
    const known = files.links[file.id];
    if (known && known.until > Date.now()) return;
    click.preventDefault();
    openFresh(file.id, conversationId);
  };
  return html`
    <p class="file" data-file-id=${file.id}>
      <a class="file-download" href=${url || "#"} download=${file.name} onClick=${follow}>
        ${t("console_file_download", {name: file.name, size: size(file.size)})}
      </a>
    </p>`;
}
