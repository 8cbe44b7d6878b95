// "Copy BibTeX" on paper pages. Without JavaScript the button stays hidden and the entry is still there to
// select, download or open as a .bib file.
/* global document, navigator, window */
'use strict';

document.querySelectorAll('button[data-copy-target]').forEach((button) => {
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source) return;
  const status = button.parentElement && button.parentElement.querySelector('.copy-status');
  const say = (message) => {
    if (status) status.textContent = message;
  };
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      // Only secure pages (https, localhost) have the clipboard API.
      await navigator.clipboard.writeText(source.textContent);
      say('Copied to the clipboard.');
    } catch {
      // Select the entry so one keystroke copies it.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  });
});
