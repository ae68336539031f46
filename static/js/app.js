/* Small enhancements on top of htmx: saving state and retry, focus after swaps, copy, print.
   Everything works without this file; texts come from data-* attributes (translated). */
(function () {
  "use strict";

  /* Live-saved forms (the attendance taps): "saving…", and on a network or server failure
     a clear message with a retry. The pressed state changes only when the server answers. */
  function statusOf(form) { return form.querySelector(".save-status"); }
  function textsOf(form) { return form.closest("[data-saving]").dataset; }  /* on the list */

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
    statusOf(form).textContent = textsOf(form).saving;
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
    message.textContent = textsOf(form).failed + " ";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "link-button";
    retry.textContent = textsOf(form).retry;
    retry.addEventListener("click", function () {
      (form.lastButton || form.querySelector("button[type=submit]")).click();
    });
    message.appendChild(retry);
    status.appendChild(message);
    retry.focus();
  });

  /* Focus after a swap: htmx keeps it on a control with the same id; otherwise it goes to
     the first field with an error, to the first field of the form that was sent (ready for
     the next entry), or to the swapped region — never to <body>. A region that updates
     itself (hx-trigger "every …", e.g. a progress bar) never takes the focus. */
  var swapped = null;
  var POLLING = /(^|,)\s*every\s/;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var sender = event.detail.requestConfig && event.detail.requestConfig.elt;
    var polled = sender && POLLING.test(sender.getAttribute("hx-trigger") || "");
    swapped = polled ? null : {target: event.detail.target && event.detail.target.id,
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

  /* After a boosted page change (htmx swapped the whole body) the focus goes where a reader
     starts: the error summary of a form sent back, else the page's <h1>; and the flash
     messages are put into their live region again, so that screen readers say them. */
  var focusedBefore = null;  // htmx focuses the new element of the same id after a swap
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target === document.body) {
      focusedBefore = document.activeElement ? document.activeElement.id : null;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target !== document.body) { return; }
    var errors = document.querySelector("main .form-errors");
    var active = document.activeElement;
    var moved = active && active !== document.body &&  // the reader (or autofocus) went on
      !(active.id && active.id === focusedBefore);
    var start = errors || (moved ? null : document.querySelector("main h1"));
    if (start) {
      if (!start.hasAttribute("tabindex")) { start.setAttribute("tabindex", "-1"); }
      start.focus();
    }
    var flashes = document.querySelector("main .flashes");
    var said = flashes ? Array.prototype.slice.call(flashes.children) : [];
    if (said.length) {
      flashes.replaceChildren();
      setTimeout(function () { said.forEach(function (item) { flashes.appendChild(item); }); }, 100);
    }
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
  /* A link to a page "#tisk" (e.g. "Vytisknout zápis" on a meeting's page) opens the page
     and its print dialog; without script the page opens, ready to print. */
  window.addEventListener("load", function () {
    if (location.hash !== "#tisk") { return; }
    history.replaceState(history.state, "", location.pathname + location.search);
    window.print();
  });
  /* The minutes editor: every keystroke is kept in this browser until the server has saved
     it, so a closed tab, a dropped connection or an expired session loses nothing; the next
     visit offers the text back. The version it started from comes back with it, so restoring
     never overwrites someone else's later save (the server refuses a stale one). */
  function setupDraftEditor(form) {
    if (form.draftReady) { return; }
    form.draftReady = true;
    var key = form.dataset.draftKey;
    var text = form.querySelector("textarea[name=text]");
    var version = function () { return form.querySelector("input[name=version]"); };  /* swapped on save */
    var status = document.getElementById("save-status");
    var sent = null;
    var read = function () {
      try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
    };
    var keep = function () {
      try {
        localStorage.setItem(key, JSON.stringify(
          {text: text.value, version: version().value, at: Date.now()}));
      } catch (e) { /* storage full or disabled: the autosave still runs */ }
    };
    text.addEventListener("input", function () { keep(); status.textContent = form.dataset.unsaved; });
    text.addEventListener("htmx:beforeRequest", function () {
      sent = text.value; status.textContent = form.dataset.saving;
    });
    text.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && text.value === sent) { localStorage.removeItem(key); }
      else if (event.detail.xhr.status === 0) {
        status.textContent = form.dataset.offline;
        setTimeout(function () { htmx.trigger(text, "retry-save"); }, 10000);
      }
    });
    var stored = read();
    if (!stored || stored.text === text.value) { localStorage.removeItem(key); return; }
    var box = document.getElementById("draft-recovery");
    var when = new Date(stored.at).toLocaleTimeString(document.documentElement.lang,
                                                      {hour: "numeric", minute: "2-digit"});
    var message = document.createElement("span");
    message.textContent = form.dataset.recover.replace("{time}", when);
    var restore = document.createElement("button");
    restore.type = "button"; restore.className = "button"; restore.textContent = form.dataset.recoverButton;
    var discard = document.createElement("button");
    discard.type = "button"; discard.className = "link-button"; discard.textContent = form.dataset.discardButton;
    restore.addEventListener("click", function () {
      text.value = stored.text; version().value = stored.version; box.hidden = true;
      text.dispatchEvent(new Event("input", {bubbles: true}));
      text.focus();
    });
    discard.addEventListener("click", function () { localStorage.removeItem(key); box.hidden = true; text.focus(); });
    box.append(message, restore, discard);
    box.hidden = false;
  }
  document.querySelectorAll("form[data-draft-key]").forEach(setupDraftEditor);
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt.querySelectorAll) {
      event.detail.elt.querySelectorAll("form[data-draft-key]").forEach(setupDraftEditor);
    }
  });
}());
