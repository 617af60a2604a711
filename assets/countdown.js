// Keeps a contest's countdown ("closes in 3 days, 4 hours") current without reloading.
// The server writes the first value; without JavaScript it simply stays as written.
(function () {
  "use strict";
  var words = {
    en: { day: ["day", "days"], hour: ["hour", "hours"], minute: ["minute", "minutes"] },
    fr: { day: ["jour", "jours"], hour: ["heure", "heures"], minute: ["minute", "minutes"] }
  };
  function unit(lang, n, name) {
    var w = (words[lang] || words.en)[name];
    return n + " " + (n === 1 ? w[0] : w[1]);
  }
  function text(lang, ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = Math.max(1, minutes % 60);
    if (days === 0 && hours === 0) return unit(lang, mins, "minute");
    if (days === 0) return unit(lang, hours, "hour") + ", " + unit(lang, mins, "minute");
    if (hours === 0) return unit(lang, days, "day");
    return unit(lang, days, "day") + ", " + unit(lang, hours, "hour");
  }
  function tick() {
    var nodes = document.querySelectorAll("time[data-countdown]");
    for (var i = 0; i < nodes.length; i++) {
      var left = Date.parse(nodes[i].getAttribute("datetime")) - Date.now();
      if (left > 0) nodes[i].textContent = text(nodes[i].getAttribute("data-lang"), left);
    }
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
})();
