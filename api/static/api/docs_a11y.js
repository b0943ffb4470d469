// Swagger UI draws its widgets after load and again as operations open: give the ones it
// leaves unlabelled a name, and its scrolling code examples a keyboard stop (WCAG 2.1.1, 4.1.2).
(function () {
  function mend(root) {
    root.querySelectorAll(".highlight-code pre:not([tabindex])").forEach((pre) => {
      pre.setAttribute("tabindex", "0");
    });
    root.querySelectorAll("select:not([aria-label]):not([aria-labelledby])").forEach((select) => {
      const row = select.closest("tr");
      const name = row && row.querySelector(".parameter__name");
      const label = name ? name.textContent.trim() : select.closest(".body-param-content-type, .content-type-wrapper") ? "Content type" : "Value";
      select.setAttribute("aria-label", label.replace(/\*\s*required$/, "").trim());
    });
  }
  const observer = new MutationObserver(() => mend(document));
  observer.observe(document.body, { childList: true, subtree: true });
  mend(document);
})();
