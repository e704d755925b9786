// Render every element with data-chart from the JSON options in its sibling <script type="application/json">.
// No inline script: the page's CSP only allows scripts from this origin.
(function () {
  function render(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src || el.dataset.rendered) return;
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
})();
