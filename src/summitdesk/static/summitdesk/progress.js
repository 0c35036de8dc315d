// Follows a mailing live: polls its status (JSON) every two seconds and updates the
// progress bar and the counts. Without JavaScript the page reloads itself instead (the
// server sends a Refresh header while the mailing is not done).
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section || section.dataset.done === "true") {
    return;
  }
  var url = section.dataset.statusUrl;
  var bar = section.querySelector("progress");
  var texts = document.getElementById("mailing-texts");
  var summary = section.querySelector("[data-field=summary]");
  var handledText = section.querySelector("[data-field=handled-text]");
  var every = 2000;

  function show(status) {
    Object.keys(status).forEach(function (key) {
      var cell = section.querySelector('[data-count="' + key + '"]');
      if (cell) {
        cell.textContent = String(status[key]);
      }
    });
    bar.max = status.total || 1;
    bar.value = status.total ? status.handled : 1;
    bar.textContent = status.percent + " %";
    if (handledText && texts) {
      handledText.textContent = texts.dataset.handled
        .replace("{handled}", status.handled)
        .replace("{total}", status.total)
        .replace("{percent}", status.percent);
    }
    if (summary && texts) {
      summary.textContent = status.done ? texts.dataset.done : texts.dataset.sending;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.done) {
          section.dataset.done = "true";
          var note = section.querySelector("[data-field=refresh-note]");
          if (note) {
            note.hidden = true;
          }
          // Once more from the server: the lists of failed and unsent letters, no Refresh.
          window.setTimeout(function () {
            window.location.reload();
          }, 1000);
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () {
        window.setTimeout(poll, every * 2);
      });
  }

  window.setTimeout(poll, every);
})();
