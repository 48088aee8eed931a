/* The portal's own small script. Every page works without it; it adds the confirm
   dialog, dismissible toasts, printing and focus on form errors. No inline script:
   the Content-Security-Policy allows only this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Toasts: a close button, and success/info toasts leave by themselves.
  function dismiss(toast) {
    toast.classList.add("is-leaving");
    window.setTimeout(function () { toast.remove(); }, 200);
  }
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss='toast']");
    if (close) { dismiss(close.closest(".toast")); }
    var print = event.target.closest("[data-print]");
    if (print) { window.print(); }
  });
  document.querySelectorAll(".toast-success, .toast-info").forEach(function (toast) {
    window.setTimeout(function () { if (toast.isConnected) { dismiss(toast); } }, 8000);
  });

  // Confirm dialogs: <form data-confirm="question" data-confirm-ok="Withdraw">.
  var dialog = document.getElementById("confirm-dialog");
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || form.dataset.confirmed === "yes") { return; }
    if (!dialog || typeof dialog.showModal !== "function") {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      return;
    }
    event.preventDefault();
    var ok = dialog.querySelector("[value='ok']");
    dialog.querySelector("#confirm-message").textContent = form.dataset.confirm;
    ok.textContent = form.dataset.confirmOk || ok.dataset.defaultLabel;
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "ok") {
        form.dataset.confirmed = "yes";
        if (typeof form.requestSubmit === "function") { form.requestSubmit(event.submitter); }
        else { form.submit(); }
      } else if (event.submitter) {
        event.submitter.focus();
      }
    });
    dialog.showModal();
    dialog.querySelector("[value='cancel']").focus();
  });

  // Rotating check-in codes (core/checkin.py): the organiser's screen fetches the new
  // QR code every period; the SVG is parsed as SVG (never as HTML) before it is shown.
  document.querySelectorAll("[data-rotating-qr]").forEach(function (figure) {
    var url = figure.dataset.rotatingQr;
    var period = Math.max(5, parseInt(figure.dataset.period, 10) || 30);
    function refresh() {
      window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { window.setTimeout(refresh, period * 1000); return; }
          var doc = new DOMParser().parseFromString(data.svg, "image/svg+xml");
          var svg = doc.documentElement;
          if (svg && svg.nodeName.toLowerCase() === "svg") {
            figure.querySelector("[data-qr-svg]").replaceChildren(document.importNode(svg, true));
          }
          var code = figure.querySelector("[data-qr-code]");
          if (code && data.code) { code.textContent = data.code; }
          var wait = Math.max(1, parseInt(data.expires_in, 10) || period);
          window.setTimeout(refresh, wait * 1000);
        })
        .catch(function () { window.setTimeout(refresh, period * 1000); });
    }
    window.setTimeout(refresh, period * 1000);
  });

  // A form that came back with errors: move focus to its summary.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
