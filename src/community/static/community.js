// Progressive enhancement for community forms; without this file every form still works as a plain POST.
/* global document, window, fetch, FormData, URLSearchParams, HTMLFormElement, Element */
'use strict';

// Upvotes update in place: the form posts with fetch (its hidden _csrf field included) and the button
// shows the new state. Any failure falls back to submitting the form normally.
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upvote')) return;
  event.preventDefault();
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const result = await response.json();
    form.classList.toggle('voted', result.voted);
    if (button) {
      button.setAttribute('aria-pressed', String(result.voted));
      button.title = result.voted ? 'Remove your upvote' : 'Upvote';
    }
    const count = form.querySelector('.vote-number');
    if (count) count.textContent = String(result.upvotes);
  } catch {
    form.submit();
  } finally {
    if (button) button.disabled = false;
  }
});

// Confirmation for destructive buttons (delete a comment or a collection); the server needs none.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-confirm]') : null;
  if (button && !window.confirm(button.getAttribute('data-confirm') ?? 'Are you sure?'))
    event.preventDefault();
});
