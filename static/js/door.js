/* The door page with JavaScript on: check-in that keeps working when the venue's Wi-Fi drops,
   and a search that answers as the volunteer types, at thousands of guests on a slow phone.

   Without this script the page works as plain forms, listing a screenful of guests and finding the
   others on the server. With it:
   - the whole guest list comes once as compact JSON (data-list-url: the names the door may see,
     nothing more), is kept in this phone's offline store, and is searched here: each keystroke
     shows the first screenful of matches (data-rows), never thousands of rows;
   - "Check in" marks the guest on the page at once and queues the arrival (guest id and the time
     it was marked) in localStorage, so a reload or a flat battery loses nothing;
   - the queue is sent to the server as JSON when online, on the browser's "online" event and
     every few seconds; an arrival the server already has (another volunteer, 409) counts as
     done, so nobody is counted twice;
   - who has arrived on other phones comes back as a bitmap over the list (a few hundred bytes
     whatever the number arrived); a list that changed (a walk-in, a guest moved) is fetched again;
   - a service worker (door-sw.js) keeps the last copy of this page, so a reload while offline
     still shows it, and this script reads the list from the offline store.
   No inline script and nothing from other sites: it runs under a strict Content Security Policy. */

(function () {
  "use strict";

  var root = document.getElementById("door");
  if (!root || !window.fetch || !window.JSON || !document.querySelector) {
    return;
  }

  var CACHE = "proud-door-v1";
  var QUEUE_KEY = "proud-door-queue-" + root.getAttribute("data-event");
  var FRESH_KEY = "proud-door-fresh-" + root.getAttribute("data-event");
  var BATCH = 200; // the server takes up to 500 at once
  var TICK_MS = 5000;
  var PATIENCE_MS = 15000; // a request on patchy Wi-Fi is given up after this (sent again later)
  var REFRESH_MS = 15000;
  var LIST_AGAIN_MS = 60000; // a changed list is fetched again at most this often
  var arrivalsUrl = root.getAttribute("data-arrivals-url");
  var totalsUrl = root.getAttribute("data-totals-url");
  var listUrl = root.getAttribute("data-list-url");
  var doorPath = root.getAttribute("data-door-url");
  var statusBox = root.querySelector("[data-door-status]");
  var searchBox = root.querySelector("[data-door-search]");
  var countLine = root.querySelector("[data-door-count]");
  var listBox = root.querySelector("[data-door-list]");
  var nobodyLine = root.querySelector("[data-door-nobody]");
  var tableLine = root.querySelector("[data-table-row]");
  var heading = document.getElementById("guests");
  var ROWS = Number((listBox && listBox.getAttribute("data-rows")) || 12);
  var sending = false;
  var inflight = {};
  var lastRefresh = 0;
  var problem = "";
  // The whole list once it is on the phone: {version, guests (by name), byId, byPk (by id)}.
  var list = null;
  var listAsked = 0;
  var shownQuery = null;

  // The page as the server sent it, before this script changes anything: the offline copy.
  var served = snapshot();

  // --- the queue ------------------------------------------------------------------------------

  function storageWorks() {
    try {
      localStorage.setItem(QUEUE_KEY + "-test", "1");
      localStorage.removeItem(QUEUE_KEY + "-test");
      return true;
    } catch (error) {
      return false;
    }
  }

  function readQueue() {
    var queue;
    try {
      queue = JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
    } catch (error) {
      queue = [];
    }
    if (!Array.isArray(queue)) {
      return [];
    }
    return queue.filter(function (entry) {
      return entry && typeof entry.guest === "number" && typeof entry.at === "string";
    });
  }

  function writeQueue(queue) {
    try {
      localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      return true;
    } catch (error) {
      return false;
    }
  }

  function queued(guest) {
    return readQueue().some(function (entry) {
      return entry.guest === guest;
    });
  }

  // --- the page -------------------------------------------------------------------------------

  function rowFor(guest) {
    return document.getElementById("guest-" + guest);
  }

  function nameOf(row) {
    var name = row && row.querySelector("[data-guest-name]");
    return name ? name.textContent.trim() : "The guest";
  }

  function isArrived(row) {
    return row.classList.contains("door-guest--arrived");
  }

  function hhmm(date) {
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function markRow(row, arrived, text, pending) {
    row.classList.toggle("door-guest--arrived", arrived);
    row.classList.toggle("door-guest--pending", Boolean(arrived && pending));
    var done = row.querySelector("[data-arrived]");
    var form = row.querySelector("[data-arrive]");
    if (done) {
      done.hidden = !arrived;
    }
    if (form) {
      form.hidden = arrived;
    }
    var label = row.querySelector("[data-arrived-text]");
    if (label && text) {
      label.textContent = text;
    }
  }

  function setNumber(element, value) {
    if (element && String(value) !== element.textContent) {
      element.textContent = String(value);
    }
  }

  function addTo(element, delta) {
    if (element) {
      setNumber(element, Math.max(0, (parseInt(element.textContent, 10) || 0) + delta));
    }
  }

  function tableCell(table, which) {
    var row = root.querySelector('[data-table-row="' + (table || "") + '"]');
    return row ? row.querySelector("[data-table-" + which + "]") : null;
  }

  function countArrival(table, delta) {
    addTo(root.querySelector('[data-total="arrived"]'), delta);
    addTo(root.querySelector('[data-total="waiting"]'), -delta);
    addTo(tableCell(table, "arrived"), delta);
  }

  function show(text, kind) {
    if (!statusBox) {
      return;
    }
    if (statusBox.textContent !== text) {
      statusBox.textContent = text;
    }
    statusBox.classList.toggle("door-status--offline", kind === "offline");
    statusBox.classList.toggle("door-status--problem", kind === "problem");
  }

  // When the totals on this phone were last fresh from the server: kept across reloads, so a page
  // opened again from the offline copy can say how old its figures are.
  function renderedAt() {
    return Date.parse(root.getAttribute("data-rendered-at") || "") || 0;
  }

  function freshAt() {
    var stored = 0;
    try {
      stored = Number(localStorage.getItem(FRESH_KEY) || 0);
    } catch (error) {
      stored = 0;
    }
    return Math.max(stored, renderedAt());
  }

  function markFresh(when) {
    try {
      localStorage.setItem(FRESH_KEY, String(Math.max(when, freshAt())));
    } catch (error) {
      // no storage: the page's own time is all there is
    }
  }

  function freshness() {
    var at = freshAt();
    return at ? " Totals as of " + hhmm(new Date(at)) + "." : "";
  }

  function showQueueState(offline) {
    var waiting = readQueue().length;
    if (problem) {
      show(problem, "problem");
    } else if (waiting) {
      var what = waiting === 1 ? "1 arrival is" : waiting + " arrivals are";
      show(
        offline ? "No connection: " + what + " kept on this phone and will be sent when it returns." + freshness() : "Sending: " + what + " waiting.",
        offline ? "offline" : ""
      );
    } else if (offline) {
      show("No connection. Check-in buttons still work; they are sent when it returns." + freshness(), "offline");
    } else {
      show("", "");
    }
  }

  // --- sending --------------------------------------------------------------------------------

  // fetch, given up after a while: an arrival that did reach the server comes back as 409 next time.
  function patientFetch(url, options) {
    if (!window.AbortController) {
      return fetch(url, options);
    }
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, PATIENCE_MS);
    options.signal = controller.signal;
    return fetch(url, options).then(
      function (response) {
        clearTimeout(timer);
        return response;
      },
      function (error) {
        clearTimeout(timer);
        throw error;
      }
    );
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function settle(batch, data) {
    var results = (data && data.results) || [];
    var settled = [];
    var problems = [];
    results.forEach(function (result, index) {
      var entry = batch[index];
      if (!entry || entry.guest !== result.guest) {
        return;
      }
      settled.push(entry);
      var row = rowFor(result.guest);
      var guest = list && list.byId[result.guest];
      if (result.status === 201 || result.status === 409) {
        if (guest) {
          guest.arrived = true;
          guest.time = result.status === 201 ? result.time || null : guest.time;
        }
        if (row) {
          markRow(row, true, result.status === 201 ? "Checked in at " + (result.time || "") : "Checked in (marked earlier)", false);
        }
      } else {
        // Not on the list, or not at this event: it will not succeed later either.
        problems.push(result.detail || "A guest could not be checked in.");
        if (row && isArrived(row) && !(guest && guest.arrived)) {
          markRow(row, false, "", false);
          if (!list) {
            countArrival(entry.table, -1);
          }
        }
      }
    });
    var keys = {};
    settled.forEach(function (entry) {
      keys[entry.guest + "|" + entry.at] = true;
    });
    writeQueue(readQueue().filter(function (entry) {
      return !keys[entry.guest + "|" + entry.at];
    }));
    problem = problems.length ? "Not checked in: " + problems.join(" ") : "";
    if (data && data.totals) {
      applyTotals(data.totals);
    } else {
      recount();
    }
  }

  function flush() {
    if (sending) {
      return;
    }
    var batch = readQueue().slice(0, BATCH);
    if (!batch.length) {
      refresh();
      return;
    }
    sending = true;
    inflight = {};
    batch.forEach(function (entry) {
      inflight[entry.guest] = true;
    });
    patientFetch(arrivalsUrl + (list ? "?arrived=bits" : ""), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ arrivals: batch.map(function (e) { return { guest: e.guest, at: e.at }; }) }),
    })
      .then(function (response) {
        if (response.status === 401) {
          problem = "You are signed out. Sign in again on this phone to send the arrivals kept on it.";
          return null;
        }
        if (response.status === 403) {
          problem = "The arrivals could not be sent: reload this page. They are kept on this phone.";
          return null;
        }
        if (response.status === 404) {
          problem = "This phone can no longer check guests in at this event: ask an organiser. The arrivals are kept on it.";
          return null;
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json().then(function (data) {
          settle(batch, data);
        });
      })
      .then(
        function () {
          sending = false;
          inflight = {};
          showQueueState(false);
        },
        function () {
          sending = false;
          inflight = {};
          showQueueState(true);
        }
      );
  }

  function applyTotals(totals) {
    lastRefresh = Date.now();
    markFresh(lastRefresh);
    if (totals.arrived_bits !== undefined) {
      if (list) {
        applyArrivals(totals);
      }
      return;
    }
    var queue = readQueue();
    var arrivedOnServer = {};
    (totals.arrived_guests || []).forEach(function (guest) {
      arrivedOnServer[guest] = true;
    });
    // Arrivals still on this phone are not on the server yet: count them on top.
    var pending = queue.filter(function (entry) {
      return !arrivedOnServer[entry.guest];
    });
    var pendingByTable = {};
    pending.forEach(function (entry) {
      var key = entry.table || "";
      pendingByTable[key] = (pendingByTable[key] || 0) + 1;
    });
    setNumber(root.querySelector('[data-total="expected"]'), totals.expected);
    setNumber(root.querySelector('[data-total="arrived"]'), totals.arrived + pending.length);
    setNumber(root.querySelector('[data-total="waiting"]'), Math.max(0, totals.expected - totals.arrived - pending.length));
    (totals.tables || []).forEach(function (row) {
      var key = row.table === null ? "" : String(row.table);
      setNumber(tableCell(key, "expected"), row.expected);
      setNumber(tableCell(key, "arrived"), row.arrived + (pendingByTable[key] || 0));
    });
    // Guests marked (or unmarked) on other phones.
    var rows = root.querySelectorAll("[data-guest]");
    Array.prototype.forEach.call(rows, function (row) {
      var guest = Number(row.getAttribute("data-guest"));
      var onServer = Boolean(arrivedOnServer[guest]);
      var onPhone = queue.some(function (entry) {
        return entry.guest === guest;
      });
      if (onServer && !isArrived(row)) {
        markRow(row, true, "Checked in", false);
      } else if (!onServer && !onPhone && isArrived(row)) {
        markRow(row, false, "", false);
      }
    });
  }

  function refresh() {
    if (sending) {
      return;
    }
    patientFetch(totalsUrl + (list ? "?arrived=bits" : ""), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(
        function (totals) {
          applyTotals(totals);
          showQueueState(false);
        },
        function () {
          lastRefresh = Date.now();
          showQueueState(true);
        }
      );
  }

  function tick() {
    if (readQueue().length) {
      flush();
    } else if (Date.now() - lastRefresh > REFRESH_MS) {
      refresh();
    }
  }

  // --- the buttons ----------------------------------------------------------------------------

  function arrive(form, event) {
    var guest = Number(form.getAttribute("data-arrive"));
    var row = rowFor(guest);
    if (!row) {
      return;
    }
    event.preventDefault();
    var queue = readQueue();
    var table = row.getAttribute("data-table") || "";
    if (!queue.some(function (entry) { return entry.guest === guest; })) {
      queue.push({ guest: guest, at: new Date().toISOString(), table: table });
      if (!writeQueue(queue)) {
        form.submit(); // no room on the phone: the plain form still works online
        return;
      }
    }
    if (list) {
      recount();
    } else if (!isArrived(row)) {
      countArrival(table, 1);
    }
    markRow(row, true, "Checked in at " + hhmm(new Date()), true);
    var undo = row.querySelector("[data-undo] button");
    if (undo) {
      undo.focus();
    }
    show(nameOf(row) + " arrived.", "");
    flush();
  }

  function undo(form, event) {
    var guest = Number(form.getAttribute("data-undo"));
    var row = rowFor(guest);
    if (!row) {
      return;
    }
    if (inflight[guest]) {
      event.preventDefault();
      show("Still sending " + nameOf(row) + "'s arrival: try Undo again in a moment.", "");
      return;
    }
    if (queued(guest)) {
      // Not sent yet: take it back on the phone only.
      event.preventDefault();
      writeQueue(readQueue().filter(function (entry) {
        return entry.guest !== guest;
      }));
      markRow(row, false, "", false);
      if (list) {
        recount();
      } else {
        countArrival(row.getAttribute("data-table") || "", -1);
      }
      var button = row.querySelector("[data-arrive] button");
      if (button) {
        button.focus();
      }
      show(nameOf(row) + " is no longer marked as arrived.", "");
      return;
    }
    if (!navigator.onLine) {
      event.preventDefault();
      show("Undo needs a connection: try again when it returns.", "offline");
    }
    // Otherwise the form posts to the server as usual.
  }

  // --- the list on the phone -----------------------------------------------------------------

  function fold(text) {
    var lower = String(text).toLowerCase();
    return lower.normalize ? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : lower;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c];
    });
  }

  function queuedById() {
    var byId = {};
    readQueue().forEach(function (entry) {
      byId[entry.guest] = entry;
    });
    return byId;
  }

  // Before the list is on the phone: the rows the server sent, filtered where they are.
  function filterRows(query) {
    var q = fold(query.trim());
    var rows = root.querySelectorAll("[data-guest]");
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = !q || (/^\d+$/.test(q) ? row.getAttribute("data-table") === String(Number(q)) : fold(nameOf(row)).indexOf(q) !== -1);
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    if (countLine) {
      countLine.textContent = shown + (shown === 1 ? " guest" : " guests") + (q ? " found." : ".");
    }
  }

  // The list as the server packs it (night.selectors.door_list): one array per field, by id.
  function useList(data) {
    var doors = data.doors || [];
    var id = 0;
    var guests = (data.id || []).map(function (step, index) {
      id += step;
      return {
        id: id, name: data.name[index], table: data.table[index], party: data.party[index], access: data.access[index],
        time: data.arrived[index], arrived: data.arrived[index] !== null, walkIn: Boolean(data.walk_in[index]),
        door: data.door[index] === null ? "" : doors[data.door[index]] || "", key: fold(data.name[index]),
      };
    });
    var byId = {};
    guests.forEach(function (guest, index) {
      if (typeof guest.party === "number") {
        guest.party = "With " + guests[index - guest.party].name;
      }
      byId[guest.id] = guest;
    });
    list = {
      version: data.version,
      guests: guests.slice().sort(function (a, b) {
        return a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id;
      }),
      byId: byId,
      byPk: guests,
    };
    shownQuery = null;
    search(searchBox ? searchBox.value : "");
    recount();
  }

  function matches(query) {
    var q = fold(query.trim());
    if (!q) {
      return list.guests;
    }
    if (/^\d+$/.test(q)) {
      var table = Number(q);
      return list.guests.filter(function (guest) { return guest.table === table; });
    }
    return list.guests.filter(function (guest) { return guest.key.indexOf(q) !== -1; });
  }

  function arrivedText(guest, entry) {
    if (entry && !guest.arrived) {
      return "Checked in at " + hhmm(new Date(entry.at));
    }
    return guest.time ? "Checked in at " + guest.time : "Checked in";
  }

  function rowHtml(guest, q, token, entry) {
    var name = escapeHtml(guest.name);
    var arrived = guest.arrived || Boolean(entry);
    var hidden = '<input type="hidden" name="csrfmiddlewaretoken" value="' + escapeHtml(token) + '"><input type="hidden" name="q" value="' + escapeHtml(q) + '">';
    var action = escapeHtml(doorPath + guest.id);
    return '<li class="door-guest' + (arrived ? " door-guest--arrived" : "") + (entry && !guest.arrived ? " door-guest--pending" : "") +
      '" id="guest-' + guest.id + '" data-guest="' + guest.id + '" data-table="' + (guest.table === null ? "" : guest.table) + '"' +
      (guest.door ? ' data-door="' + escapeHtml(guest.door) + '"' : "") + ">" +
      '<div class="door-guest__who"><span class="door-guest__name" data-guest-name>' + name + "</span>" +
      '<span class="door-guest__table">' + (guest.table === null ? "No table yet" : "Table " + guest.table) + "</span>" +
      '<span class="door-guest__party">' + escapeHtml(guest.party) + "</span>" +
      (guest.access ? '<span class="door-guest__access">Access: ' + escapeHtml(guest.access) + "</span>" : "") + "</div>" +
      '<div class="door-guest__done" data-arrived' + (arrived ? "" : " hidden") + '><span class="door-guest__status" data-arrived-text>' +
      escapeHtml(arrived ? arrivedText(guest, entry) : "Checked in") + "</span>" +
      '<form method="post" action="' + action + '/undo/" data-undo="' + guest.id + '" novalidate>' + hidden +
      '<button class="button button--secondary door-guest__undo" type="submit">Undo<span class="visually-hidden">: ' + name + " has not arrived</span></button></form></div>" +
      '<form class="door-guest__arrive" method="post" action="' + action + '/arrived/" data-arrive="' + guest.id + '" novalidate' + (arrived ? " hidden" : "") + ">" + hidden +
      '<button class="button door-guest__button" type="submit">Check in<span class="visually-hidden">: ' + name + "</span></button></form>" +
      (guest.walkIn ? '<form class="door-guest__remove" method="post" action="' + action + '/remove/" novalidate>' + hidden +
        '<button class="button button--warning" type="submit">Remove walk-in<span class="visually-hidden">: ' + name + "</span></button></form>" : "") +
      "</li>";
  }

  // The first screenful of `found` in the list's place, and what the count line says of them.
  function showGuests(found, q, what) {
    var token = csrfToken();
    var waiting = queuedById();
    var shown = found.slice(0, ROWS);
    listBox.innerHTML = shown.map(function (guest) {
      return rowHtml(guest, q, token, waiting[guest.id]);
    }).join("");
    listBox.hidden = !shown.length;
    if (nobodyLine) {
      nobodyLine.hidden = Boolean(shown.length);
      nobodyLine.textContent = q
        ? "Nobody matches “" + q + "”. Check the spelling, try part of the name or the table number, or add them as a walk-in."
        : "Nobody is expected yet.";
    }
    if (countLine) {
      countLine.textContent = found.length > shown.length
        ? "The first " + shown.length + " of " + found.length + " guests" + (q ? " found" : "") + ", by name. " +
          (q ? "Type more of the name to find someone else." : "Search to find anyone else.")
        : what || found.length + (found.length === 1 ? " guest" : " guests") + (q ? " found." : ".");
    }
  }

  function search(query) {
    if (!list) {
      filterRows(query);
      return;
    }
    if (query === shownQuery) {
      return;
    }
    shownQuery = query;
    var q = query.trim();
    showGuests(matches(q), q);
    say(heading, /^\d+$/.test(q) ? "Table " + Number(q) : q ? "Guests matching “" + q + "”" : "Everyone coming");
    showTable();
  }

  function say(element, text) {
    if (element && element.textContent !== text) {
      element.textContent = text;
    }
  }

  // A scanned party (door-scan.js): its guests in the list's place. The rows shown, or none.
  function showParty(hash) {
    if (!list) {
      return Array.prototype.slice.call(root.querySelectorAll('[data-door="' + hash + '"]'));
    }
    var party = list.guests.filter(function (guest) {
      return guest.door && hash.indexOf(guest.door) === 0;
    });
    if (!party.length) {
      return [];
    }
    shownQuery = null;
    showGuests(party, "", "");
    say(heading, "The party with this door code");
    return Array.prototype.slice.call(listBox.querySelectorAll("[data-guest]"));
  }

  // The counts of the table searched for, from the list and this phone's queue.
  function showTable() {
    if (!list || !tableLine) {
      return;
    }
    var q = searchBox ? searchBox.value.trim() : "";
    var table = /^\d+$/.test(q) ? Number(q) : null;
    var waiting = queuedById();
    var expected = 0;
    var arrived = 0;
    if (table !== null) {
      list.guests.forEach(function (guest) {
        if (guest.table === table) {
          expected += 1;
          arrived += guest.arrived || waiting[guest.id] ? 1 : 0;
        }
      });
    }
    tableLine.setAttribute("data-table-row", table === null ? "" : String(table));
    tableLine.hidden = !expected;
    setNumber(tableLine.querySelector("[data-table-expected]"), expected);
    setNumber(tableLine.querySelector("[data-table-arrived]"), arrived);
  }

  // The totals from the list and this phone's queue: what the rows say, counted.
  function recount() {
    if (!list) {
      return;
    }
    var waiting = queuedById();
    var arrived = 0;
    list.guests.forEach(function (guest) {
      arrived += guest.arrived || waiting[guest.id] ? 1 : 0;
    });
    setNumber(root.querySelector('[data-total="expected"]'), list.guests.length);
    setNumber(root.querySelector('[data-total="arrived"]'), arrived);
    setNumber(root.querySelector('[data-total="waiting"]'), list.guests.length - arrived);
    showTable();
  }

  // The rows on the screen, as the list and the queue now say.
  function refreshRows() {
    if (!list) {
      return;
    }
    var waiting = queuedById();
    Array.prototype.forEach.call(listBox.querySelectorAll("[data-guest]"), function (row) {
      var guest = list.byId[Number(row.getAttribute("data-guest"))];
      if (!guest) {
        return;
      }
      var entry = waiting[guest.id];
      var arrived = guest.arrived || Boolean(entry);
      if (arrived !== isArrived(row) || row.classList.contains("door-guest--pending") !== Boolean(entry && !guest.arrived)) {
        markRow(row, arrived, arrived ? arrivedText(guest, entry) : "", Boolean(entry && !guest.arrived));
      }
    });
  }

  function decodeBits(text) {
    var binary = atob(text || "");
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  // Who has arrived, from the server's bitmap over the list in order of id.
  function applyArrivals(totals) {
    if (totals.version !== list.version) {
      // A walk-in added, a guest moved or no longer coming: the list is fetched again (not too
      // often); until then, the server's figures with this phone's queue on top.
      if (Date.now() - listAsked > LIST_AGAIN_MS) {
        loadList();
      }
      var pending = readQueue().filter(function (entry) {
        var guest = list.byId[entry.guest];
        return !(guest && guest.arrived);
      }).length;
      setNumber(root.querySelector('[data-total="expected"]'), totals.expected);
      setNumber(root.querySelector('[data-total="arrived"]'), totals.arrived + pending);
      setNumber(root.querySelector('[data-total="waiting"]'), Math.max(0, totals.expected - totals.arrived - pending));
      return;
    }
    var bits = decodeBits(totals.arrived_bits);
    list.byPk.forEach(function (guest, index) {
      var arrived = Boolean(bits[index >> 3] & (0x80 >> (index & 7)));
      if (!arrived) {
        guest.time = null;
      }
      guest.arrived = arrived;
    });
    recount();
    refreshRows();
  }

  function loadList() {
    if (!listUrl || !window.caches) {
      return;
    }
    listAsked = Date.now();
    var fromNetwork = false;
    var useData = function (data, fresh) {
      if (data && Array.isArray(data.id) && (fresh || !fromNetwork)) {
        useList(data);
        root.setAttribute("data-door-list-ready", fresh ? "network" : "phone");
        if (window.performance && performance.mark) {
          performance.mark("door-list-ready");
        }
        root.dispatchEvent(new CustomEvent("door:list", { bubbles: true }));
      }
    };
    // This phone's copy first (searchable at once when there is one), then the server's.
    caches.open(CACHE).then(function (cache) {
      return cache.match(listUrl);
    }).then(function (copy) {
      return copy ? copy.json() : null;
    }).then(function (data) {
      useData(data, false);
    }, function () {});
    // As the page's <link rel="preload"> asked for it (no headers of its own), so the answer
    // already on its way is used.
    patientFetch(listUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        var copy = response.clone();
        return response.json().then(function (data) {
          fromNetwork = true;
          useData(data, true);
          caches.open(CACHE).then(function (cache) {
            return cache.put(listUrl, copy);
          }).catch(function () {});
          keepOfflineCopy();
        });
      })
      .catch(function () {});
  }

  // --- the offline copy -----------------------------------------------------------------------

  function snapshot() {
    var copy = document.documentElement.cloneNode(true);
    // Messages belong to the moment they were shown, not to the offline copy.
    Array.prototype.forEach.call(copy.querySelectorAll(".notice, .error-summary"), function (node) {
      node.parentNode.removeChild(node);
    });
    return "<!doctype html>\n" + copy.outerHTML;
  }

  var kept = false;

  function keepOfflineCopy() {
    if (kept || !window.caches || location.pathname !== doorPath || location.search) {
      return;
    }
    kept = true;
    var assets = [];
    Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"][href], script[src]'), function (node) {
      var url = new URL(node.getAttribute("href") || node.getAttribute("src"), location.href);
      if (url.origin === location.origin) {
        assets.push(url.href);
      }
    });
    // The QR reader, loaded only when scanning (door-scan.js), kept for a scan with no signal.
    if (root.getAttribute("data-jsqr-url")) {
      assets.push(new URL(root.getAttribute("data-jsqr-url"), location.href).href);
    }
    // Once each: Cache.addAll refuses a list with the same address twice (door-scan.js may have
    // added the QR reader's script tag already).
    assets = assets.filter(function (url, index) {
      return assets.indexOf(url) === index;
    });
    caches
      .open(CACHE)
      .then(function (cache) {
        var page = new Response(served, { headers: { "Content-Type": "text/html; charset=utf-8" } });
        return Promise.all([cache.put(location.origin + doorPath, page), cache.addAll(assets)]);
      })
      .catch(function () {});
  }

  function forgetOfflineCopyOnSignOut() {
    var form = document.querySelector(".site-nav__form");
    if (!form || !window.caches) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var done = false;
      var go = function () {
        if (!done) {
          done = true;
          form.submit();
        }
      };
      setTimeout(go, 1500);
      caches.delete(CACHE).then(go, go);
    });
  }

  // --- start ----------------------------------------------------------------------------------

  if (!storageWorks()) {
    return; // the plain forms work; nothing could be kept offline anyway
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-arrive")) {
      arrive(form, event);
    } else if (form.hasAttribute("data-undo")) {
      undo(form, event);
    }
  });

  if (searchBox) {
    // A reload while offline gets the whole list: filter it with the search in the address.
    var params = new URLSearchParams(location.search);
    if (!searchBox.value && params.get("q")) {
      searchBox.value = params.get("q");
    }
    searchBox.addEventListener("input", function () {
      search(searchBox.value);
    });
    // On a phone the keyboard covers half the screen: the search box goes to the top, so the
    // guests it finds show above the keyboard.
    searchBox.addEventListener("focus", function () {
      var top = searchBox.form.getBoundingClientRect().top;
      if (window.innerWidth < 641 && top > 80 && searchBox.form.scrollIntoView) {
        searchBox.form.scrollIntoView({ block: "start" });
      }
    });
    if (searchBox.value) {
      search(searchBox.value);
    }
    // With the list on the phone, "Find" searches it (offline too); a door code typed goes to the server.
    searchBox.form.addEventListener("submit", function (event) {
      if (list && !/^(PROUD)?[-\s]*[A-HJ-NP-Z2-9]{5}[-\s]*[A-HJ-NP-Z2-9]{5}$/i.test(searchBox.value.trim())) {
        event.preventDefault();
        shownQuery = null;
        search(searchBox.value);
        if (window.history && history.replaceState) {
          var q = searchBox.value.trim();
          history.replaceState(null, "", doorPath + (q ? "?q=" + encodeURIComponent(q) : ""));
        }
      }
    });
  }
  window.proudDoor = { showParty: showParty, search: function (query) { shownQuery = null; search(query); } };

  // Arrivals still on this phone from before a reload.
  readQueue().forEach(function (entry) {
    var row = rowFor(entry.guest);
    if (row && !isArrived(row)) {
      countArrival(entry.table, 1);
      markRow(row, true, "Checked in at " + hhmm(new Date(entry.at)), true);
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    showQueueState(true);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      tick();
    }
  });
  setInterval(tick, TICK_MS);

  // The offline copy of the page and its files is stored once the list is here (loadList): not
  // while the list itself is still coming over a slow connection.
  if (listUrl) {
    loadList();
  } else {
    keepOfflineCopy();
  }
  forgetOfflineCopyOnSignOut();
  if (navigator.serviceWorker) {
    var worker = root.getAttribute("data-sw-url") + "?static=" + encodeURIComponent(root.getAttribute("data-static-url") || "/static/");
    navigator.serviceWorker.register(worker, { scope: root.getAttribute("data-sw-scope") }).catch(function () {});
  }
  // A page just served is fresh: send what is queued now, refresh the totals later. A copy opened
  // from this phone's offline store is not: say so at once, and try the server now.
  if (Date.now() - renderedAt() < REFRESH_MS) {
    markFresh(renderedAt());
    lastRefresh = Date.now();
  } else {
    lastRefresh = 0;
  }
  if (navigator.onLine === false) {
    showQueueState(true);
  }
  tick();
})();
