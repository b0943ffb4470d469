// A Copy button beside a secret shown in the admin (a webhook endpoint's signing secret): the
// same approach as the API token's page. Without JavaScript the secret is still selectable.
(function () {
  document.querySelectorAll("button[data-copy-target]").forEach((button) => {
    const source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = source.value !== undefined ? source.value : source.textContent;
      try {
        await navigator.clipboard.writeText(text);
      } catch (error) {
        if (source.select) source.select();
        document.execCommand("copy"); // older browsers, or a page not served over HTTPS
      }
      button.textContent = button.dataset.copied;
    });
  });
})();
