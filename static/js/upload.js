// Upload progress for forms that htmx posts with multipart encoding (Import Bank Statement).
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("form") : null;
    var bar = form && form.querySelector("progress.progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.textContent = bar.value + "%";
  });
  // Whatever the answer (imported, refused, no network), the bar is done: a full bar beside an
  // error would say the upload worked.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest ? event.target.closest("form") : null;
    var bar = form && form.querySelector("progress.progress");
    if (!bar) return;
    bar.hidden = true;
    bar.value = 0;
    bar.textContent = "";
  });
})();
