// The pipeline board: drag a deal's card onto another stage's column. The move is posted
// like the card's own form (same stage, version and CSRF token), answered in JSON; the
// page then reloads so every total is the database's. A deal someone else saved since the
// page was drawn is refused (409) and the page reloads to show it as saved.
(function () {
  let dragged = null;
  document.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-move-url]");
    if (dragged) event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest("[data-drop-stage]")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    const column = event.target.closest("[data-drop-stage]");
    if (!dragged || !column) return;
    event.preventDefault();
    const form = dragged.querySelector("form");
    const body = new FormData(form);
    body.set("stage", column.getAttribute("data-drop-stage"));
    fetch(dragged.getAttribute("data-move-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (result) {
        if (!result[0]) window.alert(result[1].message);
        window.location.reload();
      });
    dragged = null;
  });
})();
