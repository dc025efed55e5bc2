// Draws the dashboard's charts from the numbers the page already carries (json_script);
// the tables beside them stay the source of truth for screen readers and printing.
(function () {
  const source = document.getElementById("pipeline-data");
  const canvas = document.getElementById("pipeline-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.target, data: data.target, backgroundColor: "#adb5bd", stack: "target" },
        { label: data.names.signed, data: data.signed, backgroundColor: "#198754", stack: "done" },
        { label: data.names.weighted, data: data.weighted, backgroundColor: "#0d6efd", stack: "done" },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
    },
  });
})();
