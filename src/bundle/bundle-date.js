// Shows the notice of an outdated bundle once the date until which it was
// meant to be used has passed. Reads nothing but the page; the page says the
// dates without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-valid-until]");
  if (!box) return;
  var until = new Date(box.getAttribute("data-valid-until") + "T23:59:59Z");
  if (isNaN(until.getTime()) || new Date() <= until) return;
  var notice = box.querySelector(".bundle-expired");
  if (notice) notice.hidden = false;
})();
