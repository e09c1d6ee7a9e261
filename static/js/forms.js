/* Every page, as progressive enhancement (everything works without it):
   - GOV.UK Frontend's components start (static/build/govuk-frontend.js, from the npm package): the
     error summary takes focus after a submit with problems, so a screen reader hears what is wrong
     first; the phone menu folds behind its button; character counts count; banners focus;
   - on the nomination form, the group-award section shows only when a group award is chosen,
     and the one-person section only when it is not. */
(function () {
  "use strict";

  if (window.GOVUKFrontend) {
    window.GOVUKFrontend.initAll();
  }

  var radios = document.querySelectorAll("input[data-nominee-kind]");
  var person = document.querySelector("[data-for-kind='person']");
  var group = document.querySelector("[data-for-kind='group']");
  if (!radios.length || !person || !group) {
    return;
  }
  function chosenKind() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) {
        return radios[i].getAttribute("data-nominee-kind");
      }
    }
    return "";
  }
  function show() {
    var isGroup = chosenKind() === "group";
    group.hidden = !isGroup;
    person.hidden = isGroup;
  }
  for (var i = 0; i < radios.length; i++) {
    radios[i].addEventListener("change", show);
  }
  show();
})();
