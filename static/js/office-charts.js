/* Draws the office's charts with the vendored Apache ECharts. The figures come from a
   json_script block; the table beside each chart is the accessible alternative, so a chart
   that cannot be drawn leaves nothing missing. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var units = document.getElementById("chart-units");
  var amountName = units ? units.dataset.amount : "";
  var countName = units ? units.dataset.count : "";
  var charts = [];

  function shorten(text) {
    return text.length > 10 ? text.slice(0, 9) + "…" : text;
  }

  function barChart(element, data, vertical) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var category = { type: "category", data: data.labels, axisLabel: { formatter: shorten, fontSize: 11 } };
    var value = { type: "value", name: amountName, nameTextStyle: { fontSize: 11 }, axisLabel: { fontSize: 11 } };
    if (!vertical) { category.inverse = true; }
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: vertical ? category : value,
      yAxis: vertical ? value : category,
      series: [{ name: amountName, type: "bar", data: data.amounts, itemStyle: { color: "#1d4a86" } }]
    });
    charts.push(chart);
  }

  function funnelChart(element, data) {
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [{
        name: countName, type: "funnel", sort: "none", left: "5%", width: "90%", top: 8, bottom: 8,
        minSize: "8%", label: { position: "inside", fontSize: 11 },
        data: data.labels.map(function (label, i) { return { name: label, value: data.counts[i] }; })
      }]
    });
    charts.push(chart);
  }

  var source = document.getElementById("dashboard-charts");
  if (source) {
    var byKey = {};
    JSON.parse(source.textContent).forEach(function (item) { byKey[item.key] = item; });
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var data = byKey[element.dataset.chart];
      if (data) { barChart(element, data, data.key === "month"); }
    });
  }
  var funnel = document.getElementById("funnel-chart-data");
  var funnelElement = document.querySelector("[data-funnel-chart]");
  if (funnel && funnelElement) { funnelChart(funnelElement, JSON.parse(funnel.textContent)); }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
