// The stakeholder map (templates/accounts/includes/stakeholder_map.html): zoom with its
// buttons or Ctrl + wheel, pan by dragging once zoomed in, so a wide map is readable on a
// phone. A person opens in the side panel: htmx fills it, this shows it, and hides it
// when the server says the save is done (the "panel-done" event).
(function () {
  "use strict";
  const SMALLEST = 1 / 8; // of the whole map's width
  // On a phone a wide map opens at this scale or larger (its names about 9 px), showing
  // its full height and the middle of its width, to be panned; Fit shows it whole.
  const READABLE = 0.75;
  const PHONE = window.matchMedia("(max-width: 575.98px)");

  function view(svg) {
    if (!svg.mapView) {
      const width = Number(svg.dataset.width), height = Number(svg.dataset.height);
      svg.mapView = { x: 0, y: 0, w: width, h: height, width: width, height: height };
    }
    return svg.mapView;
  }

  function show(svg) {
    const v = view(svg);
    v.x = Math.min(Math.max(0, v.x), v.width - v.w);
    v.y = Math.min(Math.max(0, v.y), v.height - v.h);
    svg.setAttribute("viewBox", [v.x, v.y, v.w, v.h].join(" "));
    svg.classList.toggle("zoomed", v.w < v.width - 0.5);
  }

  // Zoom by `factor` (below 1 zooms in) about a point given as a fraction of the view.
  function zoom(svg, factor, fx, fy) {
    const v = view(svg);
    const w = Math.min(v.width, Math.max(v.width * SMALLEST, v.w * factor));
    const h = Math.min(v.height, (w * v.h) / v.w); // the view keeps its shape
    v.x += (v.w - w) * fx;
    v.y += (v.h - h) * fy;
    v.w = w;
    v.h = h;
    show(svg);
  }

  function readable(svg) {
    if (svg.mapView) return; // already shown; the reader may have chosen Fit
    const v = view(svg), shown = svg.getBoundingClientRect().width;
    if (!PHONE.matches || !shown || shown / v.width >= READABLE) return;
    v.w = shown / READABLE;
    v.h = v.height;
    v.x = (v.width - v.w) / 2;
    v.y = 0;
    show(svg);
  }
  function readableAll() {
    document.querySelectorAll("svg[data-pan-zoom]").forEach(readable);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", readableAll);
  } else {
    readableAll();
  }
  // A map redrawn after a save in the side panel opens the same way.
  document.addEventListener("htmx:afterSettle", readableAll);

  function mapOf(control) {
    const card = control.closest("section") || document;
    return card.querySelector("svg[data-pan-zoom]");
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-map-zoom]");
    if (!button) return;
    const svg = mapOf(button);
    if (!svg) return;
    const how = button.getAttribute("data-map-zoom");
    if (how === "fit") {
      const v = view(svg);
      Object.assign(v, { x: 0, y: 0, w: v.width, h: v.height });
      show(svg);
    } else {
      zoom(svg, how === "in" ? 0.7 : 1 / 0.7, 0.5, 0.5);
    }
  });

  document.addEventListener("wheel", function (event) {
    const svg = event.target.closest && event.target.closest("svg[data-pan-zoom]");
    if (!svg || !(event.ctrlKey || event.metaKey)) return; // plain wheel scrolls the page
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    zoom(svg, event.deltaY < 0 ? 0.85 : 1 / 0.85,
      (event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height);
  }, { passive: false });

  let drag = null;
  document.addEventListener("pointerdown", function (event) {
    const svg = event.target.closest && event.target.closest("svg[data-pan-zoom].zoomed");
    if (!svg) return;
    drag = { svg: svg, x: event.clientX, y: event.clientY, moved: false };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return; // still a click
    drag.moved = true;
    const v = view(drag.svg), scale = v.w / drag.svg.getBoundingClientRect().width;
    v.x -= dx * scale;
    v.y -= dy * scale;
    drag.x = event.clientX;
    drag.y = event.clientY;
    show(drag.svg);
  });
  document.addEventListener("pointerup", function () {
    if (drag && drag.moved) {
      // A drag that ends on a person is not a click on them.
      document.addEventListener("click", function (e) { e.preventDefault(); e.stopPropagation(); },
        { capture: true, once: true });
    }
    drag = null;
  });

  function panel() {
    const element = document.getElementById("person-panel");
    return element && window.bootstrap ? window.bootstrap.Offcanvas.getOrCreateInstance(element) : null;
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    // A form to fill in opens the panel; the note that it was saved does not.
    const body = event.target;
    if (body.id === "person-panel-body" && body.querySelector("form") && panel()) panel().show();
  });
  document.addEventListener("panel-done", function () {
    if (panel()) panel().hide();
  });
})();
