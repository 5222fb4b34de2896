/* The admin's selection widgets, made readable to assistive technology (no inline script: the CSP forbids it).
   Django's two-box selector labels its filter icon with aria-label on a plain <span>, and the autocomplete
   (Select2) renders a search box without a label and a clear button inside its list. They are drawn by
   script, and redrawn on every choice, so each is mended as it appears. */
(function () {
  "use strict";

  function labelOf(el) {
    var row = el.closest(".form-row, .fieldBox, .form-multiline > div");
    var label = row ? row.querySelector("label") : null;
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function mend(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".help-tooltip[aria-label]:not([role])"), function (el) {
      el.setAttribute("role", "img");
    });
    Array.prototype.forEach.call(root.querySelectorAll(".select2-search__field:not([aria-label])"), function (el) {
      var name = labelOf(el);
      if (name) el.setAttribute("aria-label", name);
    });
    Array.prototype.forEach.call(root.querySelectorAll("ul.select2-selection__rendered"), function (list) {
      Array.prototype.forEach.call(list.children, function (child) {
        if (child.tagName !== "LI") list.parentNode.insertBefore(child, list);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    mend(document);
    new MutationObserver(function () { mend(document); }).observe(document.body, { childList: true, subtree: true });
  });
})();
