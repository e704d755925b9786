// Small behaviours every page shares. No inline script anywhere: the CSP only allows scripts from this origin.
(function () {
  // Destructive actions ask first: <form data-confirm="确认撤回该申请？"> or a submit button with data-confirm.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // Division/department pickers: <input list="…" data-lookup="/workbench/org/lookup/divisions/"> — the
  // datalist is refilled from the JSON endpoint as the user types a name or the start of a code.
  var timers = new WeakMap();
  function refill(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var q = input.value.trim();
    if (!list || q.length < 1) return;
    fetch(input.getAttribute("data-lookup") + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) {
        list.textContent = "";
        (data.results || []).forEach(function (item) {
          var opt = document.createElement("option");
          opt.value = item.value;
          opt.label = item.label;
          opt.textContent = item.label;
          list.appendChild(opt);
        });
      })
      .catch(function () {});
  }
  // Notes that belong to one choice of a select: <p data-note-for="id_version" data-note-value="…" hidden> is
  // shown while that select has that value (e.g. the window's 全市通办 note naming where a case is routed).
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.id || select.tagName !== "SELECT") return;
    document.querySelectorAll('[data-note-for="' + select.id + '"]').forEach(function (note) {
      note.hidden = note.getAttribute("data-note-value") !== select.value;
    });
  });

  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[data-lookup]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { refill(input); }, 200));
  });
})();
