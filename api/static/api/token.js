// The new API token's Copy button (the secret is shown once; see api/admin.py).
(function () {
  const input = document.getElementById("api-token-secret");
  const button = document.getElementById("api-token-copy");
  if (!input || !button) return;
  input.addEventListener("focus", () => input.select());
  button.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch (error) {
      document.execCommand("copy"); // older browsers, or a page not served over HTTPS
    }
    button.textContent = button.dataset.copied;
  });
})();
