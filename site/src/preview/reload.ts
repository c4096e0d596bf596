/**
 * The admin posts { type: 'strapiUpdate' } to the preview frame when the editor saves: the preview
 * reloads to show the saved version. Messages from any other origin are ignored.
 */
const banner = document.querySelector<HTMLElement>('[data-admin-origin]');
const adminOrigin = banner?.dataset.adminOrigin;

window.addEventListener('message', (event: MessageEvent) => {
  if (!adminOrigin || event.origin !== adminOrigin) return;
  if ((event.data as { type?: unknown } | null)?.type === 'strapiUpdate') window.location.reload();
});
