/* Candidate pages: save answers as soon as they change. Everything works without this script;
   it only spares a candidate from losing a half-answered page. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  function save() {
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin"
    }).then(function (response) {
      if (status && response.status === 204) {
        status.textContent = "Your answers on this page are saved.";
      } else if (status && response.status === 503) {
        status.textContent = "Your latest answers could not be saved just now. Press Next to try again.";
      }
    }).catch(function () {
      /* Offline for a moment: Next still saves the page. */
    });
  }
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 300);
  });
})();
