/* The reviewer console's keyboard (issue 5, CON-3; docs/review.md).
 *
 * Progressive enhancement: every action is a plain form or link in the page, which works
 * without this file; the keys only press them. Elements say what they answer to with
 * data-key; queue rows carry their URLs in data-*-url. A static file, for the CSP.
 */
(() => {
  "use strict";

  const root = document.querySelector("[data-review]");
  if (!root) {
    return;
  }
  const kind = root.dataset.review;
  const help = document.getElementById("review-help");
  const picker = document.getElementById("reason-picker");
  const filter = document.getElementById("reason-picker-filter");
  const ROW_KEY = "xinan.review.row";

  for (const element of document.querySelectorAll("[data-needs-script]")) {
    element.hidden = false;
  }

  // Keys are letters typed into the page, not into a field: a text field keeps its letters.
  const isTyping = (element) => {
    if (!(element instanceof Element)) {
      return false;
    }
    if (element.isContentEditable || element.matches("textarea, select")) {
      return true;
    }
    const buttons = ["checkbox", "radio", "button", "submit", "reset"];
    return element.matches("input") && !buttons.includes(element.type);
  };

  const press = (element) => {
    if (!element) {
      return false;
    }
    if (element instanceof HTMLButtonElement && element.type === "submit" && element.form) {
      element.form.requestSubmit(element);
    } else {
      element.click();
    }
    return true;
  };

  // --- help ("?") -------------------------------------------------------------------------
  const toggleHelp = (show) => {
    if (help) {
      help.hidden = !(show === undefined ? help.hidden : show);
    }
  };
  for (const button of document.querySelectorAll('button[data-key="?"]')) {
    button.addEventListener("click", () => toggleHelp());
  }

  // --- the reason-code picker ("r", "d") --------------------------------------------------
  let onPick = null;
  let active = 0;
  const allOptions = () => (picker ? [...picker.querySelectorAll("[data-code]")] : []);
  const visibleOptions = () => allOptions().filter((option) => !option.hidden);

  const highlight = (index) => {
    const options = visibleOptions();
    active = options.length ? (index + options.length) % options.length : 0;
    options.forEach((option, n) => {
      option.classList.toggle("is-active", n === active);
      option.setAttribute("aria-selected", n === active ? "true" : "false");
    });
    if (options[active]) {
      options[active].scrollIntoView({ block: "nearest" });
    }
  };

  const applyFilter = () => {
    const query = filter.value.trim().toLowerCase();
    for (const option of allOptions()) {
      option.hidden = query !== "" && !option.dataset.code.includes(query);
    }
    highlight(0);
  };

  const openPicker = (suggested, then) => {
    if (!picker || !filter) {
      return false;
    }
    const list = picker.querySelector("[role=listbox]");
    for (const code of [...suggested].reverse()) {
      const option = list.querySelector(`[data-code="${CSS.escape(code)}"]`);
      if (option) {
        list.prepend(option);
      }
    }
    onPick = then;
    toggleHelp(false);
    picker.hidden = false;
    filter.value = "";
    applyFilter();
    filter.focus();
    return true;
  };

  const closePicker = () => {
    picker.hidden = true;
    onPick = null;
    filter.blur();
  };

  const pick = (option) => {
    const then = onPick;
    if (!option || !then) {
      return;
    }
    closePicker();
    then(option.dataset.code);
  };

  if (picker && filter) {
    filter.addEventListener("input", applyFilter);
    for (const option of allOptions()) {
      option.addEventListener("click", () => pick(option));
    }
  }

  const pickerKeys = (event) => {
    if (event.key === "Escape") {
      closePicker();
    } else if (event.key === "ArrowDown") {
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      highlight(active - 1);
    } else if (event.key === "Enter") {
      pick(visibleOptions()[active]);
    } else {
      return false; // a letter for the filter
    }
    return true;
  };

  // --- the item page ------------------------------------------------------------------------
  const itemKeys = (key) => {
    const target = root.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (!target) {
      return false;
    }
    if (target.hasAttribute("data-needs-reason")) {
      return openPicker([], (code) => {
        target.form.querySelector("[name=reason_code]").value = code;
        target.form.requestSubmit(target);
      });
    }
    return press(target);
  };

  // --- the queue page -----------------------------------------------------------------------
  const rows = [...root.querySelectorAll("tbody tr[data-item-id]")];
  const rowForm = document.getElementById("row-action-form");
  const bulkForm = document.getElementById("bulk-form");
  let current = -1;

  const setCurrent = (index) => {
    if (!rows.length) {
      return;
    }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, n) => row.classList.toggle("is-current", n === current));
    const link = rows[current].querySelector("[data-open]");
    if (link) {
      link.focus();
    }
  };

  const checkbox = (row) => row.querySelector("input[name=items]");
  const selection = () => rows.filter((row) => checkbox(row) && checkbox(row).checked);

  // A row's own form post; the row's place is kept so the cursor comes back to it.
  const postRow = (url, fields) => {
    for (const [name, value] of Object.entries(fields)) {
      rowForm.elements.namedItem(name).value = value;
    }
    rowForm.setAttribute("action", url);
    sessionStorage.setItem(ROW_KEY, String(current));
    rowForm.requestSubmit();
    return true;
  };

  const bulk = (action) =>
    press(bulkForm.querySelector(`button[name=action][value="${action}"]`));

  const queueKeys = (key) => {
    if (key === "j") {
      setCurrent(current + 1);
      return true;
    }
    if (key === "k") {
      setCurrent(current < 0 ? 0 : current - 1);
      return true;
    }
    const row = rows[current];
    const chosen = selection();
    if (key === "a" && chosen.length) {
      return bulk("approve");
    }
    if (key === "r" && chosen.length) {
      const codes = chosen.flatMap((r) => (r.dataset.codes ? r.dataset.codes.split(",") : []));
      return openPicker([...new Set(codes)], (code) => {
        bulkForm.querySelector("[name=reason_code]").value = code;
        bulk("reject");
      });
    }
    if (!row) {
      return false;
    }
    const decide = (action, reasonCode = "") =>
      postRow(row.dataset.decideUrl, { action, reason_code: reasonCode, return_to: "queue" });
    switch (key) {
      case "o":
        return press(row.querySelector("[data-open]"));
      case "x":
        return press(checkbox(row));
      case "c": // claim and open the item
        return postRow(row.dataset.claimUrl, { action: "", reason_code: "", return_to: "" });
      case "u":
        return postRow(row.dataset.releaseUrl, { action: "", reason_code: "", return_to: "" });
      case "a":
        return decide("approve");
      case "e":
        return decide("escalate");
      case "r": {
        const codes = row.dataset.codes ? row.dataset.codes.split(",") : [];
        return openPicker(codes, (code) => decide("reject", code));
      }
      default:
        return false;
    }
  };

  if (kind === "queue") {
    const selectAll = root.querySelector("[data-select-all]");
    if (selectAll) {
      selectAll.addEventListener("change", () => {
        for (const row of rows) {
          checkbox(row).checked = selectAll.checked;
        }
      });
    }
    const kept = sessionStorage.getItem(ROW_KEY);
    sessionStorage.removeItem(ROW_KEY);
    if (kept !== null && rows.length) {
      setCurrent(Number(kept));
    }
  }

  // Once a form is on its way, further keys wait for the next page: a doubled "a" must not
  // post a second decision on the item just decided.
  let busy = false;
  document.addEventListener("submit", () => {
    busy = true;
  });
  window.addEventListener("pageshow", () => {
    busy = false;
  });

  // --- one listener -------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    if (busy) {
      event.preventDefault();
      return;
    }
    let handled = false;
    if (picker && !picker.hidden) {
      handled = pickerKeys(event);
    } else if (event.key === "Escape") {
      if (help && !help.hidden) {
        toggleHelp(false);
        handled = true;
      } else if (isTyping(event.target)) {
        event.target.blur();
        handled = true;
      } else {
        handled = press(root.querySelector('[data-key="Escape"]'));
      }
    } else if (isTyping(event.target)) {
      return;
    } else if (event.key === "?") {
      toggleHelp();
      handled = true;
    } else if (kind === "item") {
      handled = itemKeys(event.key);
    } else if (kind === "queue") {
      handled = queueKeys(event.key);
    }
    if (handled) {
      event.preventDefault();
    }
  });
})();
