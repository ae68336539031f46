/* Small enhancements on top of htmx: saving state and retry, focus after swaps, copy, print.
   Everything works without this file; texts come from data-* attributes (translated). */
(function () {
  "use strict";

  /* Live-saved forms (the attendance taps): "saving…", and on a network or server failure
     a clear message with a retry. The pressed state changes only when the server answers. */
  function statusOf(form) { return form.querySelector(".save-status"); }

  function liveForm(event) {  /* the live-saved form that sent this request, if any */
    var config = event.detail.requestConfig;
    var sender = (config && config.elt) || event.detail.elt;
    return sender && sender.closest ? sender.closest("form.live-save") : null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("form.live-save button[type=submit]");
    if (button) { button.form.lastButton = button; }
  });

  /* A server error (or a proxy's error page) never replaces the row: the state shown stays
     the last saved one, and the message below offers a retry. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = liveForm(event);
    if (form && event.detail.xhr.status >= 500) { event.detail.shouldSwap = false; }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = liveForm(event);
    if (!form) { return; }
    form.setAttribute("aria-busy", "true");
    statusOf(form).textContent = form.dataset.saving;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = liveForm(event);
    if (!form || !form.isConnected) { return; }
    form.removeAttribute("aria-busy");
    var status = statusOf(form);
    status.textContent = "";
    if (event.detail.successful || (event.detail.xhr && event.detail.xhr.status < 500 &&
                                    event.detail.xhr.status >= 400)) { return; }
    var message = document.createElement("span");
    message.className = "field-error";
    message.textContent = form.dataset.failed + " ";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "link-button";
    retry.textContent = form.dataset.retry;
    retry.addEventListener("click", function () {
      (form.lastButton || form.querySelector("button[type=submit]")).click();
    });
    message.appendChild(retry);
    status.appendChild(message);
    retry.focus();
  });

  /* Focus after a swap: htmx keeps it on a control with the same id; otherwise it goes to
     the first field with an error, to the first field of the form that was sent (ready for
     the next entry), or to the swapped region — never to <body>. */
  var swapped = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var sender = event.detail.requestConfig && event.detail.requestConfig.elt;
    swapped = {target: event.detail.target && event.detail.target.id,
               form: sender && sender.tagName === "FORM" ? sender.id : null};
  });
  document.addEventListener("htmx:afterSettle", function () {
    var region = swapped && swapped.target && document.getElementById(swapped.target);
    var form = swapped && swapped.form && document.getElementById(swapped.form);
    swapped = null;
    if (!region) { return; }
    var invalid = region.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); return; }
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) { return; }
    var first = form && form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); return; }
    if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "-1"); }
    region.focus();
  });

  /* Copy a feed address; print a page. */
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var field = document.getElementById(copy.dataset.copy);
      field.select();
      var done = function () { copy.textContent = copy.dataset.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else { document.execCommand("copy"); done(); }
    }
    if (event.target.closest("[data-print]")) { window.print(); }
  });
}());
