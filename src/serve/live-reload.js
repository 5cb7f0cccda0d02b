// podsmith serve: reloads the page after every rebuild and shows build
// errors over it. Served at /__podsmith/live-reload.js in serve mode only.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var seen = null;
  var box = null;

  function showError(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "podsmith-build-error";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 system-ui,sans-serif";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("h2");
    title.textContent = "podsmith: the last change does not build";
    title.style.cssText = "margin:0 0 .5rem;color:#ff8a80;font-size:1.2rem";
    var note = document.createElement("p");
    note.textContent =
      "The page below is the last version that built. Fix the file and save: the page reloads by itself.";
    var pre = document.createElement("pre");
    pre.textContent = text; // text only: the message is never parsed as HTML
    pre.style.cssText =
      "white-space:pre-wrap;font:14px/1.45 ui-monospace,monospace;background:#000;padding:1rem;border-radius:6px";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.onclick = function () {
      box.style.display = "none";
    };
    box.appendChild(title);
    box.appendChild(note);
    box.appendChild(pre);
    box.appendChild(close);
    box.style.display = "block";
  }

  var events = new EventSource("/__podsmith/events");
  // The id of the build this page shows; a different one means it is stale
  // (the server restarted, or a reload was missed while disconnected).
  events.addEventListener("hello", function (e) {
    if (seen === null) seen = e.data;
    else if (e.data !== seen) location.reload();
  });
  events.addEventListener("reload", function () {
    location.reload();
  });
  events.addEventListener("build-error", function (e) {
    showError(e.data);
  });
})();
