// Small progressive enhancements; every page works without JavaScript.
// Loaded without defer (see base.html): only this line runs before the page is parsed; put
// anything that touches the DOM inside the DOMContentLoaded handler below.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // The mobile menu: open without JavaScript, a disclosure button with it.
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("primary-nav");
  if (toggle && nav) {
    const setOpen = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    };
    toggle.addEventListener("click", () => {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives focus back to its button.
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }
  // Move focus to the error summary so screen-reader users hear what went wrong.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  // Confirm destructive actions declared with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
