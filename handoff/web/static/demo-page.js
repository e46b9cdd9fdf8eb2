/* The demo help-center page: in demo mode a picker signs in one of the demo users (the hub
 * issues their token); the help center itself would put its own user's token here. */
import {mount as mountSidebar} from "./bolt-sidebar.js";

const page = document.getElementById("bolt-page");
const texts = JSON.parse(page.dataset.texts);
const locale = page.dataset.locale;
const target = document.getElementById("bolt-sidebar");
const CHOSEN = "bolt-demo:user";
let sidebar = null;

function mount(token) {
  if (sidebar) sidebar.stop();
  sidebar = mountSidebar(target, {locale, token});
}

function signIn(userId) {
  sessionStorage.setItem(CHOSEN, userId);
  if (!userId) return mount(null);
  fetch("/api/demo/token", {method: "POST", body: JSON.stringify({user_id: userId})})
    .then((response) => response.json())
    .then((answer) => mount(answer.token || null));
}

function option(value, label) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = label;
  return node;
}

async function picker() {
  const answer = await (await fetch("/api/demo/users")).json();
  const box = document.getElementById("demo-user");
  const label = document.createElement("label");
  label.htmlFor = "demo-user-select";
  label.textContent = texts.web_demo_user;
  const select = document.createElement("select");
  select.id = "demo-user-select";
  select.appendChild(option("", texts.web_demo_anonymous));
  answer.users.forEach((user) => {
    select.appendChild(option(user.user_id, `${user.name} (${user.plan}, ${user.support_plan})`));
  });
  select.value = sessionStorage.getItem(CHOSEN) || "";
  select.addEventListener("change", () => signIn(select.value));
  box.appendChild(label);
  box.appendChild(select);
  box.hidden = false;
  signIn(select.value);
}

if (page.dataset.demo === "true") picker();
else mount(null);
