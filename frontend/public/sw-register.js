// Registers the service worker (/sw.js) and, when a new build is ready, offers to switch
// to it: a bar at the bottom of the page with "update". The new version takes over only
// when the person says so, so nothing half-typed is lost to a reload they did not ask for.
(function () {
  if (!("serviceWorker" in navigator)) return;

  function words() {
    var lang = (localStorage.getItem("credence.locale") || document.documentElement.lang || "zh-CN");
    return lang.indexOf("en") === 0
      ? { text: "A new version of Credence is available.", button: "Update" }
      : { text: "Credence 有新版本。", button: "更新" };
  }

  var switching = false;

  function offer(worker) {
    if (document.getElementById("update-prompt")) return;
    var w = words();
    var bar = document.createElement("div");
    bar.id = "update-prompt";
    bar.className = "update-prompt";
    bar.setAttribute("role", "status");
    bar.setAttribute("data-testid", "update-prompt");
    var text = document.createElement("span");
    text.textContent = w.text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary button-small";
    button.setAttribute("data-testid", "update-now");
    button.textContent = w.button;
    button.addEventListener("click", function () {
      switching = true;
      button.disabled = true;
      worker.postMessage({ type: "skip-waiting" });
    });
    bar.appendChild(text);
    bar.appendChild(button);
    document.body.appendChild(bar);
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    // Only the switch the person asked for reloads the page (the very first install
    // takes control quietly).
    if (switching) window.location.reload();
  });

  function register() {
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      function watch(worker) {
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
        });
      }
      if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
      if (registration.installing) watch(registration.installing);
      registration.addEventListener("updatefound", function () {
        if (registration.installing) watch(registration.installing);
      });
      // A rep keeps the app open for days: look for a new build when they come back to it.
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") registration.update().catch(function () {});
      });
    }).catch(function () {});
  }

  // The worker downloads the whole app to keep it: only once the page has loaded and
  // settled, so it never competes with what the person is waiting for.
  window.addEventListener("load", function () {
    setTimeout(register, 3000);
  });
})();
