/* The door's service worker, served from /event/door-sw.js so that its scope covers the door
   pages (/event/<id>/door/).

   It keeps nothing itself: door.js stores the door page, its style sheets and scripts (and the QR
   reader it loads later) and the guest list it keeps on the phone (/event/<id>/door/guests/,
   which door.js reads from the cache itself) in the "proud-door-v1" cache each time the page
   loads, and deletes them when someone signs out from it. Here, a request for the door page or a static file goes to the network first; when the
   network fails, or is slower than a few seconds (patchy venue Wi-Fi), the stored copy is used
   if there is one. Everything else passes straight through. */

"use strict";

var CACHE = "proud-door-v1";
var DOOR_PAGE = /^\/event\/\d+\/door\/$/;
var STATIC = new URL(self.location.href).searchParams.get("static") || "/static/";
var PATIENCE_MS = 4000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (key) {
              return key.indexOf("proud-door-") === 0 && key !== CACHE;
            })
            .map(function (key) {
              return caches.delete(key);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function stored(key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key, { ignoreSearch: true });
  });
}

// The network's answer; the stored copy when the network fails or keeps us waiting too long.
function networkFirst(request, key) {
  return new Promise(function (resolve, reject) {
    var answered = false;
    var answer = function (response) {
      if (!answered) {
        answered = true;
        resolve(response);
      }
    };
    var timer = setTimeout(function () {
      stored(key).then(function (copy) {
        if (copy) {
          answer(copy);
        }
      });
    }, PATIENCE_MS);
    fetch(request).then(
      function (response) {
        clearTimeout(timer);
        answer(response);
      },
      function (error) {
        clearTimeout(timer);
        stored(key).then(function (copy) {
          if (copy) {
            answer(copy);
          } else if (!answered) {
            answered = true;
            reject(error);
          }
        });
      }
    );
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && DOOR_PAGE.test(url.pathname)) {
    // Searches (?q=...) fall back to the whole list, which door.js then filters.
    event.respondWith(networkFirst(request, url.origin + url.pathname));
  } else if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(networkFirst(request, request.url));
  }
});
