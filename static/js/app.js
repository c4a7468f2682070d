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
  // An error summary's link goes to its field, and the field's question comes into view with
  // it: left to the browser, the field would land at the very top of the window with its
  // label (or the legend of its group) scrolled out of sight above.
  document.querySelectorAll(".error-summary").forEach((box) => {
    box.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target || !target.matches("input, select, textarea")) return;
      event.preventDefault();
      const fieldset = target.closest("fieldset");
      const label = (fieldset && fieldset.querySelector("legend"))
        || document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
      // A label placed after its control (a single checkbox) is in view with the control.
      const anchor = target.closest(".field") || label || target;
      anchor.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  });
  // A table (or an example file) wider than its box scrolls sideways. Such a box must take
  // keyboard focus so that it can be scrolled without a mouse, and be named for screen
  // readers (axe: scrollable-region-focusable). Boxes that fit are left out of the Tab order.
  const regionName = (box) => {
    const caption = box.querySelector("caption");
    return box.dataset.scrollLabel || (caption && caption.textContent.trim()) || "Scrolling table";
  };
  const markScrollable = () => {
    document.querySelectorAll(".table-wrap, pre").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", regionName(box));
        box.dataset.scrollRegion = "";
      } else if (!scrolls && "scrollRegion" in box.dataset) {
        ["tabindex", "role", "aria-label", "data-scroll-region"].forEach((name) => box.removeAttribute(name));
      }
    });
  };
  markScrollable();
  let resizing = false;
  window.addEventListener("resize", () => {
    if (resizing) return;
    resizing = true; // once a frame, however many resize events come
    window.requestAnimationFrame(() => {
      resizing = false;
      markScrollable();
    });
  });
  // A table inside a closed <details> has no width until it opens (toggle does not bubble).
  document.addEventListener("toggle", markScrollable, true);
  // Confirm destructive actions declared with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
