// Small behaviours every page may use, bound here rather than in inline handlers, so the
// Content-Security-Policy can forbid inline script:
//   <button data-print>                 prints the page
//   <form data-confirm="Question?">     asks before submitting
//   <select data-autosubmit>            submits its form when changed
(function () {
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
