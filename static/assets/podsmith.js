// podsmith default theme. Every page works without this script: the player
// is the browser's own, chapter links are media fragments (AUDIO#t=SECONDS),
// addresses are shown in read-only fields. With it:
// - one audio element plays in a player bar at the bottom of the window, and
//   links to the site's own pages load only their <main> into this document
//   (history, title and address follow), so playback goes on from page to page;
// - the episode page's player gets its own controls (play, -10 s, +30 s, a
//   seek bar with chapter marks, speed) and keys (Space, ←/→, J/L);
// - the position of each episode is kept in localStorage (never sent anywhere),
//   offered on return, and finished episodes are marked as played;
// - links to #t=12:34 or #t=754 (chapters, timestamps in notes, transcript
//   cues) seek the player; the transcript follows along;
// - Copy and Share buttons; the search page searches the site's index.
(function () {
  "use strict";
  var d = document;
  var L = (d.getElementById("podsmith-labels") || { dataset: {} }).dataset;
  var A = d.createElement("audio"); // the one player
  A.preload = "metadata";
  var now = null; // the episode A holds: {src, url, title, art, duration, chapters}
  var bar = null;
  var controls = []; // the control sets on screen (the page's and the bar's)
  var SPEEDS = [0.8, 1, 1.2, 1.5, 1.75, 2];

  function $(sel, root) { return (root || d).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }
  // "754", "754.5", "12:34", "1:02:03" to seconds (NaN otherwise).
  function seconds(text) {
    if (!/^\d+(\.\d+)?$|^\d+(:\d\d){1,2}$/.test(text)) return NaN;
    return text.split(":").reduce(function (t, p) { return t * 60 + parseFloat(p); }, 0);
  }
  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem("podsmith:" + key) || "null");
      localStorage.setItem("podsmith:" + key, JSON.stringify(value));
    } catch (e) { return null; }
  }
  function play() { var p = A.play(); if (p && p.catch) p.catch(function () {}); }

  // --- The episode a [data-player] element describes --------------------------
  function episodeOf(box) {
    var chapters = [];
    try { chapters = JSON.parse(box.getAttribute("data-chapters") || "[]"); } catch (e) { /* none */ }
    return {
      src: box.getAttribute("data-src"), url: box.getAttribute("data-url"),
      title: box.getAttribute("data-title"), art: box.getAttribute("data-art"),
      duration: parseFloat(box.getAttribute("data-duration")) || 0, chapters: chapters
    };
  }
  // Puts `ep` into the player (keeping the position of the one before).
  function load(ep) {
    if (now && now.src === ep.src) return;
    save();
    now = ep;
    A.src = ep.src;
    A.playbackRate = store("speed") || 1;
    if ("mediaSession" in navigator && window.MediaMetadata) {
      navigator.mediaSession.metadata = new MediaMetadata({ title: ep.title, artwork: ep.art ? [{ src: ep.art }] : [] });
    }
    update();
  }
  // Plays `ep` from `at` seconds (or where it is).
  function start(ep, at) {
    load(ep);
    var go = function () { if (at != null) A.currentTime = at; play(); update(); };
    if (A.readyState >= 1) go(); else A.addEventListener("loadedmetadata", go, { once: true });
    showBar();
  }
  function duration() { return A.duration > 0 && isFinite(A.duration) ? A.duration : now ? now.duration : 0; }

  // --- Positions, kept per episode page address ------------------------------
  var savedAt = 0;
  function save(done) {
    if (!now || !(A.currentTime > 0)) return;
    var pos = store("pos:" + now.url) || {};
    if (done || A.ended || A.currentTime > duration() - 2) pos = { done: 1 };
    else pos.t = Math.floor(A.currentTime);
    store("pos:" + now.url, pos);
  }
  A.addEventListener("timeupdate", function () {
    if (Math.abs(A.currentTime - savedAt) >= 5) { savedAt = A.currentTime; save(); }
    update();
  });
  A.addEventListener("pause", function () { save(); update(); });
  A.addEventListener("play", update);
  A.addEventListener("durationchange", update);
  A.addEventListener("ended", function () { save(true); update(); markPlayed(d); });
  A.addEventListener("ratechange", function () { store("speed", A.playbackRate); update(); });
  window.addEventListener("pagehide", function () { save(); });

  // Marks the episodes listened to the end (home, archive, tag pages).
  function markPlayed(root) {
    $$("[data-episode]", root).forEach(function (item) {
      var pos = store("pos:" + item.getAttribute("data-episode"));
      if (pos && pos.done && !$(".played", item)) {
        item.classList.add("is-played");
        item.appendChild(el("span", { "class": "played" }, "✓ " + L.played));
      }
    });
  }

  // --- Controls: one set on the episode page, one in the bar -----------------
  function button(cls, label, text) {
    return el("button", { type: "button", "class": "pc-" + cls, "aria-label": label, title: label }, text);
  }
  function makeControls(ep, big) {
    var c = { ep: ep, root: el("div", { "class": "pc" + (big ? " pc-big" : "") }) };
    c.toggle = button("play", L.play, "");
    c.back = button("back", L.back, "−10");
    c.fwd = button("fwd", L.forward, "+30");
    c.seek = el("input", { type: "range", min: "0", max: String(Math.floor(ep.duration) || 1), step: "1", value: "0", "aria-label": L.position, "class": "pc-seek" });
    c.time = el("span", { "class": "pc-time" });
    c.chapter = el("span", { "class": "pc-chapter" });
    c.speed = el("select", { "aria-label": L.speed, "class": "pc-speed" });
    SPEEDS.forEach(function (s) { c.speed.appendChild(el("option", { value: String(s) }, s.toLocaleString(d.documentElement.lang || undefined) + "×")); });
    var track = el("div", { "class": "pc-track" });
    track.appendChild(c.seek);
    if (ep.chapters.length > 1 && ep.duration > 0) {
      var marks = el("div", { "class": "pc-marks", "aria-hidden": "true" });
      ep.chapters.forEach(function (ch) {
        if (ch[0] > 0) marks.appendChild(el("i", { style: "left:" + (100 * ch[0] / ep.duration).toFixed(2) + "%", title: ch[1] }));
      });
      track.appendChild(marks);
    }
    var row = el("div", { "class": "pc-row" });
    [c.back, c.toggle, c.fwd, c.time, c.speed].forEach(function (x) { row.appendChild(x); });
    c.root.appendChild(row);
    c.root.appendChild(track);
    c.root.appendChild(c.chapter);
    var mine = function () { return now && now.src === ep.src; };
    c.toggle.addEventListener("click", function () {
      if (mine() && !A.paused) A.pause(); else start(ep, mine() ? null : 0);
    });
    c.back.addEventListener("click", function () { if (mine()) A.currentTime = Math.max(0, A.currentTime - 10); else start(ep, 0); });
    c.fwd.addEventListener("click", function () { if (mine()) A.currentTime = Math.min(duration(), A.currentTime + 30); else start(ep, 30); });
    c.seek.addEventListener("input", function () { if (mine()) A.currentTime = +c.seek.value; else start(ep, +c.seek.value); });
    c.speed.addEventListener("change", function () { A.playbackRate = +c.speed.value; });
    c.mine = mine;
    controls.push(c);
    return c;
  }
  function chapterAt(ep, t) {
    var name = "";
    ep.chapters.forEach(function (ch) { if (ch[0] <= t + 0.25) name = ch[1]; });
    return name;
  }
  function update() {
    controls = controls.filter(function (c) { return d.contains(c.root); });
    controls.forEach(function (c) {
      var mine = c.mine(), playing = mine && !A.paused;
      var t = mine ? A.currentTime : 0, dur = mine ? duration() : c.ep.duration;
      c.toggle.setAttribute("aria-label", playing ? L.pause : L.play);
      c.toggle.title = playing ? L.pause : L.play;
      c.toggle.classList.toggle("on", playing);
      c.seek.max = String(Math.floor(dur) || 1);
      if (d.activeElement !== c.seek) c.seek.value = String(Math.floor(t));
      c.seek.setAttribute("aria-valuetext", clock(t) + " / " + clock(dur));
      c.time.textContent = clock(t) + " / " + clock(dur);
      c.chapter.textContent = chapterAt(c.ep, t);
      c.speed.value = String(mine ? A.playbackRate : store("speed") || 1);
    });
    if (now) {
      var t = A.currentTime;
      $$("a.chapter-link[data-start]").forEach(function (link) { link.parentNode.classList.remove("current"); link.removeAttribute("aria-current"); });
      if (pageEpisode() && pageEpisode().src === now.src) {
        var links = $$("a.chapter-link[data-start]"), cur = null;
        links.forEach(function (link) { if (parseFloat(link.getAttribute("data-start")) <= t + 0.25) cur = link; });
        if (cur) { cur.parentNode.classList.add("current"); cur.setAttribute("aria-current", "time"); }
        follow(t);
      }
      var at = $("[data-share-at]");
      if (at) at.textContent = clock(t);
    }
  }

  // --- The bar ------------------------------------------------------------------
  function showBar() {
    if (!now) return;
    if (!bar) {
      bar = el("section", { "class": "player-bar", "aria-label": L.player });
      d.body.appendChild(bar);
    }
    if (bar.getAttribute("data-src") === now.src) return;
    bar.setAttribute("data-src", now.src);
    bar.textContent = "";
    var inner = el("div", { "class": "bar-inner" });
    if (now.art) inner.appendChild(el("img", { src: now.art, alt: "", width: "48", height: "48" }));
    var what = el("div", { "class": "bar-what" });
    what.appendChild(el("span", { "class": "visually-hidden" }, L.nowPlaying + ": "));
    what.appendChild(el("a", { href: now.url, "class": "bar-title" }, now.title));
    inner.appendChild(what);
    inner.appendChild(makeControls(now, false).root);
    bar.appendChild(inner);
    d.body.classList.add("has-bar");
    update();
  }

  // --- The episode page ---------------------------------------------------------
  function pageEpisode() {
    var box = $("main [data-player]");
    return box ? box.ep : null;
  }
  function enhance(root) {
    $$("[data-player]", root).forEach(function (box) {
      var ep = episodeOf(box);
      box.ep = ep;
      var native = $("audio", box);
      if (native) { native.removeAttribute("src"); native.remove(); }
      var c = makeControls(ep, !!box.closest(".player-card"));
      box.appendChild(c.root);
      var pos = store("pos:" + ep.url);
      if (pos && pos.t > 5 && !(now && now.src === ep.src)) {
        var resume = el("button", { type: "button", "class": "button secondary pc-resume" }, L.resumeAt.replace("{time}", clock(pos.t)));
        resume.addEventListener("click", function () { resume.remove(); start(ep, pos.t); });
        box.appendChild(resume);
      }
    });
    // Before anything plays, the player holds this page's episode, so that
    // its duration is known and a #t= link can seek it.
    var ep = pageEpisode();
    if (ep && (!now || (A.paused && !bar))) load(ep);
    var m = /^#t=([\d:.]+)$/.exec(location.hash);
    if (ep && m && seconds(m[1]) >= 0 && now && now.src === ep.src) {
      var t = seconds(m[1]);
      var go = function () { A.currentTime = t; update(); };
      if (A.readyState >= 1) go(); else A.addEventListener("loadedmetadata", go, { once: true });
    }
    markPlayed(root);
    copyButtons(root);
    share(root);
    transcript(root);
    searchPage(root);
    update();
  }

  // A click on a link to #t=... (this page's, or its audio's chapter link) seeks.
  function seekLink(a) {
    var ep = pageEpisode();
    if (!ep) return false;
    var u = new URL(a.href, location.href);
    var m = /^#t=([\d:.]+)$/.exec(u.hash), t = m ? seconds(m[1]) : NaN;
    var onPage = u.pathname === location.pathname || u.href.split("#")[0] === ep.src;
    if (!onPage || !(t >= 0)) return false;
    start(ep, t);
    return true;
  }

  // --- Keys: Space, ←/→ (5 s), J/L (10 s) ------------------------------------
  d.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (!now || e.ctrlKey || e.metaKey || e.altKey || /^(input|select|textarea|button|a|summary)$/.test(tag) || e.target.isContentEditable) return;
    var step = { ArrowLeft: -5, ArrowRight: 5, j: -10, l: 10, J: -10, L: 10 }[e.key];
    if (e.key === " ") { if (A.paused) start(now, null); else A.pause(); }
    else if (step) A.currentTime = Math.min(Math.max(0, A.currentTime + step), duration());
    else return;
    e.preventDefault();
    showBar();
  });

  // --- Copy and share -------------------------------------------------------------
  function copy(text, field, status, message, button) {
    var done = function () {
      if (status) status.textContent = message;
      if (button) {
        var label = button.getAttribute("data-label") || button.textContent;
        button.setAttribute("data-label", label);
        button.textContent = L.copied;
        setTimeout(function () { button.textContent = label; }, 2500);
      }
    };
    var fallback = function () {
      field.focus();
      field.select();
      try { if (d.execCommand("copy")) { done(); return; } } catch (e) { /* ignored */ }
      if (status) status.textContent = L.pressToCopy;
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }
  function copyButtons(root) {
    $$("button[data-copy]", root).forEach(function (button) {
      var field = d.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(field.value, field, $("[role=status]", button.parentNode.parentNode), L.feedCopied, button);
      });
    });
    $$("input.feed-url", root).forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }
  function share(root) {
    var box = $("[data-share]", root);
    if (!box) return;
    var field = $("input.feed-url", box), base = field.value, check = $("[data-share-time]", box);
    var link = function () { return base + (check.checked && A.currentTime > 0 ? "#t=" + Math.floor(A.currentTime) : ""); };
    check.addEventListener("change", function () { field.value = link(); });
    $(".at-time", box).hidden = false;
    var copyButton = $("[data-share-copy]", box), native = $("[data-share-native]", box);
    copyButton.hidden = false;
    copyButton.addEventListener("click", function () {
      field.value = link();
      copy(field.value, field, $("[role=status]", box), L.linkCopied, copyButton);
    });
    if (navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({ title: d.title, url: link() }).catch(function () {});
      });
    }
  }

  // --- Transcript: the current cue, and "Follow along" --------------------------
  var cues = [], lastCue = null;
  function transcript(root) {
    cues = $$(".transcript [data-start]", root).map(function (p) { return [parseFloat(p.getAttribute("data-start")), p]; });
    lastCue = null;
    var toggle = $(".transcript .follow", root);
    if (toggle) toggle.hidden = false;
  }
  function follow(t) {
    if (!cues.length) return;
    var cur = null;
    cues.forEach(function (c) { if (c[0] <= t + 0.25) cur = c[1]; });
    if (cur === lastCue) return;
    if (lastCue) { lastCue.classList.remove("current"); lastCue.removeAttribute("aria-current"); }
    lastCue = cur;
    if (!cur) return;
    cur.classList.add("current");
    cur.setAttribute("aria-current", "time");
    var box = $(".transcript input[type=checkbox]");
    var calm = window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (box && box.checked && !A.paused) cur.scrollIntoView({ block: "nearest", behavior: calm ? "auto" : "smooth" });
  }

  // --- Same-origin navigation: only <main> (and the menu) change ----------------
  var here = location.pathname + location.search;
  function go(url, push) {
    var target = new URL(url, location.href);
    if (push) history.replaceState({ y: window.scrollY }, "");
    fetch(target.href, { credentials: "same-origin" }).then(function (r) {
      var type = r.headers.get("content-type") || "";
      if (type.indexOf("text/html") < 0) throw new Error("not a page");
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var main = $("main", doc), nav = $(".site-header nav", doc);
      if (!main) throw new Error("no main");
      if (push) history.pushState({ y: 0 }, "", target.href);
      here = target.pathname + target.search;
      d.title = doc.title;
      var canonical = $("link[rel=canonical]"), next = $("link[rel=canonical]", doc);
      if (canonical && next) canonical.href = next.href;
      var old = $("main");
      old.innerHTML = main.innerHTML;
      if (nav && $(".site-header nav")) $(".site-header nav").innerHTML = nav.innerHTML;
      enhance(old);
      var y = (history.state && history.state.y) || 0, anchor = target.hash && d.getElementById(decodeURIComponent(target.hash.slice(1)));
      if (anchor) anchor.scrollIntoView(); else window.scrollTo(0, push ? 0 : y);
      old.focus({ preventScroll: true });
    }).catch(function () { location.href = target.href; });
  }
  if (window.fetch && window.DOMParser && history.pushState) {
    d.addEventListener("click", function (e) {
      if (e.defaultPrevented || e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      var a = e.target.closest && e.target.closest("a[href]");
      if (!a || (a.target && a.target !== "_self") || a.hasAttribute("download")) return;
      if (seekLink(a)) { e.preventDefault(); return; }
      var u = new URL(a.href, location.href);
      if (u.origin !== location.origin || /\.(?!html?$)[a-z0-9]+$/i.test(u.pathname)) return;
      if (u.pathname + u.search === location.pathname + location.search && u.hash) return; // an anchor here
      e.preventDefault();
      go(u.href, true);
    });
    d.addEventListener("submit", function (e) {
      var f = e.target;
      if (e.defaultPrevented || (f.method || "get").toLowerCase() !== "get" || new URL(f.action, location.href).origin !== location.origin) return;
      e.preventDefault();
      go(f.action.split("?")[0] + "?" + new URLSearchParams(new FormData(f)).toString(), true);
    });
    window.addEventListener("popstate", function () {
      if (location.pathname + location.search !== here) go(location.href, false);
    });
  } else {
    d.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[href]");
      if (a && !e.button && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && seekLink(a)) e.preventDefault();
    });
  }

  // --- Search: the site's index, loaded when the search page is used ----------
  var index = null, loading = null;
  function tokens(text) {
    return (text || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; });
  }
  // `text` into `parent`, each match of a search term in <mark>.
  function highlight(parent, text, terms) {
    var last = 0;
    if (terms.length) {
      var re = new RegExp(terms.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "giu");
      text.replace(re, function (m, at) {
        parent.appendChild(d.createTextNode(text.slice(last, at)));
        parent.appendChild(el("mark", {}, m));
        last = at + m.length;
        return m;
      });
    }
    parent.appendChild(d.createTextNode(text.slice(last)));
  }
  function searchPage(root) {
    var list = $("[data-search-index]", root);
    if (!list) return;
    var input = $("#search-q", root), status = $(".search-status", root), form = $(".search-form", root);
    $("[data-search-nojs]", root).hidden = true;
    var run = function () {
      var q = input.value.trim(), terms = tokens(q), hits = [];
      list.textContent = "";
      if (!terms.length) { status.textContent = ""; return; }
      // Each term: the words it begins (a prefix search), marked by position.
      var marks = terms.map(function (t) {
        var m = new Uint8Array(index.words.length);
        index.words.forEach(function (w, i) { if (w.lastIndexOf(t, 0) === 0) m[i] = 1; });
        return m;
      });
      index.e.forEach(function (e, i) {
        var title = e[1].toLowerCase(), summary = e[3].toLowerCase(), score = 0;
        for (var k = 0; k < terms.length; k++) {
          var has = false;
          for (var j = 0; j < e.ids.length && !has; j++) has = marks[k][e.ids[j]] === 1;
          if (!has) return;
          score += 1 + (title.indexOf(terms[k]) >= 0 ? 10 : 0) + (summary.indexOf(terms[k]) >= 0 ? 3 : 0);
        }
        hits.push([score, i, e]);
      });
      hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      status.textContent = !hits.length ? L.foundNone.replace("{q}", q) : hits.length === 1 ? L.foundOne : L.foundN.replace("{n}", hits.length);
      hits.slice(0, 100).forEach(function (h) {
        var e = h[2], li = el("li", { "data-episode": e[0] }), a = el("a", { href: e[0] }), p = el("p");
        highlight(a, e[1], terms);
        li.appendChild(a);
        li.appendChild(el("time", { datetime: e[2], "class": "muted" }, e[2]));
        highlight(p, e[3], terms);
        li.appendChild(p);
        list.appendChild(li);
      });
      markPlayed(list);
    };
    var search = function () {
      if (index) return run();
      if (!loading) {
        loading = fetch(list.getAttribute("data-search-index"), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            // Word positions: differences in base 36 (see src/render/search.rs).
            data.words = data.words.split(" ");
            data.e.forEach(function (e) {
              var at = 0;
              e.ids = e[4] ? e[4].split(",").map(function (x) { return (at += parseInt(x, 36)); }) : [];
            });
            index = data;
          });
      }
      loading.then(function () { if (d.contains(input)) run(); });
    };
    var timer = null;
    input.value = new URLSearchParams(location.search).get("q") || "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        history.replaceState(history.state, "", "?q=" + encodeURIComponent(input.value));
        here = location.pathname + location.search;
        search();
      }, 120);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); search(); });
    if (input.value) search();
  }

  window.podsmith = { clock: clock, enhance: enhance };
  d.body.appendChild(A); // no controls: not shown; the bar and the page have them
  enhance(d);
})();
