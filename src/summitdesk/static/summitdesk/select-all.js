// A list's selection: a box in the heading chooses every row of the page; once the whole
// page is chosen and the list has more pages, a banner offers every matching row. That
// choice is sent as the list's filter (the hidden fields of the form and all_matching=1),
// never as ids. Without JavaScript, rows are chosen one by one, page by page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-bulk]");
  if (!form) {
    return;
  }
  var pageBox = form.querySelector("[data-select-page]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("input[data-row]"));
  var banner = form.querySelector("[data-select-all-banner]");
  var allMatching = form.querySelector("[data-all-matching]");
  if (!pageBox || rows.length === 0) {
    return;
  }
  pageBox.hidden = false;

  function part(name) {
    return banner ? banner.querySelector('[data-when="' + name + '"]') : null;
  }

  function setAll(on) {
    if (!allMatching) {
      return;
    }
    allMatching.value = on ? "1" : "";
    part("page").hidden = on;
    part("all").hidden = !on;
  }

  function refresh() {
    var chosen = rows.filter(function (row) {
      return row.checked;
    }).length;
    pageBox.checked = chosen === rows.length;
    pageBox.indeterminate = chosen > 0 && chosen < rows.length;
    if (banner) {
      banner.hidden = chosen !== rows.length;
      if (chosen !== rows.length) {
        setAll(false);
      }
    }
  }

  pageBox.addEventListener("change", function () {
    rows.forEach(function (row) {
      row.checked = pageBox.checked;
    });
    refresh();
  });
  rows.forEach(function (row) {
    row.addEventListener("change", refresh);
  });
  if (banner) {
    banner.querySelector("[data-select-all]").addEventListener("click", function () {
      setAll(true);
      banner.querySelector("[data-clear-selection]").focus();
    });
    banner.querySelector("[data-clear-selection]").addEventListener("click", function () {
      rows.forEach(function (row) {
        row.checked = false;
      });
      setAll(false);
      refresh();
      pageBox.focus();
    });
  }
  refresh();
})();
