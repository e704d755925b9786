// The spatial registry's map: registers the page's GeoJSON with ECharts (no tiles, no internet), draws the
// regions (click one to drill down), the points of interest per category (toggle them in the legend) and
// the standard address the search matched. Data comes from the page's <script type="application/json">.
(function () {
  var COLORS = ["#1d4ed8", "#dc2626", "#7c3aed", "#0f766e", "#16a34a", "#ea580c", "#0891b2", "#a16207", "#be185d"];
  function draw() {
    var el = document.getElementById("spatial-map");
    var src = document.getElementById("spatial-map-data");
    if (!el || !src || typeof echarts === "undefined") return;
    var data = JSON.parse(src.textContent);
    echarts.registerMap("digigov-area", data.regions);
    var chart = echarts.init(el);
    var series = data.categories.map(function (label, i) {
      return {
        name: label, type: "scatter", coordinateSystem: "geo", symbolSize: 6, itemStyle: {color: COLORS[i % COLORS.length]},
        data: data.pois.filter(function (p) { return p.category === label; }).map(function (p) { return {name: p.name, value: p.value}; })
      };
    });
    if (data.match) {
      series.push({name: "查询结果", type: "effectScatter", coordinateSystem: "geo", symbolSize: 16, zlevel: 2,
                   itemStyle: {color: "#c62828"}, label: {show: true, formatter: "{b}", position: "top", fontSize: 11},
                   data: [{name: data.match.name, value: data.match.value}]});
    }
    chart.setOption({
      tooltip: {trigger: "item", formatter: function (p) { return p.seriesType === "scatter" || p.seriesType === "effectScatter" ? p.seriesName + "：" + p.name : p.name; }},
      legend: {type: "scroll", bottom: 0, data: series.map(function (s) { return s.name; })},
      geo: {map: "digigov-area", roam: true, label: {show: true, fontSize: 10}, selectedMode: false,
            itemStyle: {areaColor: "#f1f5f9", borderColor: "#64748b"}, emphasis: {itemStyle: {areaColor: "#fde68a"}}},
      series: series
    });
    chart.on("click", function (p) {
      if (p.componentType === "geo") {
        var url = data.drill[p.name];
        if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") window.location.href = url;
      }
    });
    el.dataset.rendered = "1";
    window.addEventListener("resize", function () { chart.resize(); });
    window.digigovSpatialMap = chart;  // browser tests drive clicks through it
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
