// Disclosure menus (<details class="account-menu">): Escape closes the menu and puts
// focus back on its button; a click elsewhere closes it. Without JavaScript the
// native <details> still opens and closes.
(function () {
  "use strict";
  function closeMenu(menu, focusSummary) {
    if (!menu.open) return;
    menu.open = false;
    if (focusSummary) menu.querySelector("summary").focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      closeMenu(menu, menu.contains(document.activeElement));
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.account-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) closeMenu(menu, false);
    });
  });
})();
