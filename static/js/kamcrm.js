// Small behaviours every page may use, bound here rather than in inline handlers, so the
// Content-Security-Policy can forbid inline script:
//   <button data-print>                 prints the page
//   <form data-confirm="Question?">     asks before submitting
//   <select data-autosubmit>            submits its form when changed
//   <div class="modal" data-form-url>   fetches its body from that URL when first shown
(function () {
  document.addEventListener("show.bs.modal", function (event) {
    const modal = event.target;
    const url = modal.getAttribute("data-form-url");
    if (!url || modal.dataset.loaded) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        modal.querySelector("[data-modal-body]").innerHTML = html;
        modal.dataset.loaded = "1";
      });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();
