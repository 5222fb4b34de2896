// Polls a report's generation and moves its progress bar (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var text = document.getElementById("report-progress-text");
  var bar = document.getElementById("report-progress-bar");
  var url = box.getAttribute("data-status-url");
  var tries = 0;
  function link(href, label) {
    var a = document.createElement("a");
    a.href = href; a.textContent = label;
    text.appendChild(document.createTextNode(" "));
    text.appendChild(a);
    return a;
  }
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.percent || 0;
        var msg = s.label || "";
        if (s.state === "done" && s.number) { msg += " " + s.number; }
        if (s.state === "failed" && s.error) { msg += ": " + s.error; }
        text.textContent = msg;
        box.setAttribute("data-state", s.state);
        if (s.state === "done" && s.url) {
          link(s.url, s.download_label).id = "report-download";
          if (s.verify_url) { link(s.verify_url, s.verify_label); }
        }
        if (s.state !== "done" && s.state !== "failed" && s.state !== "skipped" && tries < 900) { setTimeout(poll, 1000); }
      })
      .catch(function () { if (tries < 900) { setTimeout(poll, 2000); } });
  }
  poll();
})();
