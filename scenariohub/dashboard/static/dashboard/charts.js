// Dashboard charts (ECharts). Data comes from the json_script block "dashboard-chart-data"; every chart
// has a table with the same figures beside it, so the charts are decoration for sighted readers only.
// No inline script or style anywhere (strict CSP): tooltips render on the canvas (richText), not as HTML.
(function () {
  "use strict";
  var BRAND = "#b3261e", SECOND = "#0b57d0", HIGHLIGHT = "#9a6700";

  function readData() {
    var node = document.getElementById("dashboard-chart-data");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function barOption(spec, horizontal) {
    var series = spec.series.map(function (s, i) {
      var values = s.values.map(function (v, j) {
        if (i === 0 && spec.highlight !== null && spec.highlight !== undefined && j === spec.highlight) {
          return { value: v, itemStyle: { color: HIGHLIGHT } };
        }
        return v;
      });
      return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: values,
               itemStyle: { color: i === 0 ? BRAND : SECOND } };
    });
    var categoryAxis = { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var valueAxis = { type: "value", minInterval: 1 };
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: horizontal ? 150 : 40, right: 20, top: 30, bottom: horizontal ? 20 : 80, containLabel: false },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true, axisLabel: { interval: 0 } }) : valueAxis,
      series: series
    };
  }

  function init() {
    if (typeof window.echarts === "undefined") { return; }
    var data = readData();
    if (!data) { return; }
    var charts = [];
    document.querySelectorAll(".js-chart").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      var spec = data[name];
      if (!spec) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(barOption(spec, name === "region" || name === "funnel"));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
