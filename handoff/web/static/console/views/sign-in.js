/* The sign-in form: name and password, sent once; the hub answers with a session token. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {signIn} from "../session.js";
import {t} from "../../shared/texts.js";

function submit(submitted) {
  submitted.preventDefault();
  const form = submitted.currentTarget;
  const password = form.elements.password;
  signIn(form.elements.name.value.trim(), password.value);
  password.value = "";
}

export function SignIn() {
  return html`
    <main id="sign-in-view" class="sign-in" hidden=${state.view !== "sign-in"}>
      <form id="sign-in" onSubmit=${submit}>
        <h2>${t("console_sign_in")}</h2>
        <label for="agent-login">${t("console_name")}</label>
        <input id="agent-login" name="name" autocomplete="username" required/>
        <label for="agent-password">${t("console_password")}</label>
        <input id="agent-password" name="password" type="password" autocomplete="current-password" required/>
        <button type="submit">${t("console_sign_in")}</button>
        <p class="error" id="sign-in-error" role="alert">${state.signInError}</p>
      </form>
    </main>`;
}
