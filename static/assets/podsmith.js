// podsmith default theme: chapter links seek the player; the current chapter is highlighted.
// The page works without this script (chapter links are media-fragment links).
(function () {
  "use strict";
  var player = document.querySelector("audio[data-episode-player]");
  var links = Array.prototype.slice.call(document.querySelectorAll(".chapter-link[data-start]"));
  if (!player || links.length === 0) return;
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      player.currentTime = parseFloat(link.getAttribute("data-start")) || 0;
      player.play().catch(function () {});
    });
  });
  player.addEventListener("timeupdate", function () {
    var current = null;
    links.forEach(function (link) {
      if (parseFloat(link.getAttribute("data-start")) <= player.currentTime + 0.01) current = link;
    });
    links.forEach(function (link) {
      link.classList.toggle("current", link === current);
      if (link === current) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
    });
  });
})();
