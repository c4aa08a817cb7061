// Small behaviour on top of server-rendered pages; every flow also works without it.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});

// The navbar's menus are <details>: they open and close without this. Here a click or the focus
// elsewhere, or Escape, closes an open one too, as people expect of a menu.
function closeMenusOutside(event) {
  for (const menu of document.querySelectorAll("details.nav-menu[open]")) {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  }
}
document.addEventListener("click", closeMenusOutside);
document.addEventListener("focusin", (event) => {
  // Only focus moved by the keyboard: a press of the mouse focuses before its click, and closing a
  // menu then (in the phone's navbar, where menus open in place) would move the click's target.
  if (event.target.matches(":focus-visible")) {
    closeMenusOutside(event);
  }
});
window.addEventListener(
  "keydown",
  (event) => {
    const menu = event.target.closest?.("details.nav-menu");
    if (menu && ["Escape", "ArrowUp", "ArrowDown"].includes(event.key)) {
      // Bootstrap's dropdown script takes these keys in any .dropdown-menu for a menu of its own, and
      // fails on ours: they stop here, before its listener on the document (capturing too) runs.
      event.stopPropagation();
    }
    if (event.key === "Escape") {
      for (const openMenu of document.querySelectorAll("details.nav-menu[open]")) {
        openMenu.open = false;
      }
      menu?.querySelector("summary").focus();
    }
  },
  true,
);

// On wide screens a list's filters are always shown (portal.css); a browser that can't show a closed
// <details>' content gets them open instead.
if (!CSS.supports("selector(::details-content)") && matchMedia("(min-width: 992px)").matches) {
  for (const filters of document.querySelectorAll("details.filter-fold")) {
    filters.open = true;
  }
}
