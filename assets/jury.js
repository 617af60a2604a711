// The scoring page's keyboard shortcuts; the page works without them.
// j / k: next / previous entry (outside form fields); Esc leaves a field; Ctrl+Enter (or
// Cmd+Enter) in the score form saves. On load, the first score field (or the first one in
// error) gets the focus, without scrolling the entry's text away.
(function () {
  "use strict";

  function go(which) {
    var link = document.querySelector('a[data-nav="' + which + '"]');
    if (link) {
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
    var form = document.getElementById("score-form");
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      if (form && form.contains(event.target)) {
        event.preventDefault();
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
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

  document.addEventListener("DOMContentLoaded", function () {
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
