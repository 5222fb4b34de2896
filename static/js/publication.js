// Polls the publication task's status (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var box = document.getElementById("publication-progress");
  if (!box) { return; }
  var text = document.getElementById("publication-progress-text");
  var url = box.getAttribute("data-status-url");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var msg = s.label || "";
        if (s.year) {
          // Brackets of the page's language: full-width in Chinese, ASCII in English.
          var zh = /^zh/i.test(document.documentElement.lang);
          msg += (zh ? "（" : " (") + s.year + " Q" + s.quarter + (zh ? "）" : ")");
        }
        if (s.state === "done") { msg += " " + s.rows; }
        text.textContent = msg;
        box.setAttribute("data-state", s.state);
        if (s.state === "done" && s.url) {
          var a = document.createElement("a");
          a.href = s.url; a.textContent = s.number;
          text.appendChild(document.createTextNode(" "));
          text.appendChild(a);
        }
        if (s.state !== "done" && s.state !== "failed" && s.state !== "skipped" && tries < 600) { setTimeout(poll, 1000); }
      })
      .catch(function () { if (tries < 600) { setTimeout(poll, 2000); } });
  }
  poll();
})();
