// The agent dashboard's Ticket stats (uPlot): tickets created and closed per day as bars. The
// numbers come from a json_script beside the chart; the table under it holds the same ones.
(function () {
  "use strict";

  function draw(figure) {
    if (figure.dataset.ready || !window.uPlot) return;
    var source = figure.querySelector('script[type="application/json"]');
    var plot = figure.querySelector("[data-chart-plot]");
    if (!source || !plot) return;
    figure.dataset.ready = "1";
    var data = JSON.parse(source.textContent);
    // Days are the viewer's days: midnight in the browser keeps each on its own date.
    var xs = data.days.map(function (day) { return Date.parse(day + "T00:00:00") / 1000; });
    var bars = function (offset) {
      return uPlot.paths.bars({ size: [0.35, 24], align: offset });
    };
    var top = Math.max.apply(null, data.created.concat(data.closed, [1]));
    var font = "11px system-ui, sans-serif";
    var options = {
      width: Math.max(plot.clientWidth, 160),
      height: 150,
      series: [
        {},
        { label: figure.dataset.labelCreated, stroke: "#0d6efd", fill: "rgba(13, 110, 253, 0.55)", width: 1, paths: bars(-1), points: { show: false } },
        { label: figure.dataset.labelClosed, stroke: "#198754", fill: "rgba(25, 135, 84, 0.55)", width: 1, paths: bars(1), points: { show: false } },
      ],
      legend: { live: false },
      cursor: { y: false },
      scales: {
        x: { time: true, range: function (u, min, max) { return [min - 43200, max + 43200]; } },
        y: { range: [0, top * 1.15] },
      },
      axes: [
        {
          font: font,
          size: 30,
          splits: function () { return xs; },
          values: function (u, splits) {
            return splits.map(function (x) {
              var day = new Date(x * 1000);
              return (day.getMonth() + 1) + "/" + day.getDate();
            });
          },
        },
        { font: font, size: 40 },
      ],
    };
    var chart = new uPlot(options, [xs, data.created, data.closed], plot);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var width = Math.max(plot.clientWidth, 160);
        if (width !== chart.width) chart.setSize({ width: width, height: options.height });
      }).observe(plot);
    }
  }

  function drawAll(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-ticket-stats]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt) drawAll(event.detail.elt);
  });
})();
