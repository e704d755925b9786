// The task page's dynamic list of correction items: "增加一项" adds an empty row (no inline script: CSP).
(function () {
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-add-item]") : null;
    if (!button) return;
    e.preventDefault();
    var list = document.getElementById(button.getAttribute("data-add-item"));
    if (!list) return;
    var rows = list.querySelectorAll(".row");
    if (!rows.length || rows.length >= 30) return;
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    list.appendChild(row);
    var first = row.querySelector("input");
    if (first) first.focus();
  });
})();
