// Pagefind's UI over the whole briefing or one dossier's bundle; every index is a static file,
// so search works offline. Switching dossier keeps the query.
(function () {
  var box = document.getElementById("search");
  var scope = document.getElementById("dossier");
  var ui = null;
  function start(query) {
    if (ui) { ui.destroy(); }
    ui = new PagefindUI({ element: "#search", bundlePath: scope.value, baseUrl: box.dataset.base,
                          showSubResults: false, showImages: false, resetStyles: false });
    // Pagefind's input has only a title; tie it to the page's visible label.
    var input = box.querySelector("input");
    if (input) { input.setAttribute("aria-labelledby", "search-label"); }
    if (query) { ui.triggerSearch(query); }
  }
  scope.addEventListener("change", function () {
    var input = box.querySelector("input");
    start(input ? input.value : "");
  });
  start(new URLSearchParams(location.search).get("q") || "");
})();
