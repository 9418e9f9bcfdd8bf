// The dashboard's charts (ECharts, SVG renderer). The data comes from JSON <script type="application/json"> blocks
// (json_script), never from inline scripts (CSP). Every bar carries the URL of the list that shows the same rows:
// a click opens it. The same numbers and links are in the data table under each chart.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  var BAR_HEIGHT = 30;
  var charts = [];

  function narrow() {
    return window.matchMedia("(max-width: 576px)").matches;
  }

  function barOption(data) {
    return {
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      // The default HTML tooltip writes style="…" attributes, which the CSP (style-src 'self') blocks; the rich-text
      // tooltip is drawn in the SVG itself.
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.categories,
        axisTick: { show: false },
        axisLabel: { width: narrow() ? 84 : 140, overflow: "truncate" }
      },
      series: data.series.map(function (s) {
        return {
          type: "bar",
          name: s.name,
          data: s.data,
          cursor: "pointer",
          barMaxWidth: 22,
          label: { show: true, position: "right" }
        };
      })
    };
  }

  function trendOption(data) {
    return {
      aria: { enabled: true },
      animation: false,
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "category", data: data.categories, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, cursor: "pointer", barMaxWidth: 18 };
      })
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var kind = el.getAttribute("data-chart");
    if (kind === "bar") {
      // One row per category: a long list of sectors gets a taller chart instead of cramped bars (CSSOM, not an
      // inline style attribute, so the CSP allows it).
      el.style.height = Math.max(120, data.categories.length * BAR_HEIGHT + 24) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
    chart.setOption(kind === "bar" ? barOption(data) : trendOption(data));
    chart.on("click", function (params) {
      if (params.data && params.data.url) {
        window.location.href = params.data.url;
      }
    });
    el.setAttribute("data-rendered", "true");
    charts.push({ chart: chart, kind: kind });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var width = narrow() ? 84 : 140;
      charts.forEach(function (entry) {
        if (entry.kind === "bar") {
          // Turning a phone sideways leaves more room for the names on the axis.
          entry.chart.setOption({ yAxis: { axisLabel: { width: width } } });
        }
        entry.chart.resize();
      });
    }, 100);
  });
})();
