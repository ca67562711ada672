(function () {
  "use strict";
  var tip = document.getElementById("tip");

  // Tooltip: the hovered highlight and the highlights around it, innermost first.
  function chain(el) {
    var out = [];
    while (el && el.classList && !el.classList.contains("source")) {
      if (el.classList.contains("hl") && el.dataset.tip) out.push(el);
      el = el.parentNode;
    }
    return out;
  }
  var hovered = null;
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".source .hl") : null;
    if (hovered) hovered.classList.remove("hover");
    hovered = el;
    if (!el) { tip.hidden = true; return; }
    el.classList.add("hover");
    tip.textContent = "";
    chain(el).slice(0, 4).forEach(function (h, i) {
      if (i) tip.appendChild(document.createElement("hr"));
      var k = document.createElement("span");
      k.className = "tipkind";
      k.textContent = h.dataset.kind + " [" + h.dataset.nodeStart + ":" + h.dataset.nodeEnd + "]\n";
      tip.appendChild(k);
      tip.appendChild(document.createTextNode(h.dataset.tip));
    });
    tip.hidden = false;
  });
  document.addEventListener("mousemove", function (ev) {
    if (tip.hidden) return;
    var x = ev.clientX + 14, y = ev.clientY + 16;
    var r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth) x = Math.max(0, window.innerWidth - r.width - 4);
    if (y + r.height > window.innerHeight) y = Math.max(0, ev.clientY - r.height - 8);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });

  // Clicking a tree node scrolls to its text (summaries still toggle as usual).
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest ? ev.target.closest("[data-target]") : null;
    var doc = t ? t.closest("section.doc") : null;
    if (t && doc) {
      var hit = doc && doc.querySelector('.source [data-node="' + t.dataset.target + '"]');
      doc.querySelectorAll(".tree .selected").forEach(function (e) { e.classList.remove("selected"); });
      t.classList.add("selected");
      if (hit) {
        hit.scrollIntoView({ block: "center" });
        doc.querySelectorAll(".source .flash").forEach(function (e) { e.classList.remove("flash"); });
        doc.querySelectorAll('.source [data-node="' + t.dataset.target + '"]').forEach(function (e) { e.classList.add("flash"); });
      }
    }
    var b = ev.target.closest ? ev.target.closest("button[data-act]") : null;
    if (b) {
      var open = b.dataset.act === "expand";
      b.closest("section.doc").querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
    }
    var trial = ev.target.closest ? ev.target.closest("nav.trials button[data-doc]") : null;
    if (trial) show(trial.dataset.doc);
  });

  // Batch pages: the trial list.
  function show(i) {
    document.querySelectorAll("section.doc").forEach(function (s) { s.classList.toggle("active", s.dataset.doc === String(i)); });
    document.querySelectorAll("nav.trials button[data-doc]").forEach(function (b) { b.classList.toggle("active", b.dataset.doc === String(i)); });
    var s = document.getElementById("doc-" + i);
    if (s && history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(s.dataset.key));
  }
  var filter = document.getElementById("trialfilter");
  if (filter) filter.addEventListener("input", function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll("nav.trials li").forEach(function (li) {
      li.style.display = li.textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
    });
  });
  if (location.hash) {
    var key = decodeURIComponent(location.hash.slice(1));
    document.querySelectorAll("section.doc").forEach(function (s) { if (s.dataset.key === key) show(s.dataset.doc); });
  }
})();
