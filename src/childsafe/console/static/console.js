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

// Keyboard shortcuts (the help dialog lists them). In the queue: j/k move, x selects, o opens, a assigns the case to me. On a case page: d chooses a decision, n writes a note,
// a assigns it to me. Anywhere: / searches, ? shows the help. Keys typed into a field are text.
(function () {
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-case]"));
  }
  function current() {
    return document.querySelector("#queue tbody tr.selected");
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = all[Math.min(Math.max(at + step, 0), all.length - 1)];
    if (at < 0) next = all[0];
    all.forEach(function (row) { row.classList.toggle("selected", row === next); });
    next.scrollIntoView({ block: "nearest" });
  }
  function claim(action) {
    var form = document.getElementById("claim-form");
    if (!form) return;
    if (action) form.action = action;
    form.submit();
  }
  function help() {
    var dialog = document.getElementById("shortcuts-help");
    if (dialog && !dialog.open) dialog.showModal();
  }
  var keys = {
    j: function () { move(1); },
    k: function () { move(-1); },
    x: function () {
      var row = current();
      if (row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
    },
    o: function () { var row = current(); if (row) window.location.href = row.dataset.href; },
    a: function () {
      var row = current();
      if (row) claim(row.dataset.claim);
      else if (!document.getElementById("queue")) claim();
    },
    d: function () { var kind = document.getElementById("kind"); if (kind) kind.focus(); },
    n: function () { var note = document.getElementById("note"); if (note) note.focus(); },
    "/": function () { var search = document.getElementById("search"); if (search) search.focus(); },
    "?": help,
  };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var run = keys[event.key];
    if (!run) return;
    event.preventDefault();
    run();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-help]")) { event.preventDefault(); help(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    rows().forEach(function (row) { row.querySelector("input[type=checkbox]").checked = event.target.checked; });
  });
})();
