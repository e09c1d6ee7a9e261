/* Show mode with JavaScript on: every view follows the show within a second.

   - A view ([data-show-follow]) asks its state URL every few hundred milliseconds with the ETag of
     what it shows (If-None-Match). Unchanged: a 304 of a few bytes. Changed: the view's new card
     as HTML, swapped in. Nothing waits on the server between asks, so any number of app processes
     serve it.
   - If the network drops, the view keeps showing what it had and says so ("Offline: showing the
     last state from …"), and catches up at the first answer once it is back.
   - The controller's buttons ([data-show-press]) are sent without reloading the page, with the cue
     the controller showed: a double tap is refused by the server and changes nothing.
   - The page that opens a view with a key ([data-show-open]) takes the key from the link's
     fragment (#key=…), which no server ever sees, and sends it once.
   No inline script and nothing from other sites: it runs under a strict Content Security Policy. */

(function () {
  "use strict";

  if (!window.fetch || !document.querySelector) {
    return;
  }

  var PATIENCE_MS = 2500; // an ask on a bad network is given up after this and made again

  function clock(date) {
    return date.toTimeString().slice(0, 8);
  }

  function withTimeout(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = null;
    if (controller) {
      options.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, PATIENCE_MS);
    }
    return fetch(url, options).then(
      function (response) { clearTimeout(timer); return response; },
      function (error) { clearTimeout(timer); throw error; }
    );
  }

  // --- following the show ---------------------------------------------------------------------

  function follow(root) {
    var url = root.getAttribute("data-state-url");
    var etag = root.getAttribute("data-etag");
    var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 500;
    var card = root.querySelector("[data-show-card]");
    var status = document.querySelector("[data-show-status]");
    var statusText = status && status.querySelector("[data-show-status-text]");
    var lastGood = new Date();
    var state = "live";
    var timer = null;
    var asking = false;

    function say(kind, text) {
      if (!status) {
        return;
      }
      if (state !== kind || statusText.textContent !== text) {
        status.className = "show-status show-status--" + kind;
        statusText.textContent = text;
      }
      state = kind;
      document.documentElement.setAttribute("data-show-state", kind);
    }

    function swap(html) {
      // Keep the focus on the same button (the controller), so a keyboard user stays in place.
      var active = document.activeElement;
      var keep = active && card.contains(active) && active.name ? '[name="' + active.name + '"][value="' + active.value + '"]' : null;
      card.innerHTML = html;
      if (keep) {
        var again = card.querySelector(keep);
        if (again && !again.disabled) {
          again.focus();
        }
      }
      root.dispatchEvent(new CustomEvent("show:changed", { bubbles: true }));
    }

    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(ask, ms);
    }

    function ask() {
      if (asking) {
        return;
      }
      asking = true;
      withTimeout(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "If-None-Match": etag, "X-Requested-With": "show.js" }
      }).then(function (response) {
        if (response.status === 401) {
          say("off", "Switched off: the key was revoked, or you were signed out. Showing the last state.");
          return null;
        }
        if (response.status === 304) {
          return "";
        }
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        var tag = response.headers.get("ETag");
        return response.text().then(function (html) {
          etag = tag || etag;
          swap(html);
          return "";
        });
      }).then(function (result) {
        if (result !== null) {
          lastGood = new Date();
          say("live", state === "offline" ? "Live: caught up at " + clock(lastGood) : "Live");
        }
      }).catch(function () {
        say("offline", "Offline: showing the last state, from " + clock(lastGood) + ". It catches up when the network is back.");
      }).then(function () {
        asking = false;
        schedule(state === "off" ? every * 10 : every);
      });
    }

    window.addEventListener("online", function () { schedule(0); });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) {
        schedule(0);
      }
    });
    root.showFollower = {
      take: function (html, tag) {
        etag = tag;
        swap(html);
      },
      now: function () { schedule(0); }
    };
    schedule(every);
  }

  // --- the controller's buttons -------------------------------------------------------------

  function controller(root) {
    var busy = false;
    root.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.hasAttribute("data-show-press")) {
        return;
      }
      event.preventDefault();
      if (busy) {
        return;
      }
      var button = event.submitter || form.querySelector("button[name=action]");
      var data = new FormData(form);
      data.set("action", button ? button.value : "next");
      var message = root.querySelector("[data-show-message]");
      busy = true;
      // Not form.action: the buttons are named "action", which shadows it.
      withTimeout(form.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        body: data,
        headers: { "X-Requested-With": "show.js", "X-CSRFToken": data.get("csrfmiddlewaretoken") }
      }).then(function (response) {
        if (response.status === 401 || response.status === 403 || response.redirected) {
          throw new Error("signed out");
        }
        return response.json();
      }).then(function (body) {
        root.showFollower.take(body.html, body.etag);
        var again = root.querySelector("[data-show-message]");
        if (again) {
          again.textContent = body.message || "";
        }
      }).catch(function () {
        if (message) {
          message.textContent = "Not sent: the network is down or you were signed out. Nothing changed; press again when it is back.";
        }
      }).then(function () {
        busy = false;
      });
    });
  }

  // --- opening a view with a key ------------------------------------------------------------

  function openWithKey(form) {
    var match = /^#key=([A-Za-z0-9_.\-]+)$/.exec(window.location.hash);
    if (!match) {
      return;
    }
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname);
    }
    form.querySelector("input[name=key]").value = match[1];
    form.submit();
  }

  var roots = document.querySelectorAll("[data-show-follow]");
  for (var i = 0; i < roots.length; i += 1) {
    follow(roots[i]);
    if (roots[i].hasAttribute("data-show-controller")) {
      controller(roots[i]);
    }
  }
  var opener = document.querySelector("[data-show-open]");
  if (opener) {
    openWithKey(opener);
  }
}());
