/* The console's one way to render: Preact components written as htm tagged templates (the
 * vendored files under /static/vendor/, no build step). Text goes in as ${value}, so what a user
 * or an agent wrote is always set as text, never parsed as markup. */
import {h, render} from "../vendor/preact.module.js";
import htm from "../vendor/htm.module.js";

export const html = htm.bind(h);
export {render};
export {useEffect, useLayoutEffect, useRef, useState} from "../vendor/hooks.module.js";
