// The reply form, a little easier with JavaScript; everything works without it.
// - The reason for declining shows only to those who decline, the delegation only to
//   those who may attend (hidden fields are still sent, and ignored when declining).
// - The first interaction with a reply never opened tells the server (a POST, as a person
//   does: a GET of the page, which mail scanners and link previews make too, changes nothing).
// - "Add more rows" adds one blank member row here instead of reloading the page.
(function () {
  "use strict";
  var form = document.getElementById("reply-form");
  if (!form) {
    return;
  }

  function answer() {
    var checked = form.querySelector('input[name="attending"]:checked');
    return checked ? checked.value : "";
  }

  function toggle() {
    var value = answer();
    form.querySelectorAll("[data-when]").forEach(function (element) {
      var when = element.getAttribute("data-when");
      element.hidden =
        (when === "declining" && value !== "no") || (when === "attending" && value === "no");
    });
  }

  var openedUrl = form.getAttribute("data-opened-url");
  if (openedUrl) {
    var told = false;
    var tell = function () {
      var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (told || !csrf || !window.fetch) {
        return;
      }
      told = true;
      window.fetch(openedUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf.value },
      });
    };
    ["focusin", "input", "click"].forEach(function (name) {
      form.addEventListener(name, tell, { once: true });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "attending") {
      toggle();
    }
  });
  toggle();

  var button = form.querySelector("[data-add-member]");
  var template = document.getElementById("member-template");
  var list = document.getElementById("members");
  var total = form.querySelector('input[name="members-TOTAL_FORMS"]');
  var most = form.querySelector('input[name="members-MAX_NUM_FORMS"]');
  if (!button || !template || !list || !total) {
    return;
  }
  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10) || 0;
    if (most && index >= parseInt(most.value, 10)) {
      return; // the server answers with the limit
    }
    event.preventDefault();
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    list.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var row = list.lastElementChild;
    var first = row && row.querySelector("input[type=text]");
    if (first) {
      first.focus();
    }
  });
})();
