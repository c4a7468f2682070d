// Accessibility repairs for the Django admin's own widgets (templates/admin/base_site.html
// loads this on every admin page). Each fixes what axe-core reports as serious or critical;
// the widgets are Django's, so they are mended in the page rather than forked.
//
// - Autocomplete fields (select2, e.g. a mentor profile's user): the combobox and the textbox
//   showing its value are named only by that value, so an empty one has no name (axe:
//   aria-input-field-name). They are labelled by the field's label (and then the value).
// - Filter-horizontal boxes (a qualification type's awarding bodies and prerequisites): the
//   magnifier icon is a span with aria-label and no role (axe: aria-prohibited-attr). It is
//   an image with a text alternative.
// - Tabular inlines (a clinic's memberships): the delete checkbox has no label (axe: label).
//   It is named after the row it deletes.
// - The changelist's search box is labelled by a magnifier image only, so with a help text
//   (the audit events' list) axe finds no text label beside the description (axe:
//   label-title-only). It is named by that image's text alternative, "Search".
//
// The widgets are built by Django's scripts at load time and again when a row is added, so
// the repairs run whenever the page changes.
(() => {
  const labelOf = (control) => {
    const label = control.id && document.querySelector(`label[for="${CSS.escape(control.id)}"]`);
    if (label && !label.id) label.id = `${control.id}_label`;
    return label;
  };

  const repair = () => {
    document.querySelectorAll(".select2-selection[role=combobox]").forEach((combobox) => {
      if (combobox.dataset.a11yNamed) return;
      const container = combobox.closest(".select2-container");
      const select = container && container.previousElementSibling;
      const label = select && select.tagName === "SELECT" && labelOf(select);
      if (!label) return;
      const value = combobox.getAttribute("aria-labelledby");
      combobox.setAttribute("aria-labelledby", value ? `${label.id} ${value}` : label.id);
      // The read-only textbox inside that shows the value needs a name of its own.
      const shown = combobox.querySelector(".select2-selection__rendered[role=textbox]");
      if (shown) shown.setAttribute("aria-labelledby", label.id);
      combobox.dataset.a11yNamed = "true";
    });
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
    document.querySelectorAll("td.delete input[type=checkbox]").forEach((checkbox) => {
      if (checkbox.labels.length || checkbox.hasAttribute("aria-label")) return;
      const row = checkbox.closest("tr");
      const original = row && row.querySelector("td.original p");
      const what = original ? original.textContent.trim() : "";
      checkbox.setAttribute("aria-label", what ? `Delete ${what}` : "Delete this row");
    });
    const search = document.getElementById("searchbar");
    const icon = search && search.labels.length && search.labels[0].querySelector("img[alt]");
    if (icon && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", icon.alt);
  };

  const start = () => {
    repair();
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
