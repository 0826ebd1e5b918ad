/*
 * Small page helpers; every page works without them.
 *
 *  - Notices: the × button ([data-dismiss="notice"]) removes its .notice.
 *  - data-confirm="Question?" on a form, a submit button or a link asks before going on
 *    (Post, Delete...). A submit button's own data-confirm wins over its form's.
 *  - A plain (non-htmx) POST form is not sent twice by a double click while the first
 *    submission is on its way.
 *  - Keyboard shortcuts: data-shortcut="post" (a name below) or data-shortcut="Ctrl+Alt+X"
 *    (any spec) on a button, link or field. The key is shown in its title and announced through
 *    aria-keyshortcuts. Buttons and links are clicked (so data-confirm still asks), fields focused.
 *  - Payment Application: the applied amount and the difference follow the ticked entries.
 *  - New content from htmx (htmx:load, also after history restore) gets the grid, lookups
 *    and shortcut hints set up again.
 *  - Errors: a refused form (422) is swapped in like any answer (htmx-config in base.html) and
 *    focus goes to its first invalid field or alert; any other error answer, or no answer, is
 *    shown in #app-alert with the server's own message, and focus goes there.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // ------------------------------------------------------------------ notices
  document.addEventListener("click", function (event) {
    var button = event.target.closest('[data-dismiss="notice"]');
    if (!button) return;
    var notice = button.closest(".notice");
    if (!notice) return;
    // Keep keyboard focus somewhere sensible: the next notice's button, else the page.
    var next = notice.nextElementSibling || notice.previousElementSibling;
    var hadFocus = document.activeElement === button;
    notice.remove();
    if (hadFocus) {
      var target = next && next.querySelector('[data-dismiss="notice"]');
      (target || document.getElementById("main") || document.body).focus();
    }
  });

  // ------------------------------------------------------------------ confirmation
  // Capture phase, so a "no" stops the event before htmx (or anything else) acts on it.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener(
    "click",
    function (event) {
      var el = event.target.closest("[data-confirm]");
      if (!el || el.tagName === "FORM") return;
      // Submit buttons are asked in the submit handler, which also covers Enter in a field.
      if (el.form && (el.type === "submit" || el.type === "image")) return;
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // ------------------------------------------------------------------ no double POST
  // Bubble phase on window: runs after everyone else, so only a submission that really goes
  // ahead marks the form. htmx forms are left to htmx (hx-disabled-elt).
  var RESUBMIT_AFTER_MS = 10000; // a POST that answers with a download leaves the page as it is
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    if (form.matches("[hx-post], [hx-put], [hx-patch], [hx-delete], [data-hx-post]")) return;
    if (form.receivablesSubmitting) {
      event.preventDefault();
      return;
    }
    form.receivablesSubmitting = true;
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.receivablesSubmitting = false;
      form.removeAttribute("aria-busy");
    }, RESUBMIT_AFTER_MS);
  });

  // Back/forward cache: a page shown again must accept submissions again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.forms, function (form) {
      form.receivablesSubmitting = false;
      form.removeAttribute("aria-busy");
    });
  });

  // ------------------------------------------------------------------ keyboard shortcuts
  // NAV 2017 web client keys where the browser leaves them free (F9 posts, Shift+F11 applies),
  // Ctrl+Alt+letter otherwise.
  var NAMED = {
    post: ["Ctrl+Alt+P", "F9"],
    "preview-posting": ["Ctrl+Alt+V"],
    new: ["Ctrl+Alt+N"],
    edit: ["Ctrl+Alt+E"],
    "apply-entries": ["Shift+F11"],
    filter: ["Ctrl+Alt+F"],
    save: ["Ctrl+Alt+S"],
  };

  function parse(spec) {
    var parts = spec.split("+");
    var key = parts.pop();
    var mods = parts.map(function (p) {
      return p.trim().toLowerCase();
    });
    return {
      text: spec,
      key: key.length === 1 ? key.toLowerCase() : key,
      ctrl: mods.indexOf("ctrl") !== -1,
      alt: mods.indexOf("alt") !== -1,
      shift: mods.indexOf("shift") !== -1,
      meta: mods.indexOf("meta") !== -1,
    };
  }

  function specsFor(el) {
    var value = (el.getAttribute("data-shortcut") || "").trim();
    if (!value) return [];
    return (NAMED[value] || [value]).map(parse);
  }

  function matches(spec, event) {
    if (spec.ctrl !== event.ctrlKey || spec.alt !== event.altKey) return false;
    if (spec.shift !== event.shiftKey || spec.meta !== event.metaKey) return false;
    if (spec.key.length === 1) {
      if (event.key.toLowerCase() === spec.key) return true;
      // macOS Option turns the letter into another character: fall back to the physical key.
      // Not under AltGr (Ctrl+Alt on Windows), which types @ { } € on Nordic keyboards.
      var altGraph = event.getModifierState && event.getModifierState("AltGraph");
      return !altGraph && event.code === "Key" + spec.key.toUpperCase();
    }
    return event.key === spec.key;
  }

  function usable(el) {
    if (el.disabled || el.getAttribute("aria-disabled") === "true") return false;
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat || event.isComposing) return;
    var hasModifier = event.ctrlKey || event.altKey || event.metaKey;
    if (!hasModifier && !/^F\d+$/.test(event.key)) return; // plain typing is never a shortcut
    var candidates = document.querySelectorAll("[data-shortcut]");
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      var specs = specsFor(el);
      for (var s = 0; s < specs.length; s++) {
        if (!matches(specs[s], event) || !usable(el)) continue;
        event.preventDefault();
        if (el.matches("input, select, textarea")) {
          el.focus();
          if (typeof el.select === "function") el.select();
        } else {
          el.click();
        }
        return;
      }
    }
  });

  // aria-keyshortcuts wants "Control+Alt+P"; the title shows "Ctrl+Alt+P".
  function decorate(scope) {
    var elements = [];
    if (scope.matches && scope.matches("[data-shortcut]")) elements.push(scope);
    if (scope.querySelectorAll) {
      Array.prototype.push.apply(elements, scope.querySelectorAll("[data-shortcut]"));
    }
    elements.forEach(function (el) {
      if (el.receivablesShortcut) return;
      el.receivablesShortcut = true;
      var specs = specsFor(el);
      if (!specs.length) return;
      var texts = specs.map(function (spec) {
        return spec.text;
      });
      el.setAttribute(
        "aria-keyshortcuts",
        texts
          .map(function (t) {
            return t.replace(/\bCtrl\b/g, "Control");
          })
          .join(" ")
      );
      var base = el.getAttribute("title") || (el.matches("input, select, textarea") ? "" : el.textContent.trim());
      var hint = "(" + texts.join(", ") + ")";
      if (base.indexOf(hint) === -1) el.setAttribute("title", (base ? base + " " : "") + hint);
    });
  }

  // ------------------------------------------------------------------ payment application totals
  // <form data-payment-application data-amount="980.00">: each ticked row's typed amount (or, left
  // blank, its placeholder: what paying the entry in full takes) adds up into [data-field=applied],
  // and the statement amount less that into [data-field=difference], as the user ticks and types.
  // The server computes the same when the form is posted; this only shows it sooner. In cents.
  function cents(text) {
    var cleaned = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    var value = parseFloat(cleaned);
    return isNaN(value) ? 0 : Math.round(Math.abs(value) * 100);
  }

  function money(amountInCents) {
    var format = new Intl.NumberFormat(root.lang || undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return format.format(amountInCents / 100);
  }

  function updateTotals(form) {
    var applied = 0;
    form.querySelectorAll('tbody input[type="checkbox"][name^="select_"]').forEach(function (box) {
      if (!box.checked) return;
      var amount = form.querySelector('input[name="amount_' + box.name.slice(7) + '"]');
      if (amount) applied += cents(amount.value.trim() ? amount.value : amount.placeholder);
    });
    var total = cents(form.getAttribute("data-amount"));
    var appliedField = form.querySelector('[data-field="applied"]');
    var differenceField = form.querySelector('[data-field="difference"]');
    if (appliedField) appliedField.textContent = money(applied);
    if (differenceField) {
      differenceField.textContent = money(total - applied);
      differenceField.classList.toggle("neg", applied > total);
    }
  }

  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.closest && event.target.closest("form[data-payment-application]");
      if (form) updateTotals(form);
    });
  });

  // ------------------------------------------------------------------ errors
  function focusFirstError(scope) {
    var field = scope.querySelector('[aria-invalid="true"]');
    var alert = field ? null : scope.querySelector('[role="alert"]:not(#app-alert)');
    var target = field || alert;
    if (!target) return;
    if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    if (field && typeof field.select === "function" && field.type !== "file") field.select();
  }

  // The message in an error answer: the element marked data-error-message (our 403/404/409
  // pages and refusals), else the answer's first heading or its text when it is short.
  function messageOf(xhr) {
    var body = (xhr && xhr.responseText) || "";
    var type = (xhr && xhr.getResponseHeader && xhr.getResponseHeader("Content-Type")) || "";
    if (type.indexOf("html") === -1) return body.trim().length < 500 ? body.trim() : "";
    var html = new DOMParser().parseFromString(body, "text/html");
    var node = html.querySelector("[data-error-message]") || html.querySelector("h1");
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function showAlert(text) {
    var box = document.getElementById("app-alert");
    if (!box) {
      window.alert(text);
      return;
    }
    box.querySelector(".notice__text").textContent = text;
    box.hidden = false;
    box.focus();
  }

  function hideAlert() {
    var box = document.getElementById("app-alert");
    if (box) box.hidden = true;
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest('[data-dismiss="alert"]')) hideAlert();
  });

  document.addEventListener("htmx:beforeRequest", hideAlert);
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : "";
    var generic = (document.body.getAttribute("data-error-status") || "%(status)s").replace("%(status)s", status);
    var text = messageOf(xhr);
    showAlert(text ? text + " (" + status + ")" : generic);
  });
  document.addEventListener("htmx:sendError", function () {
    showAlert(document.body.getAttribute("data-error-network") || "Network error");
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 422) return;
    var target = event.detail.target;
    focusFirstError(target && target.isConnected ? target : document);
  });

  // ------------------------------------------------------------------ set-up and htmx
  function enhance(scope) {
    scope = scope || document;
    if (window.ReceivablesGrid) window.ReceivablesGrid.init(scope);
    decorate(scope);
    scope.querySelectorAll("form[data-payment-application]").forEach(updateTotals);
  }

  document.addEventListener("htmx:load", function (event) {
    enhance(event.detail && event.detail.elt);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    // outerHTML swaps leave the old target detached; the new content is somewhere in the page.
    enhance(target && target.isConnected ? target : document);
  });
  document.addEventListener("htmx:historyRestore", function () {
    enhance(document);
  });

  function start() {
    enhance(document);
    // A page that comes back with errors (a plain POST answered 422) puts the cursor on the first.
    var main = document.getElementById("main");
    if (main && main.querySelector('[aria-invalid="true"], .form-errors')) focusFirstError(main);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
