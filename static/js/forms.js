/* Every page's forms, as progressive enhancement (everything works without it):
   - after a submit with problems, focus moves to the error summary, so a screen reader hears
     what is wrong first and a keyboard user is taken to it;
   - on the nomination form, the group-award section shows only when a group award is chosen,
     and the one-person section only when it is not. */
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
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
