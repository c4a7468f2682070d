// The supervised-session form: the escalation fields show only while "I escalated a concern"
// is ticked. Without script they are always shown; the server checks them either way.
(function () {
  "use strict";
  document.querySelectorAll("[data-reveal-when]").forEach(function (block) {
    var box = document.getElementById(block.getAttribute("data-reveal-when"));
    if (!box) return;
    var sync = function () { block.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
})();
