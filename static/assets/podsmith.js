// podsmith default theme. Everything works without this script: chapter links
// are media-fragment links (AUDIO#t=SECONDS) and the feed address is shown in
// a read-only field. With it, chapters seek the player on the page, the
// current chapter is marked (aria-current), and the feed address has a Copy button.
(function () {
  "use strict";

  // Chapters: seek and highlight.
  var player = document.querySelector("audio[data-episode-player]");
  var links = Array.prototype.slice.call(document.querySelectorAll("a.chapter-link[data-start]"));
  var starts = links.map(function (link) { return parseFloat(link.getAttribute("data-start")) || 0; });
  var currentIndex = -1;

  function mark(index) {
    if (index === currentIndex) return;
    currentIndex = index;
    links.forEach(function (link, i) {
      var on = i === index;
      link.parentNode.classList.toggle("current", on);
      if (on) link.setAttribute("aria-current", "time"); else link.removeAttribute("aria-current");
    });
  }

  function chapterAt(time) {
    var index = -1;
    for (var i = 0; i < starts.length; i++) if (starts[i] <= time + 0.25) index = i;
    return index;
  }

  function seek(seconds, play) {
    // Seeking before the metadata is loaded is ignored by some browsers.
    var go = function () {
      player.currentTime = seconds;
      mark(chapterAt(seconds));
      if (play) {
        var p = player.play();
        if (p && p.catch) p.catch(function () {});
      }
    };
    if (player.readyState >= 1) go();
    else {
      player.addEventListener("loadedmetadata", go, { once: true });
      if (player.preload === "none") player.load();
    }
  }

  if (player && links.length) {
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        // Let modified clicks open the audio file as the browser would.
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button > 0) return;
        event.preventDefault();
        seek(starts[i], true);
      });
      // Space plays a chapter too, like a button (Enter works natively).
      link.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          seek(starts[i], true);
        }
      });
    });
    player.addEventListener("timeupdate", function () { mark(chapterAt(player.currentTime)); });
    player.addEventListener("seeked", function () { mark(chapterAt(player.currentTime)); });
  }

  // A shared link such as episode/#t=95 starts the player there.
  if (player) {
    var m = /^#t=(\d+(?:\.\d+)?)$/.exec(location.hash);
    if (m) seek(parseFloat(m[1]), false);
  }

  // Copy buttons: <button data-copy="ID-of-input" hidden>.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var status = button.parentNode.parentNode.querySelector("[role=status]");
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = "Copied";
        if (status) status.textContent = "The feed address is copied. Paste it into your podcast app.";
        setTimeout(function () { button.textContent = label; }, 2500);
      };
      var fallback = function () {
        field.focus();
        field.select();
        try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* ignored */ }
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected address.";
      };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, fallback);
      else fallback();
    });
  });
  // Selecting the whole address on focus makes copying by hand easy.
  Array.prototype.forEach.call(document.querySelectorAll("input.feed-url"), function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
