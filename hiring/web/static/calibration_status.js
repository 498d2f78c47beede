/* Validity page: while a calibration runs, ask the server every two seconds whether it has
   ended, then show the result. Without this script the page says how to refresh by hand. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-job-status]");
  if (!panel || !window.fetch) {
    return;
  }
  var statusUrl = panel.getAttribute("data-job-status");
  var doneUrl = panel.getAttribute("data-done-url");
  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (job) {
        if (job && job.status !== "running") {
          if (window.location.pathname + window.location.search === doneUrl) {
            window.location.reload(); /* only the fragment would differ: load it again */
          } else {
            window.location.assign(doneUrl + "#calibration");
          }
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); /* the server may be restarting */
      });
  }
  window.setTimeout(poll, 2000);
})();
