/* Staff pages: keyboard entry of item results, import progress, label printing. No inline script (CSP). */
(function () {
  "use strict";

  // ---------------------------------------------------------------- item-result table (Django formset)
  var VERDICT_KEYS = { "1": "pass", "2": "fail", "3": "na" };

  function setupFormset(table) {
    var prefix = table.getAttribute("data-formset");
    var form = table.closest("form");
    var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var body = table.querySelector("[data-rows]");
    var template = document.getElementById("item-row-template");
    var addButton = form.querySelector("[data-add-row]");
    if (!total || !body || !template) return;

    function cells(row) {
      return Array.prototype.filter.call(row.querySelectorAll("input, select, textarea"), function (el) {
        return !el.readOnly && !el.disabled && el.type !== "hidden";
      });
    }

    function renumber() {
      Array.prototype.forEach.call(body.querySelectorAll("[data-row]"), function (row, i) {
        var seq = row.querySelector("[data-seq]");
        if (seq) seq.textContent = String(i + 1);
      });
    }

    function addRow() {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      var row = holder.querySelector("tr");
      body.appendChild(row);
      total.value = String(index + 1);
      renumber();
      var first = cells(row)[0];
      if (first) first.focus();
      return row;
    }

    if (addButton) addButton.addEventListener("click", function () { addRow(); });

    // The verdict a numeric requirement suggests for the measured value, asked of the server (one
    // home for the rule) as the row is typed; the inspector's choice stays the verdict.
    var suggestUrl = table.getAttribute("data-suggest-url");
    var differsText = table.getAttribute("data-differs") || "";
    var timers = {};
    function valueOf(row, column) {
      var el = row.querySelector("[name$='-" + column + "']");
      return el ? el.value : "";
    }
    function suggest(row) {
      var out = row.querySelector("[data-suggestion]");
      if (!suggestUrl || !out) return;
      var query = new URLSearchParams({
        requirement: valueOf(row, "requirement"), measured: valueOf(row, "measured"), unit: valueOf(row, "unit")
      });
      fetch(suggestUrl + "?" + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) {
          var chosen = valueOf(row, "verdict");
          var differs = !!s.verdict && (chosen === "pass" || chosen === "fail") && chosen !== s.verdict;
          out.textContent = s.text ? s.text + (differs ? differsText : "") : "";
          out.classList.toggle("differs", differs);
          row.setAttribute("data-suggested", s.verdict || "");
        })
        .catch(function () { /* no suggestion is shown; entry goes on */ });
    }
    body.addEventListener("input", function (event) {
      var row = event.target.closest("[data-row]");
      if (!row || !/-(measured|requirement|unit)$/.test(event.target.name || "")) return;
      var key = row.querySelector("[name$='-measured']").name;
      window.clearTimeout(timers[key]);
      timers[key] = window.setTimeout(function () { suggest(row); }, 250);
    });
    body.addEventListener("change", function (event) {
      var row = event.target.closest("[data-row]");
      if (row && /-verdict$/.test(event.target.name || "")) suggest(row);
    });

    form.addEventListener("keydown", function (event) {
      // Alt+N anywhere in the form adds a row (aria-keyshortcuts on the button says so).
      if (event.altKey && (event.key === "n" || event.key === "N" || event.code === "KeyN")) {
        event.preventDefault();
        addRow();
        return;
      }
      var target = event.target;
      // In a verdict cell, 1/2/3 pick 合格/不合格/不适用 without opening the list.
      if (target.tagName === "SELECT" && body.contains(target) && VERDICT_KEYS[event.key] && !event.altKey && !event.ctrlKey) {
        event.preventDefault();
        target.value = VERDICT_KEYS[event.key];
        target.dispatchEvent(new Event("change", { bubbles: true }));
        return;
      }
      if (event.key !== "Enter" || !body.contains(target) || target.tagName === "TEXTAREA") return;
      // Enter in a cell moves to the next cell like a spreadsheet; on the last cell it adds a row.
      event.preventDefault();
      var all = [];
      Array.prototype.forEach.call(body.querySelectorAll("[data-row]"), function (row) {
        all = all.concat(cells(row));
      });
      var at = all.indexOf(target);
      if (at === all.length - 1) {
        addRow();
      } else if (at >= 0) {
        all[at + 1].focus();
      }
    });
  }

  // ---------------------------------------------------------------- import: check the file before sending
  function setupImportForm(form) {
    var input = form.querySelector("input[type=file]");
    var message = document.getElementById("file-client-error");
    if (!input || !message) return;
    function problem() {
      if (!input.files || input.files.length === 0) return form.getAttribute("data-missing");
      var name = input.files[0].name.toLowerCase();
      if (!/\.(csv|xlsx)$/.test(name)) return form.getAttribute("data-bad-type");
      return "";
    }
    function show(text) {
      message.textContent = text;
      message.hidden = !text;
      if (text) {
        input.setAttribute("aria-invalid", "true");
        var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (ids.indexOf("file-client-error") < 0) ids.push("file-client-error");
        input.setAttribute("aria-describedby", ids.join(" "));
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
    input.addEventListener("change", function () { show(problem()); });
    form.addEventListener("submit", function (event) {
      var text = problem();
      if (text) {
        // Stay on the page: the browser keeps the chosen file, the user picks another.
        event.preventDefault();
        show(text);
        input.focus();
      }
    });
  }

  // ---------------------------------------------------------------- import: progress bar
  function setupProgress(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var label = document.getElementById("import-status-label");
    var count = document.getElementById("import-count");
    var timer = null;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (state) {
          if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
          if (label) label.textContent = state.status_label;
          if (count) count.textContent = count.textContent.replace(/\d+\s*\/\s*\d+/, state.processed_rows + " / " + state.total_rows);
          if (state.done) {
            window.clearInterval(timer);
            window.location.reload();  // the server renders the result and every bad row
          }
        })
        .catch(function () { /* keep polling; a transient error should not stop the bar */ });
    }
    timer = window.setInterval(poll, 1000);
    poll();
  }

  // A table that scrolls sideways on a narrow screen can be scrolled from the keyboard too: a box with
  // nothing focusable inside gets a tab stop and the name of its table.
  function scrollableByKeyboard() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var focusable = box.querySelector("a[href], button, input, select, textarea, [tabindex]");
      if (scrolls && !focusable && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        if (caption && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", caption.textContent.trim());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollableByKeyboard();
    window.addEventListener("resize", scrollableByKeyboard);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-formset]"), setupFormset);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-import-form]"), setupImportForm);
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress-url]"), setupProgress);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    var errors = document.getElementById("form-errors");
    if (errors) {
      // Take the keyboard to the first field in error so the user can fix it at once.
      var bad = document.querySelector("[aria-invalid=true]");
      if (bad) bad.focus();
    }
  });
})();
