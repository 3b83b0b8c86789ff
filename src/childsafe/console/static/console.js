// The moderator console's script (served from /console/static/: the CSP allows no inline script).

// Keeps the SLA clocks current without reloading the page.
(function () {
  function words(ms) {
    var s = Math.abs(ms) / 1000;
    var t = s < 3600 ? Math.max(Math.floor(s / 60), 1) + " min" : s < 172800 ? (s / 3600).toFixed(1) + " h" : Math.round(s / 86400) + " days";
    return ms >= 0 ? "due in " + t : "overdue by " + t;
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var ms = new Date(el.dataset.due) - new Date();
      el.textContent = words(ms);
      el.classList.toggle("overdue", ms < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
  });
})();

// Images arrive blurred by the server. Only a click fetches the original (the server records
// that it was viewed); a second click blurs it again. Without script the link opens it.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a.media-link");
  if (!link) return;
  event.preventDefault();
  var img = link.querySelector("img.media");
  var reveal = img.classList.contains("blurred");
  img.src = reveal ? link.href : link.dataset.blurred;
  img.classList.toggle("blurred", !reveal);
});
