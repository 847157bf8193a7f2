// Adoptions of a product by month (ECharts). Data comes from the json_script block "reach-chart-data"; the
// tables beside the chart hold the same figures. No inline script or style (strict CSP).
(function () {
  "use strict";
  function init() {
    var el = document.querySelector(".js-reach-chart");
    var node = document.getElementById("reach-chart-data");
    if (!el || !node || typeof window.echarts === "undefined") { return; }
    var data;
    try { data = JSON.parse(node.textContent); } catch (e) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 40, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values, itemStyle: { color: "#b3261e" } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
