// The scoring page's keyboard shortcuts, running total and unsaved scores; the page works
// without them.
// j / k: next / previous entry (outside form fields); Esc leaves a field; Ctrl+Enter (or
// Cmd+Enter) in the score form saves. On load, the first score field (or the first one in
// error) gets the focus, without scrolling the entry's text away.
// The weighted total follows what is typed, by the formula of the ranking
// (100 × Σ weight·score/max ÷ Σ weight, a blank score counting 0).
// No typed score is lost: what differs from the saved sheet is kept in this tab's
// sessionStorage (under a key of the juror and the entry, so that two jurors on one browser
// never see each other's values) and put back when the juror returns; leaving with unsaved
// scores (j, k or a link) first shows a warning, and a second j, k or click leaves; closing the
// tab asks the browser's own question.
(function () {
  "use strict";

  var leaving = false;
  var warned = false;

  function form() {
    return document.getElementById("score-form");
  }

  function fields(f) {
    return Array.prototype.slice.call(f.querySelectorAll("[data-score]"));
  }

  function comment(f) {
    return f.querySelector("#comment");
  }

  // What differs from the saved sheet: null when nothing does.
  function unsaved(f) {
    var draft = { scores: {}, comment: null };
    var any = false;
    fields(f).forEach(function (input) {
      if (input.value !== input.getAttribute("data-saved")) {
        draft.scores[input.name] = input.value;
        any = true;
      }
    });
    var c = comment(f);
    if (c && c.value.trim() !== (c.getAttribute("data-saved") || "").trim()) {
      draft.comment = c.value;
      any = true;
    }
    return any ? draft : null;
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function keep(f) {
    var key = f.getAttribute("data-draft-key");
    var store = storage();
    if (!key || !store) {
      return;
    }
    var draft = unsaved(f);
    try {
      if (draft) {
        store.setItem(key, JSON.stringify(draft));
      } else {
        store.removeItem(key);
      }
    } catch (e) {
      // A full or refused storage: the warnings still stand.
    }
  }

  // Puts back what was typed here and not saved; true if anything came back.
  function restore(f) {
    var key = f.getAttribute("data-draft-key");
    var store = storage();
    if (!key || !store) {
      return false;
    }
    var draft;
    try {
      draft = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || typeof draft !== "object") {
      return false;
    }
    var changed = false;
    fields(f).forEach(function (input) {
      var value = draft.scores && draft.scores[input.name];
      if (typeof value === "string" && value !== input.value) {
        input.value = value;
        changed = true;
      }
    });
    var c = comment(f);
    if (c && typeof draft.comment === "string" && draft.comment !== c.value) {
      c.value = draft.comment;
      changed = true;
    }
    return changed;
  }

  function format(total, output) {
    var pattern = output.getAttribute("data-pattern") || "{total} / 100";
    var text = "—";
    if (total !== null) {
      // One decimal, halves away from zero, no trailing zero: as the server writes it.
      var rounded = Math.round(total * 10) / 10;
      text = String(rounded).replace(".", output.getAttribute("data-point") || ".");
    }
    return pattern.replace("{total}", text);
  }

  function total(f) {
    var weights = 0;
    var weighted = 0;
    var typed = false;
    var valid = true;
    fields(f).forEach(function (input) {
      var weight = Number(input.getAttribute("data-weight"));
      var max = Number(input.getAttribute("max"));
      weights += weight;
      var value = input.value.trim();
      if (value === "") {
        return;
      }
      typed = true;
      var score = Number(value);
      if (!/^[0-9]+$/.test(value) || score > max || !(max > 0)) {
        valid = false;
        return;
      }
      weighted += (weight * score) / max;
    });
    if (!typed || !valid || weights === 0) {
      return null;
    }
    // Micro-points first, as the domain rounds them.
    return Math.round(((100 * weighted) / weights) * 1e6) / 1e6;
  }

  function update(f) {
    var output = document.getElementById("score-total");
    if (output) {
      output.textContent = format(total(f), output);
    }
    var warning = document.getElementById("scores-unsaved");
    if (warning && !unsaved(f)) {
      warning.hidden = true;
      warned = false;
    }
  }

  // May the juror leave now? With unsaved scores, the first attempt shows the warning.
  function mayLeave() {
    var f = form();
    if (leaving || !f || !unsaved(f) || warned) {
      leaving = true;
      return true;
    }
    var warning = document.getElementById("scores-unsaved");
    if (warning) {
      warning.hidden = false;
      warning.scrollIntoView({ block: "nearest" });
    }
    warned = true;
    return false;
  }

  function go(which) {
    var link = document.querySelector('a[data-nav="' + which + '"]');
    if (link && mayLeave()) {
      window.location.assign(link.href);
    }
  }

  function isField(element) {
    if (!element) {
      return false;
    }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    var f = form();
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      if (f && f.contains(event.target)) {
        event.preventDefault();
        if (f.requestSubmit) {
          f.requestSubmit();
        } else {
          f.submit();
        }
      }
      return;
    }
    if (event.key === "Escape" && isField(event.target)) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isField(event.target)) {
      return;
    }
    if (event.key === "j") {
      go("next");
    } else if (event.key === "k") {
      go("prev");
    }
  });

  // A link away from unsaved scores: warned first (downloads and in-page links leave nothing).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || link.getAttribute("href").charAt(0) === "#") {
      return;
    }
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
      event.shiftKey || event.altKey) {
      return;
    }
    if (!mayLeave()) {
      event.preventDefault();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    var f = form();
    if (!leaving && f && unsaved(f)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var f = form();
    if (f) {
      if (restore(f)) {
        var restored = document.getElementById("scores-restored");
        if (restored) {
          restored.hidden = false;
        }
      }
      keep(f);
      update(f);
      f.addEventListener("input", function () {
        keep(f);
        update(f);
      });
      f.addEventListener("submit", function () {
        leaving = true;
      });
    }
    // After the last entry the success notice has the focus (forms.js); otherwise the form.
    if (document.querySelector(".notice.success[data-focus]")) {
      return;
    }
    var target = document.querySelector('#score-form [aria-invalid="true"]') ||
      document.querySelector("[data-first-score]");
    if (target) {
      try {
        target.focus({ preventScroll: true });
      } catch (e) {
        target.focus();
      }
    }
  });
})();
