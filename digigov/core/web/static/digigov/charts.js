// Render every element with data-chart from the JSON options in its sibling <script type="application/json">.
// No inline script: the page's CSP only allows scripts from this origin. A bar whose data item carries
// a "url" opens it on click (the drill-down behind that bar); the table next to each chart has the same links.
(function () {
  function render(root) {
    if (typeof echarts === "undefined") return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src || el.dataset.rendered) return;
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      chart.on("click", function (params) {
        var url = params && params.data && params.data.url;
        if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") window.location.href = url;  // same-origin paths only
      });
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
})();
