// The first paint, before the app. On a phone on a slow network the app's code takes
// seconds to arrive; a rep opening a customer wants one answer before that: how much
// credit is left. So, when someone is signed in (the tab's session, src/session.rs), this
// script fetches what the page is about and paints it into the static shell of
// index.html at once (and /signin goes on to the identity provider, below):
//   /customers/{id}  the customer's name, available credit, limit, exposure, overdue,
//                    terms, grade and holds (GET /v1/customers/{id}/credit);
//   /                the first customers of the list (GET /v1/customers?limit=8).
// Once they are on the screen it starts the app (whose files index.html names in
// <meta name="credence-app">, xtask/src/wasm.rs), so the app's download does not compete
// with those few bytes; every other page starts the app right after the shell's first
// paint (or after WAIT_MS, whatever the API does). The
// figures painted are the server's answer of this moment, never kept ones: without a
// network nothing is painted and the app answers from its offline store, with its
// "kept since" banner.
//
// While the app loads, the painted shell stays over it; the page that shows the same
// figures takes it away once they are on screen (src/first_paint.rs), so the figures
// never blink out. Text goes in with textContent only (nothing the server sends is HTML).
(function () {
  var app = document.querySelector('meta[name="credence-app"]');
  var shell = document.getElementById("boot-shell");
  var started = false;
  // The longest the app waits for the figures (a slow API must not hold it up).
  var WAIT_MS = 1500;

  function preload(href, rel, as) {
    var link = document.createElement("link");
    link.rel = rel;
    link.href = href;
    if (as) {
      link.as = as;
      link.crossOrigin = "anonymous";
      link.type = "application/wasm";
    }
    document.head.appendChild(link);
  }

  function startApp() {
    if (started || !app) return;
    started = true;
    // Its files at once (no waterfall), then the module that starts it.
    preload(app.getAttribute("data-main"), "modulepreload");
    preload(app.getAttribute("data-split"), "modulepreload");
    preload(app.getAttribute("data-wasm"), "preload", "fetch");
    import(app.getAttribute("content"));
  }

  function afterPaint(then) {
    var done = false;
    function once() {
      if (!done) {
        done = true;
        then();
      }
    }
    requestAnimationFrame(function () {
      setTimeout(once, 0);
    });
    // A tab opened in the background paints no frames until it is shown.
    setTimeout(once, 300);
  }

  // Once the figures are on the screen: the browser reports the paint of the element
  // marked `elementtiming` (Element Timing); where it does not, after the next frame.
  // A tab in the background paints nothing until shown: the app starts after a moment.
  function afterShown(then) {
    var done = false;
    function once() {
      if (!done) {
        done = true;
        then();
      }
    }
    var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (types.indexOf("element") >= 0) {
      new PerformanceObserver(function (list, observer) {
        observer.disconnect();
        once();
      }).observe({ type: "element", buffered: true });
    } else {
      afterPaint(once);
    }
    setTimeout(once, 500);
  }

  function words() {
    var lang = localStorage.getItem("credence.locale") || "zh-CN";
    return lang.indexOf("en") === 0
      ? {
          available: "Available credit",
          limit: "Credit limit",
          exposure: "Exposure",
          overdue: "Overdue",
          terms: "Payment terms",
          days: function (n) { return n + " days"; },
          oldest: function (n) { return "oldest " + n + " days"; },
          grade: "Grade",
          onHold: "On hold",
          blacklisted: "Blacklisted",
          opening: "Opening the full credit file…",
          openingSearch: "Opening search…",
          customers: "Your customers",
        }
      : {
          available: "可用额度",
          limit: "信用额度",
          exposure: "已用额度",
          overdue: "逾期",
          terms: "账期",
          days: function (n) { return n + " 天"; },
          oldest: function (n) { return "最长逾期 " + n + " 天"; },
          grade: "等级",
          onHold: "已冻结",
          blacklisted: "黑名单",
          opening: "正在打开完整信用档案…",
          openingSearch: "正在打开客户搜索…",
          customers: "我的客户",
        };
  }

  // The app's money format (shared/src/money.rs, format_money): rounded half away from
  // zero to two places, thousands grouped, the currency's sign or its code. Worked on the
  // decimal string, so no amount passes through a binary float.
  var SIGNS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£" };
  function money(m) {
    if (!m || typeof m.amount !== "string") return "";
    var text = m.amount;
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    var whole = parts[0].replace(/^0+(?=\d)/, "");
    var fraction = (parts[1] || "") + "000";
    var cents = whole + fraction.slice(0, 2);
    if (fraction.charAt(2) >= "5") {
      var digits = cents.split("");
      var i = digits.length - 1;
      while (i >= 0 && digits[i] === "9") {
        digits[i] = "0";
        i--;
      }
      if (i < 0) digits.unshift("1");
      else digits[i] = String(Number(digits[i]) + 1);
      cents = digits.join("");
    }
    whole = cents.slice(0, -2) || "0";
    whole = whole.replace(/^0+(?=\d)/, "");
    var zero = /^0*$/.test(cents);
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var sign = SIGNS[m.currency] || m.currency + " ";
    return (negative && !zero ? "-" : "") + sign + grouped + "." + cents.slice(-2);
  }

  // Over the limit (the app marks a negative amount the same way).
  function below(m) {
    return !!m && typeof m.amount === "string" && m.amount.charAt(0) === "-" && /[1-9]/.test(m.amount);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // One block of lines: a name, then figures.
  function lines(block, rows) {
    rows.forEach(function (row, index) {
      if (index > 0) block.appendChild(document.createElement("br"));
      block.appendChild(el("span", row[0], row[1]));
    });
    return block;
  }

  function holds(w, on_hold, blacklisted) {
    var out = [];
    if (on_hold) out.push(w.onHold);
    if (blacklisted) out.push(w.blacklisted);
    return out.join(" · ");
  }

  function paint(kind, nodes) {
    var main = shell && shell.querySelector(".boot-main");
    if (!main) return false;
    main.textContent = "";
    nodes[0].setAttribute("elementtiming", "first-paint");
    nodes.forEach(function (node) {
      main.appendChild(node);
    });
    shell.setAttribute("data-painted", kind);
    return true;
  }

  function paintCustomer(view) {
    var w = words();
    var c = view.customer || {};
    var file = view.file || {};
    var exposure = view.exposure || {};
    var rows = [["boot-name", c.name]];
    if (c.name_en) rows.push(["boot-muted", c.name_en]);
    var flags = holds(w, file.on_hold, file.blacklisted);
    if (flags) rows.push(["boot-flag", flags]);
    rows.push(["boot-label", w.available]);
    rows.push([below(exposure.available) ? "boot-available boot-flag" : "boot-available", money(exposure.available)]);
    rows.push(["", w.limit + " " + money(file.limit)]);
    rows.push(["", w.exposure + " " + money(exposure.exposure)]);
    var overdue = w.overdue + " " + money(exposure.overdue);
    if (exposure.oldest_overdue_days > 0) overdue += " · " + w.oldest(exposure.oldest_overdue_days);
    rows.push([exposure.oldest_overdue_days > 0 ? "boot-flag" : "", overdue]);
    var terms = w.terms + " " + w.days(file.terms_days);
    if (file.grade) terms += " · " + w.grade + " " + file.grade;
    rows.push(["", terms]);
    var block = lines(el("p", "boot-figures"), rows);
    block.setAttribute("data-testid", "first-paint-customer");
    return paint("customer", [block, el("p", "boot-note", w.opening)]);
  }

  function paintList(page) {
    var w = words();
    var items = (page && page.items) || [];
    if (!items.length) return false;
    var nodes = [el("p", "boot-title", w.customers)];
    items.forEach(function (c) {
      var rows = [["boot-name-small", c.name]];
      rows.push([below(c.available) ? "boot-flag" : "", w.available + " " + money(c.available)]);
      var third = w.limit + " " + money(c.credit_limit);
      var flags = holds(w, c.on_hold, c.blacklisted);
      if (flags) third += " · " + flags;
      rows.push([c.on_hold || c.blacklisted ? "boot-flag" : "", third]);
      nodes.push(lines(el("p", "boot-row"), rows));
    });
    nodes[1].setAttribute("data-testid", "first-paint-row");
    nodes.push(el("p", "boot-note", w.openingSearch));
    return paint("search", nodes);
  }

  function stored() {
    try {
      return JSON.parse(sessionStorage.getItem("credence.session") || "null");
    } catch (e) {
      // A session the app cannot read either: the app will send the tab to sign in.
      return null;
    }
  }

  function liveToken() {
    var session = stored();
    return session && typeof session.access_token === "string" && Date.now() < session.expires_at_ms
      ? session.access_token
      : null;
  }

  // /signin: straight on to the identity provider, as the app's sign-in page would
  // (src/oidc.rs, begin: a PKCE verifier, a state and the page to open afterwards, kept
  // under the same key for the app's callback), without waiting for the app to arrive
  // only to leave. Anything else (signed out a moment ago, a session still held, no Web
  // Crypto, an issuer that does not answer) is the app's to handle and word.
  function b64url(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function random(n) {
    var bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return b64url(bytes);
  }

  function json(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response.json();
    });
  }

  function signIn() {
    var query = new URLSearchParams(location.search);
    if (query.has("signed_out") || stored() || !window.crypto || !crypto.subtle) return null;
    var next = query.get("next") || "/";
    if (next.charAt(0) !== "/" || next.indexOf("//") === 0) next = "/";
    var config;
    return json("/config.json")
      .then(function (answer) {
        config = answer;
        return json(config.issuer.replace(/\/+$/, "") + "/.well-known/openid-configuration");
      })
      .then(function (discovery) {
        var pending = { verifier: random(32), state: random(16), next: next };
        var verifier = new TextEncoder().encode(pending.verifier);
        return crypto.subtle.digest("SHA-256", verifier).then(function (hash) {
          sessionStorage.setItem("credence.signin", JSON.stringify(pending));
          var pairs = [
            ["response_type", "code"],
            ["client_id", config.client_id],
            ["redirect_uri", location.origin + "/signin/callback"],
            ["state", pending.state],
            ["code_challenge", b64url(new Uint8Array(hash))],
            ["code_challenge_method", "S256"],
            ["scope", "openid profile aws.cognito.signin.user.admin"],
          ];
          var search = pairs.map(function (pair) {
            return pair[0] + "=" + encodeURIComponent(pair[1]);
          });
          var target = discovery.authorization_endpoint + "?" + search.join("&");
          // After this page's own load, as the app's redirect always was: once, a
          // navigation begun before it left Lighthouse waiting 45 s for a load.
          if (document.readyState === "complete") location.assign(target);
          else addEventListener("load", function () { location.assign(target); });
        });
      });
  }

  // What this page paints first: the API path and the painter, or null.
  function firstPaintOf(path) {
    var card = /^\/customers\/([^/]+)\/?$/.exec(path);
    if (card) {
      var id;
      try {
        id = decodeURIComponent(card[1]);
      } catch (e) {
        return null;
      }
      return { url: "/v1/customers/" + encodeURIComponent(id) + "/credit", paint: paintCustomer };
    }
    if (path === "/" && !location.search) {
      // A phone's first screen: more would only lengthen the paint.
      return { url: "/v1/customers?limit=8", paint: paintList };
    }
    return null;
  }

  if (location.pathname === "/signin") {
    var leaving = signIn();
    if (leaving) {
      leaving.catch(function () {
        afterPaint(startApp);
      });
      return;
    }
  }
  var token = liveToken();
  var plan = token && shell ? firstPaintOf(location.pathname) : null;
  if (!plan) {
    afterPaint(startApp);
    return;
  }
  setTimeout(startApp, WAIT_MS);
  fetch(plan.url, { headers: { authorization: "Bearer " + token, accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (body) {
      if (!body || !plan.paint(body)) throw new Error("nothing to paint");
      afterShown(startApp);
    })
    .catch(function () {
      // No network, or an answer that is not the figures: the app shows what it has.
      afterPaint(startApp);
    });
})();
