// The uPlot charts: a contract's hours used over time (contract tab, CIC Customer Information)
// and the agent dashboard's tickets created and closed per day. The numbers come from a
// json_script beside each chart; a table beside it holds the same ones for screen readers.
(function () {
  "use strict";

  // Follow the column's width (widgets move, sidebars collapse).
  function fitWidth(plot, chart, height) {
    if (!window.ResizeObserver) return;
    new ResizeObserver(function () {
      var width = Math.max(plot.clientWidth, 160);
      if (width !== chart.width) chart.setSize({ width: width, height: height });
    }).observe(plot);
  }

  var WEEK = 7 * 86400;

  // A figure's plot element, its json_script numbers and the days as times; null once drawn.
  function chartData(figure) {
    if (figure.dataset.ready || !window.uPlot) return null;
    var source = figure.querySelector('script[type="application/json"]');
    var plot = figure.querySelector("[data-chart-plot]");
    if (!source || !plot) return null;
    figure.dataset.ready = "1";
    var data = JSON.parse(source.textContent);
    // Days are the viewer's days: midnight in the browser keeps each on its own date.
    var xs = data.days.map(function (day) { return Date.parse(day + "T00:00:00") / 1000; });
    return { plot: plot, data: data, xs: xs };
  }

  function flat(xs, value) {
    return xs.map(function () { return value; });
  }

  function drawContract(figure) {
    var found = chartData(figure);
    if (!found) return;
    var plot = found.plot, data = found.data, xs = found.xs;
    var hours = data.hours;
    if (xs.length === 1) {
      // A contract that starts today: a day's width of line rather than a lone dot.
      xs = [xs[0] - 86400, xs[0]];
      hours = [hours[0], hours[0]];
    }
    var columns = [xs, hours];
    var series = [{}, {
      label: figure.dataset.labelUsed,
      stroke: "#0d6efd",
      fill: "rgba(13, 110, 253, 0.1)",
      width: 2,
      paths: uPlot.paths.stepped({ align: 1 }),
    }];
    if (data.limit !== null) {
      columns.push(flat(xs, data.limit));
      series.push({ label: figure.dataset.labelLimit, stroke: "#dc3545", dash: [6, 4], width: 1.5, points: { show: false } });
    }
    if (data.threshold !== null) {
      columns.push(flat(xs, data.threshold));
      series.push({ label: figure.dataset.labelThreshold, stroke: "#fd7e14", dash: [3, 3], width: 1.5, points: { show: false } });
    }
    var top = Math.max.apply(null, hours.concat([data.limit || 0, 1]));
    var font = "11px system-ui, sans-serif";
    var options = {
      width: Math.max(plot.clientWidth, 160),
      height: 130,
      series: series,
      legend: { live: false },
      cursor: { y: false },
      scales: {
        // At least a week wide, so a young contract's axis shows days, not hours.
        x: { time: true, range: function (u, min, max) { return [Math.min(min, max - WEEK), max]; } },
        y: { range: [0, top * 1.1] },
      },
      axes: [{ font: font, size: 30 }, { font: font, size: 40 }],
    };
    var chart = new uPlot(options, columns, plot);
    fitWidth(plot, chart, options.height);
  }

  function drawStats(figure) {
    var found = chartData(figure);
    if (!found) return;
    var plot = found.plot, data = found.data, xs = found.xs;
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
            // In a narrow column every other day is labelled, today always.
            var every = u.bbox.width / devicePixelRatio / splits.length < 38 ? 2 : 1;
            var last = splits.length - 1;
            return splits.map(function (x, i) {
              if ((last - i) % every) return "";
              var day = new Date(x * 1000);
              return (day.getMonth() + 1) + "/" + day.getDate();
            });
          },
        },
        { font: font, size: 40 },
      ],
    };
    var chart = new uPlot(options, [xs, data.created, data.closed], plot);
    fitWidth(plot, chart, options.height);
  }

  function drawAll(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-contract-chart]").forEach(drawContract);
    root.querySelectorAll("[data-ticket-stats]").forEach(drawStats);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt) drawAll(event.detail.elt);
  });
})();
