/* Scanning a party's QR code at the door, with the phone's camera.

   The QR code holds the party's door code ("PROUD-K7QM4TXPAB"), never the RSVP link. The door
   list carries, on each guest of an accepted party, the SHA-256 of its door code (data-door): the
   scan is hashed here (Web Crypto) and the party found in the list on the phone, so a scan works
   offline as well as on. "All of the party arrived" presses each guest's Arrived button, so a scan
   queues the arrivals exactly as taps do (door.js) and sends them when the connection returns.

   The camera is read with the browser's own barcode detection where it has it (BarcodeDetector),
   else with jsQR (vendor/jsQR.js, Apache-2.0), served by the app like every other script and
   loaded once the guest list is on the phone (250 KB: not while the list comes over a slow
   connection), or when the scanner starts. door.js keeps a copy for a scan with no signal.
   Without a camera, or without JavaScript, the search box takes the door code typed. */

(function () {
  "use strict";

  var root = document.getElementById("door");
  var box = document.querySelector("[data-door-scan]");
  if (!root || !box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var video = box.querySelector("[data-scan-video]");
  var startButton = box.querySelector("[data-scan-start]");
  var stopButton = box.querySelector("[data-scan-stop]");
  var allButton = box.querySelector("[data-scan-all]");
  var clearButton = box.querySelector("[data-scan-clear]");
  var result = box.querySelector("[data-scan-result]");
  var countLine = root.querySelector("[data-door-count]");
  var CODE = /^(?:PROUD)?([A-HJ-NP-Z2-9]{10})$/;
  var stream = null;
  var detector = null;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var party = [];
  var busy = false;

  function doorCode(text) {
    var match = CODE.exec(String(text || "").toUpperCase().replace(/[\s-]/g, ""));
    return match ? match[1] : null;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function say(text) {
    result.textContent = text;
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  var reader = null;

  // jsQR, loaded once: resolves when window.jsQR is there (or the load failed).
  function loadReader() {
    if (window.jsQR || !root.getAttribute("data-jsqr-url")) {
      return Promise.resolve();
    }
    if (!reader) {
      reader = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = root.getAttribute("data-jsqr-url");
        script.onload = resolve;
        script.onerror = function () {
          reader = null; // try again at the next scan
          resolve();
        };
        document.head.appendChild(script);
      });
    }
    return reader;
  }

  function showEveryone() {
    if (window.proudDoor) {
      var search = document.querySelector("[data-door-search]");
      window.proudDoor.search(search ? search.value : "");
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-guest]"), function (row) {
      row.hidden = false;
    });
    party = [];
    allButton.hidden = true;
    clearButton.hidden = true;
    say("");
  }

  function showParty(rows) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-guest]"), function (row) {
      row.hidden = rows.indexOf(row) === -1;
    });
    party = rows;
    var names = rows.map(function (row) {
      var name = row.querySelector("[data-guest-name]");
      return name ? name.textContent.trim() : "";
    });
    var waiting = rows.filter(function (row) {
      var form = row.querySelector("[data-arrive]");
      return form && !form.hidden;
    }).length;
    var table = rows[0].getAttribute("data-table");
    say("Party of " + rows.length + (table ? ", table " + table : "") + ": " + names.join(", ") + ". " +
        (waiting ? waiting + " still to arrive." : "Everyone has arrived."));
    if (countLine) {
      countLine.textContent = rows.length + (rows.length === 1 ? " guest" : " guests") + " found.";
    }
    allButton.hidden = waiting === 0;
    clearButton.hidden = false;
    (waiting ? allButton : clearButton).focus();
  }

  function found(text) {
    var code = doorCode(text);
    if (!code) {
      say("That QR code is not a door code for this event.");
      return false;
    }
    stop();
    if (!window.crypto || !crypto.subtle) {
      location.href = root.getAttribute("data-door-url") + "?q=PROUD-" + code; // no Web Crypto: ask the server
      return true;
    }
    crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)).then(function (digest) {
      var hash = hex(digest);
      // door.js keeps the start of each party's hash in its list; the page's own rows the whole.
      var rows = window.proudDoor ? window.proudDoor.showParty(hash) : Array.prototype.slice.call(root.querySelectorAll('[data-door="' + hash + '"]'));
      if (rows.length) {
        showParty(rows);
      } else if (navigator.onLine) {
        location.href = root.getAttribute("data-door-url") + "?q=PROUD-" + code;
      } else {
        say("This door code is not on this phone's list. Find the guests by name.");
      }
    });
    return true;
  }

  function read() {
    if (!stream || busy) {
      return;
    }
    if (video.readyState < 2) {
      setTimeout(read, 100);
      return;
    }
    busy = true;
    var done = function (text) {
      busy = false;
      if (!(text && found(text)) && stream) {
        setTimeout(read, 120);
      }
    };
    if (detector) {
      detector.detect(video).then(function (codes) {
        done(codes.length ? codes[0].rawValue : null);
      }, function () {
        detector = null; // fall back to jsQR
        done(null);
      });
      return;
    }
    if (!window.jsQR) {
      busy = false;
      say("The scanner could not start: find the guests by name or door code.");
      stop();
      return;
    }
    var width = video.videoWidth, height = video.videoHeight;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    var code = window.jsQR(image.data, width, height, { inversionAttempts: "dontInvert" });
    done(code ? code.data : null);
  }

  function start() {
    showEveryone();
    var ready = Promise.resolve();
    if ("BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats) {
      ready = window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") !== -1) {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        }
      }, function () {});
    }
    ready.then(function () {
      return detector ? null : loadReader();
    }).then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      say("Point the camera at the party's QR code.");
      return video.play();
    }).then(read, function () {
      stop();
      say("The camera is not available: find the guests by name or door code.");
    });
  }

  startButton.addEventListener("click", start);
  root.addEventListener("door:list", function () {
    loadReader();
  });
  stopButton.addEventListener("click", function () {
    stop();
    say("");
  });
  clearButton.addEventListener("click", showEveryone);
  allButton.addEventListener("click", function () {
    party.forEach(function (row) {
      var form = row.querySelector("[data-arrive]");
      if (form && !form.hidden) {
        // door.js takes the submit: marked at once, queued, sent when online.
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
        }
      }
    });
    allButton.hidden = true;
    say("Party of " + party.length + " checked in.");
  });
  box.hidden = false;
})();
