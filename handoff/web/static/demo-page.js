/* The demo help-center page: in demo mode a picker signs in one of the demo users (the hub
 * issues their token); the help center itself would put its own user's token here. */
(function () {
  "use strict";
  var page = document.getElementById("bolt-page");
  var texts = JSON.parse(page.dataset.texts);
  var locale = page.dataset.locale;
  var target = document.getElementById("bolt-sidebar");
  var CHOSEN = "bolt-demo:user";
  var sidebar = null;

  function mount(token) {
    if (sidebar) sidebar.stop();
    sidebar = window.BoltSidebar.mount(target, {locale: locale, token: token});
  }

  function signIn(userId) {
    sessionStorage.setItem(CHOSEN, userId);
    if (!userId) return mount(null);
    fetch("/api/demo/token", {method: "POST", body: JSON.stringify({user_id: userId})})
      .then(function (response) { return response.json(); })
      .then(function (answer) { mount(answer.token || null); });
  }

  if (page.dataset.demo !== "true") {
    mount(null);
    return;
  }
  fetch("/api/demo/users").then(function (response) { return response.json(); }).then(function (answer) {
    var box = document.getElementById("demo-user");
    var label = document.createElement("label");
    label.htmlFor = "demo-user-select";
    label.textContent = texts.web_demo_user;
    var select = document.createElement("select");
    select.id = "demo-user-select";
    var none = document.createElement("option");
    none.value = "";
    none.textContent = texts.web_demo_anonymous;
    select.appendChild(none);
    answer.users.forEach(function (user) {
      var option = document.createElement("option");
      option.value = user.user_id;
      option.textContent = user.name + " (" + user.plan + ", " + user.support_plan + ")";
      select.appendChild(option);
    });
    var chosen = sessionStorage.getItem(CHOSEN) || "";
    select.value = chosen;
    select.addEventListener("change", function () { signIn(select.value); });
    box.appendChild(label);
    box.appendChild(select);
    box.hidden = false;
    signIn(select.value);
  });
})();
