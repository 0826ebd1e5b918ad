/*
 * The journal grid and lookups.
 *
 * <table class="grid" data-grid>: the fields in its body and footer rows are moved between with
 * the keyboard like a spreadsheet (NAV's journal lines):
 *   ArrowUp / ArrowDown       same column, previous / next row
 *   ArrowLeft / ArrowRight    previous / next cell when the caret is at the start / end of the
 *                             text or the whole text is selected (always for selects, checkboxes)
 *   Enter / Shift+Enter       next / previous row; from the last line, the first field of the
 *                             new-line row (tr[data-new-row]). In the new-line row Enter keeps its
 *                             normal meaning (submits the form): that is how a typed line is added.
 *   Ctrl+Home / Ctrl+End      first / last line, same column
 *   F2                        edit: caret to the end of the text instead of selecting it all
 * A field reached with the keyboard has its text selected, so typing replaces it. The row with
 * focus gets .is-current and a bubbling "grid:rowchange" event (detail.row), so a fact box can
 * follow the current line: hx-trigger="grid:rowchange from:closest table" on a row or an outer element.
 * Selects: Up/Down move rows; Alt+Down or typing letters change the value.
 * A cell may hold something other than a field (a button, a link) marked [data-grid-cell].
 *
 * <input data-lookup-url="/customers/lookup/?q=" [data-lookup-fill="description"]>: an ARIA
 * combobox. Typing (150 ms debounce), F4 or Alt+Down fetches data-lookup-url + the typed text and
 * expects JSON [{"value": "C10000", "label": "C10000 Fjord Handel AS"}] (an optional "fill" key
 * gives the text for the fill field). Up/Down choose, Enter picks, Escape closes, Tab closes
 * (picking only an option chosen with the arrows). Picking sets the input, and the field named in
 * data-lookup-fill in the same row (or form; formset prefixes are understood) gets the label
 * without the leading value. Both fire input and change events, so hx-trigger="change" works.
 *
 * Nothing here is needed for the page to work: without JavaScript these are plain inputs in a
 * plain form. Initialise new content with ReceivablesGrid.init(element) (app.js does it on htmx:load).
 */
(function () {
  "use strict";

  var FIELD =
    'input:not([type="hidden"]):not([type="submit"]):not([type="button"]):not([type="reset"])' +
    ':not([type="image"]):not(:disabled), select:not(:disabled), textarea:not(:disabled), [data-grid-cell]';

  // Input types that use Left/Right themselves and hide their caret position.
  var OWN_ARROWS = { date: 1, time: 1, "datetime-local": 1, month: 1, week: 1, range: 1 };

  var DEBOUNCE_MS = 150;

  // ------------------------------------------------------------------ keyboard or pointer?
  // A field focused by a click keeps the caret where the user clicked; one reached by keyboard
  // gets its text selected, like a spreadsheet cell.
  var pointerFocus = false;
  document.addEventListener(
    "pointerdown",
    function () {
      pointerFocus = true;
      window.setTimeout(function () {
        pointerFocus = false;
      }, 0);
    },
    true
  );

  // ------------------------------------------------------------------ helpers
  function isTextLike(field) {
    if (field.tagName === "TEXTAREA") return true;
    if (field.tagName !== "INPUT") return false;
    return !/^(checkbox|radio|range|color|file)$/.test(field.type);
  }

  function selectText(field) {
    if (!isTextLike(field) || typeof field.select !== "function") return;
    try {
      field.select();
    } catch (e) {
      /* some input types refuse; nothing to select then */
    }
  }

  function isVisible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function firstField(cell) {
    var fields = cell.querySelectorAll(FIELD);
    for (var i = 0; i < fields.length; i++) {
      if (isVisible(fields[i])) return fields[i];
    }
    return null;
  }

  // The visual column a cell starts in (colspans counted).
  function columnOf(cell) {
    var col = 0;
    for (var c = cell.previousElementSibling; c; c = c.previousElementSibling) col += c.colSpan || 1;
    return col;
  }

  function cellAtColumn(row, col) {
    var start = 0;
    for (var i = 0; i < row.cells.length; i++) {
      var span = row.cells[i].colSpan || 1;
      if (col >= start && col < start + span) return row.cells[i];
      start += span;
    }
    return null;
  }

  function rowsOf(table) {
    var rows = [];
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) sections.push(table.tFoot);
    sections.forEach(function (section) {
      Array.prototype.forEach.call(section.rows, function (row) {
        if (row.querySelector(FIELD)) rows.push(row);
      });
    });
    return rows;
  }

  // Can Left/Right leave this field? Only when the caret is at that edge (or all text is
  // selected, i.e. the cell was just entered), so editing inside the text still works.
  function atEdge(field, edge) {
    if (field.tagName === "SELECT" || !isTextLike(field)) return !OWN_ARROWS[field.type];
    if (OWN_ARROWS[field.type]) return false;
    var start, end;
    try {
      start = field.selectionStart;
      end = field.selectionEnd;
    } catch (e) {
      start = null;
    }
    if (start === null || start === undefined) return true; // number, email: no caret API
    var length = field.value.length;
    if (start === 0 && end === length) return true;
    if (start !== end) return false;
    return edge === "start" ? start === 0 : end === length;
  }

  function focusField(field) {
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "nearest", inline: "nearest" });
    selectText(field);
  }

  // ------------------------------------------------------------------ the grid
  function Grid(table) {
    this.table = table;
    table.addEventListener("keydown", this.onKeydown.bind(this));
    table.addEventListener("focusin", this.onFocusin.bind(this));
  }

  Grid.prototype.position = function (field) {
    var cell = field.closest("td, th");
    if (!cell) return null;
    var row = cell.parentElement;
    if (!row || row.closest("table") !== this.table) return null;
    return { cell: cell, row: row, column: columnOf(cell) };
  };

  // The field in `column` of the nearest row in direction `step` that has one there.
  Grid.prototype.vertical = function (row, column, step, skipNewRow) {
    var rows = rowsOf(this.table);
    for (var i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      if (skipNewRow && rows[i].hasAttribute("data-new-row")) continue;
      var cell = cellAtColumn(rows[i], column);
      var field = cell && firstField(cell);
      if (field) return field;
    }
    return null;
  };

  Grid.prototype.horizontal = function (cell, step) {
    for (var c = step < 0 ? cell.previousElementSibling : cell.nextElementSibling; c;
      c = step < 0 ? c.previousElementSibling : c.nextElementSibling) {
      var field = firstField(c);
      if (field) return field;
    }
    return null;
  };

  Grid.prototype.newRowField = function (currentRow) {
    var newRow = this.table.querySelector("tr[data-new-row]");
    if (!newRow || newRow === currentRow) return null;
    for (var i = 0; i < newRow.cells.length; i++) {
      var field = firstField(newRow.cells[i]);
      if (field) return field;
    }
    return null;
  };

  Grid.prototype.edgeRowField = function (column, last) {
    var rows = rowsOf(this.table).filter(function (row) {
      return !row.hasAttribute("data-new-row");
    });
    if (!rows.length) return null;
    var row = last ? rows[rows.length - 1] : rows[0];
    var cell = cellAtColumn(row, column);
    return cell && firstField(cell);
  };

  Grid.prototype.onKeydown = function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    var field = event.target;
    if (!field.matches || !field.matches(FIELD)) return;
    var at = this.position(field);
    if (!at) return;
    var plain = !(event.altKey || event.ctrlKey || event.metaKey || event.shiftKey);
    var target = null;

    switch (event.key) {
      case "ArrowUp":
      case "ArrowDown": {
        if (!plain) return; // Alt+Down opens a select or a lookup; Shift selects text
        var up = event.key === "ArrowUp";
        if (field.tagName === "TEXTAREA" && !atEdge(field, up ? "start" : "end")) return;
        // Prevented even at the first/last row: a select or number field would change its value.
        event.preventDefault();
        target = this.vertical(at.row, at.column, up ? -1 : 1);
        if (!target && !up) target = this.newRowField(at.row);
        break;
      }
      case "ArrowLeft":
      case "ArrowRight": {
        if (!plain) return;
        var left = event.key === "ArrowLeft";
        if (!atEdge(field, left ? "start" : "end")) return;
        target = this.horizontal(at.cell, left ? -1 : 1);
        if (target) event.preventDefault();
        break;
      }
      case "Enter": {
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        if (field.tagName === "TEXTAREA" || field.matches("[data-grid-cell]")) return;
        if (event.shiftKey) {
          target = this.vertical(at.row, at.column, -1);
        } else {
          if (at.row.hasAttribute("data-new-row")) return; // submit: adds the typed line
          // From the last line Enter starts a new line at its first field, as in NAV.
          target = this.vertical(at.row, at.column, 1, true) || this.newRowField(at.row);
        }
        // Nowhere to go: leave Enter alone, so it submits as it would without JavaScript.
        if (target) event.preventDefault();
        break;
      }
      case "Home":
      case "End": {
        if (!event.ctrlKey || event.altKey || event.shiftKey || event.metaKey) return;
        target = this.edgeRowField(at.column, event.key === "End");
        if (target) event.preventDefault();
        break;
      }
      case "F2": {
        if (!plain || !isTextLike(field)) return;
        event.preventDefault();
        try {
          var end = field.value.length;
          field.setSelectionRange(end, end);
        } catch (e) {
          /* no caret API for this type */
        }
        return;
      }
      default:
        return;
    }
    if (target && target !== field) focusField(target);
  };

  Grid.prototype.onFocusin = function (event) {
    var field = event.target;
    if (!field.matches || !field.matches(FIELD)) return;
    var at = this.position(field);
    if (!at) return;
    if (!pointerFocus) selectText(field);
    this.markCurrent(at.row);
  };

  // The current row stays marked when focus moves to the action bar: actions such as
  // Apply Entries act on the current line, as in NAV.
  Grid.prototype.markCurrent = function (row) {
    if (row.classList.contains("is-current")) return;
    var previous = this.table.querySelectorAll("tr.is-current");
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove("is-current");
    row.classList.add("is-current");
    row.dispatchEvent(new CustomEvent("grid:rowchange", { bubbles: true, detail: { row: row } }));
  };

  // ------------------------------------------------------------------ lookups (ARIA combobox)
  var lookupCount = 0;

  function Lookup(input) {
    this.input = input;
    this.items = [];
    this.active = -1;
    this.chosenWithArrows = false;
    this.timer = null;
    this.controller = null;
    this.suppressInput = false;
    this.reposition = this.place.bind(this);

    var base = input.id || "lookup-" + ++lookupCount;
    var list = document.getElementById(base + "-listbox");
    // After an htmx history restore the old list is back in the DOM, without its listeners.
    if (list) list.remove();
    list = document.createElement("ul");
    list.id = base + "-listbox";
    list.className = "lookup__list";
    list.setAttribute("role", "listbox");
    var label = input.labels && input.labels.length ? input.labels[0].textContent.trim() : input.getAttribute("aria-label");
    if (label) list.setAttribute("aria-label", label);
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    this.list = list;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    input.addEventListener("input", this.onInput.bind(this));
    input.addEventListener("keydown", this.onKeydown.bind(this));
    input.addEventListener("blur", this.close.bind(this));
    // mousedown would blur the input (and close the list) before the click lands.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", this.onClick.bind(this));
  }

  Lookup.prototype.isOpen = function () {
    return !this.list.hidden;
  };

  Lookup.prototype.url = function (query) {
    var url = this.input.getAttribute("data-lookup-url");
    if (!/=$/.test(url)) url += (url.indexOf("?") === -1 ? "?" : "&") + "q=";
    return url + encodeURIComponent(query);
  };

  Lookup.prototype.onInput = function () {
    if (this.suppressInput) return;
    window.clearTimeout(this.timer);
    var query = this.input.value.trim();
    if (!query) {
      this.close();
      return;
    }
    this.timer = window.setTimeout(this.fetch.bind(this, query), DEBOUNCE_MS);
  };

  Lookup.prototype.fetch = function (query) {
    var self = this;
    if (this.controller) this.controller.abort();
    var controller = (this.controller = new AbortController());
    window
      .fetch(this.url(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
      .then(function (response) {
        if (!response.ok) throw new Error("lookup failed: " + response.status);
        return response.json();
      })
      .then(function (items) {
        if (document.activeElement !== self.input) return; // the user has moved on
        self.render(Array.isArray(items) ? items : [], query !== "");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") self.close();
      });
  };

  Lookup.prototype.render = function (items, activateFirst) {
    var list = this.list;
    this.items = items;
    this.chosenWithArrows = false;
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "lookup__empty";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.textContent = document.body.getAttribute("data-lookup-empty") || "No matches";
      list.appendChild(empty);
    }
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = list.id + "-" + index;
      option.className = "lookup__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      option.textContent = item.label || item.value; // text, never HTML
      list.appendChild(option);
    });
    this.open();
    this.highlight(activateFirst && items.length ? 0 : -1);
  };

  Lookup.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.place();
    window.addEventListener("scroll", this.reposition, true);
    window.addEventListener("resize", this.reposition);
  };

  Lookup.prototype.close = function () {
    window.clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.controller = null;
    if (!this.isOpen()) return;
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    window.removeEventListener("scroll", this.reposition, true);
    window.removeEventListener("resize", this.reposition);
  };

  // position: fixed, so a scrolling table (.table-wrap) does not clip the list. The
  // coordinates are set through the CSSOM, which the CSP allows (style attributes it does not).
  Lookup.prototype.place = function () {
    var box = this.input.getBoundingClientRect();
    var style = this.list.style;
    style.left = Math.max(0, box.left) + "px";
    style.minWidth = box.width + "px";
    var below = window.innerHeight - box.bottom;
    if (below < 180 && box.top > below) {
      style.top = "auto";
      style.bottom = window.innerHeight - box.top + "px";
    } else {
      style.top = box.bottom + "px";
      style.bottom = "auto";
    }
  };

  Lookup.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll(".lookup__option");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Lookup.prototype.onKeydown = function (event) {
    var key = event.key;
    if (key === "F4" || (key === "ArrowDown" && event.altKey)) {
      event.preventDefault();
      if (this.isOpen()) this.close();
      else this.fetch(this.input.value.trim());
      return;
    }
    if (!this.isOpen()) return;
    var count = this.items.length;
    switch (key) {
      case "ArrowDown":
      case "ArrowUp":
        if (event.shiftKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        if (event.altKey) {
          this.close(); // Alt+Up
          return;
        }
        if (!count) return;
        var step = key === "ArrowDown" ? 1 : -1;
        var next = this.active < 0 ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
        this.chosenWithArrows = true;
        this.highlight(next);
        break;
      case "Enter":
        if (this.active >= 0) {
          event.preventDefault();
          this.pick(this.active);
        } else {
          this.close();
        }
        break;
      case "Escape":
        event.preventDefault();
        event.stopPropagation();
        this.close();
        break;
      case "Tab":
        if (this.chosenWithArrows && this.active >= 0) this.pick(this.active);
        this.close();
        break;
      default:
    }
  };

  Lookup.prototype.onClick = function (event) {
    var option = event.target.closest(".lookup__option");
    if (option) this.pick(Number(option.getAttribute("data-index")));
  };

  Lookup.prototype.pick = function (index) {
    var item = this.items[index];
    if (!item) return;
    var input = this.input;
    this.close();
    this.suppressInput = true;
    setValue(input, String(item.value));
    this.suppressInput = false;
    var fillName = input.getAttribute("data-lookup-fill");
    var fill = fillName && fillField(input, fillName);
    if (fill && !fill.readOnly && !fill.disabled) {
      setValue(fill, item.fill !== undefined ? String(item.fill) : labelWithoutValue(item));
    }
  };

  function setValue(field, value) {
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // "C10000 Fjord Handel AS" -> "Fjord Handel AS"
  function labelWithoutValue(item) {
    var label = String(item.label || "");
    var value = String(item.value || "");
    if (value && label.indexOf(value) === 0) {
      label = label.slice(value.length).replace(/^[\s\-–—:·|]+/, "");
    }
    return label;
  }

  // The field called `name` next to `input`: same row first, then same form; a formset
  // prefix on the input's name ("form-3-account_no") is tried before the bare name.
  function fillField(input, name) {
    var names = [];
    var dash = input.name ? input.name.lastIndexOf("-") : -1;
    if (dash >= 0) names.push(input.name.slice(0, dash + 1) + name);
    names.push(name);
    var scopes = [input.closest("tr"), input.form, input.closest("form, fieldset, section")];
    for (var s = 0; s < scopes.length; s++) {
      if (!scopes[s]) continue;
      for (var n = 0; n < names.length; n++) {
        var found = scopes[s].querySelector('[name="' + CSS.escape(names[n]) + '"]');
        if (found && found !== input) return found;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ set-up
  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // Idempotent: flags live on the element objects (not in attributes), so content that htmx
  // restores from its history cache, which carries attributes but no listeners, is set up again.
  function init(root) {
    root = root || document;
    each(root, "table[data-grid]", function (table) {
      if (!table.receivablesGrid) table.receivablesGrid = new Grid(table);
    });
    each(root, "input[data-lookup-url]", function (input) {
      if (!input.receivablesLookup) input.receivablesLookup = new Lookup(input);
    });
  }

  window.ReceivablesGrid = { init: init };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }
})();
