// Draws the dashboard's charts from the numbers the page already carries (json_script);
// the tables beside them stay the source of truth for screen readers and printing.
(function () {
  if (typeof Chart === "undefined") return;

  function read(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  const pipeline = read("pipeline-data");
  const pipelineCanvas = document.getElementById("pipeline-chart");
  if (pipeline && pipelineCanvas) {
    new Chart(pipelineCanvas, {
      type: "bar",
      data: {
        labels: pipeline.labels,
        datasets: [
          { label: pipeline.names.target, data: pipeline.target, backgroundColor: "#adb5bd", stack: "target" },
          { label: pipeline.names.signed, data: pipeline.signed, backgroundColor: "#198754", stack: "done" },
          { label: pipeline.names.weighted, data: pipeline.weighted, backgroundColor: "#0d6efd", stack: "done" },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      },
    });
  }

  const kpis = read("kpi-data");
  const kpiCanvas = document.getElementById("kpi-chart");
  if (kpis && kpiCanvas) {
    new Chart(kpiCanvas, {
      type: "bar",
      data: {
        labels: kpis.labels,
        datasets: [
          { label: kpis.names.previous, data: kpis.previous, backgroundColor: "#adb5bd" },
          { label: kpis.names.revenue, data: kpis.revenue, backgroundColor: "#0d6efd" },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
  }
})();
