(() => {
  const events = new EventSource("/__brief/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (e) => {
    let box = document.getElementById("brief-serve-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "brief-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "__OVERLAY_CSS__";
      document.body.appendChild(box);
    }
    box.textContent = "brief: the site did not build; until it does, the last good build is shown.\n\nerror: " + e.data;
  });
})();
