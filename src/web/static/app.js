// Progressive enhancement only: every page works without this file.
/* global document, HTMLInputElement, HTMLSelectElement */
'use strict';

// Filters apply as soon as they change, instead of waiting for the Search button.
document.querySelectorAll('form[data-autosubmit]').forEach((form) => {
  form.addEventListener('change', (event) => {
    const target = event.target;
    // Dates are left out: a half-typed date would submit before the reader finishes it.
    if (
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLInputElement && target.type === 'checkbox')
    ) {
      form.requestSubmit();
    }
  });
});

// "/" focuses the search box, as on most sites with search; ignored while typing in a field.
document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  const active = document.activeElement;
  if (active && (active.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName)))
    return;
  const box = document.querySelector('input[data-hotkey="/"]');
  if (box instanceof HTMLInputElement) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
