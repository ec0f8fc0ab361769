// While a title is typed, show published proposals that look similar (progressive
// enhancement: without script the draft page lists them after saving).
(function () {
  "use strict";
  var input = document.querySelector("input[data-similar]");
  var box = document.getElementById("similar-proposals");
  if (!input || !box || !window.fetch) { return; }
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var title = input.value.trim();
      if (title === last || title.length < 2) { return; }
      last = title;
      fetch(box.dataset.url + "?title=" + encodeURIComponent(title), {
        headers: { "Accept": "text/html" }, credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (title === last) { box.innerHTML = html; } })
        .catch(function () {});
    }, 300);
  });
})();
