/* Runs first thing in <body>, before it is drawn: tells GOV.UK Frontend's styles that its scripts
   will run (the phone menu is folded behind its button from the start, without a flash). A file,
   not an inline script, because the Content Security Policy allows scripts from this site only. */
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
