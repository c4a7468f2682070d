// Busy state for every form: once a form is submitted, its submit buttons are disabled, the
// form is marked aria-busy and the button pressed reads "Working…", so a slow answer is
// visible and a second click cannot send the form twice. Our own code (no CDN, no library).
//
// - The pressed button's name and value still travel with the form (disabled buttons are not
//   submitted, so a hidden copy is added).
// - A form whose submit another handler cancelled (a declined data-confirm) stays as it was.
// - A form marked data-busy="off" (one that answers with a download and stays on the page)
//   is left alone.
// - Coming back with the browser's Back button (bfcache) gives the buttons back.
(() => {
  const WORKING = "Working…";

  const restore = (form) => {
    form.removeAttribute("aria-busy");
    delete form.dataset.submitting;
    form.querySelectorAll("[data-busy-copy]").forEach((input) => input.remove());
    form.querySelectorAll("[data-busy-label]").forEach((button) => {
      button.textContent = button.dataset.busyLabel;
      delete button.dataset.busyLabel;
    });
    form.querySelectorAll("[data-busy-disabled]").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
    });
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.busy === "off") return;
    if (form.dataset.submitting) {
      event.preventDefault(); // the first submission is on its way
      return;
    }
    if (event.defaultPrevented) return;
    const submitter = event.submitter;
    if (submitter && submitter.name) {
      const copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.setAttribute("data-busy-copy", "");
      form.appendChild(copy);
    }
    form.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");
    const buttons = form.querySelectorAll("button:not([type=button]):not([type=reset]), input[type=submit]");
    buttons.forEach((button) => {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("data-busy-disabled", "");
    });
    if (submitter && submitter.tagName === "BUTTON") {
      submitter.dataset.busyLabel = submitter.textContent;
      submitter.textContent = WORKING;
    }
  });

  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("form[aria-busy]").forEach(restore);
  });
})();
