// Forms (issue 19): when a page comes back with an error summary, the summary takes the focus
// so that a screen reader reads it and the reader sees it, wherever the form sits on the page.
// Same-origin, no inline code (the CSP allows 'self' scripts only).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
    summary.scrollIntoView({ block: "center" });
    return;
  }
  var done = document.querySelector(".notice.success[data-focus]");
  if (done) {
    done.setAttribute("tabindex", "-1");
    done.focus();
  }
});
