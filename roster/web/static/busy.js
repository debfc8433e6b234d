// A form marked data-busy="..." says so while its request runs, and its
// buttons cannot be pressed twice (a repair or an import takes seconds; a
// second press would do it twice).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.dataset || !form.dataset.busy) { return; }
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "yes";
  var note = form.querySelector(".busy");
  if (!note) {
    note = document.createElement("p");
    note.className = "busy";
    note.setAttribute("role", "status");
    form.appendChild(note);
  }
  note.textContent = form.dataset.busy;
  setTimeout(function () {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  }, 0);
});
// back from the browser's history: the form may be sent again
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    var note = form.querySelector(".busy");
    if (note) { note.remove(); }
  });
});
